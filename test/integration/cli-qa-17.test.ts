/**
 * The seventeenth QA round on the command line: the README read top to bottom and run as written
 * against a local site. Each test names what was typed, what it got before, and what it gets now.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSite, page, type Route, type TestSite } from '../helpers/site.js';
import { assertOneLineError, crawlite, assertBenchReplaces } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';
import { startProxy } from '../helpers/proxy.js';

async function startPrivateSite(t: TestContext, pki: TestPki, routes: Record<string, Route>): Promise<TestSite> {
  const site = await startSite(routes, { tls: { key: pki.leaf.key, cert: pki.leaf.cert + pki.intermediatePem } });
  t.after(() => site.close());
  return site;
}

/** The root in OpenSSL's trusted form (`BEGIN TRUSTED CERTIFICATE`), with these openssl x509 options. */
function trustedForm(dir: string, pki: TestPki, name: string, options: string[]): string {
  const out = join(dir, `${name}.pem`);
  execFileSync('openssl', ['x509', '-in', pki.rootPath, ...options, '-out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

test('--ca-file of TRUSTED CERTIFICATE blocks (openssl x509 -addtrust serverAuth, -trustout) or X509 CERTIFICATE ones: trusted as roots (was: "it holds no certificate", exit 2)', async (t) => {
  const pki = createTestPki(t, { aiaUrl: null, name: 'Corp' });
  const site = await startPrivateSite(t, pki, { '/': page('home', ['/a']), '/a': page('a') });
  const dir = tempDir(t, 'crawlite-qa17-');
  for (const [name, options] of [['server', ['-addtrust', 'serverAuth']], ['any', ['-addtrust', 'anyExtendedKeyUsage']], ['alias', ['-trustout', '-setalias', 'corp']]] as const) {
    const file = trustedForm(dir, pki, name, [...options]);
    const db = join(dir, `${name}.db`);
    const run = await crawlite(['crawl', site.url('/'), '--db', db, '--ca-file', file, '--no-progress', '--retries', '0']);
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    assert.equal(rows(db, 'SELECT url FROM pages WHERE status = 200').length, 2, name);
  }
  // The old label, BEGIN X509 CERTIFICATE, which OpenSSL reads as CERTIFICATE: the same.
  const old = join(dir, 'old.pem');
  writeFileSync(old, pki.rootPem.replace(/(BEGIN|END) CERTIFICATE/g, '$1 X509 CERTIFICATE'));
  const run = await crawlite(['crawl', site.url('/'), '--db', join(dir, 'old.db'), '--ca-file', old, '--no-progress', '--retries', '0']);
  assert.equal(run.code, 0, run.stderr);
});

test('--ca-file with a TRUSTED CERTIFICATE its settings keep from server authentication: refused, one line naming why, nothing fetched', async (t) => {
  const pki = createTestPki(t, { aiaUrl: null, name: 'Corp' });
  const site = await startPrivateSite(t, pki, { '/': page('home') });
  const dir = tempDir(t, 'crawlite-qa17-');
  const cases: Array<[string, string[], RegExp]> = [
    ['rejected', ['-addreject', 'serverAuth'], /trust settings reject it for server authentication, so it cannot vouch for a site; leave it out of the file \[CRAWL_USAGE\]$/],
    ['email', ['-addtrust', 'emailProtection'], /trust settings do not trust it for server authentication, so it cannot vouch for a site; /],
    ['rejectEmail', ['-addreject', 'emailProtection'], /trust settings do not trust it for server authentication/],
  ];
  for (const [name, options, line] of cases) {
    const file = trustedForm(dir, pki, name, options);
    // A plain certificate before it: the one refused is named by its place in the file.
    writeFileSync(file, `${createTestPki(t, { aiaUrl: null, name: 'Other' }).rootPem}${readFileSync(file, 'utf8')}`);
    const run = await crawlite(['crawl', site.url('/'), '--db', join(dir, `${name}.db`), '--ca-file', file]);
    assertOneLineError(run, 2, new RegExp(`^crawlite: cannot use --ca-file .*/${name}\\.pem: certificate 2 in it is a TRUSTED CERTIFICATE whose ${line.source}`));
  }
  assert.equal(site.total(), 0, 'nothing fetched');
});

test('--insecure with --ca-file: one line says the file is not used (was: checked, then silently unused)', async (t) => {
  const pki = createTestPki(t, { aiaUrl: null, name: 'Corp' });
  const site = await startPrivateSite(t, pki, { '/': page('home') });
  const dir = tempDir(t, 'crawlite-qa17-');
  const root = join(dir, 'root.pem');
  writeFileSync(root, pki.rootPem);
  const run = await crawlite(['crawl', site.url('/'), '--db', join(dir, 'c.db'), '-k', '--ca-file', root, '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 2, run.stderr);
  assert.match(lines[0]!, /^crawlite: --insecure: TLS certificates are not verified/);
  assert.equal(lines[1], `crawlite: --ca-file ${root} is not used: with --insecure no certificate is verified, so no root is needed (drop one of the two)`);
  // A job file's: named by its key; and without --ca-file, no such line.
  const job = join(dir, 'job.yaml');
  writeFileSync(job, `seeds: [${site.url('/')}]\ndb: ${join(dir, 'j.db')}\nfetch:\n  insecure: true\n  caFile: ${root}\n`);
  const fromJob = await crawlite(['crawl', '--config', job, '--quiet']);
  assert.equal(fromJob.code, 0, fromJob.stderr);
  assert.match(fromJob.stderr, new RegExp(`^crawlite: fetch\\.caFile ${root.replace(/[.\\/]/g, '\\$&')} is not used: `, 'm'));
  const plain = await crawlite(['crawl', site.url('/'), '--db', join(dir, 'p.db'), '-k', '--quiet']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stderr, /is not used/);
});

test('a job file with a key twice (YAML): the key named as in JSON; a mapping as a key: one line, no Node warning around it', async (t) => {
  const dir = tempDir(t, 'crawlite-qa17-');
  const twice = join(dir, 'twice.yaml');
  writeFileSync(twice, 'seeds: [http://127.0.0.1:9/]\nmaxPages: 2\nmaxPages: 3\n');
  // Was: line 3, column 1: YAML syntax error: Map keys must be unique (which key, in a long file?)
  assertOneLineError(await crawlite(['crawl', '--config', twice]), 2, /^crawlite: .*\/twice\.yaml:3: the key "maxPages" appears twice in one object \[CRAWL_CONFIG_INVALID\]$/);
  const complex = join(dir, 'complex.yaml');
  writeFileSync(complex, 'seeds: [http://127.0.0.1:9/]\n? [maxPages]\n: 1\n');
  // Was: the line, then "(node:123) Warning: Keys with collection values will be stringified ..." and a --trace-warnings hint.
  const run = await crawlite(['crawl', '--config', complex]);
  assertOneLineError(run, 2, /^crawlite: .*\/complex\.yaml:\d+: \[ maxPages \]: unknown key /);
  assert.doesNotMatch(run.stderr, /Warning/);
});

test('bench --db naming a crawl of a local server\'s root (http://127.0.0.1:PORT/) leaves it untouched (it was taken for a bench run and replaced)', async (t) => {
  const site = await startSite({ '/': page('dev home', ['/about']), '/about': page('about') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa17-');
  const crawled = join(dir, 'dev.db');
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', crawled, '--quiet', '--workers', '0'])).code, 0);
  const before = readFileSync(crawled);
  const refused = await crawlite(['bench', '--db', crawled, '--pages', '5', '--page-bytes', '5000', '--workers', '0']);
  assertOneLineError(refused, 1, /^crawlite: .*dev\.db holds a crawl of http:\/\/127\.0\.0\.1:\d+\/ \(run 1\), not a bench run, and was left untouched: bench replaces its --db; /);
  assert.deepEqual(readFileSync(crawled), before, 'the crawl is unchanged');
  // A bench database, whose pages are the generated site's, is still replaced run after run.
  await assertBenchReplaces(join(dir, 'bench.db'));
});

test('crawl --sitemaps --log-format json: the summary object has the sitemaps line\'s figures and the sitemaps not read (it had nothing of them)', async (t) => {
  const routes: Record<string, Route> = { '/': page('home'), '/listed': page('listed') };
  const site = await startSite(routes);
  t.after(() => site.close());
  routes['/robots.txt'] = { headers: { 'content-type': 'text/plain' }, body: `User-agent: *\nAllow: /\nSitemap: ${site.url('/sm.xml')}\nSitemap: ${site.url('/gone.xml')}\n` };
  routes['/sm.xml'] = {
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${site.url('/')}</loc></url><url><loc>${site.url('/listed')}</loc></url><url><loc>http://elsewhere.example/</loc></url></urlset>`,
  };
  const db = join(tempDir(t, 'crawlite-qa17-'), 'c.db');
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--sitemaps', '--log-format', 'json', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  const events = run.stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const summary = events.at(-1)!;
  assert.equal(summary.type, 'summary');
  assert.deepEqual(summary.sitemaps, {
    read: 1, queued: 1, alreadyKnown: 1, recordedAsSkipped: 1, notRead: [{ url: site.url('/gone.xml'), message: 'HTTP 404' }], readInPart: [],
  });
  // Without --sitemaps, no such key.
  const plain = await crawlite(['crawl', site.url('/'), '--db', join(tempDir(t, 'crawlite-qa17-'), 'p.db'), '--log-format', 'json', '--workers', '0']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal('sitemaps' in (JSON.parse(plain.stderr.trim().split('\n').at(-1)!) as object), false);
});

test('--insecure --ca-file through an https:// proxy whose certificate is from that root: the proxy is verified against it (it was against Node\'s roots alone, and failed)', async (t) => {
  const pki = createTestPki(t, { aiaUrl: null, name: 'Proxy' });
  const site = await startSite({ '/': page('home', ['/a']), '/a': page('a') });
  t.after(() => site.close());
  const proxy = await startProxy({ tls: { key: pki.leaf.key, cert: pki.leaf.cert + pki.intermediatePem } });
  t.after(() => proxy.close());
  const dir = tempDir(t, 'crawlite-qa17-');
  const root = join(dir, 'root.pem');
  writeFileSync(root, pki.rootPem);
  // By name: undici gives an address as the TLS server name, which Node warns about on stderr.
  const proxyUrl = proxy.url.replace('127.0.0.1', 'localhost');
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_proxy$/i.test(name)));
  const run = await crawlite(['crawl', site.url('/'), '--db', join(dir, 'c.db'), '--proxy', proxyUrl, '-k', '--ca-file', root, '--quiet', '--retries', '0'], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(rows(join(dir, 'c.db'), 'SELECT url FROM pages ORDER BY url'), [{ url: site.url('/') }, { url: site.url('/a') }]);
  assert.ok(proxy.log.length > 0, 'through the proxy');
  assert.match(run.stderr, new RegExp(`^crawlite: --ca-file ${root.replace(/[.\\/]/g, '\\$&')} verifies only the https:// proxy's own certificate: with --insecure no site's certificate is verified$`, 'm'));
  // --insecure alone still verifies the proxy, against Node's roots: refused.
  const without = await crawlite(['crawl', site.url('/'), '--db', join(dir, 'd.db'), '--proxy', proxyUrl, '-k', '--quiet', '--retries', '0'], { env });
  assert.equal(without.code, 1, without.stderr);
  assert.match(without.stderr, /no page could be fetched: .*(certificate|issuer)/);
});

test('export: a non-HTML response\'s encoding is null, as its title and language are (it was "")', async (t) => {
  const site = await startSite({ '/': page('home', ['/data.json']), '/data.json': { headers: { 'content-type': 'application/json' }, body: '{"x":1}' } });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa17-');
  for (const extra of [[], ['--store-non-html']]) {
    const db = join(dir, `c${extra.length}.db`);
    assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0', ...extra])).code, 0);
    const run = await crawlite(['export', '--db', db, '--fields', 'url,title,language,encoding']);
    assert.equal(run.code, 0, run.stderr);
    const byUrl = new Map(run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { url: string }).map((o) => [o.url, o]));
    assert.deepEqual(byUrl.get(site.url('/data.json')), { url: site.url('/data.json'), title: null, language: null, encoding: null }, extra.join(' '));
    assert.equal((byUrl.get(site.url('/')) as unknown as { encoding: string }).encoding, 'utf-8');
  }
});

test('report --out report.html.gz: refused, naming the pipe that compresses it, as export refuses pages.csv.gz (it wrote plain HTML under that name)', async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa17-');
  const db = join(dir, 'c.db');
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0'])).code, 0);
  const out = join(dir, 'report.html.gz');
  const run = await crawlite(['report', '--db', db, '--out', out]);
  assertOneLineError(run, 2, /^crawlite: --out .*\/report\.html\.gz: the report is not compressed; pipe it through gzip instead: crawlite report --out - \| gzip > .*\/report\.html\.gz \(or --out .*\/report\.html\) \[CRAWL_USAGE\]$/);
  assert.equal(existsSync(out), false);
  // What the pipe it names reads: the HTML on stdout.
  const piped = await crawlite(['report', '--db', db, '--out', '-']);
  assert.equal(piped.code, 0, piped.stderr);
  assert.match(piped.stdout, /^<!doctype html>/);
});
