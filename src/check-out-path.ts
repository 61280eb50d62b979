/**
 * Refuses an --out that `export` and `report` must never write: an empty path, and the database
 * they read (or its -wal, -shm or -journal file). Writing the report over the database once turned
 * a crawl into 8 KB of HTML, with exit 0. The path is compared after resolving symlinked folders
 * and `..` (which lead the final rename onto the database itself); an --out that is a symlink or
 * hard link to the database is refused too: the rename would only replace the link, but a user who
 * names the database that way meant the database.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

/** The path with its folder's symlinks resolved, and the file's own when it exists. */
function realPath(path: string): string {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    // Not there (yet): resolve the folder, which is what the final rename would write into.
    try {
      return resolve(realpathSync(dirname(full)), basename(full));
    } catch {
      return full; // no such folder either: the write fails later with its own message
    }
  }
}

function statOrNone(path: string): { dev: number; ino: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined; // missing, or a file where a folder should be (ENOTDIR): not the database
  }
}

function isSameFile(a: string, b: string): boolean {
  const sa = statOrNone(a);
  const sb = statOrNone(b);
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}

/**
 * Throws UsageError CRAWL_USAGE when `out` is empty or names the database at `dbPath` or one of
 * its side files. `-` passes (report's stdout; no database is named `-`).
 */
export function checkOutPath(out: string, dbPath: string): void {
  // Caught here, not by the final rename: that fails with a bare EISDIR or ENOENT naming our
  // temporary file, after the whole export has been written.
  if (out.trim() === '') throw new UsageError('CRAWL_USAGE', `--out '${out}' is empty; pass --out a file path`);
  if (out === '-') return; // report's stdout
  const outReal = realPath(out);
  for (const db of new Set([resolve(dbPath), realPath(dbPath)])) {
    for (const suffix of SIDE_FILES) {
      const file = db + suffix;
      if (outReal === file || resolve(out) === file || isSameFile(out, file)) {
        const what = suffix === '' ? 'the database itself' : `the database's ${suffix.slice(1)} file`;
        throw new UsageError('CRAWL_USAGE', `--out ${out} is ${what} (${dbPath}); pass --out another file path`);
      }
    }
  }
}
