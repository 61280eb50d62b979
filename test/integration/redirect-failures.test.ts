/**
 * A URL whose redirect fails is recorded with where the redirect pointed (urls.redirect_to), for
 * every way a redirect can fail: refused before the target is requested, or the target's fetch
 * failing. (QA pass 3: the row held the redirecting URL itself.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrawl } from '../../src/crawl.js';
import { defaultPolitenessConfig } from '../../src/config/schema.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

test('a failed redirect records its target in redirect_to, whatever the failure code', async (t) => {
  const site = await startSite({
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /forbidden\n' },
    '/': page('home', ['/to-out', '/to-js', '/loop-a', '/chain/0', '/to-forbidden', '/to-slow']),
    '/to-out': { status: 301, headers: { location: 'http://example.invalid/x' } },
    '/to-js': { status: 302, headers: { location: 'javascript:alert(1)' } },
    '/loop-a': { status: 302, headers: { location: '/loop-b' } },
    '/loop-b': { status: 302, headers: { location: '/loop-a' } },
    '/chain/0': { status: 302, headers: { location: '/chain/1' } },
    '/chain/1': { status: 302, headers: { location: '/chain/2' } },
    '/chain/2': { status: 302, headers: { location: '/chain/3' } },
    '/to-forbidden': { status: 302, headers: { location: '/forbidden/x' } },
    '/forbidden/x': page('never'),
    '/to-slow': { status: 307, headers: { location: '/slow' } },
    '/slow': { body: page('too late'), delayMs: 1_500 },
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], {
    fetch: { maxRedirects: 2, timeoutMs: 600, politeness: { ...defaultPolitenessConfig(), retries: 0 } },
  });
  await runCrawl(config);

  const failed = rows<{ url: string; state: string; error_code: string; redirect_to: string | null }>(
    config.dbPath, `SELECT url, state, error_code, redirect_to FROM urls WHERE state = 'failed' ORDER BY url`);
  const byPath = Object.fromEntries(failed.map((r) => [r.url.slice(site.origin.length), [r.error_code, r.redirect_to]]));
  assert.deepEqual(byPath, {
    '/to-out': ['CRAWL_REDIRECT_OUT_OF_SCOPE', 'http://example.invalid/x'],
    '/to-js': ['CRAWL_REDIRECT_INVALID', 'javascript:alert(1)'],
    '/loop-a': ['CRAWL_REDIRECT_LOOP', site.url('/loop-a')],
    '/chain/0': ['CRAWL_REDIRECT_LIMIT', site.url('/chain/3')],
    '/to-forbidden': ['CRAWL_ROBOTS_DISALLOWED', site.url('/forbidden/x')],
    '/to-slow': ['CRAWL_FETCH_TIMEOUT', site.url('/slow')],
  });
  assert.equal(site.hits.get('/forbidden/x'), undefined);
});

test('a URL that fails without redirecting has no redirect_to', async (t) => {
  const site = await startSite({ '/robots.txt': { status: 404 }, '/': page('home', ['/slow']), '/slow': { body: page('too late'), delayMs: 1_500 } });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { fetch: { timeoutMs: 600, politeness: { ...defaultPolitenessConfig(), retries: 0 } } });
  await runCrawl(config);
  assert.deepEqual(rows(config.dbPath, `SELECT error_code, redirect_to FROM urls WHERE state = 'failed'`), [{ error_code: 'CRAWL_FETCH_TIMEOUT', redirect_to: null }]);
});
