/**
 * Deleting a database so that a benchmark can start from an empty file: only a crawlite database
 * that no live crawl is writing, never whatever file --db happens to name.
 */
import Database from 'better-sqlite3';
import { rmSync, statSync } from 'node:fs';
import { StoreError } from '../errors.js';
import { refuseDirectory } from './db.js';
import { foreignDbError, identifyDb } from './db-identity.js';
import { liveWriterLock } from './live-writer.js';
import { lockedMessage } from './writer-lock.js';

export function removeCrawliteDb(path: string): void {
  refuseDirectory(path);
  if ((statSync(path, { throwIfNoEntry: false })?.size ?? 0) > 0) {
    let kind;
    try {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      try {
        kind = identifyDb(db);
      } finally {
        db.close();
      }
    } catch (err) {
      throw new StoreError('CRAWL_STORE_OPEN', `cannot replace ${path}: ${(err as Error).message}; pass --db a new file or a crawlite database`, { cause: err });
    }
    if (kind === 'foreign') throw foreignDbError(path);
  }
  // Deleting the files under a live crawl would lose its data; refuse as the writer's lock would.
  const lock = liveWriterLock(path);
  if (lock.kind !== 'free') throw new StoreError('CRAWL_STORE_LOCKED', lockedMessage(path, lock));
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}
