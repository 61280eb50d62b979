/**
 * Job files: every kind of mistake is one line naming the file, the key path and what was
 * expected; a valid file lands in the config with defaults < file < flags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { loadCrawlConfig, type JobFlags } from '../../src/config/load-job.js';
import { readJobFile } from '../../src/config/job-file.js';
import { jsonErrorOffset } from '../../src/config/json-error-offset.js';
import { defaultConfig } from '../../src/config/schema.js';
import { resolveProxy } from '../../src/config/proxy.js';
import { tempDir } from '../helpers/config.js';

function jobFile(t: TestContext, name: string, text: string): string {
  const path = join(tempDir(t, 'crawlite-job-'), name);
  writeFileSync(path, text);
  return path;
}

/** The error's message with the temp path replaced by FILE, after checking code and one line. */
function errorOf(fn: () => unknown, path: string): string {
  try {
    fn();
  } catch (err) {
    const e = err as Error & { code?: string };
    assert.equal(e.code, 'CRAWL_CONFIG_INVALID', e.message);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    assert.ok(e.message.startsWith(`${path}: `) || /^:\d+: /.test(e.message.slice(path.length)), e.message);
    return e.message.replace(path, 'FILE');
  }
  assert.fail('expected an error');
}

/** errorOf for loadCrawlConfig, which is async (it imports the job file's reader when a file is given). */
async function errorOfAsync(fn: () => Promise<unknown>, path: string): Promise<string> {
  let thrown: unknown = null;
  await fn().catch((err: unknown) => { thrown = err; });
  if (thrown === null) assert.fail('expected an error');
  return errorOf(() => { throw thrown; }, path);
}

const SEED = 'seeds: [https://example.org/]\n';

const CASES: Array<[what: string, file: string, message: string]> = [
  ['bad enum value', `${SEED}scope:\n  mode: hosts\n`, "FILE:3: scope.mode: expected one of host, domain, prefix, any, got 'hosts'"],
  ['unknown top-level key', `${SEED}maxpages: 3\n`, 'FILE:2: maxpages: unknown key; did you mean maxPages? (known: name, seeds, db, maxPages, maxDepth, maxTimeMs, scope, fetch, parse, store, traps, recrawl, retryFailed, sitemaps, archive, fields)'],
  ['unknown nested key', `${SEED}fetch:\n  timeout: 30\n`, 'FILE:3: fetch.timeout: unknown key; did you mean timeoutMs? (known: concurrency, perHost, userAgent, timeoutMs, maxBodyBytes, maxRedirects, keepAliveMs, headers, insecure, caFile, proxy, cookies, politeness)'],
  ['wrong type', `${SEED}fetch:\n  concurrency: lots\n`, "FILE:3: fetch.concurrency: expected a whole number from 1 to 1024, got 'lots'"],
  ['out of range', `${SEED}fetch:\n  perHost: 0\n`, 'FILE:3: fetch.perHost: expected a whole number from 1 to 1024, got 0'],
  ['not a whole number', `${SEED}maxPages: 2.5\n`, 'FILE:2: maxPages: expected a whole number >= 1 (leave the key out for no limit), got 2.5'],
  ['a limit with its value left out', `${SEED}maxPages:\n`, 'FILE:2: maxPages: expected a whole number >= 1 (leave the key out for no limit), got null'],
  ['slice not a mapping', `${SEED}scope: host\n`, "FILE:2: scope: expected a mapping of scope options (mode, include, exclude, followNofollow), got 'host'"],
  ['bad seed', 'seeds:\n  - https://example.org/\n  - ftp://example.org/\n', "FILE:3: seeds[1]: expected an absolute http:// or https:// URL, got 'ftp://example.org/'"],
  ['seeds not a list', 'seeds: https://example.org/\n', "FILE:1: seeds: expected a list of absolute http(s) URLs, got 'https://example.org/'; a list of one is written [\"https://example.org/\"]"],
  ['bad regex', `${SEED}scope:\n  exclude: ["(unclosed"]\n`, "FILE:3: scope.exclude[0]: expected a valid regular expression, got '(unclosed'"],
  ['exponential regex', `${SEED}scope:\n  include: ["(?!x)(a+)+b"]\n`, "FILE:3: scope.include[0]: a repeated group that itself repeats, with a back-reference or lookaround, can take exponential time on a long URL; rewrite it without one of the two, got '(?!x)(a+)+b'"],
  ['bad size', `${SEED}fetch:\n  maxBodyBytes: 12 parsecs\n`, "FILE:3: fetch.maxBodyBytes: expected a size from 1KB to 2GB, e.g. 10MB, got '12 parsecs'"],
  ['bad selector', `${SEED}fields:\n  price: "a["\n`, "FILE:3: fields.price.selector: expected a valid CSS selector, got 'a['"],
  ['field not a selector', `${SEED}fields:\n  price: 3\n`, 'FILE:3: fields.price: expected a CSS selector, or { selector, attr?, many? }, got 3'],
  ['retryFailed not a boolean', `${SEED}retryFailed: yes please\n`, "FILE:2: retryFailed: expected true or false, got 'yes please'"],
  ['bad field option', `${SEED}fields:\n  price: { selector: .p, many: 3 }\n`, 'FILE:3: fields.price.many: expected true or false, got 3'],
  ['unknown field option', `${SEED}fields:\n  price: { selector: .p, text: true }\n`, 'FILE:3: fields.price.text: unknown key (known: selector, attr, many)'],
  ['misspelt required key', `${SEED}fields:\n  price: { select: .p }\n`, 'FILE:3: fields.price.select: unknown key; did you mean selector? (known: selector, attr, many) (and 1 more problem)'],
  ['bad field name', `${SEED}fields:\n  "my price": .p\n`, "FILE:3: fields.my price: expected field names of letters, digits, _ and - (starting with a letter or _), got 'my price'"],
  ['userAgent with a newline', `${SEED}fetch:\n  userAgent: "bot\\nv2"\n`, "FILE:3: fetch.userAgent: expected a User-Agent of printable ASCII or Latin-1 characters (no newline, tab or other control character), got 'bot\\nv2'"],
  ['userAgent with a control character', `${SEED}fetch: { userAgent: "bot\\a" }\n`, "FILE:2: fetch.userAgent: expected a User-Agent of printable ASCII or Latin-1 characters (no newline, tab or other control character), got 'bot\\u0007'"],
  ['userAgent beyond Latin-1', `${SEED}fetch: { userAgent: "bot 日本" }\n`, "FILE:2: fetch.userAgent: expected a User-Agent of printable ASCII or Latin-1 characters (no newline, tab or other control character), got 'bot 日本'"],
  // fetch.proxy: named like every other key, never showing the password.
  ['SOCKS proxy', `${SEED}fetch: { proxy: "socks5://u:secret@p:1080" }\n`, "FILE:2: fetch.proxy: expected an HTTP or HTTPS proxy (SOCKS proxies are not supported), got 'socks5://u:***@p:1080'"],
  ['proxy of another scheme', `${SEED}fetch: { proxy: "ftp://p:21" }\n`, "FILE:2: fetch.proxy: expected an http:// or https:// proxy URL, got 'ftp://p:21'"],
  ['proxy not a URL', `${SEED}fetch: { proxy: "http://u:secret@[bad" }\n`, "FILE:2: fetch.proxy: expected a proxy URL such as http://proxy.example:3128, got 'http://***@[bad'"],
  ['proxy % that starts no escape', `${SEED}fetch: { proxy: "http://u:50%off@p:1" }\n`, "FILE:2: fetch.proxy: expected a % in the proxy's user name or password to start an escape (write % as %25), got 'http://u:***@p:1'"],
  ['proxy not a string', `${SEED}fetch: { proxy: true }\n`, 'FILE:2: fetch.proxy: expected a proxy URL such as http://proxy.example:3128, or false for none, got true'],
  ['several problems', `${SEED}maxDepth: -1\nmaxPages: 0\n`, 'FILE:3: maxPages: expected a whole number >= 1 (leave the key out for no limit), got 0 (and 1 more problem)'],
  ['not a mapping', '- https://example.org/\n', "FILE:1: expected a mapping of job options (seeds, scope, fetch, ...), got a list"],
  ['empty file', '# nothing yet\n', 'FILE: the job file is empty; give at least seeds'],
  ['YAML syntax error', `${SEED}scope:\n  mode: [host\nfetch: {}\n`, 'FILE:4: column 1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  // Named as JSON's check names it (yaml's own message, "Map keys must be unique", named no key).
  ['duplicate key', `${SEED}maxPages: 1\nmaxPages: 2\n`, 'FILE:3: the key "maxPages" appears twice in one object'],
  ['duplicate nested key, quoted once', `${SEED}fetch:\n  headers:\n    "X-A": a\n    X-A: b\n`, 'FILE:5: the key "X-A" appears twice in one object'],
  ['duplicate key in a flow mapping', `${SEED}fields: { a: h1, a: h2 }\n`, 'FILE:2: the key "a" appears twice in one object'],
];

for (const [what, text, message] of CASES) {
  test(`job file error: ${what}`, (t) => {
    const path = jobFile(t, 'job.yaml', text);
    assert.equal(errorOf(() => readJobFile(path), path), message);
  });
}

test('job file error: JSON syntax error names the line', (t) => {
  const path = jobFile(t, 'job.json', '{\n  "seeds": ["https://example.org/"],\n}\n');
  assert.equal(errorOf(() => readJobFile(path), path), 'FILE:3: column 1: JSON syntax error: Expected double-quoted property name');
});

test('job file error: an unexpected token, which V8 gives no position for, is named with its line, without the file quoted (QA)', (t) => {
  const cases: Array<[string, string]> = [
    ['x{"seeds": []}\n', '1: column 1: JSON syntax error: Unexpected token \'x\''],
    ['{\n  "seeds": ["https://example.org/"],\n  "maxPages": tru\n}\n', '3: column 18: JSON syntax error: Unexpected "\\n"'],
    ['{\n  "seeds": ["https://example.org/"],\n  "maxPages": 5 oops\n}\n', '3: column 17: JSON syntax error: Expected \',\' or \'}\' after property value'],
    [`{"seeds": ["https://example.org/"], "x": [${'1, '.repeat(40)}nope]}`, `1: column ${42 + 120 + 2}: JSON syntax error: Unexpected token 'o'`],
    ['}', '1: column 1: JSON syntax error: Unexpected token \'}\''],
  ];
  for (const [text, message] of cases) {
    const path = jobFile(t, 'job.json', text);
    assert.equal(errorOf(() => readJobFile(path), path), `FILE:${message}`, JSON.stringify(text));
  }
});

test('jsonErrorOffset: where strict JSON first goes wrong; the end of a valid text; -1 past the stack', () => {
  const valid = '{"a": [1, -0, 2.5e-3, "x\\u00e9\\n", true, false, null, {}, []]}';
  assert.equal(jsonErrorOffset(valid), valid.length);
  assert.equal(jsonErrorOffset('{"a": 01}'), 7);
  assert.equal(jsonErrorOffset('{"a": "\u0001"}'), 7);
  assert.equal(jsonErrorOffset('{"a": 1,}'), 8);
  assert.equal(jsonErrorOffset('  '), 2);
  assert.equal(jsonErrorOffset('['.repeat(200_000)), -1);
});

test('job file error: a key twice in one JSON object is refused, as YAML refuses it, with its line', (t) => {
  const twice = jobFile(t, 'twice.json', '{\n  "seeds": ["https://example.org/"],\n  "maxPages": 2,\n  "maxPages": 1\n}\n');
  assert.equal(errorOf(() => readJobFile(twice), twice), 'FILE:4: the key "maxPages" appears twice in one object');
  // Nested, spelt with an escape, and a value that looks like a key: only keys of one object count.
  const nested = jobFile(t, 'nested.json', '{ "seeds": ["https://example.org/"], "fetch": { "perHost": 1, "per\\u0048ost": 2 } }');
  assert.equal(errorOf(() => readJobFile(nested), nested), 'FILE:1: the key "perHost" appears twice in one object');
  const fine = jobFile(t, 'fine.json', '{ "seeds": ["https://example.org/", "https://example.org/seeds"], "fetch": { "perHost": 1, "headers": { "perHost": "x,\\"}" } }, "name": "fetch" }');
  assert.equal(readJobFile(fine).job.fetch?.perHost, 1);
});

test('job file error: missing, a directory, or not .yaml/.json', (t) => {
  const dir = tempDir(t, 'crawlite-job-');
  const missing = join(dir, 'nope.yaml');
  assert.equal(errorOf(() => readJobFile(missing), missing), 'FILE: cannot read the job file: no such file');
  const folder = join(dir, 'folder.yaml');
  mkdirSync(folder);
  assert.equal(errorOf(() => readJobFile(folder), folder), 'FILE: cannot read the job file: is a directory');
  const toml = join(dir, 'job.toml');
  writeFileSync(toml, 'seeds = []');
  assert.equal(errorOf(() => readJobFile(toml), toml), 'FILE: expected a .yaml, .yml or .json job file');
});

test('job file error: no seeds in the file nor on the command line', async (t) => {
  const path = jobFile(t, 'job.yaml', 'maxPages: 10\n');
  assert.equal(
    await errorOfAsync(() => loadCrawlConfig({ config: path }), path),
    `FILE: seeds: none in the file and none typed: name the URLs to crawl (crawlite crawl https://example.org/ --config ${path}, or -i urls.txt), or add a seeds: list to the file`,
  );
  // Seeds on the command line make the same file valid.
  assert.deepEqual((await loadCrawlConfig({ config: path, urls: ['https://example.org/'] })).config.seeds, ['https://example.org/']);
});

const FULL = `
name: docs
seeds: [https://example.org/docs/, https://example.org/docs/]
db: data/docs.db
maxPages: 50
maxDepth: 3
maxTimeMs: 600000
scope: { mode: prefix, include: ["/docs/"], exclude: ["\\\\?page="] }
fetch: { concurrency: 8, perHost: 2, userAgent: test-agent, timeoutMs: 5000, maxBodyBytes: 2MB, maxRedirects: 3, keepAliveMs: 1000, proxy: 'proxy.example:3128' }
parse: { workers: 1, maxLinksPerPage: 100, taskTimeoutMs: 2000 }
store: { batchSize: 10, flushIntervalMs: 50 }
fields:
  title: h1
  price: { selector: .price, attr: content }
  tags: { selector: .tag, many: true }
`;

test('every option in the file lands in the config; defaults fill the rest', async (t) => {
  const path = jobFile(t, 'docs.yaml', FULL);
  const { config, job } = await loadCrawlConfig({ config: path });
  const base = defaultConfig();
  assert.equal(job?.name, 'docs');
  assert.deepEqual(config.seeds, ['https://example.org/docs/']);
  // Relative to the current directory; the file is outside it (a temp folder), so the path is made absolute.
  assert.equal(config.dbPath, resolve('data/docs.db'));
  assert.equal(config.maxPages, 50);
  assert.equal(config.maxDepth, 3);
  assert.equal(config.maxTimeMs, 600_000);
  assert.deepEqual(config.scope, { ...base.scope, mode: 'prefix', include: ['/docs/'], exclude: ['\\?page='] });
  assert.deepEqual(config.fetch, {
    ...base.fetch, concurrency: 8, perHost: 2, userAgent: 'test-agent', timeoutMs: 5000, maxBodyBytes: 2 * 1024 * 1024, maxRedirects: 3, keepAliveMs: 1000,
    proxy: resolveProxy('http://proxy.example:3128', 'fetch.proxy'),
  });
  assert.deepEqual(config.store, { batchSize: 10, flushIntervalMs: 50 });
  assert.deepEqual(config.parse, {
    ...base.parse, workers: 1, maxLinksPerPage: 100, taskTimeoutMs: 2000,
    fields: {
      title: { selector: 'h1', attr: null, many: false },
      price: { selector: '.price', attr: 'content', many: false },
      tags: { selector: '.tag', attr: null, many: true },
    },
  });
});

test('a small file keeps the defaults; the job is named after the file', async (t) => {
  const path = jobFile(t, 'tiny.json', '{ "seeds": ["https://example.org/"], "fetch": { "perHost": 1 } }');
  const { config, job } = await loadCrawlConfig({ config: path });
  const base = defaultConfig();
  assert.equal(job?.name, 'tiny');
  // No fetch.proxy: the environment's (none on most machines), as for a crawl without a file.
  assert.deepEqual(config.fetch, { ...base.fetch, perHost: 1, proxy: resolveProxy(undefined, '--proxy') });
  assert.deepEqual(config.scope, base.scope);
  assert.equal(config.dbPath, base.dbPath);
  assert.equal(config.parse.fields, undefined);
});

test('flags override the file; flags not given do not', async (t) => {
  const path = jobFile(t, 'docs.yaml', FULL);
  const flags: JobFlags = {
    config: path, urls: ['https://other.example/'], maxPages: '7', concurrency: '3', scope: 'host', exclude: ['x'], db: 'other.db',
  };
  const { config } = await loadCrawlConfig(flags);
  assert.deepEqual(config.seeds, ['https://other.example/']);
  assert.equal(config.maxPages, 7);
  assert.equal(config.fetch.concurrency, 3);
  assert.equal(config.scope.mode, 'host');
  assert.deepEqual(config.scope.exclude, ['x']);
  assert.deepEqual(config.scope.include, ['/docs/'], 'not given on the command line: from the file');
  assert.equal(config.dbPath, 'other.db');
  assert.equal(config.maxDepth, 3);
  assert.equal(config.fetch.perHost, 2);
  assert.equal(config.fetch.userAgent, 'test-agent');
  assert.equal(config.fetch.timeoutMs, 5000);
  assert.equal(config.parse.workers, 1);
});

test('traps from the file reach the config; --max-query-variants overrides traps.maxQueriesPerPath', async (t) => {
  const path = jobFile(t, 'traps.yaml', 'seeds: [https://example.org/]\ntraps: { maxQueriesPerPath: 40, maxPathDepth: 12 }\n');
  const base = defaultConfig();
  assert.deepEqual((await loadCrawlConfig({ config: path })).config.traps, { ...base.traps, maxQueriesPerPath: 40, maxPathDepth: 12 });
  assert.deepEqual((await loadCrawlConfig({ config: path, maxQueryVariants: '2000' })).config.traps, { ...base.traps, maxQueriesPerPath: 2000, maxPathDepth: 12 });
  assert.equal((await loadCrawlConfig({ urls: ['https://example.org/'], maxQueryVariants: 7 })).config.traps?.maxQueriesPerPath, 7);
  assert.deepEqual((await loadCrawlConfig({ urls: ['https://example.org/'] })).config.traps, base.traps);
  await assert.rejects(async () => loadCrawlConfig({ urls: ['https://example.org/'], maxQueryVariants: '0' }), { code: 'CRAWL_USAGE', message: /invalid --max-query-variants '0'/ });
});

test('a bad flag still names the flag, even with a job file', async (t) => {
  const path = jobFile(t, 'docs.yaml', FULL);
  await assert.rejects(async () => loadCrawlConfig({ config: path, maxPages: 'lots' }), { code: 'CRAWL_USAGE', message: /invalid --max-pages 'lots'/ });
});

test('retryFailed in the file sets the option; --retry-failed on the command line, or --no-retry-failed, overrides it', async (t) => {
  assert.equal((await loadCrawlConfig({ urls: ['https://example.org/'] })).config.retryFailed, false, 'off by default');
  const on = jobFile(t, 'retry.yaml', `${SEED}retryFailed: true\n`);
  assert.equal((await loadCrawlConfig({ config: on })).config.retryFailed, true);
  assert.equal((await loadCrawlConfig({ config: on, retryFailed: false })).config.retryFailed, false);
  const off = jobFile(t, 'plain.json', '{ "seeds": ["https://example.org/"] }');
  assert.equal((await loadCrawlConfig({ config: off })).config.retryFailed, false);
  assert.equal((await loadCrawlConfig({ config: off, retryFailed: true })).config.retryFailed, true);
});

test('--user-agent with a newline or control character is a one-line usage error; Latin-1 is fine', async () => {
  for (const [ua, shown] of [['bot\nv2', 'bot\\nv2'], ['bot\r\nX-Evil: 1', 'bot\\r\\nX-Evil: 1'], ['a\u0000b', 'a\\u0000b'], ['a\tb', 'a\\tb']]) {
    await assert.rejects(async () => loadCrawlConfig({ urls: ['https://example.org/'], userAgent: ua }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CRAWL_USAGE');
      assert.equal(err.message, `invalid --user-agent '${shown}': expected printable ASCII or Latin-1 characters (no newline, tab or other control character)`);
      return true;
    });
  }
  assert.equal((await loadCrawlConfig({ urls: ['https://example.org/'], userAgent: ' crawlite-café/1.0\n' })).config.fetch.userAgent, 'crawlite-café/1.0');
});

test('job file error: a YAML alias bomb is a config error naming the file, not a crash', (t) => {
  const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
  const levels = keys.map((k, i) => `${k}: &${k} [${Array(9).fill(i === 0 ? 'x' : `*${keys[i - 1]}`).join(',')}]`);
  const path = jobFile(t, 'bomb.yaml', `${SEED}${levels.join('\n')}\n`);
  assert.equal(errorOf(() => readJobFile(path), path), 'FILE: YAML error: its aliases (*name) expand to more than 100,000 values (an alias bomb?); write the values out, or alias less');
});

test('YAML merge keys: an anchored mapping merges in, keys beside the merge win, merged keys are still checked', async (t) => {
  const path = jobFile(t, 'merge.yaml', `${SEED}fields:
  price: &price { selector: .price, attr: content }
  oldPrice: { <<: *price, selector: .old-price }
  prices: { <<: [*price], many: true }
`);
  assert.deepEqual((await loadCrawlConfig({ config: path })).config.parse.fields, {
    price: { selector: '.price', attr: 'content', many: false },
    oldPrice: { selector: '.old-price', attr: 'content', many: false },
    prices: { selector: '.price', attr: 'content', many: true },
  });

  const unknown = jobFile(t, 'merge-unknown.yaml', `${SEED}scope: &scope { mode: prefix }\nfetch: { <<: *scope }\n`);
  assert.match(errorOf(() => readJobFile(unknown), unknown), /^FILE:3: fetch\.mode: unknown key; did you mean scope\.mode\? \(known: /);
  const notMap = jobFile(t, 'merge-scalar.yaml', `${SEED}maxPages: &n 5\nfetch: { <<: *n }\n`);
  assert.equal(errorOf(() => readJobFile(notMap), notMap), 'FILE: YAML error: Merge sources must be maps or map aliases');
});

test('job file error: an alias bomb built of merge keys is a config error, not a hang', (t) => {
  const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
  const levels = keys.map((k, i) => `${k}: &${k} ${i === 0 ? '{ x: 1 }' : `{ <<: [${Array(9).fill(`*${keys[i - 1]}`).join(', ')}] }`}`);
  const path = jobFile(t, 'merge-bomb.yaml', `${SEED}${levels.join('\n')}\n`);
  assert.equal(errorOf(() => readJobFile(path), path), 'FILE: YAML error: its aliases (*name) expand to more than 100,000 values (an alias bomb?); write the values out, or alias less');
});

test('a .json job saved with a UTF-8 byte order mark reads as without it (as a .yaml one does)', async (t) => {
  const path = jobFile(t, 'bom.json', '\uFEFF{ "seeds": ["https://example.org/"], "fetch": { "perHost": 2 } }');
  assert.equal((await loadCrawlConfig({ config: path })).config.fetch.perHost, 2);
});
