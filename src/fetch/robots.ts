/**
 * robots.txt per RFC 9309, one per origin (scheme, host, port), fetched through the crawl's own
 * fetch stage before the origin's first page and kept for the run (at most robotsTtlMs, 24 h).
 *
 * - 2xx: the first robotsMaxBytes (500 KiB) are parsed, cut at the last whole line; the group of
 *   our user-agent's product token ("crawlite"), else "*". Verdicts are robots-parser's: longest
 *   pattern wins, Allow wins a tie, `*` and `$` wildcards; rules and URLs compared in one
 *   percent-encoding (robots-path.ts). The matching itself is robots-matcher.ts's, whose cost
 *   stays bounded on hostile rule sets.
 * - 4xx (but 429), too many redirects: "unavailable", so everything is allowed (RFC 9309 2.3.1.3).
 *   So is a status from 600 to 999, which RFC 9309 does not name: it is no server error (5xx),
 *   whose "unreachable" is meant for a server that may recover. A 999 answered every path (LinkedIn's
 *   refusal of crawlers) disallowed the whole origin as if down, robots.txt asked 1 + retries
 *   times; now its pages are asked once each and stored with the same 999, not retried.
 * - 5xx, 429, network failure or timeout: "unreachable", so everything is disallowed (2.3.1.4).
 *   The origin's URLs wait (the crawl requeues them with a not-before time) and robots.txt is
 *   fetched again after a backoff; after `retries` more failures the crawl gives up on the origin
 *   and records its URLs as CRAWL_ROBOTS_UNAVAILABLE. Never fail open: Crawlee and Scrapy crawl a
 *   site whose robots.txt answers 500, the very moment it may be struggling.
 *   When no answer came at all (refused, DNS, reset, timeout, TLS), the verdict carries the
 *   fetcher's own code instead: the host is down, not its robots.txt, and the user should read so.
 *
 * With --sitemaps, the sitemap phase reads an origin's Sitemap: lines through readText(), which is
 * this same load: one request serves the rules and the sitemaps, and it is the origin's first
 * robots.txt fetch in every respect (failure count, backoff, TTL, Crawl-delay).
 *
 * Memory: at most MAX_ORIGINS origins are remembered (least recently used dropped first; a dropped
 * origin's robots.txt is simply fetched again when it is met again). Only parsed rules are kept:
 * the text readText() returns lives in a pending load's promise, so at most one capped text per
 * origin being fetched, gone once its awaiting callers are done with it.
 */
import robotsParserModule from 'robots-parser';
import type { PolitenessConfig } from '../config/schema.js';
import type { ErrorCode } from '../errors.js';
import type { FetchFailure, FetchResult, RobotsText } from '../types.js';
import { originKey } from '../frontier/normalize-url.js';
import { decideRetry } from './retry-policy.js';
import { canonicalRobotsKeys } from './robots-keys.js';
import { createRobotsMatcher, readCrawlDelay, type RobotsMatcher } from './robots-matcher.js';

export type RobotsVerdict =
  | { kind: 'allow' }
  | { kind: 'disallow' }
  /**
   * robots.txt is unreachable for now: URLs of the origin wait until `untilMs`. `code` is
   * CRAWL_ROBOTS_UNAVAILABLE, or the network failure's own code when the host did not answer.
   */
  | { kind: 'wait'; untilMs: number; code: ErrorCode; message: string }
  /** robots.txt stayed unreachable through every retry: the origin is given up. `code` as for 'wait'. */
  | { kind: 'unavailable'; code: ErrorCode; message: string };

export interface RobotsPolicy {
  /** The verdict for a normalized URL, fetching its origin's robots.txt first if needed (once per origin at a time). */
  check(url: string, opts?: { isNested?: boolean }): Promise<RobotsVerdict>;
  /** Origins whose robots.txt is being fetched; the scheduler takes none of their URLs meanwhile. */
  pendingHosts(): string[];
  isPending(host: string): boolean;
  /**
   * For --sitemaps: loads the origin's robots.txt now if it is not known yet, exactly as check()
   * would before the origin's first URL, and returns the text its rules were parsed from, so the
   * Sitemap: lines cost no second request. The text is handed to this caller and not kept.
   */
  readText(origin: string): Promise<RobotsText>;
}

export interface RobotsOptions {
  userAgent: string;
  config: PolitenessConfig;
  /**
   * Fetches a robots.txt URL through the fetch stage (at least 5 redirects, any host, a body cap
   * of at least robotsMaxBytes). `isNested` is set when the check comes from inside a fetch (a
   * redirect hop), where waiting for another connection slot could deadlock.
   */
  fetchRobots(url: string, isNested: boolean): Promise<FetchResult | FetchFailure>;
  /** Told an origin's Crawl-delay (ms, uncapped) whenever its robots.txt is parsed. */
  onCrawlDelay?(host: string, delayMs: number): void;
  /**
   * Told when an origin's robots.txt load ends, whatever its outcome: the origin is no longer
   * pending, so a scheduler that skipped its URLs may take them (the URL that asked goes on to
   * its own fetch, which may be slow, so its end is no cue).
   */
  onLoaded?(host: string): void;
  now?: () => number;
}

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
}
// robots-parser's index.d.ts wraps its types in `declare module`, which NodeNext resolution reads
// as a module without a callable default export; the CommonJS export is the function itself.
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => Robot;

type OriginState =
  /** `rules` null: no robots.txt to obey (4xx, too many redirects). */
  | { kind: 'ready'; rules: RobotsMatcher | null; expiresAt: number }
  /** `done` resolves to the text of a 2xx robots.txt (null otherwise), for readText(). */
  | { kind: 'pending'; done: Promise<string | null>; failures: number }
  | { kind: 'unreachable'; retryAt: number; failures: number; code: ErrorCode; message: string }
  | { kind: 'gaveUp'; code: ErrorCode; message: string };

const MAX_ORIGINS = 10_000;

/**
 * Fetch failures where the host itself gave no answer. The origin's URLs are then recorded with
 * the failure's code, as their own fetch would have been: CRAWL_ROBOTS_UNAVAILABLE would send the
 * user looking at a robots.txt that was never reached.
 */
const NO_ANSWER_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CRAWL_FETCH_TIMEOUT', 'CRAWL_FETCH_NETWORK', 'CRAWL_FETCH_DNS', 'CRAWL_FETCH_REFUSED', 'CRAWL_FETCH_RESET', 'CRAWL_FETCH_TLS',
  // Through a proxy: the proxy failed (refused, asked for credentials), the host was never asked.
  'CRAWL_FETCH_PROXY',
]);

export function createRobotsPolicy(opts: RobotsOptions): RobotsPolicy {
  const { config } = opts;
  const now = opts.now ?? Date.now;
  const origins = new Map<string, OriginState>();
  const pending = new Set<string>();

  const remember = (host: string, state: OriginState) => {
    origins.delete(host); // re-inserting keeps the Map in least-recently-used order
    origins.set(host, state);
    if (origins.size > MAX_ORIGINS) {
      for (const [key, s] of origins) {
        if (s.kind !== 'pending') {
          origins.delete(key);
          break;
        }
      }
    }
  };

  async function load(host: string, failures: number, isNested: boolean): Promise<string | null> {
    const url = `${host}/robots.txt`;
    let result: FetchResult | FetchFailure;
    try {
      result = await opts.fetchRobots(url, isNested);
    } catch (err) {
      // The fetch stage returns failures rather than throw, so this is a bug: recorded the way
      // crawl.ts records one, so it is not mistaken for a network failure.
      result = { code: 'CRAWL_FETCH_NETWORK', message: `internal error: ${(err as Error).message}` } as FetchFailure;
    }
    const text = !('code' in result) && result.status >= 200 && result.status < 300 && !isCutShort(result, config.robotsMaxBytes)
      ? robotsText(result.body, config.robotsMaxBytes) : null;
    const state = interpret(host, url, result, failures, text);
    remember(host, state);
    return text;
  }

  /** `text` is robotsText() of the body when the status is 2xx. */
  function interpret(host: string, url: string, result: FetchResult | FetchFailure, failures: number, text: string | null): OriginState {
    const expiresAt = now() + config.robotsTtlMs;
    let detail: string;
    let headers: Record<string, string> = {};
    let status: number | null = null;
    let noAnswer: ErrorCode | null = null;
    if ('code' in result) {
      // Too many redirects or a redirect we cannot follow: RFC 9309 lets that count as unavailable.
      if (result.code.startsWith('CRAWL_REDIRECT_')) return { kind: 'ready', rules: null, expiresAt };
      detail = `${result.code}: ${result.message}`;
      if (NO_ANSWER_CODES.has(result.code)) noAnswer = result.code;
    } else {
      status = result.status;
      headers = result.headers;
      if (text !== null) return { kind: 'ready', rules: parseRules(host, url, text), expiresAt };
      if (status >= 200 && status < 300) {
        // Cut short (isCutShort): unreachable, as Google reads incomplete data, and retried.
        detail = `HTTP ${status}, its body cut short (a compressed stream that stopped before its end)`;
        // Retried as a failure without a status is: a 2xx is no status to retry.
        return unreachable(url, host, result, failures, detail, null, {}, null);
      }
      // 600-999 is no 5xx (retry-policy.ts): read as RFC 9309's "unavailable", as a 4xx is.
      if ((status < 500 || status >= 600) && status !== 429) return { kind: 'ready', rules: null, expiresAt };
      detail = `HTTP ${status}`;
    }
    return unreachable(url, host, result, failures, detail, status, headers, noAnswer);
  }

  function unreachable(
    url: string, host: string, result: FetchResult | FetchFailure, failures: number, detail: string, status: number | null, headers: Record<string, string>, noAnswer: ErrorCode | null,
  ): OriginState {
    // Every failure is retried here, even those a page fetch would not retry (DNS, TLS): the
    // verdict holds for the whole origin, so it is worth a second look.
    const retry = decideRetry({ attempt: failures, status, isRetryableFailure: true, headers }, config, now());
    const tries = failures + 1;
    if (noAnswer !== null) {
      // Worded like a page's own fetch failure, "(after N attempts)" included.
      const message = `robots.txt ${url}: ${(result as FetchFailure).message}`;
      if (retry === null) return { kind: 'gaveUp', code: noAnswer, message: tries > 1 ? `${message} (after ${tries} attempts)` : message };
      return { kind: 'unreachable', retryAt: now() + retry.delayMs, failures: tries, code: noAnswer, message };
    }
    const code: ErrorCode = 'CRAWL_ROBOTS_UNAVAILABLE';
    const message = `robots.txt of ${host} unreachable (${detail})`;
    if (retry === null) return { kind: 'gaveUp', code, message: `${message}; gave up after ${tries} attempt${tries === 1 ? '' : 's'}` };
    return { kind: 'unreachable', retryAt: now() + retry.delayMs, failures: tries, code, message };
  }

  function verdictOf(state: OriginState, url: string): RobotsVerdict | null {
    switch (state.kind) {
      case 'ready':
        if (state.expiresAt <= now()) return null;
        return state.rules === null || state.rules.isAllowed(url) !== false ? { kind: 'allow' } : { kind: 'disallow' };
      case 'unreachable':
        return state.retryAt > now() ? { kind: 'wait', untilMs: state.retryAt, code: state.code, message: state.message } : null;
      case 'gaveUp':
        return { kind: 'unavailable', code: state.code, message: state.message };
      case 'pending':
        return null;
    }
  }

  /**
   * Parses a 2xx robots.txt and reports its Crawl-delay. Only our group's matcher is kept, not
   * robots-parser's object: its other groups are of no use for the rest of the run.
   */
  function parseRules(host: string, url: string, text: string): RobotsMatcher {
    // Keys as Google's parser reads them, typos included (robots-keys.ts).
    const robot = robotsParser(url, canonicalRobotsKeys(text));
    // Our groups' (readCrawlDelay), not robots-parser's getCrawlDelay(User-Agent): it would cut
    // "Mozilla/5.0 (compatible; AcmeBot/1.0)" to "mozilla", and miss a group named "acmebot bot",
    // reading another group's Crawl-delay than the one whose rules we obey.
    const delay = readCrawlDelay(robot, opts.userAgent);
    if (typeof delay === 'number' && delay > 0) opts.onCrawlDelay?.(host, delay * 1000);
    return createRobotsMatcher(robot, url, opts.userAgent);
  }

  /** Starts the origin's load; `failures` carries an unreachable origin's count into its retry. */
  function startLoad(host: string, state: OriginState | undefined, isNested: boolean): Promise<string | null> {
    const failures = state?.kind === 'unreachable' ? state.failures : 0;
    // Set synchronously, so the scheduler sees the origin as pending before this awaits.
    pending.add(host);
    const done = load(host, failures, isNested).finally(() => {
      pending.delete(host);
      opts.onLoaded?.(host);
    });
    origins.set(host, { kind: 'pending', done, failures });
    return done;
  }

  return {
    async check(url, checkOpts = {}) {
      if (config.ignoreRobots) return { kind: 'allow' };
      const host = originKey(url);
      let hasWaitedForLoad = false;
      for (;;) {
        const state = origins.get(host);
        if (state?.kind === 'pending') {
          await state.done;
          hasWaitedForLoad = true;
          continue;
        }
        // A load this check waited for that failed is this URL's attempt, even when its backoff
        // has already run out (a slow host, a short backoff): loading again in this loop would
        // spend the origin's retries within one attempt of the URL's (QA: 2 fetches, not 3).
        if (hasWaitedForLoad && state?.kind === 'unreachable') {
          return { kind: 'wait', untilMs: state.retryAt, code: state.code, message: state.message };
        }
        const verdict = state ? verdictOf(state, url) : null;
        if (verdict) return verdict;
        await startLoad(host, state, checkOpts.isNested === true);
        hasWaitedForLoad = true;
      }
    },
    async readText(origin) {
      if (config.ignoreRobots) return { kind: 'notLoaded' };
      const host = originKey(origin);
      const state = origins.get(host);
      let text: string | null;
      if (state?.kind === 'pending') {
        text = await state.done;
      } else if (state && verdictOf(state, `${host}/`) !== null) {
        // Already decided and not due again: a parsed robots.txt's text was not kept (see
        // RobotsText); a 4xx has none; an unreachable origin is not asked again before its backoff,
        // for its sitemaps either.
        return state.kind === 'ready' && state.rules !== null ? { kind: 'notLoaded' } : { kind: 'none' };
      } else {
        // Unknown, expired, or an unreachable origin whose retry is due: the load check() would make.
        text = await startLoad(host, state, false);
      }
      return text === null ? { kind: 'none' } : { kind: 'text', text };
    },
    pendingHosts: () => [...pending],
    isPending: (host) => pending.has(host),
  };
}

/**
 * A 2xx robots.txt whose body is known to be cut short of its end, not by the cap: a gzip or
 * brotli stream that stopped early (the fetcher keeps such a page's part, marked truncated). Its
 * rules are not read: the part that came may end before a group's `Disallow: /`, and read as
 * whole it would allow what the site closed. Google treats incomplete data as a server error
 * (the whole site disallowed, asked again), and so does this. A body over the cap is cut by us, at
 * a line, and read (robotsText). A body framed by a length or chunks that stops short fails in the
 * fetcher (CRAWL_FETCH_RESET, or CRAWL_FETCH_STALLED at its server's silence: shortBody 'fail').
 */
function isCutShort(result: FetchResult, maxBytes: number): boolean {
  return result.isTruncated && result.body.byteLength <= maxBytes;
}

/** The first maxBytes of a robots.txt as text, cut after the last whole line when cut at all. */
export function robotsText(body: Uint8Array, maxBytes: number): string {
  let bytes = body;
  if (bytes.byteLength > maxBytes) {
    const cut = bytes.subarray(0, maxBytes);
    const lastNewline = cut.lastIndexOf(0x0a);
    bytes = lastNewline === -1 ? cut : cut.subarray(0, lastNewline + 1);
  }
  // TextDecoder drops a UTF-8 BOM and replaces invalid bytes; robots.txt is UTF-8 (RFC 9309 2.3).
  return new TextDecoder('utf-8').decode(bytes);
}
