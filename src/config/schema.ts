/**
 * The crawl's configuration: one place for every option, its default and its unit.
 * Each stage receives its own slice (config.fetch, config.parse, ...); no stage reads
 * process.argv or process.env.
 */
import { availableParallelism } from 'node:os';

export type ScopeMode = 'host' | 'domain' | 'prefix' | 'any';

export interface ScopeConfig {
  /** host: same host as a seed; domain: same registrable domain; prefix: under a seed's path; any: everything. @default 'host' */
  mode: ScopeMode;
  /** Regular-expression sources; when any is given a URL must match one. */
  include: string[];
  /** Regular-expression sources; a URL matching one is skipped. */
  exclude: string[];
}

export interface FetchConfig {
  /** Requests in flight overall. @default 16 */
  concurrency: number;
  /** Requests in flight per origin (scheme, host, port). @default 4 */
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
}

export interface ParseConfig {
  /** Parse threads; 0 parses on the main thread. @default availableParallelism() */
  workers: number;
  /** Links kept per page; further links are counted only. @default 2000 */
  maxLinksPerPage: number;
  /** A parse task that runs longer is abandoned and its worker replaced. @default 15000 */
  taskTimeoutMs: number;
  /** Worker module URL; tests substitute one that injects faults. */
  workerUrl?: URL;
}

export interface StoreConfig {
  /** Pages per write transaction. @default 64 */
  batchSize: number;
  /** A partial batch is committed after this long. @default 250 */
  flushIntervalMs: number;
}

export interface CrawlConfig {
  seeds: string[];
  dbPath: string;
  /** Most URLs fetched in this run (stored pages plus failures); null for no limit. */
  maxPages: number | null;
  /** Deepest link distance from a seed that is fetched; null for no limit. */
  maxDepth: number | null;
  scope: ScopeConfig;
  fetch: FetchConfig;
  parse: ParseConfig;
  store: StoreConfig;
  /** Fetch the stored pages again, conditionally (store/recrawl.ts). @default false */
  recrawl: boolean;
  /** Also seed from the seeds' sitemaps (robots.txt Sitemap: lines and /sitemap.xml). @default false */
  sitemaps: boolean;
  /** Also keep compressed response bodies as received, for exact WARC export (store/archive.ts). @default false */
  archive: boolean;
}

export const VERSION = '0.1.0';
export const DEFAULT_USER_AGENT = `crawlite/${VERSION} (+https://github.com/crawlite/crawlite)`;
export const DEFAULT_DB_PATH = 'data/crawl.db';

export function defaultConfig(): Omit<CrawlConfig, 'seeds'> {
  return {
    dbPath: DEFAULT_DB_PATH,
    maxPages: null,
    maxDepth: null,
    scope: { mode: 'host', include: [], exclude: [] },
    fetch: {
      concurrency: 16,
      perHost: 4,
      userAgent: DEFAULT_USER_AGENT,
      timeoutMs: 30_000,
      maxBodyBytes: 10 * 1024 * 1024,
      maxRedirects: 10,
      keepAliveMs: 4_000,
    },
    parse: { workers: Math.max(1, availableParallelism()), maxLinksPerPage: 2000, taskTimeoutMs: 15_000 },
    store: { batchSize: 64, flushIntervalMs: 250 },
    recrawl: false,
    sitemaps: false,
    archive: false,
  };
}
