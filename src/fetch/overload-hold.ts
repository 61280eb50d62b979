/**
 * A 429 or 503 cools down the host that sent it: the entry's own, or the one a redirect led to.
 * Callers set it the moment the response is read, inside the connection slot that carried it, so
 * no other request to that host slips in between the answer and the crawl reading it.
 */
import type { PolitenessConfig } from '../config/schema.js';
import type { FetchResult } from '../types.js';
import { originKey } from '../frontier/normalize-url.js';
import type { HostSchedule } from './politeness.js';
import { decideRetry, parseRetryAfter } from './retry-policy.js';

/** Cools down the answering host when `r` is a 429 or 503; does nothing otherwise. */
export type OverloadHold = (r: FetchResult) => void;

export function createOverloadHold(schedule: HostSchedule, config: PolitenessConfig, now: () => number = Date.now): OverloadHold {
  return (r) => {
    if (r.status !== 429 && r.status !== 503) return;
    const at = now();
    schedule.hold(answeringHost(r), at + holdMs(r, config, at));
  };
}

/** The origin whose server sent the response. */
export function answeringHost(r: FetchResult): string {
  return r.redirects.length === 0 ? r.entry.host : originKey(r.finalUrl);
}

/**
 * How long a 429/503 rests the host: the retry's longest wait when there is one (no jitter), else
 * Retry-After or the backoff the attempt would have had (a final 429/503 still rests the host).
 */
export function holdMs(r: FetchResult, config: PolitenessConfig, now: number): number {
  const { attempt } = r.entry;
  const retry = decideRetry({ attempt, status: r.status, headers: r.headers }, config, now, () => 1);
  if (retry) return retry.delayMs;
  const retryAfter = parseRetryAfter(r.headers['retry-after'], now);
  if (retryAfter !== null) return Math.min(retryAfter, config.retryAfterMaxMs);
  return Math.min(config.retryMaxDelayMs, config.retryBaseMs * 2 ** attempt);
}
