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
import { isStoreFull } from './store-full.js';

/**
 * How a finished crawl's file was left: `journal`, back in rollback-journal mode; `wal`, still in
 * WAL mode (a reader had it open) with the WAL folded into the file; `partial`, a read still in
 * progress kept the last commits in `-wal` alone, so the file without its `-wal` lacks them;
 * `full`, the same, but because the disk had no room for the file to grow by what `-wal` holds.
 */
export type Settled = 'journal' | 'wal' | 'partial' | 'full';

/**
 * Leaves WAL mode. A reader that still has the file open (`crawlite stats` during the crawl's
 * last second, a `watch` of it) keeps it in WAL: the switch needs the only connection. The WAL is
 * then checkpointed into the file, waiting for the reader's current read as long as the
 * connection's busy timeout allows, because a read-only reader closing last does not checkpoint:
 * the crawl's pages stayed in `-wal` alone, and a copy of the database file (`cp crawl.db`) held
 * none of them (QA). A read that outlasts the wait is reported (`partial`): the crawl said nothing,
 * and a `cp crawl.db` then held a fraction of the pages it had just said were stored.
 */
export function settleForReaders(db: Db): Settled {
  // A full disk (SQLITE_FULL) is told apart: it was reported as `partial`, and the crawl's line
  // blamed a read open in another process when none was (QA 19).
  let isFull = false;
  try {
    if (db.pragma('journal_mode = DELETE', { simple: true }) === 'delete') return 'journal';
  } catch (err) {
    // SQLITE_BUSY from a reader: stays in WAL, nothing lost
    isFull = isStoreFull(err);
  }
  try {
    // SQLITE_BUSY here is no error but this row: busy 1, fewer frames checkpointed than logged.
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    if (result !== undefined && result.busy === 0 && result.log === result.checkpointed) return 'wal';
    return isFull ? 'full' : 'partial';
  } catch (err) {
    return isFull || isStoreFull(err) ? 'full' : 'partial';
  }
}
