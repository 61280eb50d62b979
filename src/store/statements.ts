/**
 * Every SQL statement the writer runs, prepared once (never inside a loop).
 */
import type { Db } from './db.js';

export function prepareStatements(db: Db) {
  return {
    // Positional parameters on the statements run for every page or link: binding an object costs
    // a property lookup by name per parameter, about twice the time of the whole bind here.
    // Parameters: url, host, depth, state, parent_id, error_code, error_message, now, now, run_id.
    insertUrl: db.prepare(
      `INSERT OR IGNORE INTO urls (url, host, depth, state, parent_id, error_code, error_message, discovered_at, updated_at, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    selectUrl: db.prepare('SELECT id, state, error_code, depth FROM urls WHERE url = ?'),
    selectStoredStatus: db.prepare('SELECT p.status FROM pages p JOIN urls u ON u.id = p.url_id WHERE u.url = ?'),
    // Whether a page on the chain a URL was found by (its parent, the parent's parent, up to 8
    // pages up) has the stored body given: store/writer.ts #isFoundOnCopy. The bound keeps a
    // parent_id cycle (a link row upgraded to a shorter path) from looping. Parameters: id, hash.
    selectFoundOnHash: db.prepare(
      `WITH RECURSIVE chain(id, n) AS (
         SELECT parent_id, 1 FROM urls WHERE id = ?
         UNION ALL SELECT u.parent_id, c.n + 1 FROM urls u JOIN chain c ON u.id = c.id WHERE c.n < 8 AND u.parent_id IS NOT NULL
       )
       SELECT 1 AS found FROM chain c JOIN pages p ON p.url_id = c.id WHERE p.content_hash = ? LIMIT 1`,
    ),
    // The same chain's url ids and URLs, parent first, for a test the database cannot make
    // (store/signature-copies.ts: signatures are not stored). Parameter: id.
    selectFoundOnChain: db.prepare<[number], { id: number; url: string }>(
      `WITH RECURSIVE chain(id, n) AS (
         SELECT parent_id, 1 FROM urls WHERE id = ?
         UNION ALL SELECT u.parent_id, c.n + 1 FROM urls u JOIN chain c ON u.id = c.id WHERE c.n < 8 AND u.parent_id IS NOT NULL
       )
       SELECT c.id, u.url FROM chain c JOIN urls u ON u.id = c.id ORDER BY c.n`,
    ),
    // A URL first met where it could not be followed (too deep, on a page whose links are not
    // followed, outside a scope that has grown since) is queued when a later link can follow it
    // (store/writer.ts #linkTargetId, isLiftable). Parameters: depth, parent_id, now, id.
    liftSkipped: db.prepare(
      `UPDATE urls SET state = 'queued', depth = ?, parent_id = ?, error_code = NULL, error_message = NULL, updated_at = ? WHERE id = ?`,
    ),
    // A queued URL found again by a shorter path takes the shorter depth, so --max-depth measures
    // the link distance from a seed, not how deep the URL happened to be found first (store/writer.ts
    // #linkTargetId). Claimed and fetched rows keep theirs. Parameters: depth, parent_id, now, id, depth.
    shortenDepth: db.prepare(
      `UPDATE urls SET depth = ?, parent_id = ?, updated_at = ? WHERE id = ? AND depth > ? AND state = 'queued'`,
    ),
    // A URL the user names as a seed is crawled from depth 0, even when an earlier run of the same
    // file met it too deep, on a page whose links are not followed, outside that run's scope, or
    // in a trap (all 'skipped'), or queued it deeper. Fetched and failed rows are left as they are
    // (--recrawl and --retry-failed ask again). Parameters: now, url.
    promoteSeed: db.prepare(
      `UPDATE urls SET state = 'queued', depth = 0, parent_id = NULL, error_code = NULL, error_message = NULL, updated_at = ?
       WHERE url = ? AND (state = 'skipped' OR (state = 'queued' AND depth > 0))`,
    ),
    claimAny: db.prepare(
      `SELECT id, url, host, depth, attempts FROM urls WHERE state = 'queued' AND (due_at IS NULL OR due_at <= ?) ORDER BY depth, id LIMIT ?`,
    ),
    claimExcluding: db.prepare(
      `SELECT id, url, host, depth, attempts FROM urls
       WHERE state = 'queued' AND (due_at IS NULL OR due_at <= ?) AND host NOT IN (SELECT value FROM json_each(?))
       ORDER BY depth, id LIMIT ?`,
    ),
    // One step through the hosts that have queued URLs, in host order (urls_queued_host).
    nextQueuedHost: db.prepare(`SELECT host FROM urls INDEXED BY urls_queued_host WHERE state = 'queued' AND host > ? ORDER BY host LIMIT 1`).pluck(),
    // Parameters: host, now, limit.
    claimHost: db.prepare(
      `SELECT id, url, host, depth, attempts FROM urls INDEXED BY urls_queued_host
       WHERE state = 'queued' AND host = ? AND (due_at IS NULL OR due_at <= ?) ORDER BY depth, id LIMIT ?`,
    ),
    markFetching: db.prepare(`UPDATE urls SET state = 'fetching', attempts = attempts + 1, updated_at = ?, run_id = ? WHERE id = ?`),
    // Parameters: state, error_code, error_message, redirect_to, now, id.
    markState: db.prepare(
      `UPDATE urls SET state = ?, error_code = ?, error_message = ?, redirect_to = ?, updated_at = ? WHERE id = ?`,
    ),
    // A URL failed without being requested (robots.txt forbids it, or stayed unreachable) gives
    // back the attempt its claim counted: attempts counts requests, and it had none. Parameters:
    // error_code, error_message, redirect_to, now, id.
    failUnrequested: db.prepare(
      `UPDATE urls SET state = 'failed', attempts = MAX(attempts - 1, 0), error_code = ?, error_message = ?, redirect_to = ?, updated_at = ? WHERE id = ?`,
    ),
    // A claimed URL a recrawl queued, which this run's limits exclude, keeps what it had: its stored
    // page ('done') or, without one, its redirect ('redirected', redirect_to kept). As 'skipped'
    // it left the recrawl uncounted, and the next run without the limit queued it as a fresh URL,
    // fetched it and dropped the page as a duplicate of its own stored row (QA). Parameters: now, id.
    keepClaimed: db.prepare(
      `UPDATE urls SET state = CASE WHEN EXISTS (SELECT 1 FROM pages p WHERE p.url_id = urls.id) THEN 'done' ELSE 'redirected' END,
         attempts = MAX(attempts - 1, 0), error_code = NULL, error_message = NULL, updated_at = ?
       WHERE id = ? AND state = 'fetching'
         AND (EXISTS (SELECT 1 FROM pages p WHERE p.url_id = urls.id) OR (recrawl_id IS NOT NULL AND redirect_to IS NOT NULL))`,
    ),
    // Parameters: error_code, error_message, now, id.
    skipClaimed: db.prepare(
      `UPDATE urls SET state = 'skipped', attempts = MAX(attempts - 1, 0), error_code = ?, error_message = ?, updated_at = ? WHERE id = ? AND state = 'fetching'`,
    ),
    requeue: db.prepare(`UPDATE urls SET state = 'queued', attempts = MAX(attempts - 1, 0), updated_at = ? WHERE id = ? AND state = 'fetching'`),
    // A URL left 'fetching' by a kill gives back the attempt its claim (markFetching) counted, as
    // requeue does: whether the request ever reached the server is unknown, and counting it cost
    // every URL in flight one retry per hard kill.
    recoverFetching: db.prepare(`UPDATE urls SET state = 'queued', attempts = MAX(attempts - 1, 0), updated_at = ? WHERE state = 'fetching'`),
    countQueued: db.prepare(`SELECT count(*) AS n FROM urls WHERE state = 'queued'`),
    anyQueued: db.prepare(`SELECT EXISTS (SELECT 1 FROM urls WHERE state = 'queued')`).pluck(),
    insertContent: db.prepare(
      `INSERT OR IGNORE INTO contents (hash, codec, html_bytes, text_bytes, data) VALUES (?, ?, ?, ?, ?)`,
    ),
    deleteContent: db.prepare(`DELETE FROM contents WHERE hash = ?`),
    // Parameters in the order of the column list.
    insertPage: db.prepare(
      `INSERT OR IGNORE INTO pages (url_id, url, final_url, status, content_type, headers, redirects, fetched_at, elapsed_ms, depth,
         title, description, canonical, language, encoding, raw_bytes, wire_bytes, stored_bytes, is_truncated, links_found,
         content_hash, error_code, error_message, run_id, robots, refresh_url, is_links_capped, body_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    startRun: db.prepare(`INSERT INTO runs (started_at, options, job, job_file, pid) VALUES (?, ?, ?, ?, ?)`),
    endRun: db.prepare(`UPDATE runs SET ended_at = ?, status = ?, pages = ?, failures = ?, duplicates = ?, queued = ? WHERE id = ?`),
    // Every batch writes its run's counts in its own transaction (writer.ts #commit). Parameters:
    // pages, failures, duplicates, id.
    runCounts: db.prepare(`UPDATE runs SET pages = ?, failures = ?, duplicates = ? WHERE id = ?`),
    // A run still 'running' when the next one starts died without ending (kill -9, a crash, power
    // loss): its end is the last write it made, its counts those its last commit wrote, and its
    // queue what is left now, the URLs it had in flight included (run before recoverFetching puts
    // them back, which would move the end: their updated_at is the claim's). A run from a version
    // that did not write counts as it went has none: its pages and failures are counted from the
    // rows it wrote (duplicates cannot be); for a run that committed nothing that count is 0 too.
    // The queue left now is the last run's only: an older run found dead too (a crawlite from
    // before runs were marked crashed left every killed one 'running') died before later runs
    // moved the queue on, and the frontier does not keep which URLs were queued when. Its queued
    // stays NULL, unknown, rather than every such run getting the same figure.
    markCrashedRuns: db.prepare(
      `UPDATE runs SET status = 'crashed',
         ended_at = coalesce((SELECT max(updated_at) FROM urls WHERE run_id = runs.id), started_at),
         pages = CASE WHEN pages + failures + duplicates > 0 THEN pages ELSE (SELECT count(*) FROM pages WHERE run_id = runs.id) END,
         failures = CASE WHEN pages + failures + duplicates > 0 THEN failures
           ELSE (SELECT count(*) FROM urls WHERE run_id = runs.id AND state = 'failed') END,
         queued = CASE WHEN id = (SELECT max(id) FROM runs) THEN (SELECT count(*) FROM urls WHERE state IN ('queued', 'fetching')) END
       WHERE status = 'running'`,
    ),
    setPageFields: db.prepare(`UPDATE pages SET fields = ? WHERE id = ?`),
    // Issue 3: a URL that waits (a retry, its host's robots.txt) goes back to the queue with a not-before time.
    deferUrl: db.prepare(
      `UPDATE urls SET state = 'queued', due_at = @dueAt, attempts = MAX(attempts - @uncount, 0), error_code = @errorCode,
         error_message = @errorMessage, updated_at = @now WHERE id = @id AND state = 'fetching'`,
    ),
    // INDEXED BY: without ANALYZE statistics the planner prefers urls_ready (state = ?) and reads
    // the whole queue for this min, asked on every idle turn (40 ms at 120,000 queued; QA).
    nextDueAt: db.prepare(`SELECT min(due_at) AS t FROM urls INDEXED BY urls_due WHERE state = 'queued' AND due_at > ?`),
    // The lock (store/writer-lock.ts): writer_pid, writer_host, writer_started.
    readLock: db.prepare(`SELECT key, value FROM meta WHERE key IN ('writer_pid', 'writer_host', 'writer_started')`),
    writeLock: db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`),
    clearLock: db.prepare(`DELETE FROM meta WHERE key IN ('writer_pid', 'writer_host', 'writer_started')`),
    // Only our own lock: a crawl that took over a stale one must not lose it to the old owner. Parameter: pid.
    dropLock: db.prepare(
      `DELETE FROM meta WHERE key IN ('writer_pid', 'writer_host', 'writer_started')
         AND (SELECT value FROM meta WHERE key = 'writer_pid') = ?`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
