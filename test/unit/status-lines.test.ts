import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CrawlProgress } from '../../src/crawl.js';
import { createRateMeter, formatErrorKinds, formatEta, formatStatusBlock, formatStatusLine, formatWait } from '../../src/cli/status-lines.js';
import { chooseViewMode } from '../../src/cli/progress-view.js';
import { shouldColor } from '../../src/cli/should-color.js';
import { formatJsonEvent } from '../../src/cli/log-json.js';
import { parseDbSize } from '../../src/config/db-size.js';

function progress(o: Partial<CrawlProgress> = {}): CrawlProgress {
  return {
    runId: 1, elapsedMs: 10_000, pagesStored: 400, failures: 0, active: 8, inFlight: 6, taken: 400, queued: 1234,
    wireBytes: 5 * 1024 * 1024, errorsByCode: {}, pagesPerSecond: 40, waitingMs: null, ...o,
  };
}

test('the status block: counts, rates, errors by kind; a bar and an ETA only when bounded', () => {
  const errorsByCode = { CRAWL_FETCH_TIMEOUT: 5, CRAWL_FETCH_REFUSED: 2, CRAWL_PARSE_FAILED: 1, CRAWL_FETCH_DNS: 1 };
  const unbounded = formatStatusBlock(progress({ failures: 9, errorsByCode }), { maxPages: null, recentRate: 52.5, isColor: false, columns: 200 });
  assert.deepEqual(unbounded.split('\n'), [
    'crawlite 400 pages stored  52.5/s now  40.0/s avg  5.0 MB  10.0s elapsed',
    '  6 in flight  1,234 queued  9 errors: fetch_timeout 5, fetch_refused 2, fetch_dns 1, +1 more kinds',
  ]);
  const bounded = formatStatusBlock(progress(), { maxPages: 1000, recentRate: null, isColor: false, columns: 200 });
  // 600 left plus 8 active at 40 URLs/s: 15.2 s, rounded up.
  assert.equal(bounded.split('\n')[2], '  ██████████░░░░░░░░░░░░░░ 40%  400/1,000 URLs  ETA 16s');
  assert.match(bounded, /–\/s now/);
});

test('while idle until a URL comes due (a long Retry-After), the status says so and the ETA includes the wait', () => {
  const idle = progress({ active: 0, inFlight: 0, waitingMs: 125_300 });
  const block = formatStatusBlock(idle, { maxPages: 1000, recentRate: 0, isColor: false, columns: 200 });
  assert.deepEqual(block.split('\n').slice(1), [
    '  0 in flight  1,234 queued  0 errors',
    '  waiting 2m06s for a URL to come due (--delay or Crawl-delay, a retry\'s backoff or Retry-After, robots.txt, a resting host)',
    // 125.3 s of waiting, then 608 left (8 active) at 40 URLs/s.
    '  ██████████░░░░░░░░░░░░░░ 40%  400/1,000 URLs  ETA 2m21s',
  ]);
  assert.equal(
    formatStatusLine(progress({ active: 0, inFlight: 0, waitingMs: 4_000 }), { maxPages: null, recentRate: null }),
    'crawlite: 400 pages (40.0/s avg), 0 errors, 0 in flight, 1,234 queued, 5.0 MB, 10.0s, waiting 4.0s for a URL to come due (--delay or Crawl-delay, a retry\'s backoff or Retry-After, robots.txt, a resting host)',
  );
  assert.equal(formatStatusBlock(progress(), { maxPages: null, recentRate: 1, isColor: false, columns: 200 }).split('\n').length, 2, 'no waiting line while working');
});

test('a wait shows its tenths under 10 s, rounded up, so a --delay 0.3 gap is not shown as 1s', () => {
  assert.deepEqual([0, 40, 120, 300, 999, 1_000, 9_949, 9_950, 10_000, 10_001, 59_000, 59_001, 125_300].map(formatWait),
    ['0.1s', '0.1s', '0.2s', '0.3s', '1.0s', '1.0s', '10s', '10s', '10s', '11s', '59s', '1m00s', '2m06s']);
});

test('colour only when asked, and lines cut to the terminal width without breaking escapes', () => {
  const colored = formatStatusBlock(progress(), { maxPages: null, recentRate: 1, isColor: true, columns: 30 });
  assert.match(colored, /\u001B\[32m400 pages stored/);
  for (const line of colored.split('\n')) assert.ok(line.replace(/\u001B\[[0-9;]*m/g, '').length < 30, line);
  assert.ok(!formatStatusBlock(progress(), { maxPages: 10, recentRate: 1, isColor: false, columns: 80 }).includes('\u001B'));
});

test('the plain line', () => {
  assert.equal(
    formatStatusLine(progress({ failures: 1, errorsByCode: { CRAWL_FETCH_RESET: 1 } }), { maxPages: 500, recentRate: 38 }),
    'crawlite: 400 pages (40.0/s avg, 38.0/s now), 1 error (fetch_reset 1), 6 in flight, 1,234 queued, 5.0 MB, 10.0s, 400/500 URLs, ETA 3s',
  );
});

test('ETA: none without a bound or a rate; 0s when the bound is reached', () => {
  assert.equal(formatEta(progress(), { maxPages: null, recentRate: 1 }), null);
  assert.equal(formatEta(progress({ taken: 0, elapsedMs: 0, active: 0 }), { maxPages: 10, recentRate: null }), null);
  assert.equal(formatEta(progress({ taken: 10, active: 0 }), { maxPages: 10, recentRate: null }), '0s');
  assert.equal(formatErrorKinds({}), '');
});

test('the recent rate is over the last seconds, not since the start', () => {
  const rate = createRateMeter(10_000);
  assert.equal(rate(progress({ elapsedMs: 0, pagesStored: 0 })), null);
  assert.equal(rate(progress({ elapsedMs: 5_000, pagesStored: 500 })), 100);
  rate(progress({ elapsedMs: 20_000, pagesStored: 600 }));
  // Samples older than 10 s have left the window: from 20 s to 25 s, 100 pages in 5 s.
  assert.equal(rate(progress({ elapsedMs: 25_000, pagesStored: 700 })), 20);
});

test('view mode and colour from flags, terminal and environment', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  assert.equal(chooseViewMode({}, tty, {}), 'tty');
  assert.equal(chooseViewMode({}, pipe, {}), 'plain');
  assert.equal(chooseViewMode({ progress: false }, tty, {}), 'plain');
  assert.equal(chooseViewMode({}, tty, { TERM: 'dumb' }), 'plain');
  assert.equal(chooseViewMode({ logFormat: 'json' }, tty, {}), 'json');
  // QA 13: -q with json stays JSON (error events and warnings; no page events, no summary), no longer the silent quiet view.
  assert.equal(chooseViewMode({ quiet: true, logFormat: 'json' }, tty, {}), 'json');
  assert.equal(chooseViewMode({ quiet: true }, tty, {}), 'quiet');
  assert.equal(shouldColor(tty, {}), true);
  assert.equal(shouldColor(tty, { NO_COLOR: '1' }), false);
  assert.equal(shouldColor(tty, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
  assert.equal(shouldColor(pipe, {}), false);
  assert.equal(shouldColor(tty, { TERM: 'dumb' }), false, 'a dumb terminal shows escapes as text');
});

test('JSON events: type and time first, one line', () => {
  const line = formatJsonEvent({ type: 'error', url: 'http://a/', depth: 1, code: 'CRAWL_FETCH_DNS', message: 'no such host\nreally' }, new Date(0));
  assert.ok(line.endsWith('}\n') && line.indexOf('\n') === line.length - 1);
  assert.deepEqual(Object.keys(JSON.parse(line) as object), ['type', 'time', 'url', 'depth', 'code', 'message']);
});

test('--max-db-size sizes', () => {
  assert.equal(parseDbSize('--max-db-size', undefined), null);
  assert.equal(parseDbSize('--max-db-size', '2GB'), 2 * 1024 ** 3);
  assert.equal(parseDbSize('--max-db-size', '1.5 TiB'), 1.5 * 1024 ** 4);
  assert.equal(parseDbSize('--max-db-size', '512k'), 512 * 1024);
  assert.throws(() => parseDbSize('--max-db-size', '100k'), /from 256KB to 16TB/);
  assert.throws(() => parseDbSize('--max-db-size', 'lots'), { code: 'CRAWL_USAGE' });
});
