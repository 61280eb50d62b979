/**
 * Who is writing a database right now, seen from outside: the writer's lock in meta (see
 * store/writer-lock.ts) if its owner still runs. For commands that must not touch a file a live
 * crawl owns before they open it for writing, such as `crawlite bench` replacing its database.
 */
import { existsSync } from 'node:fs';
import { openReadOnly } from './db.js';
import { LOCK_KEYS, lockState, parseLock, type LockState } from './writer-lock.js';

export function liveWriterLock(dbPath: string): LockState {
  if (!existsSync(dbPath)) return { kind: 'free' };
  let rows: Array<{ key: string; value: string }>;
  try {
    const db = openReadOnly(dbPath);
    try {
      rows = db.prepare(`SELECT key, value FROM meta WHERE key IN (${LOCK_KEYS.map(() => '?').join(', ')})`).all(...LOCK_KEYS) as typeof rows;
    } finally {
      db.close();
    }
  } catch {
    return { kind: 'free' }; // not a crawlite database (or unreadable): no crawl of ours owns it
  }
  return lockState(parseLock(rows));
}
