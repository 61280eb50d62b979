/**
 * The flags typed beside --config, written back as words of a command line, for the summary's
 * continuing command when that command is the job run again (continue-hint.ts): without them the
 * job again was the file alone, and a `--max-depth 2` or `--exclude` typed the first time was
 * dropped from the continued crawl, as was a `--max-pages 50` that overrode the file's
 * `maxPages: 400` (QA 22).
 */
import { shellWord } from '../shell-word.js';
import { hasUserinfo } from './continue-hint.js';
import type { JobFlags } from './load-job.js';

export interface TypedArgs {
  /** What was typed that changes what or how the crawl fetches, as words to paste; secrets excepted. */
  args: string[];
  /**
   * --no-max-pages, --no-max-time, --no-max-db-size as typed: a job file's limit lifted. A typed
   * limit itself is not carried as typed: the continuing command gives what is left of it, or
   * none once it was reached (summary.ts continueRow).
   */
  lifted: string[];
}

type Kind = 'value' | 'list' | 'switch';

/**
 * The options carried, in the order --help lists them. Not carried: --config and --db (the
 * command names them), -H and a --proxy with a password (placeholders, continue-hint.ts), the
 * one-off --recrawl and --retry-failed (an unfinished one is continued without the flag),
 * --workers (this machine's, as a continued crawl does not carry it either), --dry-run, and how
 * the run is shown (--progress, --quiet, --log-format), which changes nothing fetched.
 */
const CARRIED: ReadonlyArray<[flag: string, key: keyof JobFlags, kind: Kind]> = [
  ['--max-depth', 'maxDepth', 'value'],
  ['--scope', 'scope', 'value'],
  ['--include', 'include', 'list'],
  ['--exclude', 'exclude', 'list'],
  ['--follow-nofollow', 'followNofollow', 'switch'],
  ['--max-query-variants', 'maxQueryVariants', 'value'],
  ['--max-repeat-run', 'maxRepeatRun', 'value'],
  ['--sitemaps', 'sitemaps', 'switch'],
  ['--concurrency', 'concurrency', 'value'],
  ['--per-host', 'perHost', 'value'],
  ['--delay', 'delay', 'value'],
  ['--timeout', 'timeout', 'value'],
  ['--retries', 'retries', 'value'],
  ['--max-redirects', 'maxRedirects', 'value'],
  ['--max-bytes', 'maxBytes', 'value'],
  ['--ignore-robots', 'ignoreRobots', 'switch'],
  ['--user-agent', 'userAgent', 'value'],
  ['--cookies', 'cookies', 'switch'],
  ['--insecure', 'insecure', 'switch'],
  ['--ca-file', 'caFile', 'value'],
  ['--store-non-html', 'storeNonHtml', 'switch'],
  ['--archive', 'archive', 'switch'],
];

const LIMITS: ReadonlyArray<[flag: string, key: keyof JobFlags]> = [
  ['--max-pages', 'maxPages'],
  ['--max-time', 'maxTime'],
  ['--max-db-size', 'maxDbSize'],
];

/** `flags`: the crawl command's, as yargs parsed them (camelCase keys; false from a --no- form). */
export function typedArgs(flags: JobFlags): TypedArgs {
  const args: string[] = [];
  // The seeds typed replace the file's: the job again without them would crawl the file's seeds.
  for (const url of flags.urls ?? []) args.push(shellWord(String(url)));
  // stdin cannot be read again: a placeholder, as for a header's value.
  if (flags.seedsFile !== undefined) args.push('-i', flags.seedsFile === '-' ? '<seeds file>' : shellWord(String(flags.seedsFile)));
  for (const [flag, key, kind] of CARRIED) args.push(...words(flag, flags[key], kind));
  if (typeof flags.proxy === 'string' && !hasUserinfo(flags.proxy)) args.push('--proxy', shellWord(flags.proxy));
  if (flags.proxy === false) args.push('--no-proxy');
  const lifted = LIMITS.filter(([, key]) => flags[key] === false).map(([flag]) => `--no-${flag.slice(2)}`);
  return { args, lifted };
}

function words(flag: string, value: unknown, kind: Kind): string[] {
  if (value === undefined) return [];
  const negated = `--no-${flag.slice(2)}`;
  if (kind === 'switch') return [value === false ? negated : flag];
  if (kind === 'list') {
    const list = (value as unknown[]).filter((v) => v !== false);
    return list.length === 0 ? [negated] : list.flatMap((v) => [flag, shellWord(String(v))]);
  }
  return value === false ? [negated] : [flag, shellWord(String(value))];
}
