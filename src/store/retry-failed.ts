/**
 * `--retry-failed`: the URLs that failed in earlier runs (refused, DNS, timed out or 5xx after
 * every retry, robots.txt unreachable...) go back to the queue, and the hint, on a run with
 * nothing to do, that there are some.
 *
 * A failed URL is otherwise final: resuming a crawl only claims 'queued' URLs, so once the cause
 * is fixed (the server is up now) the same command would find nothing to do.
 *
 * Which failed URLs are taken (RETRYABLE):
 * - not CRAWL_ROBOTS_DISALLOWED: the site answered and the crawl obeyed; asked again it would
 *   refuse again (the run outcome counts it as answered, not as a failure, for the same reason).
 *   Skipped URLs (out of scope, --include/--exclude, too deep, spider-trap caps) are state
 *   'skipped', never 'failed', so they are not taken either: they would only be refused again.
 * - not a URL with a stored page: only a recrawl leaves one 'failed' (its new fetch failed; the
 *   stored page stays, store/recrawl.ts). Fetched as a fresh URL, its new page would meet the old
 *   row at pages.url_id UNIQUE and be dropped as a duplicate, leaving the stale row marked done;
 *   the next `--recrawl` fetches it again conditionally and replaces the row properly.
 * - not CRAWL_RECRAWL_UNAVAILABLE or CRAWL_RECRAWL_DENIED without a page either: a recrawled
 *   redirect the server could not answer, or refused (401, 403), keeps its redirect_to (a seed's
 *   widened scope), and the next `--recrawl` asks it again.
 */
import type { Db } from './db.js';
import type { Writer } from './writer.js';

const RETRYABLE = `state = 'failed' AND coalesce(error_code, '') NOT IN ('CRAWL_ROBOTS_DISALLOWED', 'CRAWL_RECRAWL_UNAVAILABLE', 'CRAWL_RECRAWL_DENIED')
  AND NOT EXISTS (SELECT 1 FROM pages WHERE pages.url_id = urls.id)`;

/**
 * Puts every retryable failed URL back in the queue as a fresh URL: no attempts counted, no error,
 * no redirect target, no not-before time; depth, parent and discovery time stay. One write
 * through the writer, flushed, so the requeue is committed (all or nothing) before the first
 * claim, as the recrawl's is. Returns how many were queued again.
 */
export function requeueFailed(db: Db, writer: Writer, runId: number): number {
  const requeue = db.prepare(
    `UPDATE urls SET state = 'queued', attempts = 0, error_code = NULL, error_message = NULL, redirect_to = NULL, due_at = NULL,
       run_id = ?, updated_at = ?
     WHERE ${RETRYABLE}`,
  );
  let queued = 0;
  writer.enqueue((now) => {
    queued = requeue.run(runId, now).changes;
  });
  writer.flush();
  if (writer.failure) throw writer.failure;
  return queued;
}

/** Failed URLs that --retry-failed would queue again, and their most frequent code. */
export interface EarlierFailures {
  count: number;
  /** The most frequent error_code among them (ties: alphabetical); null if none has a code. */
  topCode: string | null;
}

/** What --retry-failed would take now, or null when nothing. Read on any connection. */
export function readEarlierFailures(db: Db): EarlierFailures | null {
  const byCode = db
    .prepare<[], { code: string | null; n: number }>(
      `SELECT error_code AS code, count(*) AS n FROM urls WHERE ${RETRYABLE} GROUP BY error_code ORDER BY n DESC, code`,
    )
    .all();
  if (byCode.length === 0) return null;
  const count = byCode.reduce((sum, row) => sum + row.n, 0);
  return { count, topCode: byCode.find((row) => row.code !== null)?.code ?? null };
}
