import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRetry, isRetryableStatus, parseRetryAfter } from '../../src/fetch/retry-policy.js';

const config = { retries: 3, retryBaseMs: 1_000, retryMaxDelayMs: 10_000, retryAfterMaxMs: 60_000 };
const NOW = Date.UTC(2026, 0, 1);

test('5xx, 408 and 429 are retried; other statuses and successes are final', () => {
  for (const status of [500, 502, 503, 504, 599, 408, 429]) assert.ok(isRetryableStatus(status), String(status));
  // 600-999 is no server error (a site's own code, LinkedIn's 999): final, as a 4xx is.
  for (const status of [200, 301, 400, 403, 404, 410, 600, 999]) {
    assert.equal(isRetryableStatus(status), false, String(status));
    assert.equal(decideRetry({ attempt: 0, status }, config, NOW), null);
  }
});

test('network failures are retried only when retryable, and only `retries` times', () => {
  assert.ok(decideRetry({ attempt: 0, status: null, isRetryableFailure: true }, config, NOW));
  assert.equal(decideRetry({ attempt: 0, status: null, isRetryableFailure: false }, config, NOW), null);
  assert.ok(decideRetry({ attempt: 2, status: 500 }, config, NOW));
  assert.equal(decideRetry({ attempt: 3, status: 500 }, config, NOW), null, 'the 4th attempt was the last');
  assert.equal(decideRetry({ attempt: 0, status: 500 }, { ...config, retries: 0 }, NOW), null);
});

test('a malformed response (CRAWL_FETCH_PROTOCOL) is retried once whatever `retries` says, and not at all with --retries 0', () => {
  const malformed = { status: null, isRetryableFailure: true, code: 'CRAWL_FETCH_PROTOCOL' as const };
  assert.match(decideRetry({ attempt: 0, ...malformed }, config, NOW)?.reason ?? '', /^attempt 1 failed; retry 1 of 1 in \d+ ms$/);
  assert.equal(decideRetry({ attempt: 1, ...malformed }, config, NOW), null, 'the second attempt was the last');
  assert.equal(decideRetry({ attempt: 0, ...malformed }, { ...config, retries: 0 }, NOW), null);
  assert.ok(decideRetry({ attempt: 1, ...malformed, code: 'CRAWL_FETCH_NETWORK' }, config, NOW), 'other codes keep `retries`');
});

test('backoff doubles per attempt with jitter in [half, whole], capped at retryMaxDelayMs', () => {
  const at = (attempt: number, r: number) => decideRetry({ attempt, status: 500 }, { ...config, retries: 10 }, NOW, () => r)!.delayMs;
  assert.equal(at(0, 0), 500);
  assert.equal(at(0, 1), 1_000);
  assert.equal(at(1, 0), 1_000);
  assert.equal(at(2, 1), 4_000);
  assert.equal(at(8, 1), 10_000, 'capped');
  const d = at(1, Math.random());
  assert.ok(d >= 1_000 && d <= 2_000);
});

test('Retry-After in seconds or as an HTTP date replaces the backoff, capped at retryAfterMaxMs', () => {
  const retry = (value: string) => decideRetry({ attempt: 0, status: 503, headers: { 'retry-after': value } }, config, NOW, () => 0)!;
  assert.equal(retry('7').delayMs, 7_000);
  assert.equal(retry(new Date(NOW + 20_000).toUTCString()).delayMs, 20_000);
  assert.equal(retry('86400').delayMs, 60_000, 'a day is cut to the cap');
  assert.equal(retry('soon').delayMs, 500, 'unreadable: the backoff');
  assert.equal(retry('7').shouldHoldHost, true, '503 cools the host');
  assert.equal(decideRetry({ attempt: 0, status: 429 }, config, NOW)!.shouldHoldHost, true);
  assert.equal(decideRetry({ attempt: 0, status: 500 }, config, NOW)!.shouldHoldHost, false);
});

test('parseRetryAfter', () => {
  assert.equal(parseRetryAfter(undefined, NOW), null);
  assert.equal(parseRetryAfter(' 3 ', NOW), 3_000);
  assert.equal(parseRetryAfter('-3', NOW), null);
  assert.equal(parseRetryAfter('1.5', NOW), null);
  assert.equal(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW), 0, 'a past date means now');
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2015, 9, 21, 7, 27, 0)), 60_000);
  assert.equal(parseRetryAfter('Wednesday, 21-Oct-15 07:28:00 GMT', Date.UTC(2015, 9, 21, 7, 27, 0)), 60_000, 'RFC 850');
  assert.equal(parseRetryAfter('Wed Oct 21 07:28:00 2015', Date.UTC(2015, 9, 21, 7, 27, 0)), 60_000, 'asctime');
});

test('parseRetryAfter: garbage that Date.parse would read as a date is not one (QA: "x 2099" held a host 5 minutes)', () => {
  for (const value of ['x 2099', 'Jan 2099', '2099-01-01', 'soon', '1e2', '+3']) assert.equal(parseRetryAfter(value, NOW), null, value);
  const retry = decideRetry({ attempt: 0, status: 503, headers: { 'retry-after': 'x 2099' } }, config, NOW, () => 0)!;
  assert.equal(retry.delayMs, 500, 'the backoff, not the cap');
});
