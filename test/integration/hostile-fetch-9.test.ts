/**
 * Hostile-web QA, round 9, the fetch side: framing and typing that browsers read and crawlite did
 * not. Each test starts its own raw TCP server on 127.0.0.1 (exact bytes, keep-alive) and runs the
 * real crawl on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrawl } from '../../src/crawl.js';
import { defaultPolitenessConfig } from '../../src/config/schema.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { rawResponse as response, startRawSite as startRaw } from '../helpers/raw-site.js';

function chunked(text: string): Buffer {
  const bytes = Buffer.from(text);
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n0\r\n\r\n')]);
}

test('a chunked page that also sends a Content-Length is read by its chunks, as browsers read it, on the first attempt: not failed as CRAWL_FETCH_RESET', async (t) => {
  const site = await startRaw(t, (path) => {
    if (path === '/') {
      const html = '<title>both framings</title><a href="/next">next</a>';
      // What a PHP script's own Content-Length looks like behind a server that chunks its output.
      return response(['Content-Type: text/html', 'Content-Length: 7', 'Transfer-Encoding: chunked'], chunked(html));
    }
    if (path === '/next') return response(['Content-Type: text/html', 'Content-Length: 99999', 'Transfer-Encoding: chunked'], chunked('<title>next</title><a href="/identity">i</a>'));
    // HTTP/1.1's withdrawn "identity" coding, still sent by old servers: the body runs to the close.
    if (path === '/identity') return response(['Content-Type: text/html', 'Content-Length: 23', 'Transfer-Encoding: identity'], Buffer.from('<title>identity</title>'));
    return null;
  });
  // No retries: the page must come in on its one attempt, not on a later one.
  const config = testConfig(t, [`${site.origin}/`], { fetch: { politeness: { ...defaultPolitenessConfig(), retries: 0 } } });
  await runCrawl(config);
  const stored = rows<{ url: string; title: string; status: number; attempts: number; links_found: number }>(
    config.dbPath, 'SELECT p.url, p.title, p.status, u.attempts, p.links_found FROM pages p JOIN urls u ON u.id = p.url_id ORDER BY p.url');
  assert.deepEqual(stored.map((r) => [new URL(r.url).pathname, r.title, r.status, r.attempts]), [
    ['/', 'both framings', 200, 1], ['/identity', 'identity', 200, 1], ['/next', 'next', 200, 1],
  ]);
  assert.deepEqual(rows(config.dbPath, "SELECT url FROM urls WHERE state != 'done'"), []);
  // undici's refusal is asked again once through the lenient parser; the origin then goes that way at once.
  assert.equal(site.hits.get('/'), 2);
  assert.equal(site.hits.get('/next'), 1);
});

test('a folded header line after the Content-Length (where servers put it) goes to the lenient parser like one before it: the page is stored, not failed as CRAWL_FETCH_RESET', async (t) => {
  const site = await startRaw(t, (path) => {
    const html = Buffer.from(`<title>folded ${path}</title>${path === '/' ? '<a href="/bare-lf">next</a>' : ''}`);
    if (path === '/') return response(['Content-Type: text/html', `Content-Length: ${html.length}`, 'X-Powered-By: an old', '  CGI server', 'Connection: keep-alive'], html);
    if (path === '/bare-lf') return Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${html.length}\nContent-Type: text/html\n\n`), html]);
    return null;
  });
  const config = testConfig(t, [`${site.origin}/`], { fetch: { politeness: { ...defaultPolitenessConfig(), retries: 0 } } });
  await runCrawl(config);
  const stored = rows<{ path: string; title: string; state: string }>(config.dbPath,
    `SELECT replace(u.url, ?, '') AS path, p.title, u.state FROM urls u LEFT JOIN pages p ON p.url_id = u.id ORDER BY u.url`, site.origin);
  assert.deepEqual(stored, [{ path: '/', title: 'folded /', state: 'done' }, { path: '/bare-lf', title: 'folded /bare-lf', state: 'done' }]);
});

test('a Content-Length sent twice with one value (a script\'s and its server\'s) is read as that length, as browsers read it; two that disagree still fail', async (t) => {
  const site = await startRaw(t, (path) => {
    const html = Buffer.from(`<title>length ${path}</title>${path === '/' ? '<a href="/list">l</a> <a href="/differ">d</a>' : ''}`);
    if (path === '/') return response(['Content-Type: text/html', `Content-Length: ${html.length}`, 'X-Powered-By: PHP/5.6', `Content-Length: ${html.length}`], html);
    if (path === '/list') return response(['Content-Type: text/html', `Content-Length: ${html.length}, ${html.length}`], html);
    if (path === '/differ') return response(['Content-Type: text/html', `Content-Length: ${html.length}`, `Content-Length: ${html.length - 1}`], html);
    return null;
  });
  const config = testConfig(t, [`${site.origin}/`], { fetch: { politeness: { ...defaultPolitenessConfig(), retries: 0 } } });
  await runCrawl(config);
  const urls = rows<{ path: string; state: string; error_code: string | null; title: string | null }>(config.dbPath,
    `SELECT replace(u.url, ?, '') AS path, u.state, u.error_code, p.title FROM urls u LEFT JOIN pages p ON p.url_id = u.id ORDER BY u.url`, site.origin);
  assert.deepEqual(urls, [
    { path: '/', state: 'done', error_code: null, title: 'length /' },
    // Refused by Node's parser: the origin goes to it at once since '/' needed it.
    { path: '/differ', state: 'failed', error_code: 'CRAWL_FETCH_PROTOCOL', title: null },
    { path: '/list', state: 'done', error_code: null, title: 'length /list' },
  ]);
  const [differ] = rows<{ error_message: string }>(config.dbPath, "SELECT error_message FROM urls WHERE url LIKE '%/differ'");
  assert.match(differ!.error_message, /Content-Length/);
});

test('a response without a Content-Type is parsed when it is text and kept as metadata when its first bytes are binary, as browsers sniff it', async (t) => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR <a href="/from-png">x</a> pixelwords')]);
  const site = await startRaw(t, (path) => {
    // Apache 2.4 sends no Content-Type for an extension it does not know.
    if (path === '/') return response([], Buffer.from('<!DOCTYPE html><title>untyped home</title><a href="/file.dat">data</a> <a href="/notes">notes</a> <a href="/blank.bin">blank</a>'));
    if (path === '/file.dat') return response([], png);
    if (path === '/blank.bin') return response(['Content-Type: '], png);
    if (path === '/notes') return response(['Content-Type: application/unknown'], Buffer.from('<title>notes</title>plain notes'));
    return null;
  });
  const config = testConfig(t, [`${site.origin}/`]);
  await runCrawl(config);
  const pages = new Map(rows<{ url: string; title: string | null; content_hash: string | null; body_hash: string | null; links_found: number }>(
    config.dbPath, 'SELECT url, title, content_hash, body_hash, links_found FROM pages').map((r) => [new URL(r.url).pathname, r]));
  assert.equal(pages.get('/')?.title, 'untyped home');
  assert.equal(pages.get('/')?.links_found, 3);
  assert.equal(pages.get('/blank.bin')?.content_hash, null, 'an empty Content-Type is none: sniffed, binary');
  assert.equal(pages.get('/notes')?.title, 'notes', 'a type that names none is sniffed as none is: text');
  const binary = pages.get('/file.dat');
  assert.ok(binary, 'the binary file has its pages row');
  assert.equal(binary.title, null);
  assert.equal(binary.content_hash, null, 'not stored as HTML');
  assert.notEqual(binary.body_hash, null, 'its hash kept, as a non-HTML body\'s');
  assert.equal(site.hits.get('/from-png') ?? 0, 0, 'no link read out of binary bytes');
  const words = rows<{ n: number }>(config.dbPath, "SELECT count(*) AS n FROM page_words WHERE page_words MATCH 'pixelwords'");
  assert.equal(words[0]?.n, 0, 'nothing of it in the search index');
});

test('a redirect with an empty Location is no redirect, as in Chromium and curl -L: its page is stored and its links followed, not recorded as a loop', async (t) => {
  const site = await startRaw(t, (path) => {
    // PHP's header("Location: $url") with $url empty, and the script's page after it.
    if (path === '/') return response(['Content-Type: text/html', 'Location: '], Buffer.from('<title>login</title><a href="/next">next</a>'), '302 Found');
    if (path === '/spaces') return response(['Location:   ', 'Content-Type: text/html'], Buffer.from('<title>spaces</title>'), '301 Moved Permanently');
    if (path === '/next') return response(['Content-Type: text/html'], Buffer.from('<title>next</title><a href="/spaces">s</a>'));
    return null;
  });
  const config = testConfig(t, [`${site.origin}/`]);
  await runCrawl(config);
  const urls = rows<{ path: string; state: string; error_code: string | null; status: number | null; title: string | null }>(config.dbPath,
    `SELECT replace(u.url, ?, '') AS path, u.state, u.error_code, p.status, p.title FROM urls u LEFT JOIN pages p ON p.url_id = u.id ORDER BY u.url`, site.origin);
  assert.deepEqual(urls, [
    { path: '/', state: 'done', error_code: null, status: 302, title: 'login' },
    { path: '/next', state: 'done', error_code: null, status: 200, title: 'next' },
    { path: '/spaces', state: 'done', error_code: null, status: 301, title: 'spaces' },
  ]);
  assert.equal(site.hits.get('/'), 1);
});
