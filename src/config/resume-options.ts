/**
 * `crawl` without URLs, -i or --config continues the latest run's crawl on its --db: that run's
 * recorded options (runs.options, its CrawlConfig as JSON) become the base the flags override, as
 * a job file's values are. A resume is the same command run again, minus what belongs to one run:
 *
 * - per-run limits: maxPages, maxTimeMs, store.maxDbBytes (--max-pages, --max-time, --max-db-size);
 * - one-off actions: recrawl, retryFailed (a resume would otherwise start a new recrawl pass, or
 *   requeue the failures, every time);
 * - this machine's: parse.workers (the stored value is often the other machine's core count), and
 *   a proxy that came from the environment (the environment decides again);
 * - what was never stored: header values, and a proxy's password. The run's header names are
 *   returned so that the caller refuses to go on without them (refuseMissingSecrets).
 *
 * Everything else carries over: seeds, scope, include/exclude, follow-nofollow, max-depth, the
 * fetch options (user agent, insecure, the --ca-file path, cookies, concurrency, per-host, delay,
 * retries, timeout, ...), store-non-html, extraction fields, trap caps, sitemaps, archive.
 */
import { UsageError } from '../errors.js';
import { jobFileSchema, type JobFile } from './job-schema.js';
import { describeIssues } from './job-file.js';

export interface StoredRun {
  id: number;
  /** runs.options: JSON text. */
  options: string;
  job: string | null;
  jobFile: string | null;
}

export interface ResumePlan {
  /** What carries over, in the shape (and checked by the schema) of a job file. */
  job: JobFile;
  /** Headers the run sent; their values were not stored. */
  headerNames: string[];
  /** A proxy named on purpose whose credentials were redacted when stored (as recorded, redacted); null otherwise. */
  redactedProxy: string | null;
}

/** The recorded default User-Agent names the version that ran; a resume by a newer crawlite sends its own. */
const DEFAULT_USER_AGENT = /^crawlite\/\S+ \(\+https:\/\/github\.com\/crawlite\/crawlite\)$/;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function planResume(run: StoredRun, dbPath: string): ResumePlan {
  const fail = (what: string) => new UsageError('CRAWL_CONFIG_INVALID',
    `${dbPath}: run ${run.id}'s options cannot be continued (${what}); name the seeds to crawl, e.g. crawlite crawl https://example.org/ --db ${dbPath}`);
  let options: unknown;
  try {
    options = JSON.parse(run.options);
  } catch {
    throw fail('runs.options is not JSON');
  }
  if (!isObject(options)) throw fail('runs.options is not a JSON object');
  const seeds = options.seeds;
  if (!Array.isArray(seeds) || seeds.length === 0) throw fail('they hold no seeds');
  const { fetch, parse, store } = options;
  const { headers, proxy, ...fetchKept } = isObject(fetch) ? fetch : {};
  const { workers: _workers, workerUrl: _workerUrl, fields, ...parseKept } = isObject(parse) ? parse : {};
  const { maxDbBytes: _maxDbBytes, ...storeKept } = isObject(store) ? store : {};
  if (typeof fetchKept.userAgent === 'string' && DEFAULT_USER_AGENT.test(fetchKept.userAgent)) delete fetchKept.userAgent;
  const carried = carriedProxy(proxy);
  const candidate: Json = {
    seeds,
    ...pick(options, ['maxDepth', 'scope', 'traps', 'sitemaps', 'archive']),
    fetch: { ...fetchKept, ...(carried.url ? { proxy: carried.url } : {}) },
    parse: parseKept,
    store: storeKept,
    ...(isObject(fields) && Object.keys(fields).length > 0 ? { fields: storedFields(fields) } : {}),
  };
  // null is how a run records "no limit"; a job file says it by leaving the key out.
  if (candidate.maxDepth === null) delete candidate.maxDepth;
  const result = jobFileSchema.safeParse(candidate, { reportInput: true });
  if (!result.success) throw fail(describeIssues(result.error.issues));
  return { job: result.data, headerNames: isObject(headers) ? Object.keys(headers) : [], redactedProxy: carried.redacted };
}

function pick(from: Json, keys: string[]): Json {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));
}

/** Stored fields have `attr: null` for "the text"; a job file leaves attr out. */
function storedFields(fields: Json): Json {
  return Object.fromEntries(Object.entries(fields).map(([name, spec]) => {
    if (!isObject(spec)) return [name, spec];
    const { attr, ...rest } = spec;
    return [name, attr === null ? rest : spec];
  }));
}

/** A proxy named with --proxy or fetch.proxy carries over unless its secret was redacted; one from the environment does not. */
function carriedProxy(stored: unknown): { url: string | null; redacted: string | null } {
  if (!isObject(stored) || (stored.source !== '--proxy' && stored.source !== 'fetch.proxy')) return { url: null, redacted: null };
  const url = typeof stored.http === 'string' ? stored.http : typeof stored.https === 'string' ? stored.https : null;
  if (url === null) return { url: null, redacted: null };
  try {
    const parsed = new URL(url);
    if (parsed.username === '***' || parsed.password === '***') return { url: null, redacted: url };
  } catch {
    return { url: null, redacted: url };
  }
  return { url, redacted: null };
}

/**
 * Refuses a resume that would go on without a secret the run had: without its Authorization or
 * Cookie header the queued URLs would be fetched logged out, and the login pages and 401s stored
 * in their place as done, which no later run fetches again. Giving each header again (any value)
 * is enough; naming the seeds runs without any of them, as any crawl with URLs does.
 */
export function refuseMissingSecrets(plan: ResumePlan, run: StoredRun, flags: { header?: unknown[]; proxy?: string | false }): void {
  const given = new Set((flags.header ?? []).map((h) => String(h).split(':')[0]!.trim().toLowerCase()));
  const missing = plan.headerNames.filter((name) => !given.has(name.toLowerCase()));
  const orJob = run.jobFile ? `, or run its job again with --config ${run.jobFile}` : '';
  if (missing.length > 0) {
    const many = missing.length > 1;
    const again = missing.map((name) => `-H "${name}: ..."`).join(' ');
    throw new UsageError('CRAWL_USAGE',
      `run ${run.id} sent the header${many ? 's' : ''} ${missing.join(', ')}, whose value${many ? 's are' : ' is'} not stored: give ${many ? 'them' : 'it'} again to continue its crawl (${again})${orJob}`);
  }
  if (plan.redactedProxy !== null && flags.proxy === undefined) {
    throw new UsageError('CRAWL_USAGE',
      `run ${run.id} went through the proxy ${plan.redactedProxy}, whose credentials are not stored: give --proxy again (or --no-proxy) to continue its crawl${orJob}`);
  }
}

/**
 * The line on stderr that says which crawl goes on: `crawlite: continuing run 3's crawl of
 * https://a.example/ (+2 more seeds) in data/x.db: 1,234 URLs queued`. `queued` is counted once
 * the crawl holds the lock: read before, a crawl that ended meanwhile had moved it on.
 */
export function describeResume(run: StoredRun, seeds: readonly string[], dbPath: string, queued: number): string {
  const more = seeds.length > 1 ? ` (+${(seeds.length - 1).toLocaleString('en-US')} more seed${seeds.length > 2 ? 's' : ''})` : '';
  const job = run.job ? ` (job ${run.job})` : '';
  const left = `${queued.toLocaleString('en-US')} URL${queued === 1 ? '' : 's'} queued`;
  return `crawlite: continuing run ${run.id}'s crawl${job} of ${seeds[0]}${more} in ${dbPath}: ${left}`;
}

/** Today's "give at least one URL", and that a --db with an earlier crawl is continued without one. */
export function noCrawlToContinue(dbPath: string): UsageError {
  return new UsageError('CRAWL_USAGE',
    `give at least one URL to crawl, e.g. crawlite crawl https://example.org/, or a --db with an earlier crawl to continue it (${dbPath} has none)`);
}
