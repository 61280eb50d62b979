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
  const fetcher = createFetcher({ config, checkHop: async (url) => (checked.push(url), 'CRAWL_ROBOTS_DISALLOWED') });
  t.after(() => fetcher.close());
  const r = await fetcher.fetch(entryFor(site.url('/go')));
  assert.ok('code' in r);
  assert.equal(r.code, 'CRAWL_ROBOTS_DISALLOWED');
  assert.deepEqual(checked, [site.url('/blocked')]);
  assert.equal(site.hits.get('/blocked'), undefined);
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
  const fetcher = createFetcher({ config: { ...config, maxBodyBytes: 1024 }, checkRedirect: () => 'CRAWL_SCOPE_OUT', checkHop: async () => 'CRAWL_ROBOTS_DISALLOWED' });
  t.after(() => fetcher.close());
  const plain = await fetcher.fetch(entryFor(site.url('/r0')));
  assert.ok('code' in plain);
  assert.equal(plain.code, 'CRAWL_REDIRECT_OUT_OF_SCOPE', 'without overrides the scope check applies');
  const r = await fetcher.fetch(entryFor(site.url('/r0')), undefined, { maxRedirects: 5, maxBodyBytes: 4096, isUnchecked: true });
  assert.ok(!('code' in r));
  assert.equal(r.body.byteLength, 3000);
  assert.equal(r.redirects.length, 3);
});
