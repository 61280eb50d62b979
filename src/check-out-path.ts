/**
 * Refuses an --out that `export` and `report` must never write: an empty path, and the database
 * they read (or its -wal, -shm or -journal file). Writing the report over the database once turned
 * a crawl into 8 KB of HTML, with exit 0. The path is compared after resolving symlinks and `..`,
 * because the file is written where they lead (outTarget): an --out that is a symlink to the
 * database, or a hard link to it, is refused.
 */
import { readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

// Linux's own limit on symlinks followed in one lookup (MAXSYMLINKS).
const MAX_LINK_HOPS = 40;

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

/** Where a dangling symlink leads: the file that `> link` in a shell would create. */
function followDangling(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < MAX_LINK_HOPS; hops++) {
    let target: string;
    try {
      target = readlinkSync(current);
    } catch {
      return current; // EINVAL: not a symlink (or ENOENT: nothing there): the path itself
    }
    // Relative to the link's real folder, as the kernel resolves it (`..` after a symlinked folder).
    current = resolve(realPath(dirname(current)), target);
  }
  return current; // a loop: planOut refuses it (out-file.ts)
}

/**
 * The file that writing `out` should replace. Shell redirection and most tools write through a
 * symlink to its target; renaming a finished export onto the link itself would swap the link
 * for a regular file and leave the target stale. So export and report write a regular file beside,
 * and rename it onto, the target (symlinked folders and `..` resolved; out-file.ts), and
 * checkOutPath checks that path. A FIFO or device is opened through `out` itself instead.
 */
export function outTarget(out: string): string {
  return realPath(followDangling(out));
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
  const outReal = outTarget(out);
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
