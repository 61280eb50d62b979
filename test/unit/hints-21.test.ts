/**
 * Round 21 hints: the continuing command keeps the run's --max-pages (a crawl stopped by Ctrl+C
 * inside --max-pages 100 was told to continue "to its end", unbounded on an endless site), and
 * the summary and stats name `export --failed` where they count failures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromFlags } from '../../src/config/load.js';
import { continueHint } from '../../src/config/continue-hint.js';
import type { CrawlSummary } from '../../src/crawl.js';
import { formatFailedList, formatSummary } from '../../src/cli/summary.js';
import { formatStats, type Stats } from '../../src/export/stats.js';

const summary = { status: 'interrupted', pagesStored: 3, failures: 0, elapsedMs: 1000, pagesPerSecond: 3, errorsByCode: {}, dbPath: 'data/x.db', queuedAtEnd: 1234 } as unknown as CrawlSummary;
const nextLines = (text: string): string[] => text.split('next:\n')[1]!.split('\n');

test('continueHint carries the run\'s --max-pages, and null without one', () => {
  assert.equal(continueHint(configFromFlags({ urls: ['https://a.test/'], maxPages: 100 }), null, []).limits.maxPages, 100);
  assert.equal(continueHint(configFromFlags({ urls: ['https://a.test/'] }), null, []).limits.maxPages, null);
});

test('a run interrupted inside --max-pages is continued with it again, the row saying how many more; without one, to its end', () => {
  assert.match(nextLines(formatSummary(summary, [], null, { maxPages: 100 }))[0]!, /^ {2}crawlite crawl --db data\/x\.db --max-pages 100 +# continue the crawl, 100 more URLs at most \(1,234 URLs queued\)$/);
  assert.match(nextLines(formatSummary(summary, [], null, { maxPages: 1 }))[0]!, /# continue the crawl, 1 more URL at most \(1,234 URLs queued\)$/);
  assert.match(nextLines(formatSummary(summary, ['-H', '"Cookie: ..."'], null, { maxPages: 5000 }))[0]!, /^ {2}crawlite crawl --db data\/x\.db -H "Cookie: \.\.\." --max-pages 5000 +# continue the crawl, 5,000 more URLs at most/);
  assert.match(nextLines(formatSummary(summary, [], { file: 'job.yaml', holds: 'header values', lifted: [] }, { maxPages: 100 }))[0]!, /^ {2}crawlite crawl --config job\.yaml --db data\/x\.db --max-pages 100 +# continue the crawl: the job again/);
  assert.match(nextLines(formatSummary(summary))[0]!, /# continue the crawl to its end \(1,234 URLs queued\)$/);
  // A run that reached its --max-pages got what it asked for: the same command, with no limit (round 21b).
  assert.match(nextLines(formatSummary({ ...summary, status: 'done' }, [], null, { maxPages: 100 }))[0]!, /^ {2}crawlite crawl --db data\/x\.db +# continue the crawl with no page limit \(1,234 URLs queued\)$/);
});

test('the summary names export --failed under the failure counts, not counting parse failures (stored pages)', () => {
  assert.equal(formatFailedList(2, "my crawl.db"), "  2 URLs failed without a response; list them: crawlite export --db 'my crawl.db' --failed --out failed.csv");
  assert.equal(formatFailedList(0), null);
  const text = formatSummary({ ...summary, failures: 3, errorsByCode: { CRAWL_FETCH_TIMEOUT: 1, CRAWL_PARSE_FAILED: 2 } });
  assert.match(text, /^ {2}1 URL failed without a response; list them: crawlite export --db data\/x\.db --failed --out failed\.csv$/m);
  const parseOnly = formatSummary({ ...summary, failures: 2, errorsByCode: { CRAWL_PARSE_FAILED: 1, CRAWL_FETCH_ENCODING: 1 } });
  assert.doesNotMatch(parseOnly, /--failed/);
});

test('stats names export --failed after its error samples when URLs failed, and says nothing of it when none did', () => {
  const byState = { queued: 0, fetching: 0, done: 5, failed: 2, skipped: 0, redirected: 0 };
  const stats = {
    dbPath: 'data/x.db', pages: 5, urls: { total: 7, byState }, byStatus: [], byContentType: [], byDepth: [],
    errors: [{ code: 'CRAWL_FETCH_TIMEOUT', source: 'url', state: 'failed', count: 2, sampleMessage: 'no complete response within 30 s' }],
    bytes: { raw: 0, wire: 0, stored: 0, dbFile: 0, walFile: 0 }, timing: { firstFetchedAt: null, lastFetchedAt: null, durationMs: null, pagesPerSecond: null },
    runs: 0, latestRun: null, recrawl: null,
  } as unknown as Stats;
  assert.match(formatStats(stats), /CRAWL_FETCH_TIMEOUT .*\n {2}list the 2 failed URLs: crawlite export --db data\/x\.db --failed --out failed\.csv\n$/);
  assert.doesNotMatch(formatStats({ ...stats, urls: { total: 5, byState: { ...byState, failed: 0 } } } as Stats), /--failed/);
});
