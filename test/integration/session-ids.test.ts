/**
 * A server that tracks sessions in URLs (crawlite sends no cookies) puts a new id in every link
 * of every response; normalization strips them, so each real page is fetched and stored once and
 * the crawl ends. (QA: 2 real pages became 3,000+ fetched.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

/** A page whose every link carries a fresh Tomcat path id and, on one, a PHP query id. */
function sessionPage(title: string) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    const id = () => randomBytes(16).toString('hex').toUpperCase();
    const links = [`/;jsessionid=${id()}`, `/a;jsessionid=node0${id()}.node0`, `/b?x=1&PHPSESSID=${id()}`, `/a;jsessionid=${id()}?sid=${id()}`];
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(title, links));
  };
}

test('links with a fresh session id on every response: each real page is stored once and the crawl ends', async (t) => {
  const site = await startSite({ '/': sessionPage('home'), '/a': sessionPage('a'), '/b?x=1': sessionPage('b') });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { maxPages: 50 });
  const summary = await runCrawl(config);

  assert.equal(summary.status, 'done');
  const pages = rows<{ url: string }>(config.dbPath, 'SELECT url FROM pages ORDER BY url').map((r) => r.url);
  assert.deepEqual(pages, [site.url('/'), site.url('/a'), site.url('/b?x=1')]);
  assert.deepEqual(rows(config.dbPath, `SELECT count(*) AS n FROM urls WHERE url LIKE '%sessionid%' OR url LIKE '%SESSID%' OR url LIKE '%sid=%'`), [{ n: 0 }]);
  assert.deepEqual(Object.fromEntries([...site.hits].filter(([path]) => path !== '/robots.txt')), { '/': 1, '/a': 1, '/b?x=1': 1 });
});

test('a redirect that only adds a session id is followed as sent, once; the page keeps the URL without it', async (t) => {
  const requested: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requested.push(path);
    if (path === '/robots.txt') return void res.writeHead(404).end();
    const id = randomBytes(16).toString('hex');
    // /a insists: every request, with an id or not, is sent to a new one.
    if (path.startsWith('/a')) return void res.writeHead(302, { location: `/a;jsessionid=${id}` }).end();
    if (!path.includes(';jsessionid=')) return void res.writeHead(302, { location: `/;jsessionid=${id}` }).end();
    res.writeHead(200, { 'content-type': 'text/html' }).end(page('home', [`/a;jsessionid=${id}`]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = testConfig(t, [`${origin}/`]);
  await runCrawl(config);

  const urls = rows<{ url: string; state: string; error_code: string | null }>(config.dbPath, 'SELECT url, state, error_code FROM urls ORDER BY url');
  assert.deepEqual(urls, [
    { url: `${origin}/`, state: 'done', error_code: null },
    { url: `${origin}/a`, state: 'failed', error_code: 'CRAWL_REDIRECT_LOOP' },
  ]);
  assert.deepEqual(rows(config.dbPath, 'SELECT url, final_url, title FROM pages'), [{ url: `${origin}/`, final_url: `${origin}/`, title: 'home' }]);
  assert.equal(requested.filter((p) => p.startsWith('/a')).length, 2, '/a, then its Location as sent, then no more');
});

test('a redirect that only adds a session id meets robots.txt as sent: Disallow: /*;jsessionid keeps it unrequested', async (t) => {
  const site = await startSite({
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /*;jsessionid\nDisallow: /*&PHPSESSID\n' },
    '/': page('home', ['/x', '/y?a=1']),
    '/x': { status: 302, headers: { location: '/x;jsessionid=S4' } },
    '/x;jsessionid=S4': page('x', []),
    '/y?a=1': { status: 302, headers: { location: '/y?a=1&PHPSESSID=0123456789abcdef' } },
    '/y?a=1&PHPSESSID=0123456789abcdef': page('y', []),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);

  // The normalized URL (id stripped) is allowed, and requested; the Location as sent is not.
  assert.deepEqual(Object.fromEntries(site.hits), { '/robots.txt': 1, '/': 1, '/x': 1, '/y?a=1': 1 });
  const urls = rows<{ url: string; state: string; error_code: string | null; redirect_to: string | null }>(
    config.dbPath, 'SELECT url, state, error_code, redirect_to FROM urls ORDER BY url',
  );
  assert.deepEqual(urls, [
    { url: site.url('/'), state: 'done', error_code: null, redirect_to: null },
    { url: site.url('/x'), state: 'failed', error_code: 'CRAWL_ROBOTS_DISALLOWED', redirect_to: site.url('/x;jsessionid=S4') },
    { url: site.url('/y?a=1'), state: 'failed', error_code: 'CRAWL_ROBOTS_DISALLOWED', redirect_to: site.url('/y?a=1&PHPSESSID=0123456789abcdef') },
  ]);
});
