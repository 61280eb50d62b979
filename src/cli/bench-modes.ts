/**
 * `bench --matrix` runs its own 36 cells and `bench --frontier` fetches nothing, so the options of
 * a single bench crawl mean nothing to them. They were ignored without a word: `bench --matrix
 * --pages 100`, typed for a short matrix, ran the full one for many minutes, and `--matrix
 * --frontier 1000000` ran the matrix alone (QA). Such a mix is refused up front, one line, exit 2.
 */
import { UsageError } from '../errors.js';
import type { BenchFlags } from './commands/bench.js';

/** The single crawl's options, as typed (yargs gives them no default, so undefined means not typed). */
const CRAWL_OPTIONS: ReadonlyArray<[keyof BenchFlags, string]> = [
  ['pages', '--pages'],
  ['pageBytes', '--page-bytes'],
  ['concurrency', '--concurrency'],
  ['workers', '--workers'],
  ['config', '--config'],
];

/** Throws UsageError CRAWL_USAGE for the first option typed that the chosen mode would ignore. */
export function refuseIgnoredBenchOptions(flags: BenchFlags): void {
  if (flags.matrix && flags.frontier !== undefined) {
    throw new UsageError('CRAWL_USAGE', '--matrix cannot go with --frontier: they are two benchmarks; run them one at a time');
  }
  const typed = CRAWL_OPTIONS.find(([key]) => flags[key] !== undefined)?.[1];
  if (flags.matrix) {
    if (typed) {
      const why = typed === '--config' ? 'its 36 cells crawl with the default options, for figures that compare' : 'each of its 36 cells sets its own pages, page size, concurrency and workers';
      throw new UsageError('CRAWL_USAGE', `${typed} cannot go with --matrix: ${why}; leave ${typed} out, or drop --matrix for one bench crawl`);
    }
    if (flags.db !== undefined) throw new UsageError('CRAWL_USAGE', '--db cannot go with --matrix: each cell crawls into a temporary file, removed after it; leave --db out');
  } else if (flags.frontier !== undefined && typed) {
    throw new UsageError('CRAWL_USAGE', `${typed} cannot go with --frontier: the frontier bench adds URLs to a database and fetches nothing; leave ${typed} out, or drop --frontier for a bench crawl`);
  }
}
