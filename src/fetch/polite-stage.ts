/**
 * Builds the fetch stage with its politeness parts wired together, so crawl.ts only asks
 * "is this host ready?" and "fetch this entry politely":
 * - the host schedule (delays, Crawl-delay, cool-downs),
 * - the robots.txt policy, whose fetches go through the same fetcher and the same per-host slots,
 * - the fetcher, whose redirect hops are checked against their own origin's robots.txt.
 */
import type { Dispatcher } from 'undici';
import { defaultPolitenessConfig, type FetchConfig, type PolitenessConfig } from '../config/schema.js';
import type { ErrorCode } from '../errors.js';
import type { FrontierEntry } from '../types.js';
import { originKey } from '../frontier/normalize-url.js';
import { createFetcher, type Fetcher } from './fetcher.js';
import type { HostLimits } from './host-limits.js';
import { createHostSchedule, type HostSchedule } from './politeness.js';
import { createPoliteFetch, type PoliteOutcome } from './polite-fetch.js';
import { createRobotsPolicy, type RobotsPolicy } from './robots.js';

export interface PoliteStageOptions {
  config: FetchConfig;
  limits: HostLimits;
  dispatcher?: Dispatcher;
  /** Scope check for redirect targets. */
  checkRedirect: (url: string) => ErrorCode | null;
  /** The crawl's stop signal. */
  signal: AbortSignal;
  /** Keep bodies as received when a content-coding was removed (--archive). */
  shouldKeepWire?: boolean;
}

export interface PoliteStage {
  fetcher: Fetcher;
  schedule: HostSchedule;
  robots: RobotsPolicy;
  politeness: PolitenessConfig;
  /** May the scheduler take a URL of `host` now (a free slot, its turn, robots.txt not being fetched)? */
  isReady(host: string): boolean;
  /** Hosts whose URLs should not be claimed now. */
  restingHosts(): string[];
  /** `extraHeaders` go with the first request only (a recrawl's conditional headers). */
  fetchPolitely(entry: FrontierEntry, extraHeaders?: Record<string, string>): Promise<PoliteOutcome>;
}

export function createPoliteStage(opts: PoliteStageOptions): PoliteStage {
  const { config, limits, signal } = opts;
  const politeness = config.politeness ?? defaultPolitenessConfig();
  const schedule = createHostSchedule(politeness);
  // RFC 9309: follow at least 5 redirects, to any host; read at least 500 KiB (+1 to see a cut).
  const robotsOverrides = { maxRedirects: Math.max(5, config.maxRedirects), maxBodyBytes: politeness.robotsMaxBytes + 1, isUnchecked: true };
  const robots = createRobotsPolicy({
    userAgent: config.userAgent,
    config: politeness,
    onCrawlDelay: (host, ms) => schedule.setCrawlDelay(host, ms),
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
