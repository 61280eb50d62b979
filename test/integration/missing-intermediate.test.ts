/**
 * An HTTPS site that sends its leaf certificate without the intermediate (a common
 * misconfiguration every browser copes with): crawlite fetches the intermediate from the leaf's
 * "CA Issuers" URL (AIA), once per crawl, and the site's pages are stored. A fetched certificate
 * only ever completes a chain to a root the crawler already trusts: a chain to another root still
 * fails as CRAWL_FETCH_TLS. The PKI is made at test time (test/helpers/test-pki.ts); its root is
 * trusted through NODE_EXTRA_CA_CERTS, as a user's corporate root would be.
 */
import { test } from 'node:test';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { startSite, page, type Route, type TestSite } from '../helpers/site.js';
import { certsOnlyPkcs7, createTestPki, type TestPki } from '../helpers/test-pki.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { crawlite } from '../helpers/cli.js';
import { startProxy } from '../helpers/proxy.js';

type Ctx = import('node:test').TestContext;

const ROBOTS = { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nAllow: /\n' };

async function startCaServer(t: Ctx): Promise<{ server: TestSite; routes: Record<string, Route> }> {
  const routes: Record<string, Route> = {};
  const server = await startSite(routes);
  t.after(() => server.close());
  return { server, routes };
}

async function startLeafOnlySite(t: Ctx, pki: TestPki): Promise<TestSite> {
  const site = await startSite({ '/': page('home', ['/a', '/b']), '/a': page('a'), '/b': page('b'), '/robots.txt': ROBOTS }, { tls: pki.leaf });
  t.after(() => site.close());
  return site;
}

function crawlTrusting(pki: TestPki, args: string[]) {
  return crawlite([...args, '--no-progress', '--retries', '0'], { env: { ...process.env, NODE_EXTRA_CA_CERTS: pki.rootPath } });
}

function failures(db: string) {
  return rows<{ url: string; code: string; error: string }>(db, 'SELECT url, error_code AS code, error_message AS error FROM urls WHERE error_code IS NOT NULL ORDER BY url');
}

test('the missing intermediate is fetched from the AIA URL once, and every page of the site is stored', async (t) => {
  const ca = await startCaServer(t);
  const pki = createTestPki(t, { aiaUrl: ca.server.url('/int.der') });
  ca.routes['/int.der'] = { headers: { 'content-type': 'application/pkix-cert' }, body: pki.intermediateDer };
  const site = await startLeafOnlySite(t, pki);
  const db = tempDbPath(t);
  const run = await crawlTrusting(pki, ['crawl', site.url('/'), '--db', db]);
  assert.equal(run.code, 0, run.stderr);
  const pages = rows<{ url: string; status: number }>(db, 'SELECT url, status FROM pages ORDER BY url');
  assert.deepEqual(pages, ['/', '/a', '/b'].map((path) => ({ url: site.url(path), status: 200 })));
  assert.equal(ca.server.hits.get('/int.der'), 1, 'one fetch for the whole site');
  assert.equal(ca.server.total(), 1);
  assert.equal(site.hits.get('/robots.txt'), 1);
});

test('a PEM intermediate does the same', async (t) => {
  const ca = await startCaServer(t);
  const pki = createTestPki(t, { aiaUrl: ca.server.url('/int.pem') });
  ca.routes['/int.pem'] = { headers: { 'content-type': 'application/x-pem-file' }, body: pki.intermediatePem };
  const site = await startLeafOnlySite(t, pki);
  const db = tempDbPath(t);
  const run = await crawlTrusting(pki, ['crawl', site.url('/'), '--db', db]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(rows(db, 'SELECT url FROM pages').length, 3);
  assert.equal(ca.server.hits.get('/int.pem'), 1);
});

test('a PKCS#7 bundle (.p7c) reached through redirects does the same: each hop asked once', async (t) => {
  const ca = await startCaServer(t);
  // A CA that moved its files: an old path, then another host name for the same server, then the file.
  const pki = createTestPki(t, { aiaUrl: ca.server.url('/old/int.p7c') });
  const moved = ca.server.url('/moved/int.p7c').replace('127.0.0.1', 'localhost');
  ca.routes['/old/int.p7c'] = { status: 301, headers: { location: '/cdn/int.p7c' } };
  ca.routes['/cdn/int.p7c'] = { status: 302, headers: { location: moved } };
  ca.routes['/moved/int.p7c'] = { headers: { 'content-type': 'application/pkcs7-mime' }, body: certsOnlyPkcs7(t, [pki.intermediatePem]) };
  const site = await startLeafOnlySite(t, pki);
  const db = tempDbPath(t);
  const run = await crawlTrusting(pki, ['crawl', site.url('/'), '--db', db]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(rows(db, 'SELECT url FROM pages').length, 3);
  assert.deepEqual(['/old/int.p7c', '/cdn/int.p7c', '/moved/int.p7c'].map((path) => ca.server.hits.get(path)), [1, 1, 1]);
  assert.equal(ca.server.total(), 3);
});

test('an AIA URL that redirects too often, or to a URL that is not http(s), is named in the error with why', async (t) => {
  const ca = await startCaServer(t);
  const looping = createTestPki(t, { aiaUrl: ca.server.url('/r0') });
  for (let i = 0; i < 5; i++) ca.routes[`/r${i}`] = { status: 302, headers: { location: `/r${i + 1}` } };
  ca.routes['/r5'] = { body: looping.intermediateDer };
  const elsewhere = createTestPki(t, { aiaUrl: ca.server.url('/to-file') });
  ca.routes['/to-file'] = { status: 301, headers: { location: 'file:///etc/ssl/int.der' } };
  const loopSite = await startLeafOnlySite(t, looping);
  const fileSite = await startLeafOnlySite(t, elsewhere);
  const db = tempDbPath(t);
  // Both roots trusted: only the AIA answers stand between the crawl and the pages.
  const bundle = join(tmpdir(), `crawlite-roots-${process.pid}-${Date.now()}.pem`);
  writeFileSync(bundle, `${looping.rootPem}\n${elsewhere.rootPem}`);
  t.after(() => rmSync(bundle, { force: true }));
  const run = await crawlite(['crawl', loopSite.url('/'), fileSite.url('/'), '--db', db, '--ignore-robots', '--no-progress', '--retries', '0'], { env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle } });
  assert.equal(run.code, 1, run.stderr);
  const failed = failures(db);
  assert.deepEqual(failed.map((f) => f.code), ['CRAWL_FETCH_TLS', 'CRAWL_FETCH_TLS']);
  const byUrl = new Map(failed.map((f) => [f.url, f.error]));
  assert.match(byUrl.get(loopSite.url('/'))!, /could not be fetched from http:\/\/127\.0\.0\.1:\d+\/r0 \(more than 3 redirects\)/);
  assert.match(byUrl.get(fileSite.url('/'))!, /could not be fetched from http:\/\/127\.0\.0\.1:\d+\/to-file \(HTTP 301 to a URL that is not http\(s\)\)/);
  assert.deepEqual(['/r0', '/r1', '/r2', '/r3', '/r4', '/r5'].map((path) => ca.server.hits.get(path) ?? 0), [1, 1, 1, 1, 0, 0]);
});

test('two missing intermediates: each fetched once, from the URL the one below names', async (t) => {
  const ca = await startCaServer(t);
  const pki = createTestPki(t, { aiaUrl: ca.server.url('/int.der'), upperAiaUrl: ca.server.url('/upper.der') });
  ca.routes['/int.der'] = { body: pki.intermediateDer };
  ca.routes['/upper.der'] = { body: pki.upperDer! };
  const site = await startLeafOnlySite(t, pki);
  const db = tempDbPath(t);
  const run = await crawlTrusting(pki, ['crawl', site.url('/'), '--db', db]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(rows(db, 'SELECT url FROM pages').length, 3);
  assert.deepEqual([ca.server.hits.get('/int.der'), ca.server.hits.get('/upper.der'), ca.server.total()], [1, 1, 2]);
});

test('through a proxy: the certificate is read in a CONNECT tunnel, the intermediate fetched through the proxy', async (t) => {
  const ca = await startCaServer(t);
  const pki = createTestPki(t, { aiaUrl: ca.server.url('/int.der') });
  ca.routes['/int.der'] = { body: pki.intermediateDer };
  const site = await startLeafOnlySite(t, pki);
  const proxy = await startProxy({ credentials: 'user:secret' });
  t.after(() => proxy.close());
  const db = tempDbPath(t);
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: pki.rootPath };
  for (const name of Object.keys(env)) if (/^(http|https|all|no)_proxy$/i.test(name)) delete env[name];
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--proxy', `http://user:secret@127.0.0.1:${proxy.port}`], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(rows(db, 'SELECT url FROM pages').length, 3);
  assert.deepEqual(proxy.log.filter((e) => e.method === 'GET').map((e) => e.target), [ca.server.url('/int.der')]);
  const tunnels = proxy.log.filter((e) => e.method === 'CONNECT');
  assert.ok(tunnels.length >= 3, 'the failed handshake, the one reading the certificate, the one that succeeded');
  assert.ok(tunnels.every((e) => e.target === site.origin.replace('https://', '') && e.authorization !== undefined), JSON.stringify(proxy.log));
  assert.equal(ca.server.total(), 1);
});

test('an intermediate that chains to a root the crawler does not trust still fails as CRAWL_FETCH_TLS', async (t) => {
  const ca = await startCaServer(t);
  const trusted = createTestPki(t, { aiaUrl: null });
  // The site's own PKI, whose root is not trusted; its intermediate even names where the root is.
  const other = createTestPki(t, { aiaUrl: ca.server.url('/other-int.der'), intermediateAiaUrl: ca.server.url('/other-root.pem'), name: 'Other' });
  ca.routes['/other-int.der'] = { body: other.intermediateDer };
  ca.routes['/other-root.pem'] = { body: other.rootPem };
  const site = await startLeafOnlySite(t, other);
  const db = tempDbPath(t);
  const run = await crawlTrusting(trusted, ['crawl', site.url('/'), site.url('/a'), '--db', db, '--ignore-robots']);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(rows(db, 'SELECT url FROM pages').length, 0);
  const failed = failures(db);
  assert.deepEqual(failed.map((f) => [f.url, f.code]), [[site.url('/'), 'CRAWL_FETCH_TLS'], [site.url('/a'), 'CRAWL_FETCH_TLS']]);
  for (const f of failed) assert.match(f.error, /even with the intermediate certificate fetched from http:\/\/127\.0\.0\.1:\d+\/other-int\.der.*--insecure/);
  assert.equal(site.total(), 0, 'no request got past the handshake');
  // The root was fetched (the intermediate names it) but never added: a root comes only from the store.
  assert.equal(ca.server.hits.get('/other-int.der'), 1);
  assert.equal(ca.server.hits.get('/other-root.pem'), 1);
});

test('a root certificate served as the issuer is refused, even one that did sign the leaf', async (t) => {
  const ca = await startCaServer(t);
  const trusted = createTestPki(t, { aiaUrl: null });
  // Anyone's self-signed CA: in the verify store it would be a trust anchor.
  const other = createTestPki(t, { aiaUrl: ca.server.url('/root.pem'), name: 'Other', isLeafSignedByRoot: true });
  ca.routes['/root.pem'] = { body: other.rootPem };
  const site = await startLeafOnlySite(t, other);
  const db = tempDbPath(t);
  const run = await crawlTrusting(trusted, ['crawl', site.url('/'), '--db', db, '--ignore-robots']);
  assert.equal(run.code, 1, run.stderr);
  const [failed] = failures(db);
  assert.equal(failed?.code, 'CRAWL_FETCH_TLS');
  assert.match(failed!.error, /unable to verify the first certificate; the certificate fetched from \S+\/root\.pem was refused: a root certificate/);
  assert.equal(site.total(), 0);
});

test('a leaf with no AIA URL fails as before, and nothing is fetched', async (t) => {
  const ca = await startCaServer(t);
  const pki = createTestPki(t, { aiaUrl: null });
  const site = await startLeafOnlySite(t, pki);
  const db = tempDbPath(t);
  const run = await crawlTrusting(pki, ['crawl', site.url('/'), '--db', db, '--ignore-robots']);
  assert.equal(run.code, 1, run.stderr);
  const [failed] = failures(db);
  assert.equal(failed?.code, 'CRAWL_FETCH_TLS');
  assert.equal(failed!.error, 'TLS failed: unable to verify the first certificate [UNABLE_TO_VERIFY_LEAF_SIGNATURE]; to accept it, use --insecure');
  assert.equal(ca.server.total(), 0);
});

test('an AIA URL that fails is named in the error, and asked once for the whole site', async (t) => {
  const ca = await startCaServer(t);
  const pki = createTestPki(t, { aiaUrl: ca.server.url('/gone.der') });
  const site = await startLeafOnlySite(t, pki);
  const db = tempDbPath(t);
  const run = await crawlTrusting(pki, ['crawl', site.url('/'), site.url('/a'), site.url('/b'), '--db', db, '--ignore-robots']);
  assert.equal(run.code, 1, run.stderr);
  const failed = failures(db);
  assert.equal(failed.length, 3);
  for (const f of failed) {
    assert.equal(f.code, 'CRAWL_FETCH_TLS');
    assert.match(f.error, /unable to verify the first certificate; its intermediate certificate could not be fetched from http:\/\/127\.0\.0\.1:\d+\/gone\.der \(HTTP 404\) \[UNABLE_TO_VERIFY_LEAF_SIGNATURE\]; to accept it, use --insecure$/);
  }
  assert.equal(ca.server.hits.get('/gone.der'), 1);
});

test('--insecure keeps its meaning: the site is crawled without any AIA fetch', async (t) => {
  const ca = await startCaServer(t);
  const pki = createTestPki(t, { aiaUrl: ca.server.url('/int.der') });
  ca.routes['/int.der'] = { body: pki.intermediateDer };
  const site = await startLeafOnlySite(t, pki);
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--insecure']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(rows(db, 'SELECT url FROM pages').length, 3);
  assert.equal(ca.server.total(), 0);
});
