/**
 * Why a --db cannot be opened for writing, in words a user can act on. SQLite says "unable to
 * open database file" alike for a folder this user may not write in, one it may not enter, a
 * read-only file system and a name too long, and "attempt to write a readonly database" both for
 * a read-only file and for a writable file in a read-only folder, where it cannot create the
 * file's -wal journal; Node's mkdir says "EACCES: permission denied, mkdir '/abs/dir'" (QA). The
 * file system is asked (access(2)) which of these it is; what it cannot tell keeps SQLite's words.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'it is on a read-only file system',
  ENAMETOOLONG: 'the name is too long',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ELOOP: 'too many symbolic links',
};

function words(err: NodeJS.ErrnoException): string {
  if (err.code && ERRNO_WORDS[err.code]) return ERRNO_WORDS[err.code]!;
  // "ENOENT: no such file or directory, mkdir '/proc/self/x'" -> "no such file or directory"
  return /^[A-Z0-9_]+: ([^,]+)/.exec(err.message)?.[1] ?? err.message;
}

/** access(2)'s error for `path` and `mode`, or null when it is allowed. */
function denied(path: string, mode: number): NodeJS.ErrnoException | null {
  try {
    accessSync(path, mode);
    return null;
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
}

/** The reason for "cannot open database <path>: <reason>", from the error opening it gave. */
export function whyNotWritable(path: string, err: unknown): string {
  const failure = err as NodeJS.ErrnoException;
  // makeDirs: a missing folder of the path could not be made.
  if (failure.syscall === 'mkdir' && failure.path) return `cannot create its folder ${failure.path}: ${words(failure)}`;
  const code = failure.code;
  if (code !== 'SQLITE_CANTOPEN' && code !== 'SQLITE_READONLY' && code !== 'SQLITE_READONLY_DIRECTORY') return failure.message;
  const dir = dirname(path);
  // access(2) calls a file that is no folder "not executable": "its folder cannot be entered: permission denied" (QA).
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false) return `${dir} is a file, not a folder`;
  const enter = denied(dir, constants.X_OK);
  if (enter) return `its folder ${dir} cannot be entered: ${words(enter)}`;
  const file = denied(path, constants.R_OK | constants.W_OK);
  if (file && (file.code === 'EACCES' || file.code === 'EPERM')) return 'this user may not read and write the file (permission denied)';
  if (file && file.code !== 'ENOENT') return words(file);
  const folder = denied(dir, constants.W_OK);
  if (folder) {
    return file
      ? `it cannot be created in its folder ${dir}: ${words(folder)}`
      : `its folder ${dir} cannot be written (${words(folder)}), and SQLite keeps the file's journal (${basename(path)}-wal) there`;
  }
  return failure.message;
}

/**
 * The reason for "cannot open database <path>: <reason>" when a read-only open (stats, export,
 * search, report) fails, from the error the open or its first read gave; null when the file
 * system shows nothing wrong, for the caller's own words. SQLite said "unable to open database
 * file" for a file this user may not read, and "attempt to write a readonly database" for a file
 * in WAL mode in a folder this user may not write: its readers must create the -shm file there.
 */
export function whyNotReadable(path: string, err: unknown): string | null {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_READONLY_CANTINIT') {
    const dir = dirname(path);
    const folder = denied(dir, constants.W_OK);
    return `it is in WAL mode (a crawl is writing it, or stopped before settling it), so its readers must create ${basename(path)}-shm beside it, and this user may not write the folder ${dir} (${folder ? words(folder) : 'permission denied'}); copy it (and any ${basename(path)}-wal) to a folder you can write, or read it as a user who can write ${dir}`;
  }
  if (code !== 'SQLITE_CANTOPEN') return null;
  const file = denied(path, constants.R_OK);
  if (file && (file.code === 'EACCES' || file.code === 'EPERM')) return 'this user may not read the file (permission denied)';
  return file ? words(file) : null;
}

/** Why `path` cannot be looked at (its folder cannot be entered), or null: "no database at <path>" would be wrong. */
export function whyNotReachable(path: string): string | null {
  try {
    statSync(path);
    return null;
  } catch (err) {
    const failure = err as NodeJS.ErrnoException;
    if (failure.code !== 'EACCES' && failure.code !== 'EPERM') return null; // missing, or under a file: no database there
    // The outermost folder that cannot be entered: the one to fix (those below it cannot be entered through it).
    let dir = dirname(path);
    while (dirname(dir) !== dir && denied(dirname(dir), constants.X_OK) !== null) dir = dirname(dir);
    return `its folder ${dir} cannot be entered: ${words(failure)}`;
  }
}
