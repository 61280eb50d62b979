/**
 * Hostile-web QA, round 16. Each test starts its own server on 127.0.0.1 and runs the real crawl
 * (the CLI) on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
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
