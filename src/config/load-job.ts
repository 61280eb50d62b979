/**
 * The crawl command's configuration: defaults < job file (--config) < command-line flags, then
 * validated and frozen. The file is validated whole before anything else happens (job-file.ts),
 * so a bad job fails with one line before a byte is fetched; the flags keep their own checks and
 * messages (load.ts).
 *
 * The job file's reader (yaml) and schema (zod) are imported only when a file is given or a run
 * is continued (its stored options are checked against the schema): loaded at start they were
 * ~0.1 s of every crawl's CPU, most of a small crawl's (docs/performance.md, "Where the time goes").
 */
import { DEFAULT_DB_PATH, defaultConfig, type CrawlConfig } from './schema.js';
import { checkDbPath, configFromFlags, type CrawlFlags } from './load.js';
import type { LoadedJob } from './job-file.js';
import type { JobFile } from './job-schema.js';
import { UsageError } from '../errors.js';
import { hasCredentials, normalizeUrl } from '../frontier/normalize-url.js';
import { resolveProxy } from './proxy.js';
import { readSeedsFile } from './seeds-file.js';
import { prefixNotices } from './prefix-seeds.js';
import { readLastRun } from '../store/last-run.js';
import { shellWord } from '../shell-word.js';
import { expandHome } from './home-path.js';
import { isAbsolute, relative, resolve } from 'node:path';

export interface JobFlags extends CrawlFlags {
  /** Path of a job file (.yaml, .yml or .json). */
  config?: string;
  /** --seeds-file: one seed URL per line, '-' for stdin. */
  seedsFile?: string;
}

export interface ResolvedJob {
  config: CrawlConfig;
  /** The job file, when one was given; its name labels the run. */
  job: LoadedJob | null;
  /** Lines for stderr about what the configuration changed on the user's behalf. */
  warnings: string[];
  /**
   * Set when no seeds were given and the latest run's crawl is continued (resume-options.ts).
   * `notice`: the line saying so, given the URLs queued once the crawl holds the lock.
   */
  resumed?: { runId: number; notice: (queued: number) => string; job: { name: string; file: string | null } | null };
}

/** `stdin`: what `--seeds-file -` read already (seeds-file.ts readStdinSeeds), else read here. */
export async function loadCrawlConfig(given: JobFlags, stdin?: Buffer): Promise<ResolvedJob> {
  // Seeds from --seeds-file join those typed; together they replace the job file's, as typed ones do.
  const flags = given.seedsFile === undefined ? given : { ...given, urls: [...(given.urls ?? []), ...readSeedsFile(String(given.seedsFile), stdin)] };
  if (flags.config === undefined && !flags.urls?.length && given.seedsFile === undefined) return resumeLastCrawl(flags);
  if (flags.config === undefined) {
    const config = configFromFlags(flags);
    return { config, job: null, warnings: [...credentialWarnings(flags.urls ?? []), ...prefixNotices(config.seeds, config.scope.mode)] };
  }
  const { readJobFile } = await import('./job-file.js');
  const job = readJobFile(flags.config);
  if (!flags.urls?.length && !job.job.seeds?.length) throw noSeedsError(job);
  const merged = mergeJob(defaultConfig(), job.job);
  const dbNotice = flags.db === undefined ? jobDbNotice(job, merged) : null;
  const config = configFromFlags(flags, merged, job.path);
  const warnings = [...credentialWarnings(flags.urls?.length ? flags.urls : (job.job.seeds ?? [])), ...prefixNotices(config.seeds, config.scope.mode)];
  return { config, job, warnings: dbNotice === null ? warnings : [dbNotice, ...warnings] };
}

/**
 * A job file with no seeds, and none typed. The line says what to do, not only what is missing
 * (it said "seeds: expected a list of seed URLs", QA): name the URLs, or add them to the file. A
 * job named bench (config/bench.yaml) is one for `crawlite bench`, which supplies the seed of the
 * site it serves; `crawlite crawl --config config/bench.yaml`, its first line read on its own, is
 * what a user types first.
 */
function noSeedsError(job: LoadedJob): UsageError {
  const file = shellWord(job.path);
  const typed = `crawlite crawl https://example.org/ --config ${file}`;
  const said = job.name === 'bench'
    ? `seeds: none, as this job is for crawlite bench, which serves a generated site and supplies its seed (crawlite bench --config ${file}); to crawl a site with it, name its URL: ${typed}`
    : `seeds: none in the file and none typed: name the URLs to crawl (${typed}, or -i urls.txt), or add a seeds: list to the file`;
  return new UsageError('CRAWL_CONFIG_INVALID', `${job.path}: ${said}`);
}

/**
 * A job file's relative `db` is taken from the current directory, as --db is, not from the
 * file's folder: the shipped jobs (`db: data/books.db` in config/books.yaml) are run from the
 * project root, and their databases are read there (`crawlite export --db data/books.db`).
 * Run from a directory that does not hold the job file, the database lands where the user may
 * not look: the path is made absolute (the summary and its next commands then name it exactly,
 * from anywhere) and a notice says where it is and why. Returns the notice; sets merged.dbPath.
 */
function jobDbNotice(job: LoadedJob, merged: { dbPath: string }): string | null {
  const db = job.job.db;
  if (db === undefined || isAbsolute(expandHome(db))) return null;
  const fromCwd = relative(process.cwd(), resolve(job.path));
  if (!fromCwd.startsWith('..') && !isAbsolute(fromCwd)) return null;
  merged.dbPath = resolve(db);
  return `crawlite: database ${merged.dbPath}: the job file's db (${db}) is relative to the current directory, not to the job file's folder`;
}

/**
 * No seeds: the latest run on --db is continued, its options under the flags given now. Looked
 * up read-only, so a --db that does not exist is not created.
 */
async function resumeLastCrawl(flags: JobFlags): Promise<ResolvedJob> {
  const dbPath = flags.db ?? DEFAULT_DB_PATH;
  checkDbPath(dbPath);
  const { describeResume, noCrawlToContinue, planResume, refuseMissingSecrets } = await import('./resume-options.js');
  const run = readLastRun(dbPath);
  if (run === null) throw noCrawlToContinue(dbPath);
  const plan = planResume(run, dbPath);
  refuseMissingSecrets(plan, run, flags);
  const config = configFromFlags(flags, mergeJob(defaultConfig(), plan.job));
  const job = run.job === null ? null : { name: run.job, file: run.jobFile };
  return { config, job: null, warnings: [], resumed: { runId: run.id, notice: (queued) => describeResume(run, config.seeds, dbPath, queued), job } };
}

/**
 * Normalization drops a seed's user:password (frontier/normalize-url.ts); the user who typed one
 * expects it to be used, so they are told, once, that it is not, and what to use instead: an
 * Authorization header (--header), which goes to the seeds' origins only.
 */
const MAX_NAMED_SEEDS = 5;

function credentialWarnings(rawSeeds: unknown[]): string[] {
  const withCredentials = rawSeeds.map(String).filter(hasCredentials);
  if (withCredentials.length === 0) return [];
  const all = [...new Set(withCredentials.map((seed) => normalizeUrl(seed) ?? seed))];
  // A --seeds-file of thousands such URLs made this one line of megabytes (QA): a few name the rest.
  const more = all.length > MAX_NAMED_SEEDS ? ` and ${(all.length - MAX_NAMED_SEEDS).toLocaleString('en-US')} more` : '';
  const seeds = all.slice(0, MAX_NAMED_SEEDS).join(', ') + more;
  return [`crawlite: credentials in seed URLs are not sent and were removed: ${seeds} (to authenticate, use --header "Authorization: ...")`];
}

/** The defaults with the file's values laid over them, slice by slice (lists are replaced, not joined). */
export function mergeJob(base: Omit<CrawlConfig, 'seeds'>, file: JobFile): Omit<CrawlConfig, 'seeds'> & { seeds?: string[] } {
  const { name: _name, db, fields, seeds, ...options } = file;
  const { proxy, ...fetchOptions } = options.fetch ?? {};
  const merged = deepMerge(base, { ...options, fetch: fetchOptions }) as Omit<CrawlConfig, 'seeds'> & { seeds?: string[] };
  // The file's choice (a URL, or false for none) becomes the settings; left out, the environment decides later.
  if (proxy !== undefined) merged.fetch = { ...merged.fetch, proxy: resolveProxy(proxy, 'fetch.proxy') };
  if (seeds) merged.seeds = seeds;
  if (db !== undefined) merged.dbPath = expandHome(db);
  if (fields && Object.keys(fields).length > 0) merged.parse = { ...merged.parse, fields };
  return merged;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: object, over: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}
