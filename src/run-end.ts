/**
 * Writing how a run ended, on a disk that may be full. After a failed commit a one-row UPDATE
 * usually still fits (the failed commit grew the WAL by a frame or more, which its rollback leaves
 * for the next write), so the run is marked failed. When the disk filled up between commits, from
 * outside, even that fails and the row stays 'running' (QA 13). Nothing can record why a run ended
 * on a disk with no room, so `stats` shows it as crashed (its lock's pid is dead) and the next
 * crawl marks it so, as for a killed crawl, with the counts of its last commit: the error line
 * says so rather than leave the user to wonder why a full disk reads as a crash.
 */
import { StoreError } from './errors.js';
import type { Writer } from './store/writer.js';
import { STORE_FULL_MESSAGE, isStoreFull } from './store/store-full.js';
import type { CrawlSummary } from './crawl-progress.js';

export interface RunEnd {
  /** URLs left queued, for the summary's next command (0 when the row was not written). */
  queued: number;
  /** The run whose row could not be ended, the disk being full; null when it was. */
  unmarkedRunId: number | null;
}

export function recordRunEnd(writer: Writer, status: CrawlSummary['status']): RunEnd {
  try {
    const queued = writer.endRun(writer.failure ? 'failed' : status);
    releaseLock(writer);
    return { queued, unmarkedRunId: null };
  } catch (err) {
    if (!writer.failure && !isStoreFull(err)) throw err;
    return { queued: 0, unmarkedRunId: writer.runId };
  }
}

function releaseLock(writer: Writer): void {
  try {
    writer.releaseLock();
  } catch (err) {
    // On a full disk the next crawl takes over the lock of a dead pid; anything else is a bug.
    if (!writer.failure && !isStoreFull(err)) throw err;
  }
}

/** The full-disk error the crawl throws, saying what `stats` will show of a run it could not end. */
export function storeFullError(found: StoreError | null, cause: unknown, unmarkedRunId: number | null): StoreError {
  const err = found ?? new StoreError('CRAWL_STORE_WRITE', STORE_FULL_MESSAGE, { cause });
  if (unmarkedRunId === null) return err;
  const said = `${err.message}; run ${unmarkedRunId} could not be marked failed either (no room for that write), so crawlite stats shows it as crashed, as the next crawl records it`;
  return new StoreError(err.code, said, { cause: err });
}
