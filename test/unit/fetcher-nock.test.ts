/**
 * The real fetcher path (undici.request) answered by nock through the test-side bridge
 * dispatcher. Every nock origin is 127.0.0.1 on a port nothing listens on, so a request nock
 * does not answer fails with ECONNREFUSED instead of reaching anything.
 */
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import zlib from 'node:zlib';
import nock from 'nock';
import { Agent, type Dispatcher } from 'undici';
import type { FetchConfig } from '../../src/config/schema.js';
import { createFetcher, type Fetcher } from '../../src/fetch/fetcher.js';
import { originKey } from '../../src/frontier/normalize-url.js';
import type { FrontierEntry } from '../../src/types.js';
import { NockDispatcher } from '../helpers/nock-dispatcher.js';
import { assertFailure, assertResult, testFetchConfig, text } from '../helpers/fetch.js';
import { closedPort } from '../helpers/ports.js';

// zstd is asked for only where the running Node can decode it (Node 22.15 and later).
const EXPECTED_ACCEPT_ENCODING = typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function' ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br';

const CONFIG = testFetchConfig();

let origin = '';

before(async () => {
  origin = `http://127.0.0.1:${await closedPort()}`;
  nock.disableNetConnect(); // and no enableNetConnect(host): nothing may pass through
});

after(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});

function bridgedFetcher(t: TestContext, overrides: Partial<FetchConfig> = {}, wrap?: (d: NockDispatcher) => Dispatcher): Fetcher {
  const bridge = new NockDispatcher();
  t.after(async () => {
    nock.cleanAll();
    await bridge.close();
  });
  return createFetcher({ config: { ...CONFIG, ...overrides }, dispatcher: wrap ? wrap(bridge) : bridge });
}

function entryFor(path: string): FrontierEntry {
  const url = `${origin}${path}`;
  return { id: 7, url, host: originKey(url), depth: 1, attempt: 0 };
}

// An interceptor that changes nothing; going through compose() makes undici hand the bridge the
// newer handler API (onRequestStart/onResponseStart/...) instead of request()'s legacy one.
const composed = (d: NockDispatcher): Dispatcher =>
  d.compose((dispatch) => (opts, handler) => dispatch(opts, handler));

for (const [api, wrap] of [
  ['legacy handler API', undefined],
  ['newer handler API (compose)', composed],
] as const) {
  test(`nock answers status, headers and a gzip body through the bridge (${api})`, async (t) => {
    const html = '<html><title>nock</title>' + 'ok '.repeat(1000) + '</html>';
    const gz = zlib.gzipSync(html);
    const scope = nock(origin)
      .get('/page')
      .matchHeader('user-agent', 'crawlite-test/1')
      .matchHeader('accept-encoding', EXPECTED_ACCEPT_ENCODING)
      .reply(203, gz, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Encoding': 'gzip',
        'Set-Cookie': ['a=1', 'b=2'],
        'X-Served-By': 'nock',
      });
    const r = await bridgedFetcher(t, {}, wrap).fetch(entryFor('/page'));
    assertResult(r);
    assert.ok(scope.isDone(), 'nock answered');
    assert.equal(r.status, 203);
    assert.equal(text(r.body), html);
    assert.equal(r.wireBytes, gz.length);
    assert.equal(r.contentType, 'text/html; charset=utf-8');
    assert.equal(r.headers['x-served-by'], 'nock');
    assert.equal(r.headers['set-cookie'], 'a=1\nb=2');
    assert.equal(r.entry.id, 7);
  });

  test(`a redirect chain gives finalUrl and every hop (${api})`, async (t) => {
    const scope = nock(origin)
      .get('/r1')
      .reply(301, 'moved', { Location: '/r2' })
      .get('/r2')
      .reply(302, '', { Location: `${origin}/final#frag` })
      .get('/final')
      .reply(200, 'done', { 'Content-Type': 'text/plain' });
    const r = await bridgedFetcher(t, {}, wrap).fetch(entryFor('/r1'));
    assertResult(r);
    assert.ok(scope.isDone());
    assert.equal(text(r.body), 'done');
    assert.equal(r.finalUrl, `${origin}/final`);
    assert.deepEqual(r.redirects, [
      { url: `${origin}/r1`, status: 301 },
      { url: `${origin}/r2`, status: 302 },
    ]);
  });
}

test('a redirect loop is CRAWL_REDIRECT_LOOP and the message shows the chain', async (t) => {
  const scope = nock(origin)
    .get('/loop-a')
    .reply(302, '', { Location: '/loop-b' })
    .get('/loop-b')
    .reply(302, '', { Location: '/loop-a' });
  const r = await bridgedFetcher(t).fetch(entryFor('/loop-a'));
  assertFailure(r);
  assert.ok(scope.isDone());
  assert.equal(r.code, 'CRAWL_REDIRECT_LOOP');
  assert.equal(r.retryable, false);
  assert.ok(r.message.includes(`${origin}/loop-a -> ${origin}/loop-b -> ${origin}/loop-a`), r.message);
  assert.doesNotMatch(r.message, /cookie/, 'no Set-Cookie, no cookie hint');
  assert.equal(r.redirects.length, 2);
});

test('a cookie wall through a check page is passed with the cookie; one that ignores it is a loop whose message says so', async (t) => {
  // The wall sets its cookie, checks it on another URL, and sends the client back, which the
  // jar allows once per URL: this one (nock) ignores the cookie, so each URL comes back twice
  // and the second return is the loop.
  const wall = () => nock(origin)
    .get('/wall')
    .reply(302, '', { Location: '/wall?check=1', 'Set-Cookie': 'consent=1; Path=/' })
    .get('/wall?check=1')
    .reply(302, '', { Location: '/wall' });
  const ignoring = wall()
    .get('/wall').reply(302, '', { Location: '/wall?check=1', 'Set-Cookie': 'consent=1; Path=/' })
    .get('/wall?check=1').reply(302, '', { Location: '/wall' });
  const r = await bridgedFetcher(t).fetch(entryFor('/wall'));
  assertFailure(r);
  assert.ok(ignoring.isDone());
  assert.equal(r.code, 'CRAWL_REDIRECT_LOOP');
  assert.ok(r.message.startsWith(`redirect loop: ${origin}/wall -> ${origin}/wall?check=1 -> ${origin}/wall -> ${origin}/wall?check=1 -> ${origin}/wall; the server set a cookie on the way and redirected back although it was sent`), r.message);
  assert.match(r.message, /--header "Cookie: name=value"/);

  const noJar = wall();
  const without = await bridgedFetcher(t, { cookies: false }).fetch(entryFor('/wall'));
  assertFailure(without);
  assert.ok(noJar.isDone());
  assert.ok(without.message.startsWith(`redirect loop: ${origin}/wall -> ${origin}/wall?check=1 -> ${origin}/wall; the server set a cookie on the way and --no-cookies sends none`), without.message);

  const passing = wall().get('/wall').matchHeader('cookie', 'consent=1').reply(200, '<title>in</title>', { 'Content-Type': 'text/html' });
  const through = await bridgedFetcher(t).fetch(entryFor('/wall'));
  assertResult(through);
  assert.ok(passing.isDone());
  assert.equal(text(through.body), '<title>in</title>');
  assert.equal(through.redirects.length, 2);
});

test('a Location to javascript: is CRAWL_REDIRECT_INVALID', async (t) => {
  const scope = nock(origin).get('/js').reply(302, 'x', { Location: 'javascript:alert(1)' });
  const r = await bridgedFetcher(t).fetch(entryFor('/js'));
  assertFailure(r);
  assert.ok(scope.isDone());
  assert.equal(r.code, 'CRAWL_REDIRECT_INVALID');
  assert.match(r.message, /javascript:alert\(1\)/);
});

test('replyWithError ECONNRESET becomes a retryable CRAWL_FETCH_RESET', async (t) => {
  const scope = nock(origin)
    .get('/reset')
    .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  const r = await bridgedFetcher(t).fetch(entryFor('/reset'));
  assertFailure(r);
  assert.ok(scope.isDone());
  assert.equal(r.code, 'CRAWL_FETCH_RESET');
  assert.equal(r.retryable, true);
  assert.match(r.message, /socket hang up/);
});

test('a body over maxBodyBytes through the bridge is cut, and the bridge is left with nothing in flight', async (t) => {
  const big = Buffer.alloc(3 * 1024 * 1024, 'a');
  const scope = nock(origin).get('/big').reply(200, big);
  const bridge = new NockDispatcher();
  t.after(() => nock.cleanAll());
  const r = await createFetcher({ config: { ...CONFIG, maxBodyBytes: 100_000 }, dispatcher: bridge }).fetch(entryFor('/big'));
  assertResult(r);
  assert.ok(scope.isDone());
  assert.equal(r.isTruncated, true);
  assert.equal(r.body.length, 100_000);
  // close() resolves only when no request is in flight: the early stop reached the bridge as an abort.
  await bridge.close();
});

test("the caller's signal aborts a request the bridge is waiting on", async (t) => {
  const scope = nock(origin).get('/slow').delay(400).reply(200, 'late');
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 30);
  const r = await bridgedFetcher(t).fetch(entryFor('/slow'), controller.signal);
  assertFailure(r);
  assert.equal(r.code, 'CRAWL_FETCH_ABORTED');
  assert.equal(scope.pendingMocks().length, 0, 'nock had the request');
});

test('destroying the bridge aborts what it has in flight', async (t) => {
  nock(origin).get('/pending').delay(400).reply(200, 'late');
  t.after(() => nock.cleanAll());
  const bridge = new NockDispatcher();
  const pending = createFetcher({ config: CONFIG, dispatcher: bridge }).fetch(entryFor('/pending'));
  setTimeout(() => void bridge.destroy(), 30);
  const r = await pending;
  assertFailure(r);
  assert.equal(r.code, 'CRAWL_FETCH_ABORTED'); // ClientDestroyedError, UND_ERR_DESTROYED
});

test('why the bridge exists: nock does not see the real undici Agent, only the bridge', async (t) => {
  const scope = nock(origin).get('/why').reply(200, 'from nock');

  const agent = new Agent({ keepAliveTimeout: 10 });
  t.after(() => agent.close());
  const direct = await createFetcher({ config: CONFIG, dispatcher: agent }).fetch(entryFor('/why'));
  assertFailure(direct);
  // undici opened its own socket to the closed port, past nock and past disableNetConnect().
  assert.equal(direct.code, 'CRAWL_FETCH_REFUSED');
  assert.equal(scope.isDone(), false, 'nock never saw the undici request');

  const bridged = await bridgedFetcher(t).fetch(entryFor('/why'));
  assertResult(bridged);
  assert.equal(text(bridged.body), 'from nock');
  assert.ok(scope.isDone());
});
