/**
 * The summary's continuing command (`crawl --db <file>`, and what it must be given again). Apart
 * from resume-options.ts, which checks a stored run against the job file's schema: every crawl
 * builds this hint, and only a resume needs that schema (zod) loaded.
 */
import type { CrawlConfig } from './schema.js';
import type { TypedArgs } from './typed-args.js';

/**
 * What `crawl --db <file>` must be given, beyond the database, to continue a crawl run with
 * `config`: each header again, and a --proxy whose credentials are not stored, as
 * refuseMissingSecrets asks; nothing for most crawls. Placeholders, as in its message: the values
 * are the user's to give.
 */
export function resumeArgs(config: Pick<CrawlConfig, 'fetch'>): string[] {
  const headers = Object.keys(config.fetch.headers ?? {}).flatMap((name) => ['-H', `"${name}: ..."`]);
  return secretProxySource(config) !== null ? [...headers, '--proxy', '<url>'] : headers;
}

/** Where a proxy whose credentials a resume cannot take from the run came from; null for none (or the environment's, which decides again). */
function secretProxySource(config: Pick<CrawlConfig, 'fetch'>): '--proxy' | 'fetch.proxy' | null {
  const { proxy } = config.fetch;
  if (!proxy || (proxy.source !== '--proxy' && proxy.source !== 'fetch.proxy')) return null;
  const url = proxy.http ?? proxy.https;
  return url !== null && hasUserinfo(url) ? proxy.source : null;
}

/** The summary's continuing command when it is the job run again (see continueHint). */
export interface RerunJob {
  /** The job file, as it was given to --config. */
  file: string;
  /** What of the run's is in the file and not in the database: `header values`, `proxy password`. */
  holds: string;
  /**
   * --no-max-pages, --no-max-time, --no-max-db-size as typed beside --config, without which the
   * file's limit would apply again. A typed limit is not carried as typed: a run interrupted before
   * its limits is given what is left of them, and one that ended at them goes on without the typed
   * ones, as `crawl --db` does (the file's own apply again).
   */
  lifted: string[];
}

/**
 * The run's per-run limits, which a continued run does not carry (resume-options.ts): the
 * command of a run stopped by Ctrl+C names what is left of them (remainingLimits), so one stopped
 * inside `--max-pages 100` or `--max-time 10m` of an endless site is not continued unbounded (QA
 * 21), nor given the whole of them again (QA 22); that of a run that ended at one says it has none.
 */
export interface RunLimits {
  maxPages?: number | null;
  maxTimeMs?: number | null;
  maxDbBytes?: number | null;
}

export interface ContinueHint {
  /** Placeholders for what the continuing command must be given again (-H "Name: ...", --proxy <url>). */
  args: string[];
  rerunJob: RerunJob | null;
  limits: RunLimits;
}

/** The flags that give `limits` again, each value as the flag reads it back (10m, 1h30m, 2GB). */
export function limitArgs(limits: RunLimits): string[] {
  return [
    ...(limits.maxPages != null ? ['--max-pages', String(limits.maxPages)] : []),
    ...(limits.maxTimeMs != null ? ['--max-time', durationWord(limits.maxTimeMs)] : []),
    ...(limits.maxDbBytes != null ? ['--max-db-size', sizeWord(limits.maxDbBytes)] : []),
  ];
}

/** What a run interrupted inside its limits had done of them (CrawlSummary's taken and elapsedMs). */
export interface LimitsUsed {
  /** URLs handed out and not given back to the queue: what counts against --max-pages. */
  taken: number;
  elapsedMs: number;
}

/**
 * What is left of `limits` after `used`: --max-pages less the URLs taken, --max-time less the time
 * run (up to the next whole second, as --max-time is typed, and no more than the whole); --max-db-size is the file's size, not
 * the run's, and stays. `isUsedUp`: a page or time limit was reached, the Ctrl+C only cut the
 * run's last moments short: its continuing command is that of a run that ended at its limit.
 */
export function remainingLimits(limits: RunLimits, used: LimitsUsed): { limits: RunLimits; isUsedUp: boolean } {
  const pages = limits.maxPages == null ? null : limits.maxPages - used.taken;
  // Never more than the whole: rounded up, a --max-time 1.5s stopped at 0.1 s had 2s left.
  const timeMs = limits.maxTimeMs == null ? null : Math.min(limits.maxTimeMs, Math.ceil((limits.maxTimeMs - used.elapsedMs) / 1000) * 1000);
  return {
    limits: { maxPages: pages, maxTimeMs: timeMs, maxDbBytes: limits.maxDbBytes ?? null },
    isUsedUp: (pages !== null && pages <= 0) || (timeMs !== null && timeMs <= 0),
  };
}

/** 600000 -> 10m, 5400000 -> 1h30m, 1500 -> 1.5s: the shortest form --max-time reads as the same milliseconds. */
export function durationWord(ms: number): string {
  if (ms % 1000 !== 0) return `${ms / 1000}s`;
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]];
  let left = ms / 1000;
  let word = '';
  for (const [unit, size] of units) {
    const n = Math.floor(left / size);
    left -= n * size;
    if (n > 0) word += `${n}${unit}`;
  }
  return word === '' ? '0s' : word;
}

/** 2147483648 -> 2GB: the largest unit --max-db-size reads (binary) that divides it, else bytes. */
export function sizeWord(bytes: number): string {
  const units: Array<[string, number]> = [['TB', 1024 ** 4], ['GB', 1024 ** 3], ['MB', 1024 ** 2], ['KB', 1024]];
  const unit = units.find(([, size]) => bytes % size === 0);
  return unit === undefined ? String(bytes) : `${bytes / unit[1]}${unit[0]}`;
}

/**
 * The summary's continuing command for a run given a job file: a header value or proxy password
 * from the file is in no stored option, and `crawl --db` would ask for it as a placeholder the
 * user fills from the file. Running the job again gives it as the file says (and the job's
 * per-run limits again: the row does not say "to its end"), and with the flags typed beside
 * --config the first time (`carried`, typed-args.ts), which the file does not hold. Secrets typed
 * there are still placeholders (`args`); with none from the file, it is `crawl --db`, which takes
 * the typed flags from the run's stored options. `typedHeaders`: the names given with -H.
 */
export function continueHint(
  config: Pick<CrawlConfig, 'fetch' | 'maxPages' | 'maxTimeMs' | 'store'>,
  jobFile: string | null,
  typedHeaders: readonly string[],
  carried: TypedArgs = { args: [], lifted: [] },
): ContinueHint {
  const typed = new Set(typedHeaders.map((name) => name.toLowerCase()));
  const names = Object.keys(config.fetch.headers ?? {});
  const isFileHeader = (name: string) => !typed.has(name.toLowerCase());
  const secretProxy = secretProxySource(config);
  const holds = [
    ...(names.some(isFileHeader) ? ['header values'] : []),
    ...(secretProxy === 'fetch.proxy' ? ['proxy password'] : []),
  ];
  const limits: RunLimits = { maxPages: config.maxPages, maxTimeMs: config.maxTimeMs, maxDbBytes: config.store.maxDbBytes ?? null };
  if (jobFile === null || holds.length === 0) return { args: resumeArgs(config), rerunJob: null, limits };
  const secrets = names.filter((name) => !isFileHeader(name)).flatMap((name) => ['-H', `"${name}: ..."`]);
  const args = [...carried.args, ...secrets, ...(secretProxy === '--proxy' ? ['--proxy', '<url>'] : [])];
  return { args, rerunJob: { file: jobFile, holds: holds.join(' and '), lifted: carried.lifted }, limits };
}

/** Whether a proxy URL holds credentials, which no command line shown may echo (typed-args.ts too). */
export function hasUserinfo(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return true; // unparsable: it is refused before a crawl starts; taken as holding a secret, never echoed
  }
}
