/**
 * `--db=~/x.db` as `--db ~/x.db`: the shell expands a `~` that starts a word, not one after
 * `--db=`, nor one in quotes (`--db "~/crawls/x.db"`, `DB="~/x.db"; --db "$DB"`), and such a
 * path made a folder named `~` in the current directory (QA). Every file option of every
 * command, under each name yargs gives it (seeds-file, seedsFile, i).
 */
import { expandHome } from '../config/home-path.js';

const PATH_OPTIONS = ['db', 'out', 'config', 'seeds-file', 'seedsFile', 'i', 'ca-file', 'caFile'];

/** yargs middleware: rewrites argv in place. */
export function expandHomePaths(argv: Record<string, unknown>): void {
  for (const name of PATH_OPTIONS) {
    const value = argv[name];
    if (typeof value === 'string') argv[name] = expandHome(value);
  }
}
