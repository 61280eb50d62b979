/**
 * URLs an earlier run skipped for its own limits, queued again when this run no longer has them.
 *
 * A URL skipped as too deep (CRAWL_DEPTH_LIMIT) or by --include/--exclude (CRAWL_SCOPE_EXCLUDED)
 * is only lifted by a new link to it; but the pages linking to it were fetched by the run that
 * skipped it, and a resume claims only 'queued' URLs, so without this a resume with a tighter
 * limit (an empty --max-depth once became 0) stranded them for good.
 *
 * - Too deep: every one within this run's --max-depth (all of them without one), in one indexed
 *   UPDATE (urls_ready starts with state, depth). This run's --include/--exclude are checked when
 *   they are claimed, as for any URL an earlier run queued (frontier.ts #recheck).
 * - Excluded: those this run's scope admits. Regular expressions cannot run in SQL, so SQLite
 *   calls the scope check for the skipped rows with that code only, and writes only the admitted.
 * Out-of-scope (CRAWL_SCOPE_OUT) rows are left: every external link is one, and a scan of them on
 * each resume would cost more than the rare run that widens the scope gains.
 */
import type { Db } from './db.js';
import type { Writer } from './writer.js';
import type { ScopeCheck } from '../frontier/scope.js';

export interface RequeueSkippedOptions {
  runId: number;
  maxDepth: number | null;
  /** This run's full scope (seeds' hosts and --include/--exclude). */
  scope: ScopeCheck;
}

/** Queues the skipped URLs this run's limits admit; one flushed write before the first claim. Returns how many. */
export function requeueSkipped(db: Db, writer: Writer, opts: RequeueSkippedOptions): number {
  db.function('crawlite_in_scope', { deterministic: true }, (url: unknown) => (opts.scope(String(url)) === null ? 1 : 0));
  const requeue = `UPDATE urls SET state = 'queued', error_code = NULL, error_message = NULL, run_id = ?, updated_at = ? WHERE state = 'skipped' AND `;
  const tooDeep = db.prepare(`${requeue} depth <= ? AND error_code = 'CRAWL_DEPTH_LIMIT'`);
  const excluded = db.prepare(`${requeue} error_code = 'CRAWL_SCOPE_EXCLUDED' AND crawlite_in_scope(url) = 1`);
  let queued = 0;
  writer.enqueue((now) => {
    queued = tooDeep.run(opts.runId, now, opts.maxDepth ?? Number.MAX_SAFE_INTEGER).changes
      + excluded.run(opts.runId, now).changes;
  });
  writer.flush();
  if (writer.failure) throw writer.failure;
  return queued;
}
