/**
 * One frontier entry through the politeness rules, before and after its fetch:
 *
 *   robots.txt verdict -> the host's turn (delay / Crawl-delay) -> a connection slot (host-limits)
 *     -> fetch -> retry decision (backoff, Retry-After, host cool-down)
 *
 * It decides and returns what happened; the crawl records it (crawl.ts), so every outcome is a
 * row. The scheduler has already called `schedule.take(entry.host)`; every path here ends that
 * with `start` (inside the slot) or `cancel`.
 */
import type { PolitenessConfig } from '../config/schema.js';
import type { ErrorCode } from '../errors.js';
import type { FetchFailure, FetchResult, FrontierEntry, RedirectToStored } from '../types.js';
import type { Fetcher } from './fetcher.js';
import type { HostLimits } from './host-limits.js';
import type { HostSchedule } from './politeness.js';
import type { RobotsPolicy } from './robots.js';
import { decideRetry } from './retry-policy.js';
import { answeringHost, createOverloadHold, holdMs } from './overload-hold.js';

export type PoliteOutcome =
  | { kind: 'fetched'; result: FetchResult }
  | { kind: 'failed'; failure: FetchFailure }
  /** It redirected to a page already stored, which was not requested again: final, never retried. */
  | { kind: 'redirectedToStored'; redirect: RedirectToStored }
  /** Never requested: robots.txt forbids it, or robots.txt stayed unreachable (its host may be down). */
  | { kind: 'blocked'; code: ErrorCode; message: string }
  /**
   * Requeue, not before `dueAt`; `isAttempt` when the request counts against --retries (a retry).
   * A free probe of a busy host made a request and counts none.
   */
  | { kind: 'deferred'; dueAt: number; isAttempt: boolean; code: ErrorCode | null; message: string }
  /** The crawl is stopping: requeue as it was. */
  | { kind: 'aborted' }
  /** Never requested: `elsewhere.isFetched()` said its page came in meanwhile (another URL's redirect). */
  | { kind: 'fetchedElsewhere' };

export interface PoliteFetchOptions {
  fetcher: Fetcher;
  limits: HostLimits;
  schedule: HostSchedule;
  robots: RobotsPolicy;
  config: PolitenessConfig;
  signal: AbortSignal;
  now?: () => number;
}

/**
 * For a URL whose page another URL's redirect may fetch first. `isFetched` is asked before the
 * URL waits for its turn and again inside its slot, just before the request: a claimed URL can
 * wait a while (a Crawl-delay, a busy host). `onFetched` is told the final URL of a response
 * inside the slot, before the next URL of the host can ask.
 */
export interface FetchedElsewhere {
  isFetched(): boolean;
  /** The URL's own request starts now (inside its slot): a redirect hop to it waits for it (fetched-elsewhere.ts). */
  onStart?(): void;
  onFetched(finalUrl: string): void;
}

/** What the entry's own host answered: its redirect's status when it redirected, else the response's. */
function entryHostStatus(r: FetchResult | FetchFailure | RedirectToStored): number | undefined {
  if ('redirects' in r && r.redirects.length > 0) return r.redirects[0]!.status;
  return 'status' in r ? r.status : undefined;
}

/** How long a URL taken while its host's probe is out waits before it is claimed again. */
const PROBE_WAIT_MS = 1_000;

/**
 * How long a host may go on answering 429/503 to its probes before a probe's answer counts as an
 * attempt of its URL. The probe is the one URL the host is asked for while it cools down; counted,
 * it spent its --retries on the host's busy spell, not on anything of its own, and a host busy for
 * a few minutes (Retry-After: 60, --retries 3) had the URL that happened to probe stored as a 429
 * while every other URL of the host was fetched once it recovered. Only when more than one URL of
 * the host was answered so in the cool-down: a 503 from one broken URL (the host's others fine) is
 * that URL's, and its retries count as any 5xx's. Not counted forever: a host that refuses the
 * crawler with 429 for good must still end, so after this long its probes count.
 */
export const FREE_PROBE_MS = 10 * 60_000;

export type PoliteFetch = (entry: FrontierEntry, extraHeaders?: Record<string, string>, elsewhere?: FetchedElsewhere) => Promise<PoliteOutcome>;

export function createPoliteFetch(opts: PoliteFetchOptions): PoliteFetch {
  const { fetcher, limits, schedule, robots, config, signal } = opts;
  const now = opts.now ?? Date.now;

  const holdOnOverload = createOverloadHold(schedule, config, now);

  return async (entry, extraHeaders, elsewhere) => {
    const { host } = entry;
    const verdict = await robots.check(entry.url);
    if (signal.aborted || verdict.kind !== 'allow') schedule.cancel(host);
    if (signal.aborted) return { kind: 'aborted' };
    switch (verdict.kind) {
      case 'disallow':
        return { kind: 'blocked', code: 'CRAWL_ROBOTS_DISALLOWED', message: `disallowed by ${host}/robots.txt` };
      case 'unavailable':
        // CRAWL_ROBOTS_UNAVAILABLE, or the network code when the host never answered (robots.ts).
        return { kind: 'blocked', code: verdict.code, message: verdict.message };
      case 'wait':
        // Unreachable robots.txt means "disallow all" for now: the host rests, its URLs wait.
        schedule.hold(host, verdict.untilMs);
        return { kind: 'deferred', dueAt: verdict.untilMs, isAttempt: false, code: verdict.code, message: `${verdict.message}; waiting` };
      case 'allow':
        break;
    }
    if (elsewhere?.isFetched()) {
      schedule.cancel(host);
      return { kind: 'fetchedElsewhere' };
    }
    await schedule.turn(host, signal);
    let isProbeWait = false;
    /** This request is the host's probe after a cool-down (politeness.ts). */
    let isProbe = false;
    const result = await limits.run<FetchResult | FetchFailure | RedirectToStored | number | 'fetchedElsewhere'>(host, () => {
      if (elsewhere?.isFetched()) {
        schedule.cancel(host);
        return Promise.resolve('fetchedElsewhere' as const);
      }
      // While this URL waited for its slot the host may have been cooled down (a 429/503 to
      // another of its URLs), or a redirect hop from another host may have started there: then it
      // waits too, rather than knock on a door that said "later" or start inside the gap.
      const readyAt = schedule.gapReadyAt(host);
      if (readyAt > now() && !signal.aborted) {
        schedule.cancel(host);
        return Promise.resolve(readyAt);
      }
      // Taken before the host's cool-down, while its probe is out (politeness.ts): it waits.
      if (schedule.isProbeBusy(host) && !signal.aborted) {
        schedule.cancel(host);
        isProbeWait = true;
        return Promise.resolve(now() + PROBE_WAIT_MS);
      }
      // The URL whose 429/503 began the cool-down is back first (the frontier takes by depth and
      // id, not by due time, so a late wake-up finds it due beside the others): it lets another
      // URL probe, or its own answer could not tell a busy host from a broken URL and would count.
      if (schedule.stepAside(host, entry.url) && !signal.aborted) {
        schedule.cancel(host);
        isProbeWait = true;
        return Promise.resolve(now() + PROBE_WAIT_MS);
      }
      isProbe = schedule.busyState(host) !== null;
      elsewhere?.onStart?.();
      schedule.start(host);
      // The cool-down is set before the slot is released (overload-hold.ts). A redirect hop's
      // was already set inside the hop's own slot, on the host that answered (polite-stage.ts).
      return fetcher.fetchPage(entry, signal, extraHeaders ? { extraHeaders } : undefined).then((r) => {
        if ('status' in r) {
          holdOnOverload(r);
          elsewhere?.onFetched(r.finalUrl);
        }
        schedule.end(host, entryHostStatus(r));
        return r;
      }, (err: unknown) => {
        schedule.end(host);
        throw err;
      });
    });
    if (result === 'fetchedElsewhere') return { kind: 'fetchedElsewhere' };
    if (typeof result === 'number') {
      const message = isProbeWait || schedule.heldUntil(host) >= result ? 'host cooling down after 429/503; waiting' : "waiting for the host's delay";
      return { kind: 'deferred', dueAt: result, isAttempt: false, code: null, message };
    }
    // Complete even when the crawl is stopping: only its row is left to write.
    if ('storedUrl' in result) return { kind: 'redirectedToStored', redirect: result };
    if (signal.aborted && 'code' in result && result.code === 'CRAWL_FETCH_ABORTED') return { kind: 'aborted' };
    if ('code' in result && result.retryAt !== undefined) {
      // A redirect target's robots.txt is unreachable for now, or its host is resting: the URL
      // waits for its next fetch, like a URL of that origin met directly. No attempt is counted:
      // robots.txt's own failures bound the wait (its verdict turns final after --retries), and a
      // host's rest is bounded by the retries of the URLs that made it rest, not by this one's.
      return { kind: 'deferred', dueAt: result.retryAt, isAttempt: false, code: result.code, message: result.message };
    }

    const status = 'code' in result ? null : result.status;
    const headers = 'code' in result ? {} : result.headers;
    const at = now();
    const isOverloaded = (status === 429 || status === 503) && answeringHost(result as FetchResult) === host;
    if (isOverloaded) schedule.noteOverload(host, entry.url);
    const busy = isProbe && isOverloaded ? schedule.busyState(host) : null;
    if (busy !== null && busy.isManyUrls && at - busy.since < FREE_PROBE_MS) {
      // The host is still busy: its probe waits on with it, its attempts untouched. The wait grows
      // with the probes the host refused (or is its Retry-After), as a URL's retries would.
      const wait = decideRetry({ attempt: Math.max(entry.attempt, busy.overloads - 1), status, headers }, { ...config, retries: Infinity }, at);
      const delayMs = wait?.delayMs ?? config.retryMaxDelayMs;
      schedule.hold(host, at + delayMs);
      const busyS = Math.round((at - busy.since) / 1000);
      return {
        kind: 'deferred', dueAt: at + delayMs + PROBE_WAIT_MS, isAttempt: false, code: null,
        message: `HTTP ${status} to the probe of a host cooling down (busy for ${busyS} s); no attempt counted; again in ${delayMs} ms`,
      };
    }
    const failure = 'code' in result ? { isRetryableFailure: result.retryable, code: result.code } : {};
    const retry = decideRetry({ attempt: entry.attempt, status, headers, ...failure }, config, at);
    if (status === 429 || status === 503) schedule.hold(answeringHost(result as FetchResult), at + (retry?.delayMs ?? holdMs(result as FetchResult, config, at)));
    if (retry) {
      const code = 'code' in result ? result.code : null;
      const detail = 'code' in result ? `: ${result.message}` : '';
      // Answered 429/503 by its own host: back a moment after the host's cool-down ends, so that
      // another URL of the host probes it first. Its answer tells a busy host (isManyUrls) from one
      // broken URL; the same URL probing again and again could not.
      const dueAt = at + retry.delayMs + (isOverloaded ? PROBE_WAIT_MS : 0);
      return { kind: 'deferred', dueAt, isAttempt: true, code, message: `${retry.reason}${detail}` };
    }
    if ('code' in result) {
      const tries = entry.attempt + 1;
      const failure = tries > 1 ? { ...result, message: `${result.message} (after ${tries} attempts)` } : result;
      return { kind: 'failed', failure };
    }
    return { kind: 'fetched', result };
  };
}
