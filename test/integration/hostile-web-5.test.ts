/**
 * Hostile-web QA, round 5: codings spelled and placed as servers really send them, a meta that
 * claims UTF-16, and a server that answers a reused connection with 408. Each test starts its own
 * raw TCP server on 127.0.0.1 (exact bytes, helpers/raw-site.ts: every answer here says
 * `connection: close`, so each connection carries one) and runs the real crawl on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { runCrawl } from '../../src/crawl.js';
import { defaultPolitenessConfig, defaultTrapConfig } from '../../src/config/schema.js';
import { page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { startOneAnswerServer } from '../helpers/one-answer-server.js';
import { startRawSite } from '../helpers/raw-site.js';

/** A 200 with these header lines (each without its CRLF) and body, closed after (raw-site closes on `connection: close`). */
function response(headerLines: string[], body: Buffer): Buffer {
  const head = ['HTTP/1.1 200 OK', 'connection: close', ...headerLines].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]);
}

function chunked(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
}

type PageRow = { url: string; title: string | null; error_code: string | null };

test('Content-Encoding as servers spell it: x-deflate (zlib or raw), GZIP, padded with spaces, X-Gzip, "gzip, identity" are all removed and the pages parsed', async (t) => {
  const html = (name: string) => Buffer.from(page(name, [`/behind-${name}`]));
  const variants: Record<string, { coding: string; encode: (b: Buffer) => Buffer }> = {
    'x-deflate-zlib': { coding: 'x-deflate', encode: (b) => zlib.deflateSync(b) },
    'x-deflate-raw': { coding: 'x-deflate', encode: (b) => zlib.deflateRawSync(b) },
    'upper': { coding: 'GZIP', encode: (b) => zlib.gzipSync(b) },
    'padded': { coding: '  gzip  ', encode: (b) => zlib.gzipSync(b) },
    'x-gzip': { coding: 'X-Gzip', encode: (b) => zlib.gzipSync(b) },
    'listed': { coding: 'gzip, identity', encode: (b) => zlib.gzipSync(b) },
    'identity-first': { coding: 'identity,deflate', encode: (b) => zlib.deflateSync(b) },
  };
  const names = Object.keys(variants);
  const site = await startRawSite(t, (path) => {
    if (path === '/') return response(['content-type: text/html'], Buffer.from(page('home', names.map((n) => `/${n}`))));
    const name = path.slice(1);
    const variant = variants[name];
    if (variant !== undefined) {
      return response(['content-type: text/html', `content-encoding:${variant.coding}`], variant.encode(html(name)));
    }
    return path.startsWith('/behind-') ? response(['content-type: text/html'], Buffer.from(page(path))) : null;
  });
  const config = testConfig(t, [`${site.origin}/`], { fetch: { politeness: { ...defaultPolitenessConfig(), retries: 0 } } });
  await runCrawl(config);
  const pages = rows<PageRow>(config.dbPath, 'SELECT url, title, error_code FROM pages');
  for (const name of names) {
    const row = pages.find((p) => p.url === `${site.origin}/${name}`);
    assert.deepEqual({ ...row }, { url: `${site.origin}/${name}`, title: name, error_code: null }, `${name}: "${variants[name]?.coding}"`);
    assert.equal(site.hits.get(`/behind-${name}`), 1, `the link behind ${name} is followed`);
  }
});

test('Transfer-Encoding: gzip (with chunked, or alone to the close) is removed like a Content-Encoding; an unknown transfer coding leaves the page unparsed', async (t) => {
  const html = (name: string) => Buffer.from(page(name, [`/behind-${name}`]));
  const routes: Record<string, () => Buffer> = {
    '/te-chunked': () => response(['content-type: text/html', 'transfer-encoding: gzip, chunked'], chunked(zlib.gzipSync(html('te-chunked')))),
    // Without chunked, the body runs to the close (RFC 9112 section 6.3).
    '/te-close': () => response(['content-type: text/html', 'transfer-encoding: gzip'], zlib.gzipSync(html('te-close'))),
    // Both: the content-coding was applied first, so it comes off last.
    '/te-both': () => response(
      ['content-type: text/html', 'content-encoding: deflate', 'transfer-encoding: GZIP, Chunked'],
      chunked(zlib.gzipSync(zlib.deflateSync(html('te-both')))),
    ),
    '/te-compress': () => response(['content-type: text/html', 'transfer-encoding: compress, chunked'], chunked(html('te-compress'))),
  };
  const site = await startRawSite(t, (path) => {
    if (path === '/') return response(['content-type: text/html'], Buffer.from(page('home', Object.keys(routes))));
    const route = routes[path];
    if (route !== undefined) return route();
    return path.startsWith('/behind-') ? response(['content-type: text/html'], Buffer.from(page(path))) : null;
  });
  const config = testConfig(t, [`${site.origin}/`], { fetch: { politeness: { ...defaultPolitenessConfig(), retries: 0 } } });
  await runCrawl(config);
  const pages = rows<PageRow>(config.dbPath, 'SELECT url, title, error_code FROM pages');
  const at = (path: string) => ({ ...pages.find((p) => p.url === site.origin + path) });
  for (const name of ['te-chunked', 'te-close', 'te-both']) {
    assert.deepEqual(at(`/${name}`), { url: `${site.origin}/${name}`, title: name, error_code: null }, name);
    assert.equal(site.hits.get(`/behind-${name}`), 1, `the link behind ${name} is followed`);
  }
  assert.equal(at('/te-compress').error_code, 'CRAWL_FETCH_ENCODING');
  assert.equal(site.hits.get('/behind-te-compress') ?? 0, 0, 'an unknown coding is never parsed');
});

test('a <meta> that declares UTF-16 on a page without a byte order mark is read as UTF-8, as WHATWG says, not as UTF-16 mojibake', async (t) => {
  const metas: Record<string, string> = {
    '/plain': '<meta charset="utf-16">',
    '/le': '<meta charset=UTF-16LE>',
    '/be': '<meta charset=\'utf-16be\'>',
    '/pragma': '<meta http-equiv="Content-Type" content="text/html; charset=utf-16">',
  };
  const body = (path: string, meta: string) =>
    Buffer.from(`<!doctype html><html><head>${meta}<title>Café ${path.slice(1)}</title></head><body><a href="/behind${path}">next</a></body></html>`, 'utf8');
  const site = await startRawSite(t, (path) => {
    if (path === '/') return response(['content-type: text/html'], Buffer.from(page('home', Object.keys(metas))));
    const meta = metas[path];
    if (meta !== undefined) return response(['content-type: text/html'], body(path, meta));
    return path.startsWith('/behind/') ? response(['content-type: text/html'], Buffer.from(page(path))) : null;
  });
  const config = testConfig(t, [`${site.origin}/`]);
  await runCrawl(config);
  const pages = rows<{ url: string; title: string | null; encoding: string | null }>(config.dbPath, 'SELECT url, title, encoding FROM pages');
  for (const path of Object.keys(metas)) {
    const row = pages.find((p) => p.url === site.origin + path);
    assert.deepEqual({ title: row?.title, encoding: row?.encoding }, { title: `Café ${path.slice(1)}`, encoding: 'utf-8' }, metas[path]);
    assert.equal(site.hits.get(`/behind${path}`), 1, `the link on ${path} is followed`);
  }
});

test('link lengths: an href over 2,048 characters is recorded as skipped (CRAWL_TRAP_URL_LENGTH), one over 8,192 is not read as a link at all, even with traps.maxUrlLength above it', async (t) => {
  const long = `/long-${'a'.repeat(3_000)}`;
  const huge = `/huge-${'b'.repeat(9_000)}`;
  const site = await startRawSite(t, (path) => (path === '/' ? response(['content-type: text/html'], Buffer.from(page('home', [long, huge, '/ok']))) : null));
  const urlsOf = (dbPath: string) => rows<{ url: string; state: string; error_code: string | null }>(dbPath, 'SELECT url, state, error_code FROM urls');

  const config = testConfig(t, [`${site.origin}/`]);
  await runCrawl(config);
  const urls = urlsOf(config.dbPath);
  assert.deepEqual(urls.find((u) => u.url === site.origin + long)?.error_code, 'CRAWL_TRAP_URL_LENGTH');
  assert.equal(urls.some((u) => u.url.startsWith(`${site.origin}/huge-`)), false, 'over 8,192: no urls row');
  const linked = rows<{ url: string }>(config.dbPath, 'SELECT urls.url FROM links JOIN urls ON urls.id = links.to_url_id');
  assert.ok(linked.some((l) => l.url === site.origin + long), 'the skipped one has its links row');
  assert.equal(site.hits.get('/ok'), 1);

  const raised = testConfig(t, [`${site.origin}/`], { traps: { ...defaultTrapConfig(), maxUrlLength: 20_000 } });
  await runCrawl(raised);
  const again = urlsOf(raised.dbPath);
  assert.equal(again.find((u) => u.url === site.origin + long)?.state, 'done', 'under a raised cap the 3,000-character link is fetched');
  assert.equal(again.some((u) => u.url.startsWith(`${site.origin}/huge-`)), false, 'the 8,192 cap on an href is not raised with it');
});

test('a 408 on a reused keep-alive connection (the server timed the idle connection out as the request went out) is sent again on a new one, no attempt counted', async (t) => {
  // Each connection answers one request; the next request on it gets an unsolicited 408 and the
  // connection closed, as nginx and Apache answer on an idle connection they are closing.
  const links = Array.from({ length: 6 }, (_, i) => `/p${i}`);
  let timedOut = 0;
  const { origin, served } = await startOneAnswerServer(t, (path) => page(path, path === '/' ? links : []), (socket) => {
    timedOut += 1;
    const body = '<html><title>408 Request Time-out</title></html>';
    socket.end(`HTTP/1.1 408 Request Time-out\r\ncontent-type: text/html\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
  });

  const config = testConfig(t, [`${origin}/`], {
    fetch: { concurrency: 1, perHost: 1, keepAliveMs: 10_000, politeness: { ...defaultPolitenessConfig(), retries: 0 } },
  });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  assert.ok(timedOut > 0, 'the server answered reused connections with 408');
  const urls = rows<{ url: string; state: string; attempts: number }>(config.dbPath, 'SELECT url, state, attempts FROM urls ORDER BY url');
  assert.deepEqual(urls.filter((u) => u.state !== 'done'), [], 'with --retries 0, no URL failed');
  assert.ok(urls.every((u) => u.attempts <= 1), 'no attempt counted for a 408 on a reused connection');
  const pages = rows<{ url: string; status: number }>(config.dbPath, 'SELECT url, status FROM pages');
  assert.deepEqual(pages.filter((p) => p.status !== 200), [], 'no 408 stored as a page');
  for (const path of ['/', ...links]) assert.equal(served.get(path), 1, `${path} answered once`);
});

test('a 408 on a fresh connection is the server\'s answer: stored after the retries as any 408, not sent again at once', async (t) => {
  const site = await startRawSite(t, (path) => (path === '/' ? Buffer.from('HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n') : null));
  const config = testConfig(t, [`${site.origin}/`], { fetch: { politeness: { ...defaultPolitenessConfig(), retries: 0 } } });
  await runCrawl(config);
  assert.equal(site.hits.get('/'), 1, 'one request: --retries 0 and no stale connection');
  const [row] = rows<{ status: number }>(config.dbPath, 'SELECT status FROM pages');
  assert.equal(row?.status, 408);
});

test('a 408 on a reused connection is sent again once only: a server that keeps the connection and answers 408 again gets the 408 stored', async (t) => {
  // The first request on a connection (robots.txt) is answered; every later one gets a 408, the connection kept.
  const { origin, paths } = await startOneAnswerServer(t, () => '', (socket) => {
    socket.write('HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n\r\n');
  });
  const config = testConfig(t, [`${origin}/`], {
    fetch: { concurrency: 1, perHost: 1, keepAliveMs: 10_000, politeness: { ...defaultPolitenessConfig(), retries: 0 } },
  });
  await runCrawl(config);
  // robots.txt takes the connection's one answer; the page then comes second on it.
  assert.deepEqual(paths, ['/robots.txt', '/', '/'], 'the page sent twice: once, and once again');
  const [row] = rows<{ status: number }>(config.dbPath, 'SELECT status FROM pages');
  assert.equal(row?.status, 408);
});
