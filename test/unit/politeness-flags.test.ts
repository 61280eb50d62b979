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

test('--delay and --timeout take a unit as --max-time does: 500ms, 10s, 2m', () => {
  const ms = (flags: Record<string, string>) => {
    const c = configFromFlags({ urls: SEED, ...flags });
    return [c.fetch.politeness?.delayMs, c.fetch.timeoutMs];
  };
  assert.deepEqual(ms({ delay: '500ms', timeout: '10s' }), [500, 10_000]);
  assert.deepEqual(ms({ delay: '2m', timeout: '1.5m' }), [120_000, 90_000]);
  assert.deepEqual(ms({ delay: ' 1 S ', timeout: '1h' }), [1_000, 3_600_000]);
  assert.deepEqual(ms({ delay: '0ms', timeout: '250MS' }), [0, 250]);
  // The ranges hold whatever the unit, and a unit alone or an unknown one is no duration.
  assert.throws(() => configFromFlags({ urls: SEED, timeout: '2h' }), /^UsageError: invalid --timeout '2h': expected more than 0 and at most 3600 seconds, plain or with units \(500ms, 10s, 2m, 1m30s\)$/);
  assert.throws(() => configFromFlags({ urls: SEED, timeout: '0ms' }), /invalid --timeout '0ms'/);
  for (const bad of ['ms', '10 sec', '10d', '1e3ms', '.5s', '10s5']) {
    assert.throws(() => configFromFlags({ urls: SEED, delay: bad }), new RegExp(`invalid --delay '${bad.replace('.', '\\.')}'`));
  }
});
