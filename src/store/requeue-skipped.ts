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
 * - Out of scope (CRAWL_SCOPE_OUT): those this run's scope admits. Every external link is such a
 *   row, so they are first grouped by origin (urls.host) in SQL, and only the rows on an origin
 *   this run's scope reaches are checked one by one. A run with seeds on another host finishes the
 *   first host's queue but finds that host's links out of its own scope; without this the first
 *   host's crawl could never be completed by running it again, its pages being fetched (QA).
 */
import type { Db } from './db.js';
import type { Writer } from './writer.js';
import type { ScopeCheck } from '../frontier/scope.js';
import { originKey } from '../frontier/normalize-url.js';

export interface RequeueSkippedOptions {
  runId: number;
  maxDepth: number | null;
  /** This run's full scope (seeds' hosts and --include/--exclude). */
  scope: ScopeCheck;
  /** This run's seeds and the targets their earlier redirects widened the scope to (normalized). */
  roots: readonly string[];
}

/** Queues the skipped URLs this run's limits admit; one flushed write before the first claim. Returns how many. */
export function requeueSkipped(db: Db, writer: Writer, opts: RequeueSkippedOptions): number {
  db.function('crawlite_in_scope', { deterministic: true }, (url: unknown) => (opts.scope(String(url)) === null ? 1 : 0));
  const requeue = `UPDATE urls SET state = 'queued', error_code = NULL, error_message = NULL, run_id = ?, updated_at = ? WHERE state = 'skipped' AND `;
  const tooDeep = db.prepare(`${requeue} depth <= ? AND error_code = 'CRAWL_DEPTH_LIMIT'`);
  const excluded = db.prepare(`${requeue} error_code = 'CRAWL_SCOPE_EXCLUDED' AND crawlite_in_scope(url) = 1`);
  // The CASE keeps the per-row scope check off the rows of origins the scope cannot reach.
  const outOfScope = db.prepare(
    `${requeue} error_code = 'CRAWL_SCOPE_OUT' AND (CASE WHEN host IN (SELECT value FROM json_each(?)) THEN crawlite_in_scope(url) ELSE 0 END) = 1`,
  );
  const reachable = reachableOrigins(db, opts);
  let queued = 0;
  writer.enqueue((now) => {
    queued = tooDeep.run(opts.runId, now, opts.maxDepth ?? Number.MAX_SAFE_INTEGER).changes
      + excluded.run(opts.runId, now).changes
      + (reachable.length > 0 ? outOfScope.run(opts.runId, now, JSON.stringify(reachable)).changes : 0);
  });
  writer.flush();
  if (writer.failure) throw writer.failure;
  return queued;
}

/**
 * The origins of the skipped out-of-scope rows where this run's scope may admit a URL: a root's
 * own origin (prefix mode admits only a directory of it), or one whose root path the scope does
 * not find out of scope (host, domain and any modes decide by host alone).
 */
function reachableOrigins(db: Db, opts: RequeueSkippedOptions): string[] {
  const origins = db
    .prepare<[], string>(`SELECT DISTINCT host FROM urls WHERE error_code = 'CRAWL_SCOPE_OUT' AND state = 'skipped'`)
    .pluck()
    .all();
  if (origins.length === 0) return [];
  const rootOrigins = new Set(opts.roots.map(originKey));
  return origins.filter((origin) => rootOrigins.has(origin) || opts.scope(`${origin}/`) !== 'CRAWL_SCOPE_OUT');
}
