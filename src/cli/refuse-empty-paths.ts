/**
 * A file option given an empty value, as `--db "$DB"` gives with DB unset: `stats`, `export`,
 * `search` and `report` said "no database at  (run a crawl first...)", exit 1, and `--config ''`
 * said "crawlite: : expected a .yaml, .yml or .json job file" (QA). Refused in one place for every
 * command, naming the option, exit 2. `--out ''` has its own line (check-out-path.ts).
 */
import { UsageError } from '../errors.js';

const EMPTY: Record<string, string> = {
  // The words crawl and bench already gave (config/load.ts checkDbPath).
  db: '--db needs a file path',
  config: "--config '' is empty; give a file path",
  'seeds-file': "--seeds-file '' is empty; give a file path (- for stdin)",
  'ca-file': "--ca-file '' is empty; give a file path (--no-ca-file for none)",
};

/** yargs middleware: throws UsageError CRAWL_USAGE for the first file option given an empty value. */
export function refuseEmptyPaths(argv: Record<string, unknown>): void {
  for (const [name, message] of Object.entries(EMPTY)) {
    const value = argv[name];
    if (typeof value === 'string' && value.trim() === '') throw new UsageError('CRAWL_USAGE', message);
  }
}
