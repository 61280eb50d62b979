/**
 * A path that starts with `~` as the shell would have read it: the home directory. A job file is
 * read by no shell, and neither is `--db=~/x.db` (bash expands a `~` only at the start of a word,
 * or after the `=` of an assignment), so `db: ~/crawls/x.db` made a folder named `~` in the
 * current directory and put the crawl there (QA). Only `~` and `~/...`: `~user/` forms are left as
 * written. A folder really named `~` is still reached as `./~`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function expandHome(path: string): string {
  if (path === '~') return homedir();
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}
