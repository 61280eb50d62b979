/**
 * Hostile-web QA, round 16. Each test starts its own server on 127.0.0.1 and runs the real crawl
 * (the CLI) on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import type net from 'node:net';
import { rawResponse, startRawSite } from '../helpers/raw-site.js';

/** An HTTP/1.0-style answer with no Content-Length: its body ends only at a close that never comes. */
const unframed = (type: string, body: string): Buffer => Buffer.from(`HTTP/1.0 200 OK\r\nContent-Type: ${type}\r\n\r\n${body}`, 'latin1');
const html = (body: string): Buffer => rawResponse(['Content-Type: text/html'], Buffer.from(body));

test('--sitemaps: a text sitemap read to the close from a server that never closes is read once its last line has ended; one cut mid-line is still skipped', async (t) => {
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
  })[path] ?? null);
  cutOrigin = cut.origin;
  const db = tempDbPath(t);
  const startedAt = Date.now();
  const run = await crawlite(['crawl', `${origin}/`, `${cutOrigin}/`, '--sitemaps', '--db', db, '--retries', '0', '--timeout', '40s']);
  const elapsedMs = Date.now() - startedAt;
  assert.equal(run.code, 0, run.stderr);
  const titles = rows<{ title: string }>(db, 'SELECT title FROM pages ORDER BY url').map((p) => p.title);
  assert.deepEqual(titles.sort(), ['cut home', 'home', 'text 1', 'text 2'], run.stderr);
  assert.equal(cut.hits.get('/cut-1'), undefined, 'nothing is taken from a cut one');
  assert.match(run.stderr, /sitemaps: 1 read, 2 URLs queued; skipped:\s.*\/sitemap\.txt.*CRAWL_FETCH_STALLED/s);
  assert.ok(elapsedMs < 30_000, `ended on the silences, not on --timeout (${elapsedMs} ms)`);
});

/** Writes `head` again and again, as fast as the client reads, until the connection ends. */
const endlessly = (head: string) => (socket: net.Socket): void => {
  const bytes = Buffer.from(head, 'latin1');
  const pump = (): void => {
    while (!socket.destroyed) {
      if (!socket.write(bytes)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
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
