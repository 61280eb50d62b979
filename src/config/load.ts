/**
 * Command-line flags -> a validated, frozen CrawlConfig (defaults < flags). Every bad value is a
 * UsageError whose message names the flag and the value, so the CLI prints one line and exits 2.
 */
import { DEFAULT_USER_AGENT, defaultConfig, defaultPolitenessConfig, defaultTrapConfig, type CrawlConfig, type ScopeMode } from './schema.js';
import { escapeControls, UsageError } from '../errors.js';
import { readCaFile } from './ca-file.js';
import { resolve } from 'node:path';
import { normalizeUrl } from '../frontier/normalize-url.js';
import { seedPortProblem, seedUrlProblem, suggestSeed, SPACE_IN_SEED } from './seed-url.js';
import { parseByteSize } from './byte-size.js';
import { secondsFlag, wholeNumberFlag } from './numeric-flag.js';
import { parseDbSize } from './db-size.js';
import { parseDuration } from './duration.js';
import { HEADER_VALUE_EXPECTED, isHeaderValue } from './header-value.js';
import { overrideHeaders, parseHeaderFlags } from './request-headers.js';
import { resolveProxy, type ProxyConfig } from './proxy.js';
import { refuseFolderForm } from '../folder-form.js';
import { expandHome } from './home-path.js';

export interface CrawlFlags {
  urls?: unknown[];
  db?: string;
  maxPages?: unknown;
  /** false from --no-max-depth: no limit. */
  maxDepth?: unknown;
  /** --max-time: a duration (90, 10m, 2h). */
  maxTime?: unknown;
  concurrency?: unknown;
  perHost?: unknown;
  scope?: string;
  /** [false] from --no-include (and --no-exclude): no patterns. */
  include?: unknown[];
  exclude?: unknown[];
  /** false from --no-user-agent: the default. */
  userAgent?: string | false;
  timeout?: unknown;
  maxBytes?: unknown;
  workers?: unknown;
  maxDbSize?: unknown;
  /** false from --no-delay: 0. */
  delay?: unknown;
  retries?: unknown;
  maxRedirects?: unknown;
  ignoreRobots?: boolean;
  followNofollow?: boolean;
  storeNonHtml?: boolean;
  recrawl?: boolean;
  retryFailed?: boolean;
  sitemaps?: boolean;
  archive?: boolean;
  /** Repeated "Name: value" strings (--header). */
  header?: unknown[];
  insecure?: boolean;
  /** --ca-file <pem>; false from --no-ca-file (none, a job file's or continued crawl's dropped). */
  caFile?: string | false;
  /** --proxy <url>; false from --no-proxy (no proxy, the environment's neither). */
  proxy?: string | false;
  /** --no-cookies gives false. */
  cookies?: boolean;
  /** --max-query-variants: traps.maxQueriesPerPath. */
  maxQueryVariants?: unknown;
  /** --max-repeat-run: traps.maxRepeatRun. */
  maxRepeatRun?: unknown;
}

/** 30 days: a longer crawl is better run in parts on the same --db. */
const MAX_TIME_MS = 30 * 86_400_000;

const SCOPES: readonly ScopeMode[] = ['host', 'domain', 'prefix', 'any'];

/**
 * `base` holds what the flags override: the defaults, or the defaults with a job file merged in
 * (config/load-job.ts). A flag left out (undefined) keeps the base value; seeds, --include and
 * --exclude given on the command line replace the base's lists. The --no- forms of the valued
 * options in cli/commands/crawl.ts CRAWL_NEGATABLE say "none": the way to drop what a job file,
 * or the run a crawl without URLs continues, set. `jobFile`: the job file (--config) merged into
 * `base`, which the error line of a key only checked here (fetch.caFile's file) names.
 */
export function configFromFlags(flags: CrawlFlags, base: Omit<CrawlConfig, 'seeds'> & { seeds?: string[] } = defaultConfig(), jobFile?: string): CrawlConfig {
  const seeds = (flags.urls?.length ? flags.urls : (base.seeds ?? [])).map((u) => String(u));
  if (seeds.length === 0) throw new UsageError('CRAWL_USAGE', 'give at least one URL to crawl, e.g. crawlite crawl https://example.org/');
  const normalized = seeds.map((seed) => {
    const problem = seedUrlProblem(seed);
    if (problem === 'space') {
      throw new UsageError('CRAWL_SEED_INVALID', `invalid seed URL '${seed}': ${SPACE_IN_SEED}; give each URL as an argument of its own, and a space inside a URL as %20`);
    }
    const port = problem ? seedPortProblem(seed) : null;
    if (port) throw new UsageError('CRAWL_SEED_INVALID', `invalid seed URL '${seed}': ${port}`);
    if (problem) {
      const suggested = suggestSeed(seed);
      throw new UsageError('CRAWL_SEED_INVALID', `invalid seed URL '${seed}': give an absolute http:// or https:// URL${suggested ? `, e.g. ${suggested}` : ''}`);
    }
    return normalizeUrl(seed)!;
  });
  const scope = flags.scope ?? base.scope.mode;
  if (!SCOPES.includes(scope as ScopeMode)) {
    throw new UsageError('CRAWL_USAGE', `invalid --scope '${scope}': use one of ${SCOPES.join(', ')}`);
  }
  const config: CrawlConfig = {
    seeds: [...new Set(normalized)],
    dbPath: flags.db ?? base.dbPath,
    // false from --no-max-pages, --no-max-time, --no-max-db-size: no limit, a job file's lifted.
    maxPages: flags.maxPages === undefined ? base.maxPages : flags.maxPages === false ? null : optionalInt('--max-pages', flags.maxPages, 1),
    maxDepth: flags.maxDepth === undefined ? base.maxDepth : flags.maxDepth === false ? null : maxDepth(flags.maxDepth),
    maxTimeMs: flags.maxTime === undefined ? (base.maxTimeMs ?? null) : flags.maxTime === false ? null : parseDuration('--max-time', flags.maxTime, 1000, MAX_TIME_MS),
    scope: { mode: scope as ScopeMode, include: patterns('--include', flags.include, base.scope.include), exclude: patterns('--exclude', flags.exclude, base.scope.exclude),
      followNofollow: flags.followNofollow ?? base.scope.followNofollow },
    fetch: {
      ...withoutCaFile(base.fetch),
      concurrency: optionalInt('--concurrency', flags.concurrency, 1, 1024) ?? base.fetch.concurrency,
      perHost: optionalInt('--per-host', flags.perHost, 1, 1024) ?? base.fetch.perHost,
      userAgent: userAgent(flags.userAgent) ?? base.fetch.userAgent,
      timeoutMs: seconds('--timeout', flags.timeout) ?? base.fetch.timeoutMs,
      maxBodyBytes: byteSize('--max-bytes', flags.maxBytes) ?? base.fetch.maxBodyBytes,
      maxRedirects: optionalInt('--max-redirects', flags.maxRedirects, 0, 100) ?? base.fetch.maxRedirects,
      headers: headersFromFlags(flags.header, base.fetch.headers ?? {}),
      insecure: flags.insecure ?? base.fetch.insecure ?? false,
      ...caFile(flags.caFile, base.fetch.caFile, jobFile),
      proxy: proxyFromFlags(flags.proxy, base.fetch.proxy),
      cookies: flags.cookies ?? base.fetch.cookies ?? true,
      politeness: politenessFromFlags(flags, base.fetch.politeness),
    },
    parse: { ...base.parse, workers: optionalInt('--workers', flags.workers, 0, 64) ?? base.parse.workers,
      storeNonHtml: flags.storeNonHtml ?? base.parse.storeNonHtml },
    store: { ...base.store, ...maxDbBytes(flags.maxDbSize) },
    traps: trapsFromFlags(flags, base.traps),
    recrawl: flags.recrawl ?? base.recrawl,
    retryFailed: flags.retryFailed ?? base.retryFailed,
    sitemaps: flags.sitemaps ?? base.sitemaps,
    archive: flags.archive ?? base.archive,
  };
  checkDbPath(config.dbPath);
  return Object.freeze(config);
}

/**
 * --ca-file, else the base's fetch.caFile (a job file's, a continued crawl's): its certificates
 * are read now, so a bad file fails before anything is fetched, and the path is kept absolute,
 * as a continued crawl run from another folder must find the same file. `jobFile`: the job file
 * the base's path came from, which its error line names.
 */
function caFile(flag: string | false | undefined, base: string | undefined, jobFile: string | undefined): { caFile?: string } {
  const given = flag === undefined ? base : flag === false ? undefined : flag;
  if (given === undefined) return {};
  const path = expandHome(given);
  if (flag === undefined) readCaFile(path, 'fetch.caFile', jobFile);
  else readCaFile(path, '--ca-file');
  return { caFile: resolve(path) };
}

/** The base's fetch settings but its caFile, which caFile() above puts back unless --no-ca-file dropped it. */
function withoutCaFile<T extends { caFile?: string }>(fetch: T): Omit<T, 'caFile'> {
  const { caFile: _caFile, ...rest } = fetch;
  return rest;
}

/** The database must be a file: SQLite takes ":memory:" as a database that vanishes at exit. */
export function checkDbPath(path: string): void {
  if (path.trim() === '') throw new UsageError('CRAWL_USAGE', '--db needs a file path');
  if (path === ':memory:') {
    throw new UsageError('CRAWL_USAGE', '--db :memory: would keep the crawl in memory and lose it at exit; pass a file path (./:memory: for a file of that name)');
  }
  // Elsewhere - is stdin or stdout, which a database cannot be: `--db -` made a file named -.
  if (path === '-') throw new UsageError('CRAWL_USAGE', '--db - would make a database file named -: a database cannot be stdin or stdout; pass a file path (./- for a file of that name)');
  refuseFolderForm('--db', path, 'crawl.db', true);
}

function userAgent(value: string | false | undefined): string | undefined {
  if (value === false) return DEFAULT_USER_AGENT;
  if (value === undefined) return undefined;
  const trimmed = String(value).trim();
  // `--user-agent "$UA"` with UA unset sent the default, the one a site may block, without a word.
  if (trimmed === '') throw new UsageError('CRAWL_USAGE', "--user-agent '' is empty: give a User-Agent (--no-user-agent for the default)");
  if (!isHeaderValue(trimmed)) {
    throw new UsageError('CRAWL_USAGE', `invalid --user-agent '${escapeControls(trimmed)}': expected ${HEADER_VALUE_EXPECTED}`);
  }
  return trimmed;
}

/** --header values laid over the job file's fetch.headers: a name on the command line replaces the file's. */
function headersFromFlags(values: unknown[] | undefined, fromFile: Record<string, string>): Record<string, string> {
  if (!values?.length) return fromFile;
  const parsed = parseHeaderFlags(values);
  if ('problem' in parsed) throw new UsageError('CRAWL_USAGE', parsed.problem);
  return overrideHeaders(fromFile, parsed.headers);
}

/**
 * --proxy or --no-proxy, else the job file's fetch.proxy (resolved by mergeJob; null for false),
 * else the environment's.
 */
function proxyFromFlags(flag: unknown, fromFile: ProxyConfig | null | undefined): ProxyConfig | null {
  if (flag === false) return null;
  if (flag !== undefined) {
    // yargs gives an array for a repeated flag; main's repeat check refuses those before here.
    const value = String(flag).trim();
    if (value === '') throw new UsageError('CRAWL_USAGE', '--proxy needs a proxy URL, e.g. http://proxy.example:3128 (--no-proxy for none)');
    return resolveProxy(value, '--proxy');
  }
  return fromFile !== undefined ? fromFile : resolveProxy(undefined, '--proxy');
}

function maxDbBytes(value: unknown): { maxDbBytes?: number } {
  if (value === false) return { maxDbBytes: undefined };
  const n = parseDbSize('--max-db-size', value);
  return n === null ? {} : { maxDbBytes: n };
}

function politenessFromFlags(flags: CrawlFlags, fromFile: CrawlConfig['fetch']['politeness']): NonNullable<CrawlConfig['fetch']['politeness']> {
  const base = fromFile ?? defaultPolitenessConfig();
  const delay = flags.delay === false ? 0 : secondsFlag('--delay', flags.delay, (s) => s >= 0 && s <= 3600, 'from 0 to 3600 seconds');
  return {
    ...base,
    delayMs: delay === null ? base.delayMs : Math.round(delay * 1000),
    retries: optionalInt('--retries', flags.retries, 0, 20) ?? base.retries,
    ignoreRobots: flags.ignoreRobots ?? base.ignoreRobots,
  };
}

/** The job file's traps (until --max-query-variants, they were dropped here and never applied). */
function trapsFromFlags(flags: CrawlFlags, fromFile: CrawlConfig['traps']): NonNullable<CrawlConfig['traps']> {
  const base = fromFile ?? defaultTrapConfig();
  return {
    ...base,
    maxQueriesPerPath: optionalInt('--max-query-variants', flags.maxQueryVariants, 1, 1_000_000) ?? base.maxQueriesPerPath,
    maxRepeatRun: optionalInt('--max-repeat-run', flags.maxRepeatRun, 0, 1_000_000) ?? base.maxRepeatRun ?? defaultTrapConfig().maxRepeatRun,
  };
}

function strings(values: unknown[] | undefined): string[] {
  return (values ?? []).map((v) => String(v));
}

/**
 * --include/--exclude: the patterns given, none for --no-include/--no-exclude, else the base's.
 * An empty pattern matches every URL, so `--exclude "$SKIP"` with SKIP unset excluded every seed
 * and `--include ''` admitted everything: refused, naming the --no- form that says "none".
 */
function patterns(flag: '--include' | '--exclude', values: unknown[] | undefined, fromBase: string[]): string[] {
  if (values === undefined) return fromBase;
  // yargs gives [false] for the --no- form of an array option; a value with it is refused before here.
  if (values.length === 1 && values[0] === false) return [];
  const given = strings(values);
  if (given.includes('')) {
    throw new UsageError('CRAWL_USAGE', `${flag} '' is empty: an empty pattern matches every URL; give a regular expression (--no-${flag.slice(2)} for none)`);
  }
  return given;
}

/** An integer flag within [min, max]; null when the flag was not given (strict: see numeric-flag.ts). */
export function optionalInt(flag: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
  return wholeNumberFlag(flag, value, min, max);
}

/** 0 is a limit (the seeds only), so "none" is said by --no-max-depth, which the message names. */
function maxDepth(value: unknown): number | null {
  return wholeNumberFlag('--max-depth', value, 0, Number.MAX_SAFE_INTEGER, ' (--no-max-depth for no limit)');
}

function seconds(flag: string, value: unknown): number | null {
  const n = secondsFlag(flag, value, (s) => s > 0 && s <= 3600, 'more than 0 and at most 3600 seconds');
  return n === null ? null : Math.round(n * 1000);
}

/** A byte count, plain or with a unit: 500000, 512k, 10MB, 1GiB (binary units). */
export function byteSize(flag: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const n = parseByteSize(value);
  if (!Number.isFinite(n) || n < 1024 || n > 2 ** 31) {
    throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${String(value)}': expected a size from 1KB to 2GB, e.g. 10MB`);
  }
  return n;
}
