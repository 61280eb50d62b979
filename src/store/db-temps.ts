/**
 * The temporary files a whole database is written to before it is given its name: a new database,
 * set up beside its --db and linked into place once complete (db.ts), and the copy of a database
 * deleted under a crawl (db-moved.ts). A full disk while a new file was set up in place left an
 * empty `crawl.db` (or one with only a header, its `-wal` and `-shm`) where the crawl was to be
 * (QA), and a kill during the copy of a deleted database left a partial `crawl.db.<pid>.tmp` for
 * good. Their names carry their maker, as an export's temporary files do (out-temp.ts), so the next
 * crawl on the same --db, and the next copy, remove those whose process is gone.
 */
import { closeSync, existsSync, linkSync, lstatSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { removeStaleTemps, tempPathFor } from '../out-temp.js';
import { isAlive } from './writer-lock.js';

/** A new temporary name for setting up a new database at `path`. */
export function newDbTempPath(path: string): string {
  return tempPathFor(`${path}.new`);
}

/** A new temporary name for the copy of the database at `path` that a crawl rescues. */
export function rescueTempPath(path: string): string {
  return tempPathFor(`${path}.rescue`);
}

/**
 * Removes the temporary databases that crawls on `path` made and did not live to give a name: a
 * new file's (nothing in it yet: always removed) and a rescue copy's, unless that copy is whole and
 * has no other name, as after a kill between the end of the copy and its link (it may then be the
 * only copy of the crawl there is). Returns how many were removed.
 */
export function removeStaleDbTemps(path: string): number {
  return removeStaleTemps(`${path}.new`) + removeStaleTemps(`${path}.rescue`, isUnplacedWholeCopy) + removeLegacyRescueTemps(path);
}

/**
 * The rescue copies of crawlites before these names: `<db>.<pid>.tmp`, with no host or start time
 * in the name, so only a pid that no longer runs here tells that its maker is gone.
 */
function removeLegacyRescueTemps(path: string): number {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = /^([1-9]\d*)\.tmp$/.exec(entry.slice(prefix.length))?.[1];
    if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue;
    const temp = join(dir, entry);
    try {
      if (!lstatSync(temp).isFile() || isUnplacedWholeCopy(temp)) continue;
      unlinkSync(temp);
      removed += 1;
    } catch {
      // removed meanwhile: as good
    }
  }
  return removed;
}

function isUnplacedWholeCopy(temp: string): boolean {
  // A second link: the copy is in place under its name, and this one is only the name not yet removed.
  if (statSync(temp).nlink > 1) return false;
  return isWholeDbFile(temp);
}

/**
 * Whether the file holds a whole SQLite database as VACUUM INTO leaves it once done: a valid header
 * (https://www.sqlite.org/fileformat.html#the_database_header) whose page count is in step with
 * the file (its change counter equal to version-valid-for) and matches the file's size. VACUUM
 * INTO writes page 1 last, so a copy cut short has zeros there (measured: a kill at 45 of 164 MB).
 */
export function isWholeDbFile(path: string): boolean {
  const header = Buffer.alloc(100);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (readSync(fd, header, 0, 100, 0) < 100) return false;
    const size = statSync(path).size;
    if (header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return false;
    const raw = header.readUInt16BE(16);
    const pageSize = raw === 1 ? 65536 : raw;
    const pages = header.readUInt32BE(28);
    return pages > 0 && header.readUInt32BE(24) === header.readUInt32BE(92) && pages * pageSize === size;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Gives `temp` the name `target` unless a file has it; false then. A link, not a rename, so a
 * file that took the name meanwhile is never replaced; on a file system without hard links (FAT,
 * some FUSE mounts), a rename once the name is seen free.
 */
export function placeNew(temp: string, target: string): boolean {
  try {
    linkSync(temp, target);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
  }
  if (existsSync(target)) return false;
  renameSync(temp, target);
  return true;
}
