/**
 * Builds the fetch stage with its politeness parts wired together, so crawl.ts only asks
 * "is this host ready?" and "fetch this entry politely":
 * - the host schedule (delays, Crawl-delay, cool-downs),
 * - the robots.txt policy, whose fetches go through the same fetcher and the same per-host slots,
 * - the fetcher, whose redirect hops are checked against their own origin's robots.txt and go
 *   through their own host's turn, slot and cool-down.
 */
import type { InFlightRequests } from '../fetched-elsewhere.js';
import type { Dispatcher } from 'undici';
import { defaultPolitenessConfig, type FetchConfig, type PolitenessConfig } from '../config/schema.js';
import type { ErrorCode } from '../errors.js';
import type { CrawlDelayNotice, FrontierEntry } from '../types.js';
import { originKey } from '../frontier/normalize-url.js';
import type { BodyBudget } from './body-budget.js';
import { createFetcher, type Fetcher, type HopContext, type HopRefusal, type HopStep } from './fetcher.js';
import { createOverloadHold } from './overload-hold.js';
import type { HostLimits } from './host-limits.js';
import { createHostSchedule, type HostSchedule } from './politeness.js';
import { createPoliteFetch, type PoliteFetch } from './polite-fetch.js';
import { createRobotsPolicy, type RobotsPolicy } from './robots.js';
import { WHOLE_LINES } from './unframed-body.js';

export interface PoliteStageOptions {
  config: FetchConfig;
  limits: HostLimits;
  dispatcher?: Dispatcher;
  /** Scope check for redirect targets; `from` is the entry being fetched (FetcherOptions.checkRedirect). */
  checkRedirect: (url: string, from: FrontierEntry) => ErrorCode | null;
  /** The crawl's stop signal. */
  signal: AbortSignal;
  /** Keep bodies as received when a content-coding was removed (--archive). */
  shouldKeepWire?: boolean;
  /** URLs (the seeds) whose origins get config.headers; see FetcherOptions.headerOrigins. */
  headerOrigins?: readonly string[];
  /** Bounds the bytes of bodies held at once; see FetcherOptions.bodyBudget. */
  bodyBudget?: BodyBudget;
  /** Whether a URL's page is already stored; a page's redirect hop there is not requested (FetcherOptions.isStored). */
  isStored?: (url: string) => boolean;
  /** Requests in flight by URL: a page's hop to one waits for it (FetcherOptions.inFlight). */
  inFlight?: InFlightRequests;
  /**
   * Told when a host may have become ready without a fetch ending (a taken URL started, so its
   * host's gap now runs from it; robots.txt loaded): the scheduler, sleeping until a fetch ends
   * or a known time, looks again.
   */
  onHostReady?: () => void;
  /** Told of the first MAX_CRAWL_DELAY_NOTICES origins whose Crawl-delay is above --delay. */
  onCrawlDelay?: (notice: CrawlDelayNotice) => void;
}

/** Past this many origins a broad crawl's notices would be noise; the rest apply silently. */
const MAX_CRAWL_DELAY_NOTICES = 10;

export interface PoliteStage {
  fetcher: Fetcher;
  schedule: HostSchedule;
  robots: RobotsPolicy;
  politeness: PolitenessConfig;
  /** May the scheduler take a URL of `host` now (a free slot, its turn, robots.txt not being fetched)? */
  isReady(host: string): boolean;
  /** Hosts whose URLs should not be claimed now. */
  restingHosts(): string[];
  /** `extraHeaders` go with the first request only (a recrawl's conditional headers); see PoliteFetch. */
  fetchPolitely: PoliteFetch;
}

export function createPoliteStage(opts: PoliteStageOptions): PoliteStage {
  const { config, limits, signal } = opts;
  const politeness = config.politeness ?? defaultPolitenessConfig();
  const schedule = createHostSchedule({ ...politeness, onTurnFreed: () => opts.onHostReady?.() });
  const announced = new Set<string>();
  // RFC 9309: follow at least 5 redirects, to any host; read at least 500 KiB (+1 to see a cut).
  // Read to the close from a server that never closes, it ends at a silence after a whole line.
  const robotsOverrides = { maxRedirects: Math.max(5, config.maxRedirects), maxBodyBytes: politeness.robotsMaxBytes + 1, isUnchecked: true, wholeEnd: WHOLE_LINES, shortBody: 'fail' as const };
  const robots = createRobotsPolicy({
    userAgent: config.userAgent,
    config: politeness,
    onCrawlDelay: (host, ms) => {
      schedule.setCrawlDelay(host, ms);
      const appliedMs = Math.min(ms, politeness.maxCrawlDelayMs);
      // Once per origin: robots.txt is parsed again only after its TTL (a day).
      if (appliedMs > politeness.delayMs && announced.size < MAX_CRAWL_DELAY_NOTICES && !announced.has(host)) {
        announced.add(host);
        opts.onCrawlDelay?.({ origin: host, askedMs: ms, appliedMs });
      }
    },
    onLoaded: () => opts.onHostReady?.(),
    fetchRobots: (url, isNested) => {
      const host = originKey(url);
      const run = () => {
        schedule.touch(host);
        return fetcher.fetch({ id: 0, url, host, depth: 0, attempt: 0 }, signal, robotsOverrides);
      };
      // From inside a fetch (a redirect hop) waiting for another slot could deadlock the limits.
      return isNested ? run() : limits.run(host, run);
    },
  });
  const fetcher = createFetcher({
    config,
    dispatcher: opts.dispatcher,
    checkRedirect: opts.checkRedirect,
    shouldKeepWire: opts.shouldKeepWire === true,
    headerOrigins: opts.headerOrigins,
    ...(opts.bodyBudget ? { bodyBudget: opts.bodyBudget } : {}),
    isStored: opts.isStored,
    ...(opts.inFlight ? { inFlight: opts.inFlight } : {}),
    runHop: (url, send, hop) => runHop(url, send, hop),
    checkHop: async (url) => {
      const verdict = await robots.check(url, { isNested: true });
      switch (verdict.kind) {
        case 'allow':
          return null;
        case 'disallow':
          return { code: 'CRAWL_ROBOTS_DISALLOWED', message: 'refused by its robots.txt' };
        // An unreachable robots.txt is not a Disallow: its own code (the network one when the
        // host did not answer) and message; while retries remain the URL waits, as a direct one does.
        case 'wait':
          return { code: verdict.code, message: `${verdict.message}; waiting`, retryAt: verdict.untilMs };
        case 'unavailable':
          return { code: verdict.code, message: verdict.message };
      }
    },
  });
  /**
   * A hop is a request to its host like any other: it waits for the host's delay or Crawl-delay
   * and for one of its --per-host slots, its start is counted there, and a host cooling down
   * after a 429/503 is not asked at all. The waits happen inside the fetch (its own host's slot
   * held), so they are bounded by half of what is left of --timeout, the rest being the hop's own;
   * a longer wait, or a cool-down, sends the URL back to the queue until then, no attempt counted.
   */
  const runHop = async (url: string, send: () => Promise<HopStep>, hop: HopContext): Promise<{ sent: HopStep } | { refused: HopRefusal }> => {
    const host = originKey(url);
    const giveUpAt = Date.now() + hop.remainingMs / 2;
    // Checked and counted in one synchronous step, as a page's start is (polite-fetch.ts); a
    // 429/503 cools the host down before its slot is given to the next request.
    const start = async (): Promise<{ sent: HopStep } | null> => {
      if (schedule.gapReadyAt(host) > Date.now()) return null;
      schedule.touch(host);
      const sent = await send();
      if ('result' in sent) holdOnOverload(sent.result);
      return { sent };
    };
    for (;;) {
      const retryAt = await schedule.hopTurn(host, giveUpAt - Date.now(), hop.signal);
      if (retryAt !== null) {
        const why = schedule.heldUntil(host) >= retryAt ? 'its host is cooling down after 429/503' : "its host's turn is not due yet";
        return { refused: { code: 'CRAWL_HOST_RESTING', message: `${why}; waiting`, retryAt } };
      }
      // Back to its own host (a -> b -> a): the fetch already holds one of its slots.
      const started = host === hop.fromHost ? await start() : await limits.runInHost(host, start, hop.signal);
      // null: another request to the host started while this one waited for a slot; wait again.
      if (started !== null) return started;
    }
  };
  const holdOnOverload = createOverloadHold(schedule, politeness);
  const fetchPolitely = createPoliteFetch({ fetcher, limits, schedule, robots, config: politeness, signal });
  return {
    fetcher,
    schedule,
    robots,
    politeness,
    isReady: (host) => limits.hasRoom(host) && schedule.isReady(host) && !robots.isPending(host),
    restingHosts: () => [...schedule.notReadyHosts(), ...robots.pendingHosts()],
    fetchPolitely,
  };
}
