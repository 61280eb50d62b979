import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromFlags } from '../../src/config/load.js';

const SEED = ['https://example.org/'];

test('politeness defaults: robots obeyed, no delay floor, 3 retries, 10 redirects, nofollow skipped, non-HTML bodies not stored', () => {
  const c = configFromFlags({ urls: SEED });
  assert.equal(c.fetch.politeness?.ignoreRobots, false);
  assert.equal(c.fetch.politeness?.delayMs, 0);
  assert.equal(c.fetch.politeness?.retries, 3);
  assert.equal(c.fetch.politeness?.maxCrawlDelayMs, 30_000);
  assert.equal(c.fetch.politeness?.robotsMaxBytes, 500 * 1024);
  assert.equal(c.fetch.maxRedirects, 10);
  assert.equal(c.scope.followNofollow, false);
  assert.equal(c.parse.storeNonHtml, false);
});

test('--delay, --retries, --max-redirects, --ignore-robots, --follow-nofollow, --store-non-html', () => {
  const c = configFromFlags({ urls: SEED, delay: '1.5', retries: '0', maxRedirects: '5', ignoreRobots: true, followNofollow: true, storeNonHtml: true });
  assert.equal(c.fetch.politeness?.delayMs, 1_500);
  assert.equal(c.fetch.politeness?.retries, 0);
  assert.equal(c.fetch.maxRedirects, 5);
  assert.equal(c.fetch.politeness?.ignoreRobots, true);
  assert.equal(c.scope.followNofollow, true);
  assert.equal(c.parse.storeNonHtml, true);
});

test('bad politeness values are one-line usage errors naming the flag', () => {
  assert.throws(() => configFromFlags({ urls: SEED, delay: '-1' }), /invalid --delay '-1'/);
  assert.throws(() => configFromFlags({ urls: SEED, delay: 'soon' }), /invalid --delay 'soon'/);
  assert.throws(() => configFromFlags({ urls: SEED, retries: '2.5' }), /invalid --retries '2.5'/);
  assert.throws(() => configFromFlags({ urls: SEED, maxRedirects: '1000' }), /invalid --max-redirects '1000'/);
});
