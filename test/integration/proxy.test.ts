/**
 * Crawling through a proxy (--proxy, fetch.proxy, http_proxy/https_proxy): a forward proxy on
 * 127.0.0.1 (test/helpers/proxy.ts) sees every request, http:// URLs as absolute-form GETs and
 * https:// ones as CONNECT tunnels; a name only the proxy can resolve is crawled through it; and
 * what a proxy gets wrong (down, wants credentials, refuses a tunnel) is said as the proxy's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer } from 'node:net';
import { startSite, page } from '../helpers/site.js';
import { startProxy } from '../helpers/proxy.js';
import { selfSignedPair } from '../helpers/tls.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { crawlite, assertOneLineError } from '../helpers/cli.js';

/** The environment without any proxy variable a CI machine may have, plus `extra`. */
function envWith(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (/^(http|https|all|no)_proxy$/i.test(name)) delete env[name];
  return { ...env, ...extra };
}

const SITE = { '/': page('home', ['/a']), '/a': page('a') };

async function started<T extends { close(): Promise<void> }>(t: import('node:test').TestContext, server: Promise<T>): Promise<T> {
  const s = await server;
  t.after(() => s.close());
  return s;
}

test('--proxy: every request of an http:// crawl, robots.txt included, goes through it as absolute-form GETs', async (t) => {
  const site = await started(t, startSite(SITE));
  const proxy = await started(t, startProxy());
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--proxy', proxy.url], { env: envWith() });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`^crawlite: proxy: ${proxy.url} for http:// and https:// URLs \\(from --proxy\\)$`, 'm'));
  assert.deepEqual(proxy.log.map((e) => `${e.method} ${e.target}`).sort(), [`GET ${site.url('/')}`, `GET ${site.url('/a')}`, `GET ${site.url('/robots.txt')}`]);
  assert.deepEqual(rows(db, 'SELECT url, status FROM pages ORDER BY url'), [{ url: site.url('/'), status: 200 }, { url: site.url('/a'), status: 200 }]);
});

test('https:// URLs are tunnelled with CONNECT, so TLS (and --insecure) stays between crawler and site', async (t) => {
  const site = await started(t, startSite(SITE, { tls: selfSignedPair() }));
  const proxy = await started(t, startProxy());
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--proxy', proxy.url, '--insecure'], { env: envWith() });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(proxy.log.length >= 1, 'the proxy was used');
  assert.ok(proxy.log.every((e) => e.method === 'CONNECT' && e.target === site.origin.replace('https://', '')), JSON.stringify(proxy.log));
  assert.deepEqual(rows(db, 'SELECT url FROM pages ORDER BY url'), [{ url: site.url('/') }, { url: site.url('/a') }]);
});

test('http_proxy from the environment: a host only the proxy can resolve is crawled; loopback goes direct', async (t) => {
  const site = await started(t, startSite(SITE));
  const other = await started(t, startSite({ '/': page('direct') }));
  const proxy = await started(t, startProxy({ hosts: { 'site.test': site.origin.replace('http://', '') } }));
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', 'http://site.test/', other.url('/'), '--db', db, '--no-progress'], { env: envWith({ http_proxy: proxy.url }) });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`^crawlite: proxy: ${proxy.url} for http:// URLs \\(from http_proxy\\); direct: loopback$`, 'm'));
  assert.deepEqual(rows(db, 'SELECT url FROM pages ORDER BY url'), [{ url: other.url('/') }, { url: 'http://site.test/' }, { url: 'http://site.test/a' }]);
  assert.ok(proxy.log.every((e) => e.target.startsWith('http://site.test/')), `127.0.0.1 never reached the proxy: ${JSON.stringify(proxy.log)}`);
  assert.equal(other.hits.get('/'), 1, 'the loopback seed was fetched directly');
});

test('--no-proxy ignores the environment, even a proxy variable that does not parse', async (t) => {
  const site = await started(t, startSite(SITE));
  const env = envWith({ HTTPS_PROXY: 'http://[bad', http_proxy: 'http://[bad' });
  const refused = await crawlite(['crawl', site.url('/'), '--db', tempDbPath(t), '--no-progress'], { env });
  assertOneLineError(refused, 2, /^crawlite: invalid proxy in http_proxy 'http:\/\/\[bad': .*pass --no-proxy to connect directly \[CRAWL_USAGE\]$/);
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--no-proxy'], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /proxy/);
  assert.equal(rows(db, 'SELECT url FROM pages').length, 2);
});

test('a proxy that accepts no connection stops the crawl before it starts: one line, exit 1, no database', async (t) => {
  // A port that was free a moment ago: nothing listens there.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as import('node:net').AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', db, '--no-progress', '--proxy', `http://user:secret@127.0.0.1:${port}`], { env: envWith() });
  const lines = run.stderr.trim().split('\n');
  assert.equal(run.code, 1, run.stderr);
  assert.equal(lines.at(-1), `crawlite: proxy http://user:***@127.0.0.1:${port} (from --proxy) cannot be reached: connection refused; check --proxy [CRAWL_PROXY_UNREACHABLE]`);
  assert.ok(!run.stderr.includes('secret'));
  assert.equal(existsSync(db), false, 'nothing was opened or written');
});

test('credentials in the proxy URL are sent as Proxy-Authorization and never stored', async (t) => {
  const site = await started(t, startSite(SITE));
  const proxy = await started(t, startProxy({ credentials: 'crawler:s3cret' }));
  const db = tempDbPath(t);
  const withAuth = proxy.url.replace('http://', 'http://crawler:s3cret@');
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--proxy', withAuth], { env: envWith() });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(rows(db, 'SELECT url FROM pages').length, 2);
  assert.ok(proxy.log.every((e) => e.authorization === `Basic ${Buffer.from('crawler:s3cret').toString('base64')}`));
  const [recorded] = rows<{ options: string }>(db, 'SELECT options FROM runs');
  assert.equal(JSON.parse(recorded!.options).fetch.proxy.http, proxy.url.replace('http://', 'http://crawler:***@'));
  for (const file of [db, `${db}-wal`]) {
    if (existsSync(file)) assert.ok(!readFileSync(file).includes('s3cret'), `${file} holds no password`);
  }
  assert.ok(!run.stderr.includes('s3cret'));
});

test('a proxy asking for credentials (407) fails the URLs as CRAWL_FETCH_PROXY, saying so, without retries', async (t) => {
  const site = await started(t, startSite(SITE));
  const tls = await started(t, startSite(SITE, { tls: selfSignedPair() }));
  const proxy = await started(t, startProxy({ credentials: 'crawler:s3cret' }));
  for (const target of [site, tls]) {
    const db = tempDbPath(t);
    const run = await crawlite(['crawl', target.url('/'), '--db', db, '--no-progress', '--proxy', proxy.url, '--ignore-robots', '-k'], { env: envWith() });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr.trim().split('\n').at(-1)!, /no page could be fetched: every seed failed \(.*: proxy failed\) \[CRAWL_NOTHING_FETCHED\]$/);
    const [url] = rows<{ error_code: string; error_message: string; attempts: number }>(db, 'SELECT error_code, error_message, attempts FROM urls');
    assert.equal(url?.error_code, 'CRAWL_FETCH_PROXY');
    assert.match(url!.error_message, new RegExp(`proxy ${proxy.url} (asks for credentials|answered 407)`));
    assert.equal(url!.attempts, 1, 'the same credentials get the same answer: not retried');
    assert.equal(rows(db, 'SELECT * FROM pages').length, 0, 'the 407 is not stored as a page of the site');
  }
  assert.equal(site.total() + tls.total(), 0);
});

test('a tunnel the proxy refuses (403 to CONNECT) is CRAWL_FETCH_PROXY, not an abort; robots.txt through it too', async (t) => {
  const tls = await started(t, startSite(SITE, { tls: selfSignedPair() }));
  const proxy = await started(t, startProxy({ connectStatus: 403 }));
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', tls.url('/'), '--db', db, '--no-progress', '--proxy', proxy.url, '-k', '--retries', '0'], { env: envWith() });
  assert.equal(run.code, 1, run.stderr);
  const [url] = rows<{ error_code: string; error_message: string }>(db, 'SELECT error_code, error_message FROM urls');
  assert.equal(url?.error_code, 'CRAWL_FETCH_PROXY', 'robots.txt never reached the site: the proxy is named, not robots.txt');
  assert.match(url!.error_message, /answered 403 \(Forbidden: its rules refuse this host or port\) to CONNECT 127\.0\.0\.1:\d+/);
});

test('fetch.proxy in a job file; -H Proxy-Authorization and a SOCKS proxy are refused with one line', async (t) => {
  const site = await started(t, startSite(SITE));
  const proxy = await started(t, startProxy());
  const db = tempDbPath(t);
  const job = join(dirname(db), 'job.yaml');
  writeFileSync(job, `seeds: ['${site.url('/')}']\nfetch:\n  proxy: ${proxy.url}\n`);
  const run = await crawlite(['crawl', '--config', job, '--db', db, '--no-progress'], { env: envWith() });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\(from fetch\.proxy\)/);
  assert.equal(proxy.log.length, 3);
  const header = await crawlite(['crawl', site.url('/'), '--db', tempDbPath(t), '-H', 'Proxy-Authorization: Basic eDp5'], { env: envWith() });
  assertOneLineError(header, 2, /header 'Proxy-Authorization' cannot be set: give the proxy's credentials in its URL/);
  const socks = await crawlite(['crawl', site.url('/'), '--db', tempDbPath(t), '--proxy', 'socks5h://127.0.0.1:1080'], { env: envWith() });
  assertOneLineError(socks, 2, /proxy in --proxy is a SOCKS proxy .*only HTTP and HTTPS proxies are supported \[CRAWL_USAGE\]$/);
  // In a job file, the file and key are named as for any other bad value.
  writeFileSync(job, `seeds: ['${site.url('/')}']\nfetch:\n  proxy: socks5://127.0.0.1:1080\n`);
  const socksJob = await crawlite(['crawl', '--config', job, '--db', db, '--no-progress'], { env: envWith() });
  assertOneLineError(socksJob, 2, new RegExp(`^crawlite: ${job.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: fetch\\.proxy: expected an HTTP or HTTPS proxy \\(SOCKS proxies are not supported\\), got 'socks5://127\\.0\\.0\\.1:1080' \\[CRAWL_CONFIG_INVALID\\]$`));
});

test('a proxy named under .localhost is loopback, for the check before the crawl as for its requests (QA: "host not found")', async (t) => {
  const site = await started(t, startSite(SITE));
  const proxy = await started(t, startProxy({ hosts: { 'site.test': site.origin.replace('http://', '') } }));
  const db = tempDbPath(t);
  const named = `http://proxy.localhost:${proxy.port}`;
  const run = await crawlite(['crawl', 'http://site.test/', '--db', db, '--no-progress', '--proxy', named], { env: envWith() });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(rows(db, 'SELECT url, status FROM pages ORDER BY url'), [{ url: 'http://site.test/', status: 200 }, { url: 'http://site.test/a', status: 200 }]);
});

test('a proxy key given as the user name alone (http://KEY:@proxy) is sent as Basic KEY: and never shown or stored (QA: a 407)', async (t) => {
  const site = await started(t, startSite(SITE));
  const proxy = await started(t, startProxy({ credentials: 'K3YK3Y:' }));
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--proxy', proxy.url.replace('http://', 'http://K3YK3Y:@')], { env: envWith() });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(rows(db, 'SELECT url FROM pages').length, 2);
  assert.match(run.stderr, new RegExp(`proxy: ${proxy.url.replace('http://', 'http://\\*\\*\\*@')} for`));
  for (const file of [db, `${db}-wal`]) {
    if (existsSync(file)) assert.ok(!readFileSync(file).includes('K3YK3Y'), `${file} holds no key`);
  }
  assert.ok(!run.stderr.includes('K3YK3Y'));
});
