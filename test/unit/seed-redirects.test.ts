import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScopeConfig } from '../../src/config/schema.js';
import { createPatternCheck, createScope } from '../../src/frontier/scope.js';
import { createSeedRedirects } from '../../src/frontier/seed-redirects.js';
import type { FrontierEntry } from '../../src/types.js';

const SEED = 'http://example.com/';

function seedRedirects(config: Partial<ScopeConfig> = {}) {
  const scopeConfig: ScopeConfig = { mode: 'host', include: [], exclude: [], ...config };
  const scope = createScope([SEED], scopeConfig);
  return { scope, redirects: createSeedRedirects({ seeds: [SEED], scope, mode: scopeConfig.mode, patterns: createPatternCheck(scopeConfig) }) };
}

function entry(url: string, depth: number): FrontierEntry {
  return { id: 1, url, host: new URL(url).origin, depth, attempt: 0 };
}

test("a seed's redirect may leave the scope; a link's, or a depth-0 sitemap URL's, may not", () => {
  const { redirects } = seedRedirects();
  assert.equal(redirects.checkRedirect('https://www.example.com/', entry(SEED, 0)), null);
  assert.equal(redirects.checkRedirect('https://www.example.com/', entry('http://example.com/a', 1)), 'CRAWL_SCOPE_OUT');
  assert.equal(redirects.checkRedirect('https://www.example.com/', entry('http://example.com/from-sitemap', 0)), 'CRAWL_SCOPE_OUT');
});

test("--include / --exclude still apply to a seed's redirect", () => {
  const { redirects } = seedRedirects({ exclude: ['www\\.'] });
  assert.equal(redirects.checkRedirect('https://www.example.com/', entry(SEED, 0)), 'CRAWL_SCOPE_EXCLUDED');
  assert.equal(redirects.checkRedirect('https://shop.example.com/', entry(SEED, 0)), null);
});

test("a seed's landing outside the scope widens it once; a link's landing, or one in scope, does not", () => {
  const { scope, redirects } = seedRedirects();
  assert.equal(redirects.noteLanding(entry('http://example.com/a', 1), 'https://other.example/'), null);
  assert.equal(scope('https://other.example/x'), 'CRAWL_SCOPE_OUT');
  assert.equal(redirects.noteLanding(entry(SEED, 0), 'https://example.com/'), null, 'http -> https of one host: in host scope already');
  assert.deepEqual(redirects.noteLanding(entry(SEED, 0), 'https://www.example.com/home'), { seed: SEED, target: 'https://www.example.com/home', mode: 'host' });
  assert.equal(scope('http://www.example.com/a'), null);
  assert.equal(redirects.noteLanding(entry(SEED, 0), 'https://www.example.com/home'), null, 'said once');
});

test("an earlier run's seed redirect is restored, under this run's --include / --exclude", () => {
  const { scope, redirects } = seedRedirects({ exclude: ['/home$'] });
  assert.equal(redirects.restore(SEED, 'https://www.example.com/home'), null, 'excluded now: not a root');
  assert.equal(scope('https://www.example.com/a'), 'CRAWL_SCOPE_OUT');
  const fresh = seedRedirects();
  assert.deepEqual(fresh.redirects.restore(SEED, 'https://www.example.com/home'), { seed: SEED, target: 'https://www.example.com/home', mode: 'host' });
  assert.equal(fresh.scope('https://www.example.com/a'), null);
});
