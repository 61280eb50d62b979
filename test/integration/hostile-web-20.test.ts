/**
 * Hostile-web QA, round 20. Each test starts its own server on 127.0.0.1 and runs the real crawl
 * (the CLI) on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { rawResponse, startRawSite } from '../helpers/raw-site.js';

const html = (body: string): Buffer => rawResponse(['Content-Type: text/html'], Buffer.from(body));

type UrlRow = { url: string; state: string; attempts: number; error_code: string | null; error_message: string | null };

const urlRows = (db: string): UrlRow[] => rows<UrlRow>(db, 'SELECT url, state, attempts, error_code, error_message FROM urls ORDER BY id');

test('a site whose pages change on every request, their links carrying the time (/news?ts=<now> -> /news/<now> -> /news?ts=<now>, a ?nocache=<now> link to itself), ends by itself: it ran to --max-pages (48,000 pages a minute), no cap seeing a new path each hop', async (t) => {
  let clock = 1_733_580_000_000;
  const site = await startRawSite(t, (path) => {
    const now = (clock += 7);
    const [file] = path.split('?') as [string];
    if (file === '/') return html(`<title>Home</title><p>Generated at ${new Date(now).toISOString()}</p><a href="/?nocache=${now}">reload</a> <a href="/about">about</a> <a href="/news?ts=${now}">news</a>`);
    if (file === '/about') return html(`<title>About</title><p>Rendered ${now}</p><a href="/">home</a> <a href="/about?v=${now}">this page</a>`);
    if (file === '/news') return html(`<title>News</title><p>As of ${now}</p><a href="/">home</a> <a href="/news/${now}">latest story</a>`);
    if (file.startsWith('/news/')) return html(`<title>Story</title><p>The story, updated ${now}</p><a href="/news">all news</a> <a href="/news?ts=${now}">news now</a>`);
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--max-pages', '300', '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const urls = urlRows(db);
  const done = urls.filter((u) => u.state === 'done');
  // Home, about, news, a story, and a copy or two of each (a copy is where its loop is seen): 14.
  assert.ok(done.length <= 20, `a bounded crawl, not one to --max-pages: ${done.length} pages`);
  assert.ok(done.length >= 4, 'the real pages are crawled');
  for (const page of ['/', '/about']) assert.ok(done.some((u) => u.url === `${site.origin}${page}`), page);
  assert.ok(done.some((u) => u.url.startsWith(`${site.origin}/news?ts=`)), 'the news page');
  assert.ok(done.some((u) => u.url.startsWith(`${site.origin}/news/`)), 'a story');
  assert.equal(urls.filter((u) => u.state === 'queued').length, 0, 'nothing left in the queue');
  const trapped = urls.filter((u) => u.error_code === 'CRAWL_TRAP_DUPLICATE_CONTENT');
  assert.ok(trapped.length >= 2, `the loops' next URLs are skipped as traps: ${JSON.stringify(urls.map((u) => [u.url, u.state, u.error_code]))}`);
  assert.ok(trapped.every((u) => u.state === 'skipped'));
});

test('pages whose links carry long ids but whose content differs (a shop\'s /p/<8-digit id> linking related products) are crawled whole: only a page that is its ancestor again but for tokens is a copy', async (t) => {
  const ids = Array.from({ length: 40 }, (_, i) => 10_000_000 + i * 7919);
  const names = ['kettle', 'teapot', 'mug', 'saucer', 'spoon', 'sieve', 'tray', 'cosy'];
  const site = await startRawSite(t, (path) => {
    if (path === '/') return html(`<title>Shop</title><a href="/p/${ids[0]}">first product</a>`);
    const m = /^\/p\/(\d+)$/.exec(path);
    if (m === null) return null;
    const i = ids.indexOf(Number(m[1]));
    if (i === -1) return null;
    const related = [ids[(i + 1) % ids.length], ids[(i + 2) % ids.length]];
    return html(`<title>Product</title><p>A ${names[i % names.length]} of size ${i}, made in batch ${ids[i]}.</p>${related.map((id) => `<a href="/p/${id}">related</a>`).join(' ')}`);
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const urls = urlRows(db);
  assert.equal(urls.filter((u) => u.state === 'done').length, ids.length + 1, JSON.stringify(urls.filter((u) => u.state !== 'done')));
});

test('a 205 Reset Content has no content (RFC 9110), as Chromium reads it: one with neither a length nor chunks, its connection left open, is stored empty on its first attempt (it failed after 10 s as CRAWL_FETCH_STALLED, each retry again); one with a body has its links ignored', async (t) => {
  const site = await startRawSite(t, (path) => {
    if (path === '/') return html('<title>home</title><a href="/reset-open">a</a> <a href="/reset-body">b</a> <a href="/after">c</a>');
    // What a form handler answers: the status line and headers, nothing after them, no close.
    if (path === '/reset-open') return (socket) => socket.write('HTTP/1.1 205 Reset Content\r\nContent-Type: text/html\r\n\r\n');
    if (path === '/reset-body') return rawResponse(['Content-Type: text/html'], Buffer.from('<title>reset</title><a href="/from-205">never shown</a>'), '205 Reset Content');
    if (path === '/after' || path === '/from-205') return html(`<title>${path}</title>`);
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--retries', '0', '--timeout', '40s', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  const byUrl = new Map(urlRows(db).map((u) => [u.url.slice(site.origin.length), u]));
  for (const path of ['/reset-open', '/reset-body']) {
    const u = byUrl.get(path);
    assert.deepEqual([u?.state, u?.error_code], ['done', null], `${path}: ${u?.error_message}`);
  }
  const pages = new Map(rows<{ url: string; status: number; raw_bytes: number; title: string | null }>(db, 'SELECT url, status, raw_bytes, title FROM pages').map((p) => [p.url.slice(site.origin.length), p]));
  assert.deepEqual([pages.get('/reset-open')?.status, pages.get('/reset-open')?.raw_bytes, pages.get('/reset-open')?.title], [205, 0, null]);
  assert.deepEqual([pages.get('/reset-body')?.status, pages.get('/reset-body')?.raw_bytes, pages.get('/reset-body')?.title], [205, 0, null]);
  assert.equal(byUrl.get('/from-205'), undefined, 'no link read out of a 205');
  assert.equal(byUrl.get('/after')?.state, 'done');
});

test('a Content-Type sent twice is the type of its last value, as browsers read it (WHATWG "extract a MIME type"): JSON a server labelled text/html before its script said application/json is not parsed as a page (its markup was followed as links)', async (t) => {
  const json = Buffer.from('{"snippet":"<title>t</title><a href=\\"/from-json\\">x</a>"}');
  const site = await startRawSite(t, (path) => {
    if (path === '/') return html('<title>home</title><a href="/api">api</a> <a href="/page">page</a> <a href="/htmlish">x</a>');
    if (path === '/api') return rawResponse(['Content-Type: text/html; charset=UTF-8', 'Content-Type: application/json'], json);
    if (path === '/page') return rawResponse(['Content-Type: application/json', 'Content-Type: text/html'], Buffer.from('<title>page</title><a href="/from-page">y</a>'));
    // No HTML type at all, though "text/html" is inside it.
    if (path === '/htmlish') return rawResponse(['Content-Type: text/html-sandboxed'], Buffer.from('<title>sandboxed</title><a href="/from-sandboxed">z</a>'));
    if (path.startsWith('/from-')) return html(`<title>${path}</title>`);
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const pages = new Map(rows<{ url: string; title: string | null; links_found: number }>(db, 'SELECT url, title, links_found FROM pages').map((p) => [p.url.slice(site.origin.length), p]));
  assert.deepEqual([pages.get('/api')?.title, pages.get('/api')?.links_found], [null, 0], 'the JSON is kept as a non-HTML body');
  assert.deepEqual([pages.get('/htmlish')?.title, pages.get('/htmlish')?.links_found], [null, 0]);
  assert.equal(pages.get('/page')?.title, 'page', 'text/html last: a page');
  const urls = new Set(urlRows(db).map((u) => u.url.slice(site.origin.length)));
  assert.ok(!urls.has('/from-json') && !urls.has('/from-sandboxed'), [...urls].join(' '));
  assert.ok(urls.has('/from-page'));
});

test('a host that answers 429 for a while, then recovers, gets one request per Retry-After until it answers again, not all its URLs at once each time: one URL at most spends its retries, where each burst spent one attempt of every URL in it (4 pages lost)', async (t) => {
  let busyUntil = 0;
  let tooMany = 0;
  const pages = Array.from({ length: 12 }, (_, i) => `/p${i}`);
  const site = await startRawSite(t, (path) => {
    if (path === '/') {
      busyUntil = Date.now() + 5_000; // busy from the home page on, for 5 s
      return html(`<title>home</title>${pages.map((p) => `<a href="${p}">${p}</a>`).join(' ')}`);
    }
    if (!pages.includes(path)) return null;
    if (Date.now() < busyUntil) {
      tooMany += 1;
      return rawResponse(['Content-Type: text/html', 'Retry-After: 1'], Buffer.from('slow down'), '429 Too Many Requests');
    }
    return html(`<title>${path}</title>`);
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--per-host', '4', '--retries', '3', '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const statuses = rows<{ url: string; status: number }>(db, 'SELECT url, status FROM pages');
  const lost = statuses.filter((p) => p.status === 429);
  assert.ok(lost.length <= 1, `pages stored as 429: ${JSON.stringify(lost)}`);
  assert.equal(statuses.length, pages.length + 1);
  // The first burst (4 in flight when the first 429 came), then about one a second.
  assert.ok(tooMany <= 4 + 8, `429s answered: ${tooMany}`);
});
