/**
 * The real fetcher (undici.request on its own Agent) against node:http servers on 127.0.0.1:0.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import zlib from 'node:zlib';
import { Agent } from 'undici';
import type { FetchConfig } from '../../src/config/schema.js';
import { createFetcher, type Fetcher, type FetcherOptions } from '../../src/fetch/fetcher.js';
import { originKey } from '../../src/frontier/normalize-url.js';
import type { FrontierEntry } from '../../src/types.js';
import { assertFailure, assertResult, testFetchConfig, text } from '../helpers/fetch.js';

// zstd is asked for only where the running Node can decode it (Node 22.15 and later).
const EXPECTED_ACCEPT_ENCODING = typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function' ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br';

const HTML = '<!doctype html><title>héllo</title><p>' + 'crawl '.repeat(500) + '</p>';

async function startServer(t: TestContext, handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function makeFetcher(t: TestContext, overrides: Partial<FetchConfig> = {}, extra: Omit<FetcherOptions, 'config'> = {}): Fetcher {
  const fetcher = createFetcher({ config: testFetchConfig(overrides), ...extra });
  t.after(() => fetcher.close());
  return fetcher;
}

function entryFor(url: string): FrontierEntry {
  return { id: 1, url, host: originKey(url), depth: 0, attempt: 0 };
}

test('removes gzip, x-gzip, deflate (zlib and raw), br and chained encodings', async (t) => {
  const html = Buffer.from(HTML);
  const bodies: Record<string, [string, Buffer]> = {
    '/plain': ['identity', html],
    '/gzip': ['gzip', zlib.gzipSync(html)],
    '/x-gzip': ['x-gzip', zlib.gzipSync(html)],
    '/deflate': ['deflate', zlib.deflateSync(html)],
    '/raw-deflate': ['deflate', zlib.deflateRawSync(html)],
    '/br': ['br', zlib.brotliCompressSync(html)],
    // Applied deflate first, then gzip: they come off in reverse.
    '/chain': ['deflate, gzip', zlib.gzipSync(zlib.deflateRawSync(html))],
  };
  let seenHeaders: http.IncomingHttpHeaders = {};
  const origin = await startServer(t, (req, res) => {
    seenHeaders = req.headers;
    const [encoding, body] = bodies[req.url ?? ''] ?? ['identity', Buffer.alloc(0)];
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': encoding });
    // Dribble the first bytes so the deflate sniffing has to join chunks.
    res.write(body.subarray(0, 1));
    setTimeout(() => res.end(body.subarray(1)), 5);
  });
  const fetcher = makeFetcher(t);
  for (const [path, [encoding, wire]] of Object.entries(bodies)) {
    const r = await fetcher.fetch(entryFor(`${origin}${path}`));
    assertResult(r);
    assert.equal(r.status, 200, path);
    assert.equal(text(r.body), HTML, path);
    assert.equal(r.wireBytes, wire.length, path);
    assert.equal(r.isTruncated, false, path);
    assert.equal(r.headers['content-encoding'], encoding, path);
    assert.equal(r.contentType, 'text/html; charset=utf-8');
    // The parse pool transfers body.buffer, so it must be a whole, unshared ArrayBuffer.
    assert.equal(Buffer.isBuffer(r.body), false);
    assert.equal(r.body.byteOffset, 0);
    assert.equal(r.body.buffer.byteLength, r.body.byteLength);
  }
  assert.equal(seenHeaders['user-agent'], 'crawlite-test/1');
  assert.equal(seenHeaders['accept-encoding'], EXPECTED_ACCEPT_ENCODING);
  assert.match(seenHeaders.accept ?? '', /^text\/html,application\/xhtml\+xml;q=0\.9/);
  assert.ok(seenHeaders['accept-language']);
});

test('a compressed body whose stream stops early is kept, marked truncated; a whole one, also close-delimited, is not', async (t) => {
  // Words in a shuffled order compress about 3:1, so half the wire is well into the text.
  const words = ['crawl', 'fetch', 'parse', 'store', 'queue', 'frontier', 'worker', 'page', 'link', 'body'];
  const html = Buffer.from('<!doctype html><title>cut</title><p>' + Array.from({ length: 6000 }, (_, i) => words[(i * 7919) % 10]! + ((i * 31) % 97)).join(' '));
  const codings: Record<string, [string, Buffer]> = {
    gzip: ['gzip', zlib.gzipSync(html)],
    deflate: ['deflate', zlib.deflateSync(html)],
    'raw-deflate': ['deflate', zlib.deflateRawSync(html)],
    br: ['br', zlib.brotliCompressSync(html)],
    chain: ['deflate, gzip', zlib.gzipSync(zlib.deflateRawSync(html))],
  };
  const origin = await startServer(t, (req, res) => {
    const [, name, cut] = /^\/([^/]+)\/(whole|cut|framed-cut)$/.exec(req.url ?? '') ?? [];
    const [encoding, wire] = codings[name ?? ''] ?? ['identity', Buffer.alloc(0)];
    const body = cut === 'whole' ? wire : wire.subarray(0, Math.floor(wire.length / 2));
    if (cut === 'framed-cut') {
      // Framing intact (Content-Length matches), the compressed stream inside it cut: a cut file served as is.
      return void res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': encoding, 'content-length': body.length }).end(body);
    }
    // No Content-Length, not chunked: the body ends when the server closes the connection, so
    // undici cannot tell a cut from a complete body and only the decoder can.
    const head = `HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-encoding: ${encoding}\r\nconnection: close\r\n\r\n`;
    req.socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
  const fetcher = makeFetcher(t);
  for (const name of Object.keys(codings)) {
    const whole = await fetcher.fetch(entryFor(`${origin}/${name}/whole`));
    assertResult(whole);
    assert.equal(text(whole.body), html.toString(), `${name} whole`);
    assert.equal(whole.isTruncated, false, `${name} whole`);
    for (const cut of ['cut', 'framed-cut']) {
      const r = await fetcher.fetch(entryFor(`${origin}/${name}/${cut}`));
      assertResult(r);
      assert.equal(r.status, 200);
      assert.equal(r.isTruncated, true, `${name} ${cut}: marked truncated`);
      assert.ok(r.body.length > 1000 && r.body.length < html.length, `${name} ${cut}: the part before the cut is kept (${r.body.length} of ${html.length} bytes)`);
      assert.ok(html.toString().startsWith(text(r.body)), `${name} ${cut}: a prefix of the page`);
    }
  }
});

test('headers are lowercased; repeats joined with ", ", set-cookie and x-robots-tag with newlines', async (t) => {
  const origin = await startServer(t, (_req, res) => {
    res.setHeader('Set-Cookie', ['a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT', 'b=2']);
    res.setHeader('X-Multi', ['one', 'two']);
    res.setHeader('X-Robots-Tag', ['googlebot: nofollow', 'noindex, noarchive']);
    res.end('ok');
  });
  const before = Date.now();
  const r = await makeFetcher(t).fetch(entryFor(`${origin}/`));
  assertResult(r);
  assert.equal(r.headers['set-cookie'], 'a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT\nb=2');
  assert.equal(r.headers['x-multi'], 'one, two');
  assert.equal(r.headers['x-robots-tag'], 'googlebot: nofollow\nnoindex, noarchive', 'a bot prefix must not reach into the next line');
  assert.equal(r.contentType, '');
  assert.equal(r.finalUrl, `${origin}/`);
  assert.deepEqual(r.redirects, []);
  assert.ok(r.fetchedAt >= before && r.fetchedAt <= Date.now());
  assert.ok(r.elapsedMs >= 0);
});

test('an unknown content-encoding keeps the bytes as received; corrupt gzip is CRAWL_FETCH_DECODE', async (t) => {
  const origin = await startServer(t, (req, res) => {
    if (req.url === '/compress') res.writeHead(200, { 'content-encoding': 'compress' }).end('raw-bytes');
    else res.writeHead(200, { 'content-encoding': 'gzip' }).end('definitely not gzip');
  });
  const fetcher = makeFetcher(t);
  const raw = await fetcher.fetch(entryFor(`${origin}/compress`));
  assertResult(raw);
  assert.equal(text(raw.body), 'raw-bytes');
  assert.equal(raw.headers['content-encoding'], 'compress');
  assert.equal(raw.unknownEncoding, 'compress');

  const bad = await fetcher.fetch(entryFor(`${origin}/corrupt`));
  assertFailure(bad);
  assert.equal(bad.code, 'CRAWL_FETCH_DECODE');
  assert.equal(bad.retryable, false);
});

test('a gzip bomb is cut at maxBodyBytes of decoded data and reading stops', async (t) => {
  const cap = 1024 * 1024;
  // Concatenated gzip members decode as one stream: 10 MiB and 1 GiB of zeros for ~10 KB and ~1 MB.
  const member = zlib.gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
  const small = Buffer.concat(Array.from({ length: 10 }, () => member));
  const huge = Buffer.concat(Array.from({ length: 1024 }, () => member));
  const origin = await startServer(t, (req, res) => {
    const body = req.url === '/huge' ? huge : small;
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': body.length });
    if (req.url !== '/huge') return void res.end(body);
    // Written in pieces with back-pressure, so the server only sends what the client reads.
    let offset = 0;
    const pump = (): void => {
      while (offset < body.length && !res.destroyed) {
        const piece = body.subarray(offset, offset + 4096);
        offset += piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      if (offset >= body.length) res.end();
    };
    pump();
  });
  const fetcher = makeFetcher(t, { maxBodyBytes: cap });
  const arrayBuffersBefore = process.memoryUsage().arrayBuffers;

  const r = await fetcher.fetch(entryFor(`${origin}/small`));
  assertResult(r);
  assert.equal(r.isTruncated, true);
  assert.equal(r.body.length, cap);
  assert.ok(r.body.every((b) => b === 0));

  const big = await fetcher.fetch(entryFor(`${origin}/huge`));
  assertResult(big);
  assert.equal(big.isTruncated, true);
  assert.equal(big.body.length, cap);
  // 1 MiB of output needs about one member (~1 KB) of input; what was read beyond that is stream
  // read-ahead (~100 KB here), still compressed. Inflating all of it would be ~100 MiB.
  assert.ok(big.wireBytes < huge.length / 4, `read ${big.wireBytes} of ${huge.length} wire bytes`);
  const grownMiB = (process.memoryUsage().arrayBuffers - arrayBuffersBefore) / 2 ** 20;
  assert.ok(grownMiB < 64, `external memory grew by ${grownMiB.toFixed(1)} MiB`);
});

test('headers that never come end at timeoutMs with CRAWL_FETCH_TIMEOUT', async (t) => {
  const origin = await startServer(t, () => {
    // never answers
  });
  const started = performance.now();
  const r = await makeFetcher(t, { timeoutMs: 300 }).fetch(entryFor(`${origin}/hang`));
  const elapsed = performance.now() - started;
  assertFailure(r);
  assert.equal(r.code, 'CRAWL_FETCH_TIMEOUT');
  assert.equal(r.retryable, true);
  assert.ok(elapsed >= 250 && elapsed < 2_000, `ended after ${elapsed} ms`);
});

test('a body dripped one byte at a time ends at the deadline, not when the drip would finish', async (t) => {
  const origin = await startServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 50 });
    let sent = 0; // 50 bytes at 100 ms each would take 5 s
    const timer = setInterval(() => {
      if (sent++ >= 50 || res.destroyed) return clearInterval(timer);
      res.write('x');
    }, 100);
    res.on('close', () => clearInterval(timer));
  });
  const started = performance.now();
  const r = await makeFetcher(t, { timeoutMs: 500 }).fetch(entryFor(`${origin}/drip`));
  const elapsed = performance.now() - started;
  assertFailure(r);
  assert.equal(r.code, 'CRAWL_FETCH_TIMEOUT');
  assert.ok(elapsed >= 450 && elapsed < 2_000, `ended after ${elapsed} ms`);
});

test('redirects are followed by hand: relative Locations, each hop recorded, redirect bodies drained', async (t) => {
  const hops: Record<string, [number, string]> = {
    '/start': [301, '/a'],
    '/a': [302, 'b'],
    '/b': [307, '/final?x=%7e'],
  };
  const origin = await startServer(t, (req, res) => {
    const hop = hops[req.url ?? ''];
    if (!hop) return void res.writeHead(200, { 'content-type': 'text/html' }).end(`at ${req.url}`);
    // A redirect body larger than undici's dump() limit: the socket is dropped, not read through.
    res.writeHead(hop[0], { location: hop[1] }).end(hop[0] === 302 ? 'x'.repeat(300_000) : 'moved');
  });
  const r = await makeFetcher(t).fetch(entryFor(`${origin}/start`));
  assertResult(r);
  assert.equal(r.status, 200);
  assert.equal(r.finalUrl, `${origin}/final?x=~`);
  assert.equal(text(r.body), 'at /final?x=~');
  assert.deepEqual(r.redirects, [
    { url: `${origin}/start`, status: 301 },
    { url: `${origin}/a`, status: 302 },
    { url: `${origin}/b`, status: 307 },
  ]);
});

test('more than maxRedirects hops is CRAWL_REDIRECT_LIMIT', async (t) => {
  let requests = 0;
  const origin = await startServer(t, (req, res) => {
    requests++;
    const n = Number(req.url?.split('/')[2] ?? 0);
    if (n > 50) return void res.writeHead(500).end(); // bounded, should the client not stop
    res.writeHead(302, { location: `/r/${n + 1}` }).end();
  });
  const r = await makeFetcher(t, { maxRedirects: 3 }).fetch(entryFor(`${origin}/r/0`));
  assertFailure(r);
  assert.equal(r.code, 'CRAWL_REDIRECT_LIMIT');
  assert.equal(r.retryable, false);
  assert.deepEqual(
    r.redirects.map((hop) => hop.url),
    [0, 1, 2, 3].map((n) => `${origin}/r/${n}`),
  );
  assert.equal(requests, 4);
});

test('a redirect refused by checkRedirect is CRAWL_REDIRECT_OUT_OF_SCOPE and never requested', async (t) => {
  const paths: string[] = [];
  const origin = await startServer(t, (req, res) => {
    paths.push(req.url ?? '');
    if (req.url === '/go') return void res.writeHead(302, { location: '/private/area' }).end();
    res.end('should not be fetched');
  });
  const checked: string[] = [];
  const fetcher = makeFetcher(t, {}, {
    checkRedirect: (url) => {
      checked.push(url);
      return url.includes('/private/') ? 'CRAWL_SCOPE_OUT' : null;
    },
  });
  const r = await fetcher.fetch(entryFor(`${origin}/go`));
  assertFailure(r);
  assert.equal(r.code, 'CRAWL_REDIRECT_OUT_OF_SCOPE');
  assert.ok(r.message.includes(`${origin}/private/area`), r.message);
  assert.match(r.message, /CRAWL_SCOPE_OUT/);
  assert.deepEqual(checked, [`${origin}/private/area`]);
  assert.deepEqual(paths, ['/go']);
  assert.deepEqual(r.redirects, [{ url: `${origin}/go`, status: 302 }]);
});

test('a Content-Length that lies (server closes early) is CRAWL_FETCH_RESET', async (t) => {
  const origin = await startServer(t, (_req, res) => {
    res.writeHead(200, { 'content-length': 10_000 });
    res.write('only this much', () => res.socket?.destroy());
  });
  const r = await makeFetcher(t).fetch(entryFor(`${origin}/short`));
  assertFailure(r);
  assert.equal(r.code, 'CRAWL_FETCH_RESET');
  assert.equal(r.retryable, true);
});

test("the caller's signal ends a fetch with CRAWL_FETCH_ABORTED, before or during the response", async (t) => {
  const origin = await startServer(t, (req, res) => {
    if (req.url === '/body') res.writeHead(200, { 'content-length': 100 }).write('partial');
    // otherwise never answers
  });
  const fetcher = makeFetcher(t, { timeoutMs: 5_000 });

  const early = new AbortController();
  setTimeout(() => early.abort(), 50);
  const started = performance.now();
  const r = await fetcher.fetch(entryFor(`${origin}/hang`), early.signal);
  assertFailure(r);
  assert.equal(r.code, 'CRAWL_FETCH_ABORTED');
  assert.equal(r.retryable, false);
  assert.ok(performance.now() - started < 2_000);

  const late = new AbortController();
  setTimeout(() => late.abort(), 100);
  const during = await fetcher.fetch(entryFor(`${origin}/body`), late.signal);
  assertFailure(during);
  assert.equal(during.code, 'CRAWL_FETCH_ABORTED');

  const already = await fetcher.fetch(entryFor(`${origin}/hang`), AbortSignal.abort());
  assertFailure(already);
  assert.equal(already.code, 'CRAWL_FETCH_ABORTED');
});

test('close() closes the Agent the fetcher made but not an injected one', async (t) => {
  const origin = await startServer(t, (_req, res) => res.end('ok'));
  const injected = new Agent({ keepAliveTimeout: 10 });
  t.after(() => injected.close());
  const withInjected = createFetcher({ config: testFetchConfig(), dispatcher: injected });
  assertResult(await withInjected.fetch(entryFor(`${origin}/`)));
  await withInjected.close();
  assert.equal(injected.closed, false);
  assertResult(await withInjected.fetch(entryFor(`${origin}/`)));

  const own = createFetcher({ config: testFetchConfig() });
  assertResult(await own.fetch(entryFor(`${origin}/`)));
  await own.close();
  const after = await own.fetch(entryFor(`${origin}/`));
  assertFailure(after);
  assert.equal(after.code, 'CRAWL_FETCH_ABORTED');
});

test('a 40 KB response head is read (as browsers do); one over 256 KiB is CRAWL_FETCH_TOO_LARGE, not retried', async (t) => {
  const origin = await startServer(t, (req, res) => {
    const bytes = req.url === '/huge' ? 300 * 1024 : 40 * 1024;
    // Many cookies, as sites with long Set-Cookie and CSP headers send them.
    const cookies = Array.from({ length: Math.ceil(bytes / 1024) }, (_, i) => `c${i}=${'v'.repeat(1000)}`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': cookies });
    res.end(HTML);
  });
  const fetcher = makeFetcher(t);
  const ok = await fetcher.fetch(entryFor(`${origin}/big`));
  assertResult(ok);
  assert.equal(ok.status, 200);
  assert.equal(text(ok.body), HTML);
  const huge = await fetcher.fetch(entryFor(`${origin}/huge`));
  assertFailure(huge);
  assert.equal(huge.code, 'CRAWL_FETCH_TOO_LARGE');
  assert.equal(huge.retryable, false);
  assert.match(huge.message, /^response headers too large/);
});
