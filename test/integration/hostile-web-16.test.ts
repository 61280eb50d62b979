/**
 * Hostile-web QA, round 16. Each test starts its own server on 127.0.0.1 and runs the real crawl
 * (the CLI) on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlite } from '../helpers/cli.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDbPath, tempDir } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import type net from 'node:net';
import { rawResponse, startRawSite, writeForever } from '../helpers/raw-site.js';

/** An HTTP/1.0-style answer with no Content-Length: its body ends only at a close that never comes. */
const unframed = (type: string, body: string): Buffer => Buffer.from(`HTTP/1.0 200 OK\r\nContent-Type: ${type}\r\n\r\n${body}`, 'latin1');
const html = (body: string): Buffer => rawResponse(['Content-Type: text/html'], Buffer.from(body));

test('--sitemaps: a text sitemap read to the close from a server that never closes is read once its last line has ended; one cut mid-line is read to its last whole line (hostile-web-18: it was skipped)', async (t) => {
  // The sitemaps name absolute URLs, known once the servers listen.
  let origin = '';
  let cutOrigin = '';
  const site = await startRawSite(t, (path) => ({
    '/robots.txt': rawResponse(['Content-Type: text/plain'], Buffer.from(`User-agent: *\nAllow: /\nSitemap: ${origin}/sitemap.txt\n`)),
    '/sitemap.txt': unframed('text/plain', `${origin}/from-text-1\r\n${origin}/from-text-2\r\n`),
    '/': html('<title>home</title>'),
    '/from-text-1': html('<title>text 1</title>'),
    '/from-text-2': html('<title>text 2</title>'),
  })[path] ?? null);
  origin = site.origin;
  const cut = await startRawSite(t, (path) => ({
    '/robots.txt': rawResponse(['Content-Type: text/plain'], Buffer.from(`User-agent: *\nAllow: /\nSitemap: ${cutOrigin}/sitemap.txt\n`)),
    '/sitemap.txt': unframed('text/plain', `${cutOrigin}/cut-1\n${cutOrigin}/cu`),
    '/': html('<title>cut home</title>'),
    '/cut-1': html('<title>cut 1</title>'),
  })[path] ?? null);
  cutOrigin = cut.origin;
  const db = tempDbPath(t);
  const startedAt = Date.now();
  const run = await crawlite(['crawl', `${origin}/`, `${cutOrigin}/`, '--sitemaps', '--db', db, '--retries', '0', '--timeout', '40s']);
  const elapsedMs = Date.now() - startedAt;
  assert.equal(run.code, 0, run.stderr);
  const titles = rows<{ title: string }>(db, 'SELECT title FROM pages ORDER BY url').map((p) => p.title);
  assert.deepEqual(titles.sort(), ['cut 1', 'cut home', 'home', 'text 1', 'text 2'], run.stderr);
  assert.equal(cut.hits.get('/cut-1'), 1, 'the whole lines of a cut one are read');
  assert.equal(cut.hits.get('/cu'), undefined, 'its cut line is not');
  // The cut one is named (round 19: a sitemap read in part says so).
  assert.match(run.stderr, /sitemaps: 2 read, 3 URLs queued; read in part:\n  \S+\/sitemap\.txt: cut short after \d+ B \(its server fell silent\); read to its last whole entry \(1 entry\)\n/);
  assert.ok(elapsedMs < 30_000, `ended on the silences, not on --timeout (${elapsedMs} ms)`);
});

/** Writes `head` again and again, as fast as the client reads, until the connection ends. */
const endlessly = (head: string) => (socket: net.Socket): void => {
  const bytes = Buffer.from(head, 'latin1');
  writeForever(socket, bytes);
};

test('interim (1xx) responses without end fail their URL as CRAWL_FETCH_TOO_LARGE once past 256 KiB of heads, on the first attempt, strict and lenient parser alike (they ran to --timeout with a core busy); a few before the answer are read past', async (t) => {
  const early = 'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n';
  const strict = await startRawSite(t, (path) => ({
    '/': html('<title>home</title><a href="/endless">endless</a> <a href="/early">early</a> <a href="/processing">processing</a>'),
    '/endless': endlessly(early),
    '/early': Buffer.concat([Buffer.from(early.repeat(2)), html('<title>after hints</title>')]),
    '/processing': Buffer.concat([Buffer.from('HTTP/1.1 102 Processing\r\n\r\n'.repeat(30)), html('<title>after processing</title>')]),
  })[path] ?? null);
  // Its home's header lines end in a bare LF: the origin is read by Node's lenient parser from then on.
  const homeBody = '<title>lenient home</title><a href="/endless">endless</a>';
  const lenient = await startRawSite(t, (path) => ({
    '/': Buffer.from(`HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: ${homeBody.length}\n\n${homeBody}`, 'latin1'),
    '/endless': endlessly(early),
  })[path] ?? null);
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${strict.origin}/`, `${lenient.origin}/`, '--db', db, '--retries', '2', '--quiet', '--timeout', '60s']);
  assert.equal(run.code, 0, run.stderr);
  const urls = new Map(rows<{ url: string; state: string; attempts: number; error_code: string | null; error_message: string | null }>(db, 'SELECT url, state, attempts, error_code, error_message FROM urls').map((r) => [r.url, r]));
  for (const origin of [strict.origin, lenient.origin]) {
    const endless = urls.get(`${origin}/endless`);
    assert.deepEqual([endless?.state, endless?.error_code, endless?.attempts], ['failed', 'CRAWL_FETCH_TOO_LARGE', 1], endless?.error_message ?? '');
    assert.match(endless!.error_message!, /^response headers too large: \d+ interim \(1xx\) responses, more than 256\.0 KiB of heads, before any final one$/);
  }
  assert.equal(strict.hits.get('/endless'), 1, 'not retried: the same server sends the same');
  assert.equal(lenient.hits.get('/endless'), 1);
  assert.equal(lenient.hits.get('/'), 2, 'the home was refused by the strict parser, then read by the lenient one');
  const titles = rows<{ title: string }>(db, 'SELECT title FROM pages ORDER BY title').map((p) => p.title);
  assert.deepEqual(titles, ['after hints', 'after processing', 'home', 'lenient home']);
});

test('a body that never ends (the same link-rich HTML streamed forever, chunked or to a close that never comes) is stored truncated at --max-bytes with its links, the connection dropped; a Location with spaces is requested with %20, one to file: or a 80 KB data: URL is refused and quoted cut; a 40 KB Set-Cookie is read', async (t) => {
  const links = `<p>${Array.from({ length: 20 }, (_, i) => `<a href="/l${i}">l${i}</a>`).join(' ')}</p>\n`;
  let closed = 0;
  const forever = (isChunked: boolean) => (socket: net.Socket): void => {
    socket.on('close', () => (closed += 1));
    const frame = (text: string) => (isChunked ? `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n` : text);
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n${isChunked ? 'Transfer-Encoding: chunked\r\n' : 'Connection: keep-alive\r\n'}\r\n${frame('<html><title>endless</title>')}`);
    endlessly(frame(links))(socket);
  };
  const site = await startRawSite(t, (path) => {
    if (path === '/') return html('<title>home</title><a href="/chunked">c</a> <a href="/unframed">u</a> <a href="/moved">m</a> <a href="/cookie">k</a> <a href="/to-file">f</a> <a href="/to-data">d</a>');
    if (path === '/to-file') return rawResponse(['Location: file:///etc/passwd'], Buffer.alloc(0), '302 Found');
    if (path === '/to-data') return rawResponse([`Location: data:text/html;base64,${Buffer.from('<a href="http://x.test/">x</a>'.repeat(2_000)).toString('base64')}`], Buffer.alloc(0), '301 Moved Permanently');
    if (path === '/chunked') return forever(true);
    if (path === '/unframed') return forever(false);
    if (path === '/moved') return rawResponse(['Location: /a b?q=x y#top'], Buffer.alloc(0), '302 Found');
    if (path === '/a%20b?q=x%20y') return html('<title>spaced</title>');
    if (path === '/cookie') return rawResponse(['Content-Type: text/html', `Set-Cookie: big=${'x'.repeat(40_000)}`], Buffer.from('<title>big cookie</title>'));
    if (/^\/l\d+$/.test(path)) return html(`<title>${path}</title>`);
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--max-bytes', '256KB', '--max-depth', '2', '--retries', '0', '--quiet', '--timeout', '60s']);
  assert.equal(run.code, 0, run.stderr);
  const pages = new Map(rows<{ url: string; title: string; is_truncated: number; links_found: number; raw_bytes: number }>(db, 'SELECT url, title, is_truncated, links_found, raw_bytes FROM pages').map((p) => [p.url.slice(site.origin.length), p]));
  for (const path of ['/chunked', '/unframed']) {
    assert.deepEqual({ ...pages.get(path) }, { url: `${site.origin}${path}`, title: 'endless', is_truncated: 1, links_found: 20, raw_bytes: 256 * 1024 }, path);
  }
  assert.equal(closed, 2, 'both endless connections were dropped');
  assert.equal(pages.get('/moved')?.title, 'spaced');
  assert.equal(pages.get('/cookie')?.title, 'big cookie');
  assert.equal(pages.get('/l19')?.title, '/l19');
  const failed = rows<{ url: string; error_code: string; error_message: string }>(db, "SELECT url, error_code, error_message FROM urls WHERE state <> 'done' AND state <> 'redirected' ORDER BY url");
  assert.deepEqual(failed.map((f) => [f.url.slice(site.origin.length), f.error_code]), [['/to-data', 'CRAWL_REDIRECT_INVALID'], ['/to-file', 'CRAWL_REDIRECT_INVALID']]);
  // Over 8,192 characters it is refused before it is read as a URL (round 22), its start quoted.
  assert.match(failed[0]!.error_message, /^redirect from \S+\/to-data not followed: its Location is \d\d,\d{3} characters, over the 8,192 a link may have \(starts "data:text\/html;base64,\S+\.\.\."\)$/);
  assert.ok(failed[0]!.error_message.length < 1_100, 'the data: URL is cut in the message');
  assert.match(failed[1]!.error_message, /to a non-http\(s\) or invalid URL: file:\/\/\/etc\/passwd$/);
  assert.equal(rows(db, "SELECT url FROM urls WHERE url LIKE 'data:%' OR url LIKE 'file:%' OR url LIKE 'http://x.test/%'").length, 0, 'nothing of them is queued');
});

test('fields on a page with no <html> around 200,000 top-level elements (a fragment an AJAX URL serves): its fields and links are read, not lost to the parse timeout', async (t) => {
  const fragment = `${'<p>row</p>'.repeat(200_000)}<a class="next" href="/page-2">next</a>`;
  const site = await startRawSite(t, (path) => ({
    '/': html(`<html><body><title>home</title><a href="/fragment">f</a></body></html>`),
    '/fragment': rawResponse(['Content-Type: text/html'], Buffer.from(fragment)),
    '/page-2': html('<html><head><title>page 2</title></head><body><a class="next" href="/">home</a></body></html>'),
  })[path] ?? null);
  const job = join(tempDir(t), 'job.yaml');
  writeFileSync(job, 'fields:\n  next: { selector: a.next, attr: href }\n  row: p\n');
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--config', job, '--db', db, '--retries', '0', '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const pages = rows<{ url: string; title: string | null; links_found: number; fields: string | null; error_code: string | null }>(db, 'SELECT p.url, p.title, p.links_found, p.fields, u.error_code FROM pages p JOIN urls u ON u.id = p.url_id ORDER BY p.url');
  const fragmentPage = pages.find((p) => p.url === `${site.origin}/fragment`);
  assert.deepEqual([fragmentPage?.error_code, fragmentPage?.links_found, fragmentPage?.fields], [null, 1, JSON.stringify({ next: '/page-2', row: 'row' })]);
  assert.ok(pages.some((p) => p.title === 'page 2'), 'its link was followed');
});
