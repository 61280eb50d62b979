/**
 * Whether the files at the database's path (and its -wal) are the ones this connection writes,
 * asked of their contents when their device and inode say they are not. Some file systems give a
 * file another inode number while it stays the same file (network and FUSE file systems that make
 * numbers up, a remount that changes the device number): the crawl stopped as if its file had been
 * replaced, copied itself out to `<db>.rescued`, and said so, exit 1, on a file nobody touched.
 *
 * A number stored in the database cannot tell: a copy of the file (`cp crawl.db x; mv x crawl.db`)
 * holds it too, and the crawl's writes would go on into the file that lost its name. So a new
 * random number is written, through this connection, where SQLite keeps PRAGMA user_version
 * (bytes 60-63 of page 1, https://www.sqlite.org/fileformat.html#user_version_number), and read
 * back from the files at the path, bypassing SQLite: in the -wal, from the frame that commit
 * wrote last; in the file, once a checkpoint has copied it there. Only the file this connection
 * writes can hold it. The old user_version is then put back.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import type { Db } from './db.js';

/** true: the path names this connection's file; false: another one, or none; null: could not tell. */
export interface ProbeResult {
  file: boolean | null;
  wal: boolean | null;
}

const USER_VERSION_OFFSET = 60;
const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

export function probeFiles(db: Db): ProbeResult {
  const path = db.name;
  let before: number;
  let nonce: number;
  try {
    before = db.pragma('user_version', { simple: true }) as number;
    do nonce = randomInt(1, 2 ** 31 - 1); while (nonce === before);
    db.pragma(`user_version = ${nonce}`);
  } catch {
    return { file: null, wal: null }; // no write possible now (a full disk): the caller decides as before
  }
  try {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    // PASSIVE: never waits. `log` is the frames in the -wal (-1 outside WAL mode), the last of
    // them page 1 as just committed; `checkpointed`, those now in the file.
    const [state] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    const log = state?.log ?? -1;
    const wal = log > 0 ? holdsNonce(`${path}-wal`, WAL_HEADER_BYTES + (log - 1) * (FRAME_HEADER_BYTES + pageSize), nonce) : null;
    // A read in progress elsewhere can keep the checkpoint short of the last frame: then the file cannot tell.
    const isInFile = state !== undefined && (log === -1 || state.checkpointed === log);
    return { file: isInFile ? holdsNonce(path, -1, nonce) : null, wal };
  } finally {
    try {
      db.pragma(`user_version = ${before}`);
    } catch {
      // left at the probe's number: a value crawlite gives no meaning
    }
  }
}

/**
 * Whether the file at `path` holds `nonce` as page 1's user_version: in the file itself
 * (`frameAt` -1), or in the -wal frame at `frameAt`, which must be page 1's.
 */
function holdsNonce(path: string, frameAt: number, nonce: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false; // nothing there, or nothing this process can read: not the file it writes
  }
  try {
    const bytes = Buffer.alloc(FRAME_HEADER_BYTES + USER_VERSION_OFFSET + 4);
    if (frameAt === -1) {
      return readSync(fd, bytes, 0, 4, USER_VERSION_OFFSET) === 4 && bytes.readUInt32BE(0) === nonce;
    }
    const read = readSync(fd, bytes, 0, bytes.length, frameAt);
    return read === bytes.length && bytes.readUInt32BE(0) === 1 && bytes.readUInt32BE(FRAME_HEADER_BYTES + USER_VERSION_OFFSET) === nonce;
  } finally {
    closeSync(fd);
  }
}
