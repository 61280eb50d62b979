/**
 * Caps the database file through SQLite's `max_page_count`. A write that would grow the file past
 * it fails with SQLITE_FULL, the same error a full disk gives, so one code path (the writer's
 * onError) handles both. The pragma is per connection and not stored in the file: it applies to
 * this run only. SQLite never sets it below the file's current page count, so on a file already
 * over the cap every write that needs a new page fails at once.
 */
import type { Db } from './db.js';

export function applyMaxDbSize(db: Db, maxBytes: number): void {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma(`max_page_count = ${Math.max(1, Math.floor(maxBytes / pageSize))}`);
}
