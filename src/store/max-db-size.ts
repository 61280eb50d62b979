/**
 * Caps the database file through SQLite's `max_page_count`. A write that would grow the file past
 * it fails with SQLITE_FULL, the same error a full disk gives, so one code path (the writer's
 * onError) handles both. The pragma is per connection and not stored in the file: it applies to
 * this run only. SQLite never sets it below the file's current page count, so on a file already
 * over the cap every write that needs a new page fails at once.
 */
import type { Db } from './db.js';
import { StoreError } from '../errors.js';
import { formatBinaryBytes } from '../format-numbers.js';

export function applyMaxDbSize(db: Db, maxBytes: number): void {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma(`max_page_count = ${Math.max(1, Math.floor(maxBytes / pageSize))}`);
}

/**
 * A file whose pages in use already reach the cap can store nothing: every commit fails. Such a
 * crawl was refused only at its first write, as "database full ... pages stored so far are kept",
 * and when that write was a --recrawl's requeue, before the crawl had begun, its run stayed
 * 'running' (QA). Refused before the run starts instead, saying what the file already holds.
 */
export function refuseFullAtStart(db: Db, path: string, maxBytes: number): void {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const used = (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
  if (used < Math.max(1, Math.floor(maxBytes / pageSize))) return;
  throw new StoreError(
    'CRAWL_STORE_WRITE',
    `database ${path} already holds ${formatBinaryBytes(used * pageSize)}, as much as --max-db-size ${formatBinaryBytes(maxBytes)} allows: nothing more fits; raise --max-db-size (or leave it out) to go on with this crawl`,
  );
}
