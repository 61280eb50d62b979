/**
 * Hostile-web QA, round 15: a robots.txt and a sitemap read to the close from servers that never
 * close, a late <meta> charset, a server that closes its keep-alive connections. Each test starts its own server on 127.0.0.1 and runs the real crawl (the CLI) on a
 * fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlite } from '../helpers/cli.js';
import { startClosingServer } from '../helpers/closing-server.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { rawResponse, startRawSite } from '../helpers/raw-site.js';

/** An HTTP/1.0-style answer with no Content-Length: its body ends only at a close that never comes. */
const unframed = (type: string, body: string): Buffer => Buffer.from(`HTTP/1.0 200 OK\r\nContent-Type: ${type}\r\n\r\n${body}`, 'latin1');
const html = (body: string): Buffer => rawResponse(['Content-Type: text/html'], Buffer.from(body));

interface UrlRow {
  url: string;
  state: string;
  error_code: string | null;
  error_message: string | null;
}

test('a robots.txt read to the close from a server that never closes is obeyed once its last line has ended (it stalled, and with it the origin); one cut mid-line still stalls', async (t) => {
  const home = html('<title>home</title><a href="/open">open</a> <a href="/private/x">private</a>');
  const whole = await startRawSite(t, (path) => ({
    '/robots.txt': unframed('text/plain', 'User-agent: *\nDisallow: /private/\n'),
    '/': home,
    '/open': html('<title>open</title>'),
  })[path] ?? null);
  const cut = await startRawSite(t, (path) => ({
    '/robots.txt': unframed('text/plain', 'User-agent: *\nDisallow: /priv'),
    '/': home,
  })[path] ?? null);
  const db = tempDbPath(t);
  const startedAt = Date.now();
  const run = await crawlite(['crawl', `${whole.origin}/`, `${cut.origin}/`, '--db', db, '--retries', '0', '--quiet', '--timeout', '40s']);
  const elapsedMs = Date.now() - startedAt;
  assert.equal(run.code, 0, run.stderr);
  const byUrl = new Map(rows<UrlRow>(db, 'SELECT url, state, error_code, error_message FROM urls').map((r) => [r.url, r]));
  const state = (url: string) => [byUrl.get(url)?.state, byUrl.get(url)?.error_code];
  assert.deepEqual(state(`${whole.origin}/`), ['done', null], byUrl.get(`${whole.origin}/`)?.error_message ?? '');
  assert.deepEqual(state(`${whole.origin}/open`), ['done', null]);
  assert.deepEqual(state(`${whole.origin}/private/x`), ['failed', 'CRAWL_ROBOTS_DISALLOWED']);
  assert.equal(whole.hits.get('/private/x'), undefined, 'a disallowed URL is never requested');
  // Cut mid-line: the rest of a rule may be missing, so nothing is taken from it.
  assert.deepEqual(state(`${cut.origin}/`), ['failed', 'CRAWL_ROBOTS_UNAVAILABLE']);
  assert.match(byUrl.get(`${cut.origin}/`)?.error_message ?? '', /\(CRAWL_FETCH_STALLED: the server sent 29 bytes of a body .*\); gave up after 1 attempt$/);
  assert.equal(cut.hits.get('/'), undefined);
  assert.ok(elapsedMs < 30_000, `ended on the silences, not on --timeout (${elapsedMs} ms)`);
});

test('--sitemaps: a sitemap read to the close from a server that never closes is read once its end tag has come', async (t) => {
  // The sitemap names absolute URLs, known once the server listens.
  let origin = '';
  const site = await startRawSite(t, (path) => ({
    '/sitemap.xml': unframed('application/xml', `<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${origin}/only-in-sitemap</loc></url></urlset>\n<!-- generated in 0.1 s -->\n`),
    '/': html('<title>home</title>'),
    '/only-in-sitemap': html('<title>from the sitemap</title>'),
  })[path] ?? null);
  origin = site.origin;
  const db = tempDbPath(t);
  const startedAt = Date.now();
  const run = await crawlite(['crawl', `${origin}/`, '--sitemaps', '--db', db, '--retries', '0', '--quiet', '--timeout', '40s']);
  const elapsedMs = Date.now() - startedAt;
  assert.equal(run.code, 0, run.stderr);
  const titles = rows<{ title: string }>(db, 'SELECT title FROM pages ORDER BY url').map((p) => p.title);
  assert.deepEqual(titles, ['home', 'from the sitemap'], run.stderr);
  assert.ok(elapsedMs < 9_000, `ended on the silence after </urlset> (${elapsedMs} ms)`);
});

test('a <meta charset> past the first 1024 bytes, still in the head, is the page\'s encoding, as in Chromium: a windows-1251 page after a long head is not read as windows-1252', async (t) => {
  const privet = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]); // "Привет" in windows-1251
  const head = `<html><head><!-- theme header ${'-'.repeat(1200)} -->${'<link rel="stylesheet" href="/s.css">'.repeat(5)}<script>var t = "<div>";</script>`;
  const page = (meta: string) => Buffer.concat([Buffer.from(`${head}${meta}<title>`, 'latin1'), privet, Buffer.from('</title></head><body><p>', 'latin1'), privet, Buffer.from(' world</p></body></html>', 'latin1')]);
  const site = await startRawSite(t, (path) => ({
    '/': rawResponse(['Content-Type: text/html'], Buffer.from('<title>home</title><a href="/late">late</a>')),
    '/late': rawResponse(['Content-Type: text/html'], page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">')),
  })[path] ?? null);
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--retries', '0', '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const [late] = rows<{ title: string; encoding: string }>(db, 'SELECT title, encoding FROM pages WHERE url = ?', `${site.origin}/late`);
  assert.deepEqual(late, { title: 'Привет', encoding: 'windows-1251' });
  const search = await crawlite(['search', 'привет', '--db', db, '--json']);
  assert.equal(search.code, 0, search.stderr);
  assert.match(search.stdout, /\/late/);
});

test('a server that closes each connection after 5 answers (Apache\'s Keep-Alive max) costs a connection per 5 requests, not one per request once it has closed one', async (t) => {
  const server = await startClosingServer(t, (path) => ({
    type: 'text/html',
    body: path === '/robots.txt' ? 'User-agent: *\nAllow: /\n'
      : path === '/' ? `<title>home</title>${Array.from({ length: 39 }, (_, i) => `<a href="/p${i}">${i}</a>`).join('')}` : `<title>${path}</title>`,
  }));
  const origin = server.origin;
  const db = tempDbPath(t);
  // One request at a time, as each host of a crawl over many hosts gets them.
  const run = await crawlite(['crawl', `${origin}/`, '--db', db, '--concurrency', '1', '--retries', '0', '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(rows<{ n: number }>(db, 'SELECT count(*) AS n FROM pages')[0]?.n, 40);
  assert.ok(server.connections() <= 9, `41 requests (robots.txt and 40 pages), 5 per connection: ${server.connections()} connections`);
});
