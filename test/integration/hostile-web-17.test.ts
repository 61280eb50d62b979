/**
 * Hostile-web QA, round 17. Each test starts its own server on 127.0.0.1 and runs the real crawl
 * (the CLI) on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { gzipSync } from 'node:zlib';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { rawResponse, startRawSite, writeForever } from '../helpers/raw-site.js';

const html = (body: string): Buffer => rawResponse(['Content-Type: text/html'], Buffer.from(body));

/** Writes `start`, then `filler` again and again, as fast as the client reads, until the connection ends. */
const endlessly = (start: string, filler: string) => (socket: net.Socket): void => {
  const bytes = Buffer.from(filler.repeat(Math.ceil(16_384 / filler.length)), 'latin1');
  socket.write(start);
  writeForever(socket, bytes);
};

const CHUNKED_HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n';

type UrlRow = { url: string; state: string; attempts: number; error_code: string | null; error_message: string | null };

test('a chunk-size line, chunk extension, status line or blank lines before it without end fail their URL as CRAWL_FETCH_TOO_LARGE at once, strict and lenient parser alike, not retried (they read at full speed to --timeout, each retry again); real chunking of one byte per chunk is read', async (t) => {
  // 300 KB in chunks of one byte: 1.5 MB of framing, the most real chunking spends per body byte.
  const tiny = '<title>tiny chunks</title>' + 'x'.repeat(300_000);
  const tinyChunks = Buffer.concat([Buffer.from(CHUNKED_HEAD), Buffer.from([...tiny].map((c) => `1\r\n${c}\r\n`).join('') + '0\r\n\r\n', 'latin1')]);
  const strict = await startRawSite(t, (path) => ({
    '/': html('<title>home</title><a href="/ext">ext</a> <a href="/hex">hex</a> <a href="/status">status</a> <a href="/crlf">crlf</a> <a href="/ext-each">ext each</a> <a href="/tiny">tiny</a>'),
    '/ext': endlessly(`${CHUNKED_HEAD}5;`, 'a'),
    '/hex': endlessly(CHUNKED_HEAD, '0'),
    '/status': endlessly('HTTP/1.1 200 ', 'OK'),
    '/crlf': endlessly('', '\r\n'),
    // Each chunk is one byte with 100 bytes of extension: body keeps coming, framing far faster.
    '/ext-each': endlessly(CHUNKED_HEAD, `1;${'e'.repeat(100)}\r\nx\r\n`),
    '/tiny': tinyChunks,
  })[path] ?? null);
  // Its home's header lines end in a bare LF: the origin is read by Node's lenient parser from then
  // on, which reads spaces after a chunk size (and so, without end, did the reframer before it).
  const homeBody = '<title>lenient home</title><a href="/spaces">spaces</a> <a href="/ext">ext</a> <a href="/crlf">crlf</a> <a href="/status">status</a>';
  const lenient = await startRawSite(t, (path) => ({
    '/': Buffer.from(`HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: ${homeBody.length}\n\n${homeBody}`, 'latin1'),
    '/spaces': endlessly(`${CHUNKED_HEAD}5`, ' '),
    '/ext': endlessly(`${CHUNKED_HEAD}5;`, 'a'),
    '/crlf': endlessly('', '\r\n'),
    '/status': endlessly('HTTP/1.1 200 ', 'OK'),
  })[path] ?? null);
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${strict.origin}/`, `${lenient.origin}/`, '--db', db, '--retries', '2', '--quiet', '--timeout', '60s']);
  assert.equal(run.code, 0, run.stderr);
  const urls = new Map(rows<UrlRow>(db, 'SELECT url, state, attempts, error_code, error_message FROM urls').map((r) => [r.url, r]));
  const endless = [
    ...['/ext', '/hex', '/status', '/crlf', '/ext-each'].map((path) => [strict, path] as const),
    ...['/spaces', '/ext', '/crlf', '/status'].map((path) => [lenient, path] as const),
  ];
  for (const [site, path] of endless) {
    const row = urls.get(`${site.origin}${path}`);
    assert.deepEqual([row?.state, row?.error_code, row?.attempts], ['failed', 'CRAWL_FETCH_TOO_LARGE', 1], `${path}: ${row?.error_message ?? ''}`);
    assert.match(row!.error_message!, /^response (?:too large outside its body|headers too large): /);
    assert.equal(site.hits.get(path), 1, `${path} is not retried: the same server sends the same`);
  }
  assert.match(urls.get(`${strict.origin}/ext`)!.error_message!, /^response too large outside its body: 1\.\d MiB of head and chunk framing \(.*\) for 0 B of body$/);
  assert.match(urls.get(`${lenient.origin}/crlf`)!.error_message!, /more than 256\.0 KiB of blank lines before its status line$/);
  assert.match(urls.get(`${lenient.origin}/status`)!.error_message!, /^response headers too large: .*\[HPE_HEADER_OVERFLOW\]$/);
  assert.match(urls.get(`${lenient.origin}/spaces`)!.error_message!, /a chunk-size line \(with its extensions\) longer than 16\.0 KiB, which browsers refuse too$/);
  const pages = new Map(rows<{ url: string; title: string }>(db, 'SELECT url, title FROM pages').map((p) => [p.url, p]));
  assert.equal(pages.get(`${strict.origin}/tiny`)?.title, 'tiny chunks');
  assert.deepEqual([...pages.values()].map((p) => p.title).sort(), ['home', 'lenient home', 'tiny chunks']);
});

/** An HTTP/1.0-style answer with no Content-Length: its body ends only at a close that never comes. */
const unframed = (type: string, body: Buffer): Buffer => Buffer.concat([Buffer.from(`HTTP/1.0 200 OK\r\nContent-Type: ${type}\r\n\r\n`, 'latin1'), body]);

test('--sitemaps: a gzip\'d sitemap read to the close from a server that never closes is read once its gzip stream has ended (it stalled and was skipped); one cut short is read to its last whole entry at the stall (round 19; it was skipped)', async (t) => {
  let origin = '';
  let cutOrigin = '';
  const sitemap = (at: string, ...paths: string[]): Buffer => gzipSync(`<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<url><loc>${at}${p}</loc></url>`).join('')}</urlset>\n`);
  const site = await startRawSite(t, (path) => ({
    '/robots.txt': rawResponse(['Content-Type: text/plain'], Buffer.from(`User-agent: *\nAllow: /\nSitemap: ${origin}/sitemap.xml.gz\n`)),
    // Two members and the "\r\n" PHP appends: whole all the same.
    '/sitemap.xml.gz': unframed('application/x-gzip', Buffer.concat([sitemap(origin, '/from-gzip-1'), gzipSync(''), Buffer.from('\r\n')])),
    '/': html('<title>home</title>'),
    '/from-gzip-1': html('<title>gzip 1</title>'),
  })[path] ?? null);
  origin = site.origin;
  const cut = await startRawSite(t, (path) => {
    const whole = sitemap(cutOrigin, '/cut-1', '/cut-2');
    return ({
      '/robots.txt': rawResponse(['Content-Type: text/plain'], Buffer.from(`User-agent: *\nAllow: /\nSitemap: ${cutOrigin}/sitemap.xml.gz\n`)),
      '/sitemap.xml.gz': unframed('application/x-gzip', whole.subarray(0, whole.length - 6)),
      '/': html('<title>cut home</title>'),
    })[path] ?? null;
  });
  cutOrigin = cut.origin;
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${origin}/`, `${cutOrigin}/`, '--sitemaps', '--db', db, '--retries', '0', '--timeout', '40s']);
  assert.equal(run.code, 0, run.stderr);
  const urls = rows<{ url: string }>(db, 'SELECT url FROM urls').map((r) => new URL(r.url).pathname);
  // Cut in its trailer, the cut one's entries have all come: read at the stall, said to be cut.
  assert.ok(urls.includes('/cut-1') && urls.includes('/cut-2'), run.stderr);
  assert.match(run.stderr, /sitemaps: 2 read, 3 URLs queued; read in part:\n.*\/sitemap\.xml\.gz: its gzip stream is cut short \(its server fell silent\); read to its last whole entry \(2 entries\)/);
  assert.doesNotMatch(run.stderr, /CRAWL_FETCH_STALLED/);
});

test('a status line in lower case (http/1.1 200 OK) or after spaces is read as Chromium reads it, on the first attempt (it failed on every attempt, "Expected HTTP/"); one that is none still fails', async (t) => {
  const page = (statusLine: string, title: string): Buffer => Buffer.from(`${statusLine}\r\nContent-Type: text/html\r\nContent-Length: ${title.length + 15}\r\n\r\n<title>${title}</title>`, 'latin1');
  const sites = await Promise.all([
    ['http/1.1 200 OK', 'lower case'],
    ['Http/1.0 200 OK', 'mixed case'],
    ['  HTTP/1.1 200 OK', 'after spaces'],
    ['\thttp/2 200', 'tab, lower case, dotless'],
    ['hxxp/1.1 200 OK', 'none'],
  ].map(([statusLine, title]) => startRawSite(t, (path) => (path === '/' ? page(statusLine!, title!) : null))));
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', ...sites.map((site) => `${site.origin}/`), '--db', db, '--retries', '1', '--quiet', '--timeout', '20s']);
  assert.equal(run.code, 0, run.stderr);
  const urls = new Map(rows<UrlRow>(db, 'SELECT url, state, attempts, error_code, error_message FROM urls').map((r) => [r.url, r]));
  const titles = rows<{ title: string }>(db, 'SELECT title FROM pages').map((p) => p.title);
  assert.deepEqual(titles.sort(), ['after spaces', 'lower case', 'mixed case', 'tab, lower case, dotless']);
  for (const site of sites.slice(0, 4)) assert.equal(urls.get(`${site.origin}/`)?.attempts, 1);
  const none = urls.get(`${sites[4]!.origin}/`);
  assert.deepEqual([none?.state, none?.error_code], ['failed', 'CRAWL_FETCH_PROTOCOL'], none?.error_message ?? '');
});

test('robots.txt read as Google reads it: "User agent", "Dissallow", "Disalow" and "Disallowed" are obeyed (robots-parser read only the exact names, and those paths were crawled)', async (t) => {
  const robots = 'User agent: *\nDissallow: /private/\nDisalow: /secret/\nDisallowed: /hidden/\n';
  const site = await startRawSite(t, (path) => ({
    '/robots.txt': rawResponse(['Content-Type: text/plain'], Buffer.from(robots)),
    '/': html('<title>home</title><a href="/private/a">a</a> <a href="/secret/b">b</a> <a href="/hidden/c">c</a> <a href="/open">open</a>'),
    '/open': html('<title>open</title>'),
  })[path] ?? null);
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const urls = new Map(rows<UrlRow>(db, 'SELECT url, state, attempts, error_code, error_message FROM urls').map((r) => [r.url, r]));
  for (const path of ['/private/a', '/secret/b', '/hidden/c']) {
    assert.equal(urls.get(`${site.origin}${path}`)?.error_code, 'CRAWL_ROBOTS_DISALLOWED', path);
    assert.equal(site.hits.get(path), undefined, `${path} is never requested`);
  }
  assert.equal(urls.get(`${site.origin}/open`)?.state, 'done');
});
