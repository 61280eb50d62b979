/**
 * A WAL that a reader keeps from being reused. SQLite checkpoints the crawl's WAL every 16 MB
 * (db.ts) and starts it over from the top once no reader still needs its old frames; a read
 * transaction held open in another process (a `sqlite3` shell left inside BEGIN, a long export of
 * a large file) prevents that, and the WAL grows by every commit until the read ends: 13 MB for a
 * crawl of 400 one-kilobyte pages, as the same index and search pages are written again by every
 * batch. Nothing crawlite does can end another process's read, so the crawl says so, once the WAL
 * is past what checkpoints leave it at (16 MB, plus a batch) and each time it doubles after.
 */
/** Well past a working WAL's size: the checkpoint interval plus the largest batch (writer.ts BATCH_BYTES). */
export const WAL_WARN_BYTES = 256 << 20;

export class WalGrowth {
  #warnAt: number;

  constructor(warnAt = WAL_WARN_BYTES) {
    this.#warnAt = warnAt;
  }

  /** `size` (the WAL's, read by the writer once per commit) when it has just passed the next warning mark, else null. */
  check(size: number): number | null {
    if (size < this.#warnAt) return null;
    this.#warnAt = size * 2;
    return size;
  }
}
