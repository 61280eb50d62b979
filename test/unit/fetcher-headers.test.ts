/**
 * The fetcher's custom headers (config.headers): built per origin once, sent to the seed origins
 * only, hop by hop, merged under a recrawl's conditional headers; and request-headers.ts's checks.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { createFetcher } from '../../src/fetch/fetcher.js';
import { mapFetchError } from '../../src/fetch/map-error.js';
import { originKey } from '../../src/frontier/normalize-url.js';
import { headerProblem, maskHeaders, overrideHeaders, parseHeaderFlags } from '../../src/config/request-headers.js';
import { testFetchConfig } from '../helpers/fetch.js';

type Seen = Array<{ path: string; headers: http.IncomingHttpHeaders }>;

async function startServer(t: TestContext, seen: Seen, routes: Record<string, (base: string) => [number, Record<string, string>]> = {}): Promise<string> {
  let base = '';
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const [status, headers] = routes[req.url ?? '']?.(base) ?? [200, { 'content-type': 'text/html' }];
    res.writeHead(status, headers).end('<title>x</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return base;
}

const entryFor = (url: string) => ({ id: 1, url, host: originKey(url), depth: 0, attempt: 0 });

test('headers go to the seed origins only, per hop; same-named defaults are replaced; a recrawl\'s conditional headers are kept', async (t) => {
  const seenA: Seen = [];
  const seenB: Seen = [];
  const b = await startServer(t, seenB, { '/to-a': (_) => [302, { location: `${a}/back` }] });
  const a: string = await startServer(t, seenA, { '/to-b': () => [302, { location: `${b}/landed` }], '/to-self': (base) => [302, { location: `${base}/here` }] });
  const fetcher = createFetcher({
    config: testFetchConfig({ headers: { Authorization: 'Bearer x', 'Accept-Language': 'fr' } }),
    headerOrigins: [`${a}/start`],
  });
  t.after(() => fetcher.close());

  await fetcher.fetch(entryFor(`${a}/to-self`), undefined, { extraHeaders: { 'if-none-match': '"v1"' } });
  await fetcher.fetch(entryFor(`${a}/to-b`));
  await fetcher.fetch(entryFor(`${b}/to-a`));

  for (const { path, headers } of seenA) {
    assert.equal(headers.authorization, 'Bearer x', path);
    assert.equal(headers['accept-language'], 'fr', `${path}: one Accept-Language, the custom one`);
  }
  assert.deepEqual(seenA.map((s) => s.path), ['/to-self', '/here', '/to-b', '/back']);
  assert.equal(seenA[0]!.headers['if-none-match'], '"v1"', 'the recrawl header goes with the first request');
  assert.equal(seenA[1]!.headers['if-none-match'], undefined, 'and not with its redirect');
  assert.deepEqual(seenB.map((s) => s.path), ['/landed', '/to-a']);
  for (const { path, headers } of seenB) {
    assert.equal(headers.authorization, undefined, path);
    assert.equal(headers['accept-language'], 'en;q=1.0, *;q=0.5', path);
  }
});

test('without headerOrigins the custom headers are sent nowhere', async (t) => {
  const seen: Seen = [];
  const a = await startServer(t, seen);
  const fetcher = createFetcher({ config: testFetchConfig({ headers: { Authorization: 'Bearer x' } }) });
  t.after(() => fetcher.close());
  await fetcher.fetch(entryFor(`${a}/`));
  assert.equal(seen[0]!.headers.authorization, undefined);
});

test('headerProblem: tokens, refused names, control characters; messages never hold the value', () => {
  assert.equal(headerProblem('X-Api-Key', 'abc def'), null);
  assert.equal(headerProblem('Cookie', ''), null, 'an empty value is sent as such');
  assert.match(headerProblem('', 'v')!, /empty header name/);
  assert.match(headerProblem('X(1)', 'v')!, /invalid header name/);
  for (const name of ['Host', 'content-length', 'Transfer-Encoding', 'Connection', 'User-Agent', 'Accept-Encoding', 'If-None-Match']) {
    assert.match(headerProblem(name, 'v')!, /cannot be set/, name);
  }
  for (const value of ['a\r\nHost: x', 'a\nb', 'a\tb', 'a\x00b', 'snow\u2603']) {
    const problem = headerProblem('X-Secret', value)!;
    assert.match(problem, /control character/);
    assert.ok(!problem.includes(value), problem);
  }
});

test('parseHeaderFlags, overrideHeaders and maskHeaders', () => {
  assert.deepEqual(parseHeaderFlags(['Authorization:  Bearer a:b ', 'X-Empty:']), { headers: { Authorization: 'Bearer a:b', 'X-Empty': '' } });
  assert.deepEqual(parseHeaderFlags(['nocolon']), { problem: 'invalid --header: expected "Name: value", found no colon' });
  assert.deepEqual(parseHeaderFlags(['A: 1', 'a: 2']), { problem: "invalid --header (the 2nd one): header 'a' is given twice" });
  assert.deepEqual(overrideHeaders({ 'Accept-Language': 'de', Cookie: 'c' }, { 'accept-language': 'fr' }), { Cookie: 'c', 'accept-language': 'fr' });
  assert.deepEqual(maskHeaders({ Authorization: 'Bearer x' }), { Authorization: '(not recorded)' });
});

test('a certificate verify error names its reason and --insecure; another TLS error does not', () => {
  const state = { isTimedOut: false, isCallerAborted: false, timeoutMs: 1000 };
  const selfSigned = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  const err = mapFetchError(selfSigned, state);
  assert.equal(err.code, 'CRAWL_FETCH_TLS');
  assert.equal(err.message, 'TLS failed: self-signed certificate [DEPTH_ZERO_SELF_SIGNED_CERT]; to accept it, use --insecure');
  const handshake = mapFetchError(Object.assign(new Error('wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }), state);
  assert.equal(handshake.code, 'CRAWL_FETCH_TLS');
  assert.doesNotMatch(handshake.message, /--insecure/);
});
