/**
 * The crawl's configuration: one place for every option, its default and its unit.
 * Each stage receives its own slice (config.fetch, config.parse, ...); no stage reads
 * process.argv or process.env.
 */
import { availableParallelism } from 'node:os';
import type { FieldSpec } from '../types.js';
import type { ProxyConfig } from './proxy.js';

export type ScopeMode = 'host' | 'domain' | 'prefix' | 'any';

export interface ScopeConfig {
  /** host: same host as a seed; domain: same registrable domain; prefix: under a seed's path; any: everything. @default 'host' */
  mode: ScopeMode;
  /** Regular-expression sources; when any is given a URL must match one. */
  include: string[];
  /** Regular-expression sources; a URL matching one is skipped. */
  exclude: string[];
  /** Enqueue links marked rel="nofollow" too. @default false */
  followNofollow?: boolean;
}

/** Spider-trap caps (frontier/traps.ts); a URL over one is recorded with its CRAWL_TRAP_* code. */
export interface TrapConfig {
  /** Longest URL, in characters. @default 2048 */
  maxUrlLength: number;
  /** Most path segments. @default 32 */
  maxPathDepth: number;
  /** Most times one path segment may appear in a path. @default 3 */
  maxRepeatedSegment: number;
  /**
   * Most distinct query strings followed per path (scheme, host, port, path), counting only links
   * from a page of that same path (a calendar, an endless pagination); --max-query-variants. @default 500
   */
  maxQueriesPerPath: number;
  /**
   * Pages in a row of one URL pattern, the same but for their numbers (an endless pagination),
   * after which their new links are not followed (frontier/repeat-runs.ts); 0: no such cap;
   * --max-repeat-run. Off by default: a generated site whose pages say only their number is the
   * same shape, and crawled whole is what its user expects. Optional: a run stored before it
   * existed has none. @default 0
   */
  maxRepeatRun?: number;
}

export interface FetchConfig {
  /** Requests in flight overall. @default 16 */
  concurrency: number;
  /** Requests in flight per origin (scheme, host, port). @default 8 */
  perHost: number;
  /** @default 'crawlite/<version> (+https://github.com/crawlite/crawlite)' */
  userAgent: string;
  /** Deadline for a whole response, connect to last byte. @default 30000 */
  timeoutMs: number;
  /** Cap on the decoded body; longer bodies are cut and marked truncated. @default 10 MiB */
  maxBodyBytes: number;
  /** @default 10 */
  maxRedirects: number;
  /** Idle keep-alive of pooled connections. @default 4000 */
  keepAliveMs: number;
  /**
   * Extra request headers, name -> value (--header, e.g. Authorization or Cookie), sent only to the
   * seeds' origins (scheme, host, port): never to another origin a link, redirect or sitemap leads
   * to. Checked at load (config/request-headers.ts); recorded in runs.options by name only. @default {}
   */
  headers?: Record<string, string>;
  /** Accept TLS certificates that do not verify (self-signed, expired, wrong host), like curl -k. @default false */
  insecure?: boolean;
  /**
   * PEM file of root certificates trusted besides Node's (--ca-file, config/ca-file.ts), as an
   * absolute path; read where the crawl's TLS context is made. @default none
   */
  caFile?: string;
  /**
   * Proxies (config/proxy.ts): from --proxy, fetch.proxy or the environment; null or absent:
   * direct connections. @default null
   */
  proxy?: ProxyConfig | null;
  /**
   * Keep the cookies servers set and send them back, for this run (fetch/cookie-jar.ts);
   * --no-cookies. @default true
   */
  cookies?: boolean;
  /** Politeness, retries and robots.txt (politeness.ts, retry-policy.ts, robots.ts). @default defaultPolitenessConfig() */
  politeness?: PolitenessConfig;
}

export interface PolitenessConfig {
  /** Least time between the starts of two requests to one host; a robots.txt Crawl-delay may raise it. @default 0 */
  delayMs: number;
  /** Highest Crawl-delay honoured; a longer one is cut to this. @default 30000 */
  maxCrawlDelayMs: number;
  /** Further attempts after a network error, timeout, 5xx, 408 or 429 (after a malformed response: at most one). @default 3 */
  retries: number;
  /** First retry waits about this long, doubling per attempt, with jitter. @default 1000 */
  retryBaseMs: number;
  /** Longest backoff between attempts. @default 60000 */
  retryMaxDelayMs: number;
  /** Longest Retry-After honoured; a longer one is cut to this. @default 300000 */
  retryAfterMaxMs: number;
  /** Do not fetch or obey robots.txt (with --sitemaps it is still read for its Sitemap: lines). @default false */
  ignoreRobots: boolean;
  /** robots.txt bytes parsed; the rest is ignored (RFC 9309 asks for at least 500 KiB). @default 512000 */
  robotsMaxBytes: number;
  /** A fetched robots.txt is kept this long before it is fetched again. @default 86400000 (24 h) */
  robotsTtlMs: number;
}

export interface ParseConfig {
  /** Parse threads; 0 parses on the main thread. @default availableParallelism() */
  workers: number;
  /** Links kept per page; further links are counted only. @default 2000 */
  maxLinksPerPage: number;
  /** A parse task that runs longer is abandoned and its worker replaced. @default 15000 */
  taskTimeoutMs: number;
  /** Store the bodies of non-HTML responses (PDF, images, JSON); otherwise only their metadata. @default false */
  storeNonHtml?: boolean;
  /** Worker module URL; tests substitute one that injects faults. */
  workerUrl?: URL;
  /** Extraction fields by name (a job file's `fields`); none when absent. */
  fields?: Record<string, FieldSpec>;
}

export interface StoreConfig {
  /**
   * Pages per write transaction. 16 keeps a commit near 20 ms on the main thread (with the search
   * index): at 64 the event loop's p99 delay was ~100 ms for the same throughput. @default 16
   */
  batchSize: number;
  /** A partial batch is committed after this long. @default 250 */
  flushIntervalMs: number;
  /** Cap on the database file in bytes (SQLite max_page_count); reaching it stops the crawl like a full disk. @default no cap */
  maxDbBytes?: number;
  /** The WAL size past which the crawl says a reader keeps it growing (store/wal-growth.ts); a test seam. @default 256 MiB */
  walWarnBytes?: number;
}

export interface CrawlConfig {
  seeds: string[];
  dbPath: string;
  /** Most URLs fetched in this run (stored pages plus failures); null for no limit. */
  maxPages: number | null;
  /** Deepest link distance from a seed that is fetched; null for no limit. */
  maxDepth: number | null;
  /**
   * After this long no new URL is taken; requests in flight finish and the run ends as done
   * (--max-time). null for no limit.
   */
  maxTimeMs: number | null;
  scope: ScopeConfig;
  fetch: FetchConfig;
  parse: ParseConfig;
  store: StoreConfig;
  /** @default see defaultTrapConfig() */
  traps?: TrapConfig;
  /** Fetch the stored pages again, conditionally (store/recrawl.ts). @default false */
  recrawl: boolean;
  /**
   * Queue the URLs that failed in earlier runs again, at the start of this run
   * (store/retry-failed.ts). @default false
   */
  retryFailed: boolean;
  /** Also seed from the seeds' sitemaps (robots.txt Sitemap: lines and /sitemap.xml). @default false */
  sitemaps: boolean;
  /** Also keep compressed response bodies as received, for exact WARC export (store/archive.ts). @default false */
  archive: boolean;
}

export const VERSION = '0.2.0';
export const DEFAULT_USER_AGENT = `crawlite/${VERSION} (+https://github.com/crawlite/crawlite)`;
export const DEFAULT_DB_PATH = 'data/crawl.db';

export function defaultConfig(): Omit<CrawlConfig, 'seeds'> {
  return {
    dbPath: DEFAULT_DB_PATH,
    maxPages: null,
    maxDepth: null,
    maxTimeMs: null,
    scope: { mode: 'host', include: [], exclude: [], followNofollow: false },
    fetch: {
      concurrency: 16,
      // Scrapy's CONCURRENT_REQUESTS_PER_DOMAIN: polite on a real site, and on one site 4 starved the
      // pipeline (one local host: 4 in flight gave 334-364 pages/s, 8 gave 385-416).
      perHost: 8,
      userAgent: DEFAULT_USER_AGENT,
      timeoutMs: 30_000,
      maxBodyBytes: 10 * 1024 * 1024,
      maxRedirects: 10,
      keepAliveMs: 4_000,
      headers: {},
      insecure: false,
      cookies: true,
      politeness: defaultPolitenessConfig(),
    },
    // One parse thread per core, from `crawlite bench --matrix` on 2 cores (docs/performance.md, "The matrix"):
    // on 50 KB pages 2 workers gave 220-245 pages/s with an event-loop p99 of 19-31 ms, inline
    // parsing 181-231 with a p99 of 51-577 ms, 1 worker 145-164 and 4 workers 219-234; on 500 KB
    // pages 2 workers 33-35 against 25-27 inline. Only 5 KB pages parse as fast inline.
    parse: { workers: Math.max(1, availableParallelism()), maxLinksPerPage: 2000, taskTimeoutMs: 15_000, storeNonHtml: false },
    store: { batchSize: 16, flushIntervalMs: 250 },
    traps: defaultTrapConfig(),
    recrawl: false,
    retryFailed: false,
    sitemaps: false,
    archive: false,
  };
}

export function defaultPolitenessConfig(): PolitenessConfig {
  return {
    delayMs: 0,
    maxCrawlDelayMs: 30_000,
    retries: 3,
    retryBaseMs: 1_000,
    retryMaxDelayMs: 60_000,
    retryAfterMaxMs: 300_000,
    ignoreRobots: false,
    robotsMaxBytes: 500 * 1024,
    robotsTtlMs: 24 * 60 * 60 * 1000,
  };
}

export function defaultTrapConfig(): TrapConfig {
  return { maxUrlLength: 2048, maxPathDepth: 32, maxRepeatedSegment: 3, maxQueriesPerPath: 500, maxRepeatRun: 0 };
}
