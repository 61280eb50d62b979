/**
 * Catch-all and soft-404 sites whose copies are not byte-identical (they echo the requested path,
 * carry a per-request token, name their own URL in a canonical) end after their first level, as
 * byte-identical ones do (spider-traps.test.ts); a real site whose nested pages share a template
 * and relative links, but not their text, is crawled whole.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page, type Route, type TestSite } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

/** A site answering every path with 200 and the HTML `render` makes of the path as requested. */
async function catchAll(render: (path: string, origin: string) => string): Promise<TestSite> {
  let origin = '';
  const route: Route = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(render(req.url ?? '/', origin));
  };
  const site = await startSite(new Proxy({} as Record<string, Route>, { get: () => route }));
  origin = site.origin;
  return site;
}

const nav = (hrefs: string[]) => hrefs.map((h) => `<a href="${h}">${h.replace(/\/$/, '')}</a>`).join(' | ');
const escapeHtml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;');

/** Crawls `site` from / and checks it ended after the first level: `firstLevel` stored, all else skipped as copies. */
async function assertEndsAfterFirstLevel(t: TestContext, site: TestSite, firstLevel: string[]) {
  const config = testConfig(t, [site.url('/')], { maxPages: 300 });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  const pages = rows<{ url: string; content_hash: string }>(config.dbPath, 'SELECT url, content_hash FROM pages ORDER BY url');
  assert.deepEqual(pages.map((p) => p.url.slice(site.origin.length)), ['/', ...firstLevel].sort());
  assert.equal(new Set(pages.map((p) => p.content_hash)).size, pages.length, 'no two copies byte-identical');
  const urls = rows<{ url: string; state: string; error_code: string | null }>(config.dbPath, 'SELECT url, state, error_code FROM urls');
  const skipped = urls.filter((u) => u.state !== 'done');
  // Each first-level copy's relative links, resolved under it: first-level count x links per page.
  assert.equal(skipped.length, firstLevel.length * firstLevel.length, JSON.stringify(skipped.slice(0, 3)));
  assert.ok(skipped.every((u) => u.state === 'skipped' && u.error_code === 'CRAWL_TRAP_DUPLICATE_CONTENT'), JSON.stringify(skipped.slice(0, 3)));
  assert.deepEqual(summary.trapSkips, { CRAWL_TRAP_DUPLICATE_CONTENT: skipped.length });
  assert.equal(site.hits.get(`${firstLevel[0]}${firstLevel[1]}`), undefined, 'nothing two levels down requested');
}

test('a catch-all echoing the requested path in its title and text ends after its first level', async (t) => {
  const site = await catchAll((path) => `<!doctype html><html><head><title>Not found: ${escapeHtml(path)}</title></head>
    <body><h1>Sorry</h1><p>There is no page at ${escapeHtml(path)} on this site.</p>
    <p>${nav(['about/', 'blog/', 'docs/'])} | <a href="/">home</a></p></body></html>`);
  t.after(() => site.close());
  await assertEndsAfterFirstLevel(t, site, ['/about/', '/blog/', '/docs/']);
});

test('a catch-all with a per-request nonce, CSRF token, request id and timestamp ends after its first level', async (t) => {
  const site = await catchAll(() => {
    const nonce = randomBytes(12).toString('base64url');
    return `<!doctype html><html><head><title>Welcome</title><script nonce="${nonce}">window.n = "${nonce}";</script></head>
    <body><form action="/login"><input type="hidden" name="csrf" value="${randomBytes(16).toString('hex')}"></form>
    <p>${nav(['shop/', 'news/', 'help/'])}</p>
    <footer>Request ${randomUUID()} served ${new Date().toISOString()}</footer></body></html>`;
  });
  t.after(() => site.close());
  await assertEndsAfterFirstLevel(t, site, ['/help/', '/news/', '/shop/']);
});

test('a catch-all echoing its percent-encoded URL in a canonical, og:url and form action (and its decoded path in the text) ends after its first level', async (t) => {
  const site = await catchAll((path, origin) => `<!doctype html><html><head><title>Our shop</title>
    <link rel="canonical" href="${origin}${path}"><meta property="og:url" content="${origin}${encodeURIComponent(path)}"></head>
    <body><form action="${path}search"><input name="q"></form><p>You are at ${escapeHtml(decodeURIComponent(path))}</p>
    <p>${nav(['caf%C3%A9/', 'a&amp;b/', 'tea/'])}</p></body></html>`);
  t.after(() => site.close());
  await assertEndsAfterFirstLevel(t, site, ['/a&b/', '/caf%C3%A9/', '/tea/']);
});

/** Words drawn from the path's hash: each page its own article, with no echo of its path in it. */
function article(path: string): string {
  const words = ['river', 'lantern', 'copper', 'meadow', 'orbit', 'velvet', 'harbor', 'thistle', 'quartz', 'ember', 'willow', 'saffron', 'glacier', 'pepper', 'falcon', 'marble'];
  const hash = createHash('sha256').update(path).digest();
  return Array.from(hash.subarray(0, 24), (b) => words[b % words.length]).join(' ');
}

test('a real site whose nested pages share a title, a nav and relative links, but not their text, is crawled whole', async (t) => {
  const children = ['install/', 'usage/', 'faq/'];
  const routes: Record<string, Route> = {};
  const add = (path: string, depth: number) => {
    routes[path] = page('Handbook', depth < 3 ? ['/', ...children] : ['/'], `<p>${article(path)}</p>`);
    if (depth < 3) for (const c of children) add(path + c, depth + 1);
  };
  add('/', 0);
  assert.equal(Object.keys(routes).length, 40);
  const site = await startSite(routes);
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { maxPages: 300 });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  const pages = rows<{ url: string; status: number }>(config.dbPath, 'SELECT url, status FROM pages');
  assert.deepEqual(pages.map((p) => p.url.slice(site.origin.length)).sort(), Object.keys(routes).sort());
  assert.ok(pages.every((p) => p.status === 200));
  assert.equal(summary.trapSkips, undefined, 'nothing skipped as a trap');
  assert.deepEqual(rows(config.dbPath, `SELECT url FROM urls WHERE state != 'done'`), []);
});

test('a page and its subdirectory page with the same relative links: crawled when their text differs, a copy when only their own path does', async (t) => {
  // Decided so: the text is what the reader came for, so a page that says something else is a
  // page, whatever its links; one that only says where it is (its path) is the trap's copy, and
  // what its relative links reach under it is what is given up.
  const links = ['intro.html', 'faq.html', 'v1/'];
  const guide = (v1: string, current = '<p>Install with the new installer.</p>') => ({
    '/': page('Home', ['guide/']),
    '/guide/': page('Guide', links, current),
    '/guide/v1/': page('Guide', links, v1),
    '/guide/intro.html': page('Intro'),
    '/guide/faq.html': page('FAQ'),
    '/guide/v1/intro.html': page('Intro, version 1'),
    '/guide/v1/faq.html': page('FAQ, version 1'),
  });
  const real = await startSite(guide('<p>Archived: install by hand from the tarball.</p>'));
  t.after(() => real.close());
  const config = testConfig(t, [real.url('/')], { maxPages: 100 });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  for (const path of ['/guide/v1/intro.html', '/guide/v1/faq.html', '/guide/v1/v1/']) assert.equal(real.hits.get(path), 1, `${path} fetched`);
  assert.equal(summary.trapSkips, undefined);

  const servedAt = (path: string) => `<p>Install with the new installer.</p><p>(served at ${path})</p>`;
  const copy = await startSite(guide(servedAt('/guide/v1/'), servedAt('/guide/')));
  t.after(() => copy.close());
  const copyConfig = testConfig(t, [copy.url('/')], { maxPages: 100 });
  const copySummary = await runCrawl(copyConfig);
  assert.equal(copySummary.status, 'done');
  assert.equal(copy.hits.get('/guide/v1/'), 1);
  for (const path of ['/guide/v1/intro.html', '/guide/v1/faq.html', '/guide/v1/v1/']) assert.equal(copy.hits.get(path), undefined, `${path} not fetched`);
  assert.deepEqual(copySummary.trapSkips, { CRAWL_TRAP_DUPLICATE_CONTENT: 3 });
});
