/**
 * A database file deleted, or replaced by another file, while a crawl writes it. SQLite goes on
 * writing the open file (and its -wal) after its name is gone: the crawl ran to its end, said
 * "crawl done: 401 pages stored, database: data/crawl.db", exit 0, and when it closed the last
 * handle the kernel freed the file with every page in it, those of earlier runs included (a
 * `rm -rf data/`, a /tmp cleaner, a `mv` of the file elsewhere). The writer compares the path's
 * device and inode with those it opened after every commit, so the crawl stops at the next batch;
 * what the connection still holds is then written to a file beside it, which is renamed into place
 * without replacing anything (a link), so a kill during the copy leaves no half-written database
 * where the crawl's was.
 */
import { closeSync, fsyncSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from '../errors.js';
import { makeDirs } from '../make-dirs.js';
import type { Db } from './db.js';
import { placeNew, removeStaleDbTemps, rescueTempPath } from './db-temps.js';

export interface FileIdentity {
  dev: number;
  ino: number;
}

export type FileChange = 'deleted' | 'replaced';

/** The file now at `path`, or null when there is none. */
export function fileIdentity(path: string): FileIdentity | null {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat === undefined ? null : { dev: stat.dev, ino: stat.ino };
}

/** Whether `path` still names the file that was opened as `opened`. */
export function fileChange(path: string, opened: FileIdentity): FileChange | null {
  let now: FileIdentity | null;
  try {
    now = fileIdentity(path);
  } catch (err) {
    // A folder on the path replaced by a file: gone. Anything else (EACCES: a folder made
    // unreadable) says nothing of the file, which the crawl still writes: not a change.
    if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') return null;
    now = null;
  }
  if (now === null) return 'deleted';
  return now.dev === opened.dev && now.ino === opened.ino ? null : 'replaced';
}

/** The crawl's own `-wal` and `-shm`, by identity, as opened beside the file. */
export function sidecarIdentities(path: string): Map<string, FileIdentity> {
  const found = new Map<string, FileIdentity>();
  for (const suffix of ['-wal', '-shm']) {
    const id = fileIdentity(path + suffix);
    if (id !== null) found.set(path + suffix, id);
  }
  return found;
}

/**
 * Removes the crawl's `-wal` and `-shm` where they still are, once its file's name is gone. SQLite
 * does not remove them when it closes a file that moved, and left beside what now has the name
 * (the rescued copy, or the file that replaced the crawl's), they are read as its WAL: the next
 * `sqlite3` on that other file showed crawlite's tables in it (QA). Only the files this crawl
 * opened: one made since by another process under the same name is not touched.
 */
export function dropSidecars(own: ReadonlyMap<string, FileIdentity>): void {
  for (const [path, opened] of own) {
    if (fileChange(path, opened) !== null) continue;
    try {
      unlinkSync(path);
    } catch {
      // gone meanwhile: as good
    }
  }
}

/**
 * The crawl's `-wal` deleted under it (taken for a temporary file: `rm *.db-wal`), the file itself
 * left. SQLite writes on into the unlinked WAL, where every commit since the last checkpoint then
 * lives alone: a crash lost them all (a kill a second after `rm crawl.db-wal` left a file with no
 * tables), and a reader opening the file saw none of them. While this connection can still read
 * the WAL, everything in it is checkpointed into the file, and leaving WAL mode and entering it
 * again makes a new `-wal` at its path. Throws when that cannot be done (a read in progress holds
 * frames); returns the new sidecars' identities.
 */
export function restoreWal(db: Db): Map<string, FileIdentity> {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
  if (result === undefined || result.busy !== 0 || result.log !== result.checkpointed) throw new Error('a read in progress holds part of it');
  if (db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') throw new Error('another connection has the file open');
  db.pragma('journal_mode = WAL');
  // A first read opens (creates) the new -wal and -shm.
  db.prepare('SELECT 1 FROM sqlite_schema LIMIT 1').get();
  return sidecarIdentities(db.name);
}

/** The error the crawl stops with when the change is found; rescueDb words the end. */
export function movedError(path: string, change: FileChange): StoreError {
  return new StoreError('CRAWL_STORE_WRITE', `database ${path} was ${describe(change)} during the crawl; the crawl stopped`);
}

function describe(change: FileChange): string {
  return change === 'deleted' ? 'deleted (or moved away)' : 'replaced by another file';
}

/**
 * Writes the whole database as this connection sees it to `path` when nothing is there (the file
 * was deleted: the crawl's path holds it again), else to `<path>.rescued` (or, that taken too,
 * `<path>.rescued-<pid>`); never over a file. Returns the crawl's final error, saying where the
 * data is, or that it could not be saved.
 */
export function rescueDb(db: Db, path: string, change: FileChange, pages: number): StoreError {
  const what = `database ${path} was ${describe(change)} during the crawl; the crawl stopped`;
  const held = `what it held (${count(pages)})`;
  const targets = [...(change === 'deleted' ? [path] : []), `${path}.rescued`, `${path}.rescued-${process.pid}`];
  const temp = rescueTempPath(path);
  let target: string | null = null;
  try {
    makeDirs(dirname(path));
    // An earlier rescue killed mid-copy left its partial copy beside the path.
    removeStaleDbTemps(path);
    db.prepare('VACUUM INTO ?').run(temp);
    target = targets.find((candidate) => placeNew(temp, candidate)) ?? null;
  } catch (err) {
    return new StoreError('CRAWL_STORE_WRITE', `${what}, and ${held} could not be written beside it (${(err as Error).message}): it is lost`, { cause: err });
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // not made
    }
  }
  if (target === null) return new StoreError('CRAWL_STORE_WRITE', `${what}, and ${held} could not be written beside it (${targets.join(', ')} all exist): it is lost`);
  syncFolder(dirname(path));
  const where = target === path
    ? `written back to ${path}; run the crawl again to continue it`
    : `written to ${target} (the file now at ${path} was left as it is); continue the crawl with --db ${target}`;
  return new StoreError('CRAWL_STORE_WRITE', `${what}; ${held} was ${where}`);
}

/**
 * The folder's entries to disk: the copy is the only one left of the crawl, and VACUUM INTO syncs
 * its bytes but not the link that gives it its name, nor the removal of the temporary one. A power
 * cut soon after "written back to data/crawl.db" could leave the crawl under its temporary name
 * only, or, the link kept and the temporary name's removal not, under both. Best effort: some
 * file systems cannot sync a folder (EINVAL), and the copy is whole either way.
 */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here: the entries reach the disk with the file system's next commit
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function count(pages: number): string {
  return `${pages.toLocaleString('en-US')} page${pages === 1 ? '' : 's'}`;
}
