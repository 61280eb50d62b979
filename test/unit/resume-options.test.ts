/** What a resume (crawl without URLs) takes from the last run's options, and what the flags given now change. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, DEFAULT_USER_AGENT, type CrawlConfig } from '../../src/config/schema.js';
import { configFromFlags, type CrawlFlags } from '../../src/config/load.js';
import { mergeJob } from '../../src/config/load-job.js';
import { describeResume, planResume, refuseMissingSecrets, type StoredRun } from '../../src/config/resume-options.js';
import { continueHint, resumeArgs } from '../../src/config/continue-hint.js';
import { maskHeaders } from '../../src/config/request-headers.js';
import { redactProxyConfig, resolveProxy } from '../../src/config/proxy.js';
import { productToken } from '../../src/fetch/robots-matcher.js';

/** A run's options as crawl.ts records them: the config, header values masked, proxy redacted. */
function recorded(config: CrawlConfig): string {
  return JSON.stringify({ ...config, fetch: { ...config.fetch, headers: maskHeaders(config.fetch.headers), proxy: redactProxyConfig(config.fetch.proxy) } });
}

function lastRun(flags: CrawlFlags, extra: Partial<StoredRun> = {}): StoredRun {
  return { id: 3, options: recorded(configFromFlags(flags)), job: null, jobFile: null, ...extra };
}

function resume(run: StoredRun, flags: CrawlFlags = {}): CrawlConfig {
  return configFromFlags(flags, mergeJob(defaultConfig(), planResume(run, 'data/x.db').job));
}

const SEEDS = ['https://a.example/', 'https://b.example/docs/'];

test('seeds and what defines the crawl carry over', () => {
  const config = resume(lastRun({
    urls: SEEDS, scope: 'prefix', include: ['/docs/'], exclude: ['\\?page='], followNofollow: true, maxDepth: 4, userAgent: 'mybot/1.0',
    insecure: true, cookies: false, storeNonHtml: true, archive: true, sitemaps: true, delay: 2, perHost: 2, maxQueryVariants: 40,
  }));
  assert.deepEqual(config.seeds, SEEDS);
  assert.deepEqual(config.scope, { mode: 'prefix', include: ['/docs/'], exclude: ['\\?page='], followNofollow: true });
  assert.equal(config.maxDepth, 4);
  assert.equal(config.fetch.userAgent, 'mybot/1.0');
  assert.equal(config.fetch.insecure, true);
  assert.equal(config.fetch.cookies, false);
  assert.equal(config.parse.storeNonHtml, true);
  assert.equal(config.archive, true);
  assert.equal(config.sitemaps, true);
  assert.equal(config.fetch.politeness?.delayMs, 2000);
  assert.equal(config.fetch.perHost, 2);
  assert.equal(config.traps?.maxQueriesPerPath, 40);
});

test('per-run limits, one-off actions, --workers and --db do not carry over', () => {
  const config = resume(lastRun({ urls: SEEDS, maxPages: 10, maxTime: '10m', maxDbSize: '1GB', recrawl: true, retryFailed: true, workers: 0, db: 'elsewhere.db' }));
  assert.equal(config.maxPages, null);
  assert.equal(config.maxTimeMs, null);
  assert.equal(config.store.maxDbBytes, undefined);
  assert.equal(config.recrawl, false);
  assert.equal(config.retryFailed, false);
  assert.equal(config.parse.workers, defaultConfig().parse.workers);
  assert.equal(config.dbPath, defaultConfig().dbPath, 'the --db given now (here the default), not the recorded path');
});

test('flags given now override the stored options; lists are replaced', () => {
  const run = lastRun({ urls: SEEDS, scope: 'prefix', exclude: ['/a'], maxDepth: 4, insecure: true, followNofollow: true });
  const config = resume(run, { scope: 'host', exclude: ['/b'], maxDepth: '1', insecure: false, followNofollow: false, maxPages: '5', retryFailed: true });
  assert.equal(config.scope.mode, 'host');
  assert.deepEqual(config.scope.exclude, ['/b']);
  assert.equal(config.maxDepth, 1);
  assert.equal(config.fetch.insecure, false);
  assert.equal(config.scope.followNofollow, false);
  assert.equal(config.maxPages, 5);
  assert.equal(config.retryFailed, true);
});

test('the --no- forms drop what carried over: no depth limit, no patterns, the default User-Agent, no delay, no switch', () => {
  const run = lastRun({
    urls: SEEDS, maxDepth: 4, include: ['/docs/'], exclude: ['\\?page='], userAgent: 'mybot/1.0', delay: 2,
    sitemaps: true, archive: true, insecure: true, storeNonHtml: true, followNofollow: true, ignoreRobots: true, cookies: false,
  });
  const config = resume(run, {
    maxDepth: false, include: [false], exclude: [false], userAgent: false, delay: false,
    sitemaps: false, archive: false, insecure: false, storeNonHtml: false, followNofollow: false, ignoreRobots: false, cookies: true,
  });
  assert.equal(config.maxDepth, null);
  assert.deepEqual([config.scope.include, config.scope.exclude], [[], []]);
  assert.equal(config.fetch.userAgent, DEFAULT_USER_AGENT);
  assert.equal(config.fetch.politeness?.delayMs, 0);
  assert.deepEqual([config.sitemaps, config.archive, config.fetch.insecure, config.parse.storeNonHtml, config.scope.followNofollow], [false, false, false, false, false]);
  assert.deepEqual([config.fetch.politeness?.ignoreRobots, config.fetch.cookies], [false, true]);
  assert.throws(() => resume(run, { maxDepth: 'none' }), { code: 'CRAWL_USAGE', message: "invalid --max-depth 'none': expected a whole number >= 0 (--no-max-depth for no limit)" });
});

test('the default User-Agent of the version that ran is not pinned: a newer crawlite sends its own', () => {
  const run = lastRun({ urls: SEEDS });
  const old = { ...run, options: run.options.replace(DEFAULT_USER_AGENT, 'crawlite/0.1.0 (+https://github.com/crawlite/crawlite)') };
  assert.equal(resume(old).fetch.userAgent, DEFAULT_USER_AGENT);
});

test('the default User-Agent on a resume: the same string from the same crawlite; from another, robots.txt still names it crawlite', () => {
  assert.equal(resume(lastRun({ urls: SEEDS })).fetch.userAgent, DEFAULT_USER_AGENT, 'same version: byte for byte what the run sent');
  // What robots.txt groups, X-Robots-Tag and <meta name> are matched by: not the version.
  const old = 'crawlite/0.1.0 (+https://github.com/crawlite/crawlite)';
  assert.equal(productToken(old), 'crawlite');
  assert.equal(productToken(DEFAULT_USER_AGENT), 'crawlite');
});

test('extraction fields carry over, "text" (attr null) included', () => {
  const base = defaultConfig();
  const config: CrawlConfig = { ...base, seeds: SEEDS, parse: { ...base.parse, fields: { price: { selector: '.price', attr: null, many: false }, links: { selector: 'a', attr: 'href', many: true } } } };
  assert.deepEqual(resume({ id: 1, options: recorded(config), job: null, jobFile: null }).parse.fields, config.parse.fields);
});

test('header values are not stored: the resume is refused unless each name is given again, any case', () => {
  const run = lastRun({ urls: SEEDS, header: ['Authorization: Bearer t', 'Cookie: a=b'] });
  const plan = planResume(run, 'data/x.db');
  assert.deepEqual(plan.headerNames, ['Authorization', 'Cookie']);
  assert.deepEqual(resume(run).fetch.headers, {}, 'no masked value is ever sent');
  assert.throws(() => refuseMissingSecrets(plan, run, {}), {
    code: 'CRAWL_USAGE',
    message: 'run 3 sent the headers Authorization, Cookie, whose values are not stored: give them again to continue its crawl (-H "Authorization: ..." -H "Cookie: ...")',
  });
  assert.throws(() => refuseMissingSecrets(plan, { ...run, jobFile: 'config/x.yaml' }, { header: ['cookie: a=b'] }), {
    message: 'run 3 sent the header Authorization, whose value is not stored: give it again to continue its crawl (-H "Authorization: ..."), or run its job again with --config config/x.yaml',
  });
  refuseMissingSecrets(plan, run, { header: ['authorization: Bearer u', 'COOKIE: c=d'] });
  assert.deepEqual(resume(run, { header: ['Authorization: Bearer u'] }).fetch.headers, { Authorization: 'Bearer u' });
});

test('a --proxy carries over without credentials; with them the resume asks for --proxy (or --no-proxy); the environment\'s is not pinned', () => {
  const plain = lastRun({ urls: SEEDS, proxy: 'http://proxy.example:3128' });
  assert.equal(resume(plain, { proxy: undefined }).fetch.proxy?.http, 'http://proxy.example:3128');
  const secret = lastRun({ urls: SEEDS, proxy: 'http://user:pw@proxy.example:3128' });
  const plan = planResume(secret, 'data/x.db');
  assert.throws(() => refuseMissingSecrets(plan, secret, {}), { code: 'CRAWL_USAGE', message: /^run 3 went through the proxy http:\/\/user:\*\*\*@proxy\.example:3128, whose credentials are not stored: give --proxy again \(or --no-proxy\)/ });
  refuseMissingSecrets(plan, secret, { proxy: false });
  const base = defaultConfig();
  const fromEnv: CrawlConfig = { ...base, seeds: SEEDS, fetch: { ...base.fetch, proxy: resolveProxy(undefined, '--proxy', { http_proxy: 'http://env.example:8080' }) } };
  const envPlan = planResume({ id: 1, options: recorded(fromEnv), job: null, jobFile: null }, 'x.db');
  assert.equal(envPlan.job.fetch?.proxy, undefined);
  assert.equal(envPlan.redactedProxy, null);
});

test('resumeArgs, for the summary\'s continuing command, asks for exactly what a resume refuses to go on without', () => {
  const base = defaultConfig();
  const envSecret: CrawlConfig = { ...base, seeds: SEEDS, fetch: { ...base.fetch, proxy: resolveProxy(undefined, '--proxy', { http_proxy: 'http://u:pw@env.example:8080' }) } };
  const cases: Array<[string, CrawlConfig, string[]]> = [
    ['no secret', configFromFlags({ urls: SEEDS }), []],
    ['headers', configFromFlags({ urls: SEEDS, header: ['Authorization: Bearer t', 'X-Key: k'] }), ['-H', '"Authorization: ..."', '-H', '"X-Key: ..."']],
    ['a --proxy with a password', configFromFlags({ urls: SEEDS, proxy: 'http://user:pw@proxy.example:3128' }), ['--proxy', '<url>']],
    ['a --proxy without one', configFromFlags({ urls: SEEDS, proxy: 'http://proxy.example:3128' }), []],
    ['the environment\'s proxy, with a password', envSecret, []],
  ];
  for (const [what, config, args] of cases) {
    assert.deepEqual(resumeArgs(config), args, what);
    const run: StoredRun = { id: 3, options: recorded(config), job: null, jobFile: null };
    const plan = planResume(run, 'data/x.db');
    // As the user fills the placeholders in: each -H with a value, --proxy with a URL.
    const header = args.flatMap((arg, i) => (args[i - 1] === '-H' ? [arg.slice(1, -1).replace('...', 'v')] : []));
    const flags = { header, ...(args.includes('--proxy') ? { proxy: 'http://user:pw@proxy.example:3128' } : {}) };
    refuseMissingSecrets(plan, run, flags);
    if (args.length > 0) assert.throws(() => refuseMissingSecrets(plan, run, {}), { code: 'CRAWL_USAGE' }, `${what}: refused without them`);
  }
});

test('continueHint: secrets a job file holds make the continuing command the job again; typed ones stay placeholders', () => {
  const fromFile = (fetch: Record<string, unknown>) => mergeJob(defaultConfig(), { seeds: SEEDS, fetch } as never);
  const job = 'config/x.yaml';
  const fileHeaders = fromFile({ headers: { Authorization: 'Bearer t', 'X-Key': 'k' } });
  assert.deepEqual(continueHint(configFromFlags({}, fileHeaders), job, []), { args: [], rerunJob: { file: job, holds: 'header values', lifted: [] }, limits: { maxPages: null, maxTimeMs: null, maxDbBytes: null } });
  assert.deepEqual(continueHint(configFromFlags({ header: ['X-Typed: v'] }, fileHeaders), job, ['X-Typed']),
    { args: ['-H', '"X-Typed: ..."'], rerunJob: { file: job, holds: 'header values', lifted: [] }, limits: { maxPages: null, maxTimeMs: null, maxDbBytes: null } }, 'a typed one beside them');
  assert.deepEqual(continueHint(configFromFlags({ header: ['authorization: u', 'x-key: w'] }, fileHeaders), job, ['authorization', 'x-key']),
    { args: ['-H', '"authorization: ..."', '-H', '"x-key: ..."'], rerunJob: null, limits: { maxPages: null, maxTimeMs: null, maxDbBytes: null } }, 'every file header replaced by a typed one: crawl --db');
  const fileProxy = fromFile({ proxy: 'http://user:pw@proxy.example:3128' });
  assert.deepEqual(continueHint(configFromFlags({}, fileProxy), job, []), { args: [], rerunJob: { file: job, holds: 'proxy password', lifted: [] }, limits: { maxPages: null, maxTimeMs: null, maxDbBytes: null } });
  assert.deepEqual(continueHint(configFromFlags({ proxy: 'http://u:p@other.example:8080' }, fileHeaders), job, []),
    { args: ['--proxy', '<url>'], rerunJob: { file: job, holds: 'header values', lifted: [] }, limits: { maxPages: null, maxTimeMs: null, maxDbBytes: null } });
  assert.deepEqual(continueHint(configFromFlags({}, fromFile({ timeoutMs: 5000 })), job, []), { args: [], rerunJob: null, limits: { maxPages: null, maxTimeMs: null, maxDbBytes: null } }, 'no secret: crawl --db');
  const typed = configFromFlags({ urls: SEEDS, header: ['Cookie: a=b'] });
  assert.deepEqual(continueHint(typed, null, ['Cookie']), { args: resumeArgs(typed), rerunJob: null, limits: { maxPages: null, maxTimeMs: null, maxDbBytes: null } }, 'no job file: as before');
});

test('options that cannot be continued: one UsageError naming the run and the problem', () => {
  const run = (options: string): StoredRun => ({ id: 7, options, job: null, jobFile: null });
  const cases: Array<[string, RegExp]> = [
    ['not json', /run 7's options cannot be continued \(runs\.options is not JSON\)/],
    ['[1]', /\(runs\.options is not a JSON object\)/],
    ['{"bench":"frontier","urls":100}', /\(they hold no seeds\)/],
    ['{"seeds":[]}', /\(they hold no seeds\)/],
    ['{"seeds":["ftp://x/"]}', /\(seeds\[0\]: expected an absolute http:\/\/ or https:\/\/ URL, got 'ftp:\/\/x\/'\)/],
    ['{"seeds":["https://a.example/"],"fetch":{"timeoutMs":"soon"}}', /\(fetch\.timeoutMs: expected a whole number/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => planResume(run(options), 'data/x.db'), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CRAWL_CONFIG_INVALID');
      assert.match(err.message, /^data\/x\.db: run 7's options cannot be continued \(.*\); name the seeds to crawl, e\.g\. crawlite crawl https:\/\/example\.org\/ --db data\/x\.db$/);
      assert.match(err.message, message);
      return true;
    }, options);
  }
  // An older run, from before most options existed: what it lacks comes from the defaults.
  assert.equal(resume(run('{"seeds":["https://a.example/"],"maxPages":5,"scope":{"mode":"domain","include":[],"exclude":[]}}')).scope.mode, 'domain');
});

test('the line that says which crawl goes on', () => {
  const run = lastRun({ urls: SEEDS });
  assert.equal(describeResume(run, SEEDS, 'data/x.db', 1234), "crawlite: continuing run 3's crawl of https://a.example/ (+1 more seed) in data/x.db: 1,234 URLs queued");
  assert.equal(describeResume({ ...run, job: 'books' }, ['https://a.example/', 'b', 'c'], 'x.db', 1), "crawlite: continuing run 3's crawl (job books) of https://a.example/ (+2 more seeds) in x.db: 1 URL queued");
});
