/**
 * The fetcher's per-hop robots check (checkHop) and per-call overrides (robots.txt's own limits).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFetcher } from '../../src/fetch/fetcher.js';
import { originKey } from '../../src/frontier/normalize-url.js';
import { defaultConfig } from '../../src/config/schema.js';
import { startSite } from '../helpers/site.js';

const config = { ...defaultConfig().fetch, timeoutMs: 600, keepAliveMs: 10, maxRedirects: 1 };
const entryFor = (url: string) => ({ id: 1, url, host: originKey(url), depth: 0, attempt: 0 });

test('a hop refused by checkHop fails with its code and is never requested', async (t) => {
  const site = await startSite({ '/go': { status: 302, headers: { location: '/blocked' } }, '/blocked': 'no' });
  t.after(() => site.close());
  const checked: string[] = [];
  const fetcher = createFetcher({ config, checkHop: async (url) => (checked.push(url), { code: 'CRAWL_ROBOTS_DISALLOWED', message: 'refused by its robots.txt' }) });
  t.after(() => fetcher.close());
  const r = await fetcher.fetch(entryFor(site.url('/go')));
  assert.ok('code' in r);
  assert.equal(r.code, 'CRAWL_ROBOTS_DISALLOWED');
  assert.equal(r.message, `redirect to ${site.url('/blocked')}: refused by its robots.txt`);
  assert.equal(r.retryAt, undefined, 'a Disallow is final');
  assert.deepEqual(checked, [site.url('/blocked')]);
  assert.equal(site.hits.get('/blocked'), undefined);
});

test('a temporary hop refusal (robots.txt unreachable) keeps its code and message and says when to retry, never as a retryable fetch', async (t) => {
  const site = await startSite({ '/go': { status: 302, headers: { location: '/later' } }, '/later': 'no' });
  t.after(() => site.close());
  const retryAt = Date.now() + 60_000;
  const fetcher = createFetcher({ config, checkHop: async () => ({ code: 'CRAWL_FETCH_REFUSED', message: 'robots.txt down; waiting', retryAt }) });
  t.after(() => fetcher.close());
  const r = await fetcher.fetch(entryFor(site.url('/go')));
  assert.ok('code' in r);
  assert.deepEqual([r.code, r.message, r.retryAt, r.retryable], ['CRAWL_FETCH_REFUSED', `redirect to ${site.url('/later')}: robots.txt down; waiting`, retryAt, false]);
  assert.equal(site.hits.get('/later'), undefined);
});

test('a hop check that never answers ends at the deadline, not never', async (t) => {
  const site = await startSite({ '/go': { status: 302, headers: { location: '/next' } } });
  t.after(() => site.close());
  const fetcher = createFetcher({ config, checkHop: () => new Promise(() => {}) });
  t.after(() => fetcher.close());
  const r = await fetcher.fetch(entryFor(site.url('/go')));
  assert.ok('code' in r);
  assert.equal(r.code, 'CRAWL_FETCH_TIMEOUT');
});

test('overrides: more redirects, a bigger body cap, and no hop checks (robots.txt)', async (t) => {
  const site = await startSite({
    '/r0': { status: 301, headers: { location: '/r1' } },
    '/r1': { status: 301, headers: { location: '/r2' } },
    '/r2': { status: 301, headers: { location: '/big' } },
    '/big': { headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(3000) },
  });
  t.after(() => site.close());
  const fetcher = createFetcher({ config: { ...config, maxBodyBytes: 1024 }, checkRedirect: () => 'CRAWL_SCOPE_OUT', checkHop: async () => ({ code: 'CRAWL_ROBOTS_DISALLOWED', message: 'refused by its robots.txt' }) });
  t.after(() => fetcher.close());
  const plain = await fetcher.fetch(entryFor(site.url('/r0')));
  assert.ok('code' in plain);
  assert.equal(plain.code, 'CRAWL_REDIRECT_OUT_OF_SCOPE', 'without overrides the scope check applies');
  const r = await fetcher.fetch(entryFor(site.url('/r0')), undefined, { maxRedirects: 5, maxBodyBytes: 4096, isUnchecked: true });
  assert.ok(!('code' in r));
  assert.equal(r.body.byteLength, 3000);
  assert.equal(r.redirects.length, 3);
});

test('runHop: a redirect target is sent through it, not the first request; its refusal comes back as a wait, the target never requested', async (t) => {
  const site = await startSite({ '/go': { status: 302, headers: { location: '/next' } }, '/next': 'arrived' });
  t.after(() => site.close());
  const gated: Array<{ url: string; fromHost: string }> = [];
  const retryAt = Date.now() + 60_000;
  let isOpen = true;
  const fetcher = createFetcher({
    config,
    runHop: async (url, send, hop) => {
      gated.push({ url, fromHost: hop.fromHost });
      assert.ok(hop.remainingMs > 0 && hop.remainingMs <= config.timeoutMs);
      return isOpen ? { sent: await send() } : { refused: { code: 'CRAWL_HOST_RESTING', message: 'its host is cooling down after 429/503; waiting', retryAt } };
    },
  });
  t.after(() => fetcher.close());
  const ok = await fetcher.fetch(entryFor(site.url('/go')));
  assert.ok(!('code' in ok));
  assert.equal(ok.finalUrl, site.url('/next'));
  assert.deepEqual(gated, [{ url: site.url('/next'), fromHost: site.origin }]);

  isOpen = false;
  const waiting = await fetcher.fetch(entryFor(site.url('/go')));
  assert.ok('code' in waiting);
  assert.deepEqual([waiting.code, waiting.retryAt, waiting.retryable, waiting.redirectTo], ['CRAWL_HOST_RESTING', retryAt, false, site.url('/next')]);
  assert.equal(waiting.message, `redirect to ${site.url('/next')}: its host is cooling down after 429/503; waiting`);
  assert.equal(site.hits.get('/next'), 1, 'only the first fetch reached the target');
  assert.equal(site.hits.get('/go'), 2);
});

test('fetchPage: a hop to a stored page is neither requested nor robots-checked nor gated; scope still comes first; fetch() follows it', async (t) => {
  const site = await startSite({
    '/go': { status: 301, headers: { location: '/stored/' } },
    '/out': { status: 301, headers: { location: 'http://elsewhere.test/stored/' } },
    '/stored/': 'already here',
  });
  t.after(() => site.close());
  const asked: string[] = [];
  const hopped: string[] = [];
  const fetcher = createFetcher({
    config,
    checkRedirect: (url) => (url.startsWith(site.origin) ? null : 'CRAWL_SCOPE_OUT'),
    checkHop: async (url) => (hopped.push(`robots ${url}`), null),
    runHop: async (url, send) => (hopped.push(`gate ${url}`), { sent: await send() }),
    isStored: (url) => (asked.push(url), url.endsWith('/stored/')),
  });
  t.after(() => fetcher.close());

  const stopped = await fetcher.fetchPage(entryFor(site.url('/go')));
  assert.ok('storedUrl' in stopped);
  assert.equal(stopped.storedUrl, site.url('/stored/'));
  assert.deepEqual(stopped.redirects, [{ url: site.url('/go'), status: 301 }]);
  assert.equal(site.hits.get('/stored/'), undefined, 'the stored target is not requested');
  assert.deepEqual(hopped, [], 'nor its robots.txt checked, nor its host gated');

  // Out of scope: refused as before, whatever the store holds (the scope check comes first).
  const out = await fetcher.fetchPage(entryFor(site.url('/out')));
  assert.ok('code' in out);
  assert.equal(out.code, 'CRAWL_REDIRECT_OUT_OF_SCOPE');
  assert.deepEqual(asked, [site.url('/stored/')]);

  // fetch() (robots.txt, sitemaps) wants the body wherever it is stored.
  const full = await fetcher.fetch(entryFor(site.url('/go')));
  assert.ok(!('code' in full));
  assert.equal(full.finalUrl, site.url('/stored/'));
  assert.equal(site.hits.get('/stored/'), 1);
  assert.deepEqual(asked, [site.url('/stored/')], 'fetch() never asks isStored');
});
