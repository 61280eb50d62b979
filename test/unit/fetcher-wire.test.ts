/**
 * The fetcher against responses node:http will not write: raw bytes from a `net` server on
 * 127.0.0.1 (UTF-8 in a header value, a header line repeated, a body with bytes after its end, a
 * garbage status line).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test, type TestContext } from 'node:test';
import zlib from 'node:zlib';
import { createFetcher, type Fetcher } from '../../src/fetch/fetcher.js';
import { decodeHeaderUtf8 } from '../../src/fetch/header-utf8.js';
import { mapFetchError } from '../../src/fetch/map-error.js';
import { originKey } from '../../src/frontier/normalize-url.js';
import type { FrontierEntry } from '../../src/types.js';
import { assertFailure, assertResult, testFetchConfig, text } from '../helpers/fetch.js';

/**
 * A response as its head's lines (CRLF added) and body bytes, sent with Connection: close;
 * `exact`: the head's bytes as they are, ending included (a head ended by bare LFs).
 */
type RawResponse = { head: string[] | Buffer; body?: Buffer; exact?: boolean };

/**
 * Answers each request from `routes` by its request target (as sent, percent-encoding and all),
 * then closes the connection; an unknown target gets a 404. Records the targets requested.
 */
async function startRawServer(t: TestContext, routes: Record<string, RawResponse>): Promise<{ origin: string; requested: string[] }> {
  const requested: string[] = [];
  const server = net.createServer((socket) => {
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const target = head.split(' ')[1] ?? '';
      requested.push(target);
      const route = routes[target] ?? { head: ['HTTP/1.1 404 Not Found', 'Content-Length: 0'] };
      const lines = Buffer.isBuffer(route.head) ? route.head : Buffer.from(route.head.join('\r\n'), 'latin1');
      const ending = route.exact ? Buffer.alloc(0) : Buffer.from('\r\nConnection: close\r\n\r\n');
      socket.end(Buffer.concat([lines, ending, route.body ?? Buffer.alloc(0)]));
    });
    socket.on('error', () => {}); // the fetcher may drop a connection mid-write; nothing to check then
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { origin: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, requested };
}

function makeFetcher(t: TestContext): Fetcher {
  const fetcher = createFetcher({ config: testFetchConfig() });
  t.after(() => fetcher.close());
  return fetcher;
}

const entryFor = (url: string): FrontierEntry => ({ id: 1, url, host: originKey(url), depth: 0, attempt: 0 });

const html = (body: Buffer): RawResponse['head'] => ['HTTP/1.1 200 OK', 'Content-Type: text/html', `Content-Length: ${body.length}`];

test('a Location sent as raw UTF-8 bytes is read as UTF-8, as curl and browsers do; latin1 that is not UTF-8 is requested with its bytes escaped as they are, as Chromium and curl request it', async (t) => {
  const ok = Buffer.from('<title>ok</title>');
  const { origin, requested } = await startRawServer(t, {
    '/utf8': { head: Buffer.concat([Buffer.from('HTTP/1.1 302 Found\r\nContent-Length: 0\r\nLocation: /caf'), Buffer.from([0xc3, 0xa9])]) },
    '/latin1': { head: Buffer.concat([Buffer.from('HTTP/1.1 302 Found\r\nContent-Length: 0\r\nLocation: /caf'), Buffer.from([0xe9])]) },
    '/caf%C3%A9': { head: html(ok), body: ok },
    '/caf%E9': { head: html(ok), body: ok },
  });
  const fetcher = makeFetcher(t);

  const utf8 = await fetcher.fetch(entryFor(`${origin}/utf8`));
  assertResult(utf8);
  assert.equal(utf8.finalUrl, `${origin}/caf%C3%A9`);
  assert.equal(text(utf8.body), '<title>ok</title>');

  // A lone 0xE9 is not UTF-8: the byte itself, escaped (it was read as the char é, sent as UTF-8).
  const latin1 = await fetcher.fetch(entryFor(`${origin}/latin1`));
  assertResult(latin1);
  assert.equal(latin1.finalUrl, `${origin}/caf%E9`);
  assert.deepEqual(requested, ['/utf8', '/caf%C3%A9', '/latin1', '/caf%E9'], 'never /caf%C3%83%C2%A9');
});

test('decodeHeaderUtf8: latin1-range text with valid UTF-8 bytes is read as UTF-8, other high bytes are escaped as they are', () => {
  assert.equal(decodeHeaderUtf8('/plain?a=1'), '/plain?a=1');
  assert.equal(decodeHeaderUtf8('/caf\u00c3\u00a9'), '/café');
  assert.equal(decodeHeaderUtf8('/caf\u00e9?q=\u00fc\u00df'), '/caf%E9?q=%FC%DF', 'not UTF-8: the bytes escaped as they are, as Chromium and curl send them');
  assert.equal(decodeHeaderUtf8('/\u00c3\u00a9/\u20ac'), '/\u00c3\u00a9/\u20ac', 'a char beyond 0xFF was never a byte');
});

test('two Content-Encoding lines are one list: a body gzipped twice is unzipped twice', async (t) => {
  const page = Buffer.from('<title>twice</title>');
  const twice = zlib.gzipSync(zlib.gzipSync(page));
  const { origin } = await startRawServer(t, {
    '/twice': { head: ['HTTP/1.1 200 OK', 'Content-Type: text/html', 'Content-Encoding: gzip', 'Content-Encoding: gzip', `Content-Length: ${twice.length}`], body: twice },
  });
  const result = await makeFetcher(t).fetch(entryFor(`${origin}/twice`));
  assertResult(result);
  assert.equal(text(result.body), '<title>twice</title>');
  assert.equal(result.isTruncated, false);
  assert.equal(result.headers['content-encoding'], 'gzip, gzip');
});

test('a gzip body with "\\r\\n" after it (PHP) is stored whole, not truncated', async (t) => {
  const page = Buffer.from('<title>php</title>');
  const body = Buffer.concat([zlib.gzipSync(page), Buffer.from('\r\n')]);
  const { origin } = await startRawServer(t, {
    '/php': { head: ['HTTP/1.1 200 OK', 'Content-Type: text/html', 'Content-Encoding: gzip', `Content-Length: ${body.length}`], body },
  });
  const result = await makeFetcher(t).fetch(entryFor(`${origin}/php`));
  assertResult(result);
  assert.equal(text(result.body), '<title>php</title>');
  assert.equal(result.isTruncated, false);
  assert.equal(result.wireBytes, body.length, 'the tail is read off the wire');
});

test('a garbage status line fails with a one-line message', async (t) => {
  const { origin } = await startRawServer(t, {
    '/000': { head: ['HTTP/1.1 000 Nope', 'Content-Length: 0'] },
    '/abc': { head: ['HTTP/1.1 abc Nope', 'Content-Length: 0'] },
    '/099': { head: ['HTTP/1.1 099 Weird', 'Content-Length: 0'] },
    '/1000': { head: ['HTTP/1.1 1000 Big', 'Content-Length: 0'] },
  });
  const fetcher = makeFetcher(t);
  for (const path of ['/000', '/abc', '/099', '/1000']) {
    const result = await fetcher.fetch(entryFor(`${origin}${path}`));
    assertFailure(result);
    assert.doesNotMatch(result.message, /[\r\n]|\s\s/, `${path}: ${JSON.stringify(result.message)}`);
    assert.doesNotMatch(result.message, /assert|falsy/, `${path}: no internal assertion text: ${result.message}`);
  }
});

test('what only a lenient parser reads is read by the fallback, once per origin: bare LF, folded lines, a chunk size with a space, an unrequested 100 Continue', async (t) => {
  const page = (title: string) => Buffer.from(`<title>${title}</title>`);
  const lf = (lines: string[], body: Buffer) => ({ head: Buffer.from(`${lines.join('\n')}\n\n`, 'latin1'), body, exact: true });
  const chunked = Buffer.from('5 \r\nhello\r\n0\r\n\r\n');
  const { origin, requested } = await startRawServer(t, {
    '/lf': lf(['HTTP/1.1 200 OK', 'Content-Type: text/html', `Content-Length: ${page('lf').length}`], page('lf')),
    '/lf2': lf(['HTTP/1.1 200 OK', 'Content-Type: text/html', `Content-Length: ${page('lf2').length}`], page('lf2')),
  });
  const other = await startRawServer(t, {
    '/folded': { head: ['HTTP/1.1 200 OK', 'Content-Type: text/html', 'X-Long: one', '  two', `Content-Length: ${page('folded').length}`], body: page('folded') },
    '/continue': { head: ['HTTP/1.1 100 Continue', '', 'HTTP/1.1 200 OK', 'Content-Type: text/html', `Content-Length: ${page('after 100').length}`], body: page('after 100') },
  });
  // On its own origin: undici refuses it in the body, after the head was read.
  const third = await startRawServer(t, {
    '/chunk': { head: ['HTTP/1.1 200 OK', 'Content-Type: text/html', 'Transfer-Encoding: chunked'], body: chunked },
  });
  const fetcher = makeFetcher(t);
  const first = await fetcher.fetch(entryFor(`${origin}/lf`));
  assertResult(first);
  assert.equal(first.status, 200);
  assert.equal(text(first.body), '<title>lf</title>');
  const second = await fetcher.fetch(entryFor(`${origin}/lf2`));
  assertResult(second);
  assert.equal(text(second.body), '<title>lf2</title>');
  assert.deepEqual(requested, ['/lf', '/lf', '/lf2'], 'the refused request is asked again once; the origin then goes to the lenient parser at once');
  const folded = await fetcher.fetch(entryFor(`${other.origin}/folded`));
  assertResult(folded);
  assert.equal(folded.headers['x-long'], 'one  two');
  const chunk = await fetcher.fetch(entryFor(`${third.origin}/chunk`));
  assertResult(chunk);
  assert.equal(text(chunk.body), 'hello');
  assert.deepEqual(third.requested, ['/chunk', '/chunk']);
  const continued = await fetcher.fetch(entryFor(`${other.origin}/continue`));
  assertResult(continued);
  assert.equal(text(continued.body), '<title>after 100</title>');
});

test('on an origin the lenient parser reads, a body longer than its Content-Length is read and the excess dropped, as undici and curl do (QA: lost)', async (t) => {
  const body = Buffer.from('<title>counted</title>');
  const { origin, requested } = await startRawServer(t, {
    '/lf': { head: Buffer.from(`HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: ${body.length}\n\n`, 'latin1'), body, exact: true },
    '/excess': { head: html(body), body: Buffer.concat([body, Buffer.from(' and some bytes the server did not count\n')]) },
  });
  const fetcher = makeFetcher(t);
  assertResult(await fetcher.fetch(entryFor(`${origin}/lf`)));
  const result = await fetcher.fetch(entryFor(`${origin}/excess`));
  assertResult(result);
  assert.equal(result.status, 200);
  assert.equal(text(result.body), '<title>counted</title>');
  assert.deepEqual(requested, ['/lf', '/lf', '/excess'], 'the origin went to the lenient parser at once');
});

test('a chunked response that also has a Content-Length is read by its chunks, as browsers and curl read it (RFC 9112 6.3), not failed as a length mismatch', async (t) => {
  const page = '<title>chunked</title>';
  const chunked = Buffer.from(`${page.length.toString(16)}\r\n${page}\r\n0\r\n\r\n`);
  const { origin, requested } = await startRawServer(t, {
    '/both': { head: ['HTTP/1.1 200 OK', 'Content-Type: text/html', 'Content-Length: 5', 'Transfer-Encoding: chunked'], body: chunked },
    '/later': { head: html(Buffer.from('<title>later</title>')), body: Buffer.from('<title>later</title>') },
  });
  const fetcher = makeFetcher(t);
  const result = await fetcher.fetch(entryFor(`${origin}/both`));
  assertResult(result);
  assert.equal(text(result.body), page);
  assertResult(await fetcher.fetch(entryFor(`${origin}/later`)));
  assert.deepEqual(requested, ['/both', '/both', '/later'], 'asked again through the lenient parser, and the origin remembered');
});

test('a header line the lenient parser reads (folded, ended by a bare LF, a control byte) after the Content-Length line reaches it too: undici reports it as a length mismatch', async (t) => {
  const page = Buffer.from('<title>after</title>');
  const { origin, requested } = await startRawServer(t, {
    '/folded': { head: ['HTTP/1.1 200 OK', `Content-Length: ${page.length}`, 'X-Folded: a', ' b', 'Content-Type: text/html'], body: page },
    '/lf': { head: Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${page.length}\nContent-Type: text/html\r\n\r\n`), body: page, exact: true },
    '/control': { head: ['HTTP/1.1 200 OK', `Content-Length: ${page.length}`, 'X-Control: a\x01b', 'Content-Type: text/html'], body: page },
  });
  for (const path of ['/folded', '/lf', '/control']) {
    const result = await makeFetcher(t).fetch(entryFor(`${origin}${path}`));
    assertResult(result);
    assert.equal(text(result.body), '<title>after</title>', path);
  }
  assert.deepEqual(requested, ['/folded', '/folded', '/lf', '/lf', '/control', '/control']);
});

test('a Content-Length beside Transfer-Encoding: identity is read to the close, not failed as a length mismatch', async (t) => {
  const page = Buffer.from('<title>identity</title>');
  const { origin, requested } = await startRawServer(t, {
    '/identity': { head: ['HTTP/1.1 200 OK', 'Content-Type: text/html', `Content-Length: ${page.length}`, 'Transfer-Encoding: identity'], body: page },
  });
  const result = await makeFetcher(t).fetch(entryFor(`${origin}/identity`));
  assertResult(result);
  assert.equal(text(result.body), '<title>identity</title>');
  assert.deepEqual(requested, ['/identity', '/identity']);
});

test('a Content-Length given twice, or as a list, with one value is read as that length, as Chromium, Firefox and curl read it; lengths that disagree are refused as browsers refuse them', async (t) => {
  const { origin, requested } = await startRawServer(t, {
    '/twice': { head: ['HTTP/1.1 200 OK', 'Content-Type: text/html', 'Content-Length: 5', 'Content-Length: 5'], body: Buffer.from('hello') },
    '/list': { head: ['HTTP/1.1 200 OK', 'Content-Length: 5, 5', 'Content-Type: text/html'], body: Buffer.from('hello') },
    '/tab': { head: ['HTTP/1.1 103 Early Hints', 'Link: </a.css>', '', 'HTTP/1.1 200 OK', 'content-length:5\t', 'Content-Type: text/html'], body: Buffer.from('hello') },
    '/differ': { head: ['HTTP/1.1 200 OK', 'Content-Type: text/html', 'Content-Length: 5', 'Content-Length: 4'], body: Buffer.from('hello') },
  });
  for (const path of ['/twice', '/list', '/tab']) {
    const result = await makeFetcher(t).fetch(entryFor(`${origin}${path}`));
    assertResult(result);
    assert.equal(text(result.body), 'hello', path);
    assert.equal(result.headers['content-length'], '5');
  }
  const differ = await makeFetcher(t).fetch(entryFor(`${origin}/differ`));
  assertFailure(differ);
  // Node's words, not undici's length mismatch: the lengths are malformed, nothing was cut.
  assert.deepEqual([differ.code, differ.message], ['CRAWL_FETCH_PROTOCOL', 'malformed response: Parse Error: Duplicate Content-Length [HPE_UNEXPECTED_CONTENT_LENGTH]']);
  assert.deepEqual(requested, ['/twice', '/twice', '/list', '/list', '/tab', '/tab', '/differ', '/differ']);
});

test('what Node refuses too keeps undici\'s message: HTTP/0.9', async (t) => {
  const { origin, requested } = await startRawServer(t, {
    '/http09': { head: Buffer.from('hello'), body: Buffer.alloc(0) },
  });
  const fetcher = makeFetcher(t);
  const old = await fetcher.fetch(entryFor(`${origin}/http09`));
  assertFailure(old);
  assert.match(old.message, /^malformed response: Response does not match the HTTP\/1\.1 protocol/);
  assert.deepEqual([old.code, old.retryable], ['CRAWL_FETCH_PROTOCOL', true]);
  assert.equal(requested.filter((p) => p === '/http09').length, 2, 'asked once more through the lenient parser, which refused it too');
});

test('mapFetchError collapses a multi-line message to one line, and names a status below 100 for what it is', () => {
  const state = { isTimedOut: false, isCallerAborted: false, timeoutMs: 1000 };
  const assertion = Object.assign(new Error('The expression evaluated to a falsy value:\n\n  assert(statusCode >= 100)\n'), { code: 'ERR_ASSERTION' });
  assert.deepEqual([mapFetchError(assertion, state).code, mapFetchError(assertion, state).message], ['CRAWL_FETCH_PROTOCOL', 'malformed response: Response does not match the HTTP/1.1 protocol (status code below 100)']);
  const other = Object.assign(new Error('The expression evaluated to a falsy value:\n\n  assert(!this.paused)\n'), { code: 'ERR_ASSERTION' });
  assert.equal(mapFetchError(other, state).message, 'network error: The expression evaluated to a falsy value: assert(!this.paused) [ERR_ASSERTION]');
});

test('mapFetchError says a connect timeout may be a stalled TLS handshake, which undici counts in it', () => {
  const state = { isTimedOut: false, isCallerAborted: false, timeoutMs: 1000 };
  const err = Object.assign(new Error('Connect Timeout Error (attempted address: 127.0.0.1:443, timeout: 10000ms)'), { code: 'UND_ERR_CONNECT_TIMEOUT' });
  const mapped = mapFetchError(err, state);
  assert.equal(mapped.code, 'CRAWL_FETCH_TIMEOUT');
  assert.equal(mapped.message, 'timed out: Connect Timeout Error (attempted address: 127.0.0.1:443, timeout: 10000ms): no connection made in time (the TCP connect, or for https:// its TLS handshake) [UND_ERR_CONNECT_TIMEOUT]');
  assert.equal(mapped.retryable, true);
});
