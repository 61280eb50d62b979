/**
 * Command-line flags -> a validated, frozen CrawlConfig (defaults < flags). Every bad value is a
 * UsageError whose message names the flag and the value, so the CLI prints one line and exits 2.
 */
import { defaultConfig, type CrawlConfig, type ScopeMode } from './schema.js';
import { UsageError } from '../errors.js';
import { normalizeUrl } from '../frontier/normalize-url.js';

export interface CrawlFlags {
  urls?: unknown[];
  db?: string;
  maxPages?: unknown;
  maxDepth?: unknown;
  concurrency?: unknown;
  perHost?: unknown;
  scope?: string;
  include?: unknown[];
  exclude?: unknown[];
  userAgent?: string;
  timeout?: unknown;
  maxBytes?: unknown;
  workers?: unknown;
  recrawl?: boolean;
  sitemaps?: boolean;
  archive?: boolean;
}

const SCOPES: readonly ScopeMode[] = ['host', 'domain', 'prefix', 'any'];

export function configFromFlags(flags: CrawlFlags): CrawlConfig {
  const base = defaultConfig();
  const seeds = (flags.urls ?? []).map((u) => String(u));
  if (seeds.length === 0) throw new UsageError('CRAWL_USAGE', 'give at least one URL to crawl, e.g. crawlite crawl https://example.org/');
  const normalized = seeds.map((seed) => {
    const url = normalizeUrl(seed);
    if (!url || !/^https?:\/\//i.test(seed.trim())) {
      throw new UsageError('CRAWL_SEED_INVALID', `invalid seed URL '${seed}': give an absolute http:// or https:// URL`);
    }
    return url;
  });
  const scope = flags.scope ?? base.scope.mode;
  if (!SCOPES.includes(scope as ScopeMode)) {
    throw new UsageError('CRAWL_USAGE', `invalid --scope '${scope}': use one of ${SCOPES.join(', ')}`);
  }
  const config: CrawlConfig = {
    seeds: [...new Set(normalized)],
    dbPath: flags.db ?? base.dbPath,
    maxPages: optionalInt('--max-pages', flags.maxPages, 1),
    maxDepth: optionalInt('--max-depth', flags.maxDepth, 0),
    scope: { mode: scope as ScopeMode, include: strings(flags.include), exclude: strings(flags.exclude) },
    fetch: {
      ...base.fetch,
      concurrency: optionalInt('--concurrency', flags.concurrency, 1, 1024) ?? base.fetch.concurrency,
      perHost: optionalInt('--per-host', flags.perHost, 1, 1024) ?? base.fetch.perHost,
      userAgent: flags.userAgent?.trim() || base.fetch.userAgent,
      timeoutMs: seconds('--timeout', flags.timeout) ?? base.fetch.timeoutMs,
      maxBodyBytes: byteSize('--max-bytes', flags.maxBytes) ?? base.fetch.maxBodyBytes,
    },
    parse: { ...base.parse, workers: optionalInt('--workers', flags.workers, 0, 64) ?? base.parse.workers },
    store: base.store,
    recrawl: flags.recrawl === true,
    sitemaps: flags.sitemaps === true,
    archive: flags.archive === true,
  };
  if (config.dbPath.trim() === '') throw new UsageError('CRAWL_USAGE', '--db needs a file path');
  return Object.freeze(config);
}

function strings(values: unknown[] | undefined): string[] {
  return (values ?? []).map((v) => String(v));
}

/** An integer flag within [min, max]; undefined when the flag was not given. */
export function optionalInt(flag: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
  if (value === undefined || value === null) return null;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
    throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${String(value)}': expected ${range}`);
  }
  return n;
}

function seconds(flag: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const n = Number(String(value).trim());
  if (!Number.isFinite(n) || n <= 0 || n > 3600) {
    throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${String(value)}': expected seconds, more than 0 and at most 3600`);
  }
  return Math.round(n * 1000);
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** A byte count, plain or with a unit: 500000, 512k, 10MB, 1GiB (binary units). */
export function byteSize(flag: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(value));
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  const n = m && unit ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isFinite(n) || n < 1024 || n > 2 ** 31) {
    throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${String(value)}': expected a size from 1KB to 2GB, e.g. 10MB`);
  }
  return n;
}
