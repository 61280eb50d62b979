/**
 * A finished crawl leaves one self-contained file that any reader can open, even where it cannot
 * write. In WAL mode a reader must create or write the `-shm` index beside the database, so a
 * crawl copied to a read-only folder or mount (or opened by a user without write access to the
 * folder) could not be read at all, by crawlite or by `sqlite3`; the bundled better-sqlite3 has
 * URI filenames (`immutable=1`) off, so readers cannot opt out. Switching back to rollback-journal
 * mode at the end checkpoints the WAL into the file (as closing the last connection does anyway)
 * and drops `-wal` and `-shm`. The next crawl switches to WAL again when it opens the file.
 */
import type { Db } from './db.js';

/**
 * Leaves WAL mode; returns whether the file is now in rollback-journal mode. A reader that still
 * has the file open (`crawlite stats` during the crawl's last second, a `watch` of it) keeps it in
 * WAL: the switch needs the only connection. The WAL is then checkpointed into the file, waiting
 * for the reader's current read as long as the connection's busy timeout allows, because a
 * read-only reader closing last does not checkpoint: the crawl's pages stayed in `-wal` alone, and
 * a copy of the database file (`cp crawl.db`) held none of them (QA).
 */
export function settleForReaders(db: Db): boolean {
  try {
    return db.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch {
    // SQLITE_BUSY from a reader: stays in WAL, nothing lost
  }
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // A reader's long read outlasted the wait: the rest stays in -wal, read from there as before.
  }
  return false;
}
