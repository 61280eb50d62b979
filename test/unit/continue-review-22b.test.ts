/**
 * Review 22b: what is left of a --max-time is never more than the whole of it. Rounded up to the
 * next whole second, a --max-time 1.5s run stopped at 0.1 s was continued "for 2s at most (the
 * rest of --max-time 1.5s)".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { remainingLimits } from '../../src/config/continue-hint.js';
import { formatSummary } from '../../src/cli/summary.js';
import type { CrawlSummary } from '../../src/crawl.js';

test('remainingLimits: the time left of a --max-time not in whole seconds is at most that --max-time', () => {
  assert.equal(remainingLimits({ maxTimeMs: 1500 }, { taken: 0, elapsedMs: 100 }).limits.maxTimeMs, 1500);
  assert.equal(remainingLimits({ maxTimeMs: 90_500 }, { taken: 0, elapsedMs: 200 }).limits.maxTimeMs, 90_500);
  // Whole seconds as before: rounded up, and less than the whole once a second has gone.
  assert.equal(remainingLimits({ maxTimeMs: 90_500 }, { taken: 0, elapsedMs: 1_700 }).limits.maxTimeMs, 89_000);
  assert.equal(remainingLimits({ maxTimeMs: 600_000 }, { taken: 0, elapsedMs: 240_400 }).limits.maxTimeMs, 360_000);
});

test('formatSummary: a run stopped early in --max-time 1.5s is continued with --max-time 1.5s, the whole of it', () => {
  const s = { status: 'interrupted', pagesStored: 1, failures: 0, taken: 1, elapsedMs: 100, pagesPerSecond: 10, errorsByCode: {}, dbPath: 'x.db', queuedAtEnd: 7 } as unknown as CrawlSummary;
  const next = formatSummary(s, [], null, { maxPages: null, maxTimeMs: 1500, maxDbBytes: null }).split('next:\n')[1]!.split('\n')[0]!;
  assert.match(next, /crawlite crawl --db x\.db --max-time 1\.5s +# continue the crawl, for 1\.5s at most \(7 URLs queued\)/);
});
