/**
 * Whether a failed attempt is tried again, and when. Pure: the crawl asks, then requeues the URL
 * in SQLite with a not-before time (urls.due_at), so a waiting retry holds no memory and survives
 * a restart, and other hosts go on meanwhile.
 *
 * Retried: network errors and timeouts (FetchError.retryable), 5xx (not 600-999), 408 and 429; up to `retries`
 * further attempts (a malformed response: one, MAX_RETRIES_BY_CODE). The wait is exponential
 * (retryBaseMs * 2^attempt, capped at retryMaxDelayMs)
 * with "equal jitter" (half fixed, half random), so many URLs failing together do not come back
 * together. A Retry-After header (delta-seconds or a strict HTTP-date, RFC 9110 section 10.2.3) replaces
 * the backoff, capped at retryAfterMaxMs: a server asking for a day does not stall a crawl for one.
 * 429 and 503 also cool the whole host down for that long: the server said it is overloaded, so
 * none of its URLs should be sent meanwhile (Scrapy ignores Retry-After; we do not).
 */
import type { PolitenessConfig } from '../config/schema.js';
import type { ErrorCode } from '../errors.js';
import { parseHttpDate } from './http-date.js';

export interface AttemptOutcome {
  /** Attempts made before this one (FrontierEntry.attempt). */
  attempt: number;
  /** HTTP status of a response, or null when the attempt failed without one. */
  status: number | null;
  /** For a failure: whether its code is worth another attempt (FetchError.retryable). */
  isRetryableFailure?: boolean;
  /** For a failure: its code, which may allow fewer retries than `retries` (MAX_RETRIES_BY_CODE). */
  code?: ErrorCode;
  /** Response headers (lowercased names), for Retry-After. */
  headers?: Record<string, string>;
}

export interface RetryDecision {
  /** Wait this long, then try again. */
  delayMs: number;
  /** The whole host waits too (429, 503). */
  shouldHoldHost: boolean;
  /** One line for urls.error_message while the URL waits. */
  reason: string;
}

const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429]);

/**
 * Failures retried fewer times than `retries` allows. A malformed response (CRAWL_FETCH_PROTOCOL)
 * is the server's own bytes, read by both parsers already (lenient-http.ts): the same server
 * mostly sends the same again, so three more attempts only multiplied its cost (4 attempts of 2
 * requests each, and 3.5-7 s of backoff, for each such URL). One is kept for what does pass: a backend that crashed
 * mid-write, a middlebox that garbled one response, a connection that carried another's bytes.
 */
const MAX_RETRIES_BY_CODE: Partial<Record<ErrorCode, number>> = {
  CRAWL_FETCH_PROTOCOL: 1,
};

/**
 * 5xx, 408 and 429. A status from 600 to 999 (HTTP allows three digits; undici and Chromium accept
 * them) is no server error of RFC 9110's: a site's own code, LinkedIn's 999 to crawlers the best
 * known. Chromium treats it as a response like a 4xx (not ok, shown); so does crawlite: stored with
 * its status, not retried, as asking again only repeats the refusal.
 */
export function isRetryableStatus(status: number): boolean {
  return (status >= 500 && status < 600) || RETRY_STATUSES.has(status);
}

/**
 * A retry decision, or null when the outcome is final (success, a non-retryable failure, or no
 * attempts left). `random` is injectable so tests can pin the jitter.
 */
export function decideRetry(
  outcome: AttemptOutcome,
  config: Pick<PolitenessConfig, 'retries' | 'retryBaseMs' | 'retryMaxDelayMs' | 'retryAfterMaxMs'>,
  now = Date.now(),
  random: () => number = Math.random,
): RetryDecision | null {
  const retries = Math.min(config.retries, (outcome.code === undefined ? undefined : MAX_RETRIES_BY_CODE[outcome.code]) ?? Infinity);
  if (outcome.attempt >= retries) return null;
  const { status } = outcome;
  if (status === null ? !outcome.isRetryableFailure : !isRetryableStatus(status)) return null;
  const backoff = Math.min(config.retryMaxDelayMs, config.retryBaseMs * 2 ** outcome.attempt);
  let delayMs = Math.round(backoff / 2 + (backoff / 2) * random());
  const retryAfter = status === null ? null : parseRetryAfter(outcome.headers?.['retry-after'], now);
  if (retryAfter !== null) delayMs = Math.min(retryAfter, config.retryAfterMaxMs);
  const label = status === null ? 'failed' : `HTTP ${status}`;
  return {
    delayMs,
    shouldHoldHost: status === 429 || status === 503,
    reason: `attempt ${outcome.attempt + 1} ${label}; retry ${outcome.attempt + 1} of ${retries} in ${delayMs} ms`,
  };
}

/**
 * Retry-After in milliseconds from `now`: delta-seconds (digits only) or an HTTP-date in one of its
 * three forms (http-date.ts); null when absent or anything else, which leaves the backoff in charge.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = parseHttpDate(text, now);
  return at === null ? null : Math.max(0, at - now);
}
