/**
 * Recrawls: fetching the stored pages again, conditionally, and recording what changed.
 *
 * Starting one (`--recrawl`) is a single write: a recrawls row, and every URL that has a stored
 * page goes back to 'queued' marked with the recrawl's id, whatever its state: 'done', 'failed' in
 * an earlier recrawl, or 'redirected' (it redirected in an earlier recrawl and kept its old row,
 * marked gone; it may serve its own page again, and a requeue by state would strand it). So does
 * every 'redirected' URL without a page of its own (it redirected in the first crawl; its target
 * has the page): it may serve its own page by now, and was never asked again (QA).
 * From then on the ordinary frontier claims them, so a recrawl is as durable and resumable as any
 * crawl: the recrawl stays open (ended_at NULL) until no URL marked with it is queued or in
 * flight, and any later run on the file, with or without --recrawl, carries on with it.
 *
 * For a claimed URL with a stored page not yet seen in this recrawl, lookup() gives the
 * conditional request headers (If-None-Match from the stored ETag, If-Modified-Since from
 * Last-Modified) and the stored content hash. Then:
 * - 304: keepUnchanged() updates the fetch time (and any validators the 304 carried); the stored
 *   content and links stay;
 * - 200 with the same body: unchanged; another body: changed; 404/410: gone. The new response
 *   replaces the stored row (the hooks below, inside the page's transaction), so there is still
 *   exactly one pages row per URL. Another 4xx (400, 451...) is the server's final word and replaces
 *   the row as changed, as a first crawl would store it;
 * - 401 or 403 where a good copy is stored (a 2xx or 3xx page): failed() turns it into a failure,
 *   CRAWL_RECRAWL_DENIED, and the stored row stays. An auth wall, a WAF or a geo block put in front
 *   of a site refuses the crawler, not the page: replacing the page with the wall lost its content,
 *   links and search entry, though a reader with access still sees it. Gone is a 404 or 410 only.
 *   A stored 4xx or 5xx answered 401/403 is replaced as before: there is no good copy to keep;
 * - a redirect to another URL: gone; the row becomes the redirect (createReplaceHooks) and the
 *   target is stored or recrawled as its own page. So too when the target is refused (out of
 *   scope, robots.txt) or cannot be fetched: the URL is 'failed' as in a first crawl, and the old
 *   page, which the URL no longer serves, stops being exported and searched as current (QA);
 * - a status the retry policy retries (5xx, 408, 429) that is still the answer after the last
 *   retry: failed() turns it into a failure. The server could not answer, which says nothing about
 *   the page, so the stored row stays untouched and the next --recrawl asks again. A URL without a
 *   page of its own (it redirected when last fetched) keeps its redirect_to the same way: for a
 *   seed that is the scope its redirect widened (store/seed-redirects.ts), and a failure that
 *   dropped it would narrow the scope of every later run (QA). A stored page that was itself a
 *   5xx, 408 or 429 is replaced as any answer: unchanged when it is the same (QA round 19).
 * All writes go through the writer (its enqueue() and page hooks), on its one connection.
 */
import type { Db } from './db.js';
import type { PageHooks, RecrawledRedirect, Writer } from './writer.js';
import type { FetchResult, FrontierEntry, ParseOutcome, PageRecord } from '../types.js';
import type { ErrorCode } from '../errors.js';
import { prepareSearchRemoval } from '../search/search-index.js';
import { isRetryableStatus } from '../fetch/retry-policy.js';
import { boundHeaders } from './stored-headers.js';

export type RecrawlStatus = 'changed' | 'unchanged' | 'gone';

/** What lookup() knows about a page being recrawled. */
export interface PriorPage {
  recrawlId: number;
  /** If-None-Match / If-Modified-Since; empty when the page had no validators. */
  headers: Record<string, string>;
  contentHash: string | null;
  status: number;
  /** Null for a stored page; for a URL without a page of its own, the target it redirected to when last fetched. */
  pageless: { redirectTo: string | null } | null;
}

export interface Recrawl {
  /** The recrawl in progress (started now or continued), or null. */
  readonly id: number | null;
  /** URLs this run requeued when it started a recrawl (0 when it continued one). */
  readonly queued: number;
  lookup(entry: FrontierEntry): PriorPage | null;
  classify(prior: PriorPage, result: FetchResult, outcome: ParseOutcome): RecrawlStatus;
  /** For a recrawled page's final answer: the failure to record instead of storing it, or null. */
  failed(entry: FrontierEntry, prior: PriorPage, result: FetchResult): RecrawlFailure | null;
  /**
   * For a URL without a page of its own (it redirected when last fetched) whose fetch got no
   * answer (network, timeout, robots.txt unreachable): the failure that keeps its redirect, as
   * failed() does for a 5xx; null for a stored page, or a fetch that was answered (a redirect, a
   * robots.txt Disallow), which is recorded as it is.
   */
  unanswered(prior: PriorPage, code: ErrorCode, message: string, wasAnswered: boolean): RecrawlFailure | null;
  /** A 304: the stored page stands, fetched again now. */
  keepUnchanged(entry: FrontierEntry, prior: PriorPage, result: FetchResult): void;
  /** Closes the recrawl when nothing marked with it is left; call before the last flush. */
  finish(): void;
}

/**
 * A recrawl fetch the server could not answer (UNAVAILABLE) or refused to the crawler (DENIED: 401,
 * 403); `redirectTo` is the one to keep (a pageless URL's).
 */
export interface RecrawlFailure {
  code: 'CRAWL_RECRAWL_UNAVAILABLE' | 'CRAWL_RECRAWL_DENIED';
  message: string;
  redirectTo: string | null;
}

/**
 * Failed URLs that the next --recrawl asks again although they have no pages row: recrawled
 * redirects the server could not answer. --retry-failed leaves them to it (store/retry-failed.ts).
 */
export const PAGELESS_RECRAWL_FAILURE = `state = 'failed' AND error_code IN ('CRAWL_RECRAWL_UNAVAILABLE', 'CRAWL_RECRAWL_DENIED')`;

/** Refusals of the crawler, not of the page (a login or WAF wall): a stored good copy outlives them. */
const DENIED_STATUSES: ReadonlySet<number> = new Set([401, 403]);

/** What the recrawl may lose by storing the answer: a page (2xx, or a 3xx stored as one), or a redirect it keeps. */
function hasGoodCopy(prior: PriorPage): boolean {
  return prior.pageless !== null || (prior.status >= 200 && prior.status < 400);
}

/** Response headers a 304 may update on the stored page (RFC 9110 §15.4.5). */
const REFRESHED_HEADERS = ['etag', 'last-modified', 'date', 'expires', 'cache-control'];

/**
 * A row's stored headers (JSON) with `refreshed` put over them; null, leaving the row's headers as
 * they are, when they are no JSON object of strings (boundHeaders reads strings; a row it cannot
 * read keeps what it holds rather than fail the writer's batch).
 */
function withRefreshed(stored: unknown, refreshed: Record<string, string>): Record<string, string> | null {
  if (stored === null || stored === undefined) return refreshed;
  try {
    const parsed = JSON.parse(String(stored)) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    if (!Object.values(parsed).every((v) => typeof v === 'string')) return null;
    return { ...(parsed as Record<string, string>), ...refreshed };
  } catch {
    return null;
  }
}

/**
 * Opens the recrawl state for a run: continues an open recrawl, or starts one when `start` is
 * set and none is open. Writes through `writer` and flushes, so the requeue is durable before the
 * first claim.
 */
export function openRecrawl(db: Db, writer: Writer, opts: { start: boolean; runId: number }): Recrawl {
  const open = db.prepare<[], { id: number }>('SELECT id FROM recrawls WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1').get();
  let id = open?.id ?? null;
  let queued = 0;
  if (id === null && opts.start) {
    const insert = db.prepare('INSERT INTO recrawls (run_id, started_at) VALUES (?, ?)');
    // A redirect keeps its redirect_to while queued: a seed's is the scope it widened
    // (store/seed-redirects.ts), which a run resuming this recrawl reads back.
    const requeue = db.prepare(
      `UPDATE urls SET state = 'queued', recrawl_id = ?, attempts = 0, error_code = NULL, error_message = NULL,
         redirect_to = CASE WHEN state = 'redirected' OR (${PAGELESS_RECRAWL_FAILURE}) THEN redirect_to END, due_at = NULL, updated_at = ?
        WHERE id IN (SELECT url_id FROM pages) OR state = 'redirected' OR (${PAGELESS_RECRAWL_FAILURE})`,
    );
    const count = db.prepare('UPDATE recrawls SET queued = ? WHERE id = ?');
    writer.enqueue((now) => {
      id = Number(insert.run(opts.runId, now).lastInsertRowid);
      queued = requeue.run(id, now).changes;
      count.run(queued, id);
    });
    writer.flush();
    if (writer.failure) throw writer.failure;
  }
  if (id !== null) writer.addPageHooks(createReplaceHooks(db, opts.runId));
  return createRecrawl(db, writer, id, queued, opts.runId);
}

function createRecrawl(db: Db, writer: Writer, id: number | null, queued: number, runId: number): Recrawl {
  const select = db.prepare<[number, number, number], { etag: unknown; lastModified: unknown; hash: string | null; status: number }>(
    `SELECT json_extract(p.headers, '$.etag') AS etag, json_extract(p.headers, '$."last-modified"') AS lastModified,
            coalesce(p.content_hash, p.body_hash) AS hash, p.status
       FROM pages p JOIN urls u ON u.id = p.url_id
      WHERE p.url_id = ? AND u.recrawl_id = ? AND p.recrawl_id IS NOT ?`,
  );
  // A URL requeued by this recrawl without a page of its own: it redirected when last fetched.
  const selectPageless = db.prepare<[number, number], { redirectTo: string | null }>(
    `SELECT u.redirect_to AS redirectTo FROM urls u WHERE u.id = ? AND u.recrawl_id = ? AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.url_id = u.id)`,
  );
  const touchPage = db.prepare(
    `UPDATE pages SET fetched_at = ?, elapsed_ms = ?, run_id = ?, recrawl_id = ?, recrawl_status = 'unchanged', headers = coalesce(?, headers)
      WHERE url_id = ?`,
  );
  const readStoredHeaders = db.prepare('SELECT headers FROM pages WHERE url_id = ?').pluck();
  const markDone = db.prepare(`UPDATE urls SET state = 'done', error_code = NULL, error_message = NULL, updated_at = ? WHERE id = ?`);
  const close = db.prepare(
    `UPDATE recrawls SET ended_at = ? WHERE id = ? AND ended_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM urls WHERE recrawl_id = ? AND state IN ('queued', 'fetching'))`,
  );
  return {
    id,
    queued,
    lookup(entry) {
      if (id === null) return null;
      const row = select.get(entry.id, id, id);
      if (row === undefined) {
        // It redirected when last fetched: nothing to ask conditionally, and whatever it serves
        // now is a change (a page of its own: changed; a 404: gone), counted as one.
        const pageless = selectPageless.get(entry.id, id);
        return pageless === undefined ? null : { recrawlId: id, headers: {}, contentHash: null, status: 0, pageless };
      }
      const headers: Record<string, string> = {};
      if (typeof row.etag === 'string' && row.etag !== '') headers['if-none-match'] = row.etag;
      if (typeof row.lastModified === 'string' && row.lastModified !== '') headers['if-modified-since'] = row.lastModified;
      return { recrawlId: id, headers, contentHash: row.hash, status: row.status, pageless: null };
    },
    classify(prior, result, outcome) {
      // A page already stored as a 404 that is still one is unchanged, not gone again.
      const isGone = (status: number): boolean => status === 404 || status === 410;
      if (isGone(result.status) && !isGone(prior.status)) return 'gone';
      const hash = outcome.ok ? outcome.contentHash : null;
      return hash !== null && hash === prior.contentHash && result.status === prior.status ? 'unchanged' : 'changed';
    },
    failed(entry, prior, result) {
      const isDenied = DENIED_STATUSES.has(result.status) && hasGoodCopy(prior);
      // A stored page that was itself such an answer (a 500 from the start) holds nothing the
      // server's failure could cost: the answer is stored as any, unchanged when it is the same.
      // It failed every --recrawl as CRAWL_RECRAWL_UNAVAILABLE, which --retry-failed leaves alone.
      const isStoredFailure = prior.pageless === null && isRetryableStatus(prior.status);
      if (!isDenied && (!isRetryableStatus(result.status) || isStoredFailure)) return null;
      const code = isDenied ? 'CRAWL_RECRAWL_DENIED' : 'CRAWL_RECRAWL_UNAVAILABLE';
      const tries = entry.attempt + 1;
      const after = tries > 1 ? ` (after ${tries} attempts)` : '';
      if (prior.pageless === null) return { code, message: `HTTP ${result.status}${after}; the stored page is kept`, redirectTo: null };
      return { ...keepRedirect(prior.pageless.redirectTo, `HTTP ${result.status}${after}`), code };
    },
    unanswered(prior, code, message, wasAnswered) {
      if (prior.pageless === null || wasAnswered || code === 'CRAWL_ROBOTS_DISALLOWED') return null;
      return keepRedirect(prior.pageless.redirectTo, `${code}: ${message}`);
    },
    keepUnchanged(entry, prior, result) {
      const refreshed: Record<string, string> = {};
      for (const name of REFRESHED_HEADERS) {
        const value = result.headers[name];
        if (value !== undefined) refreshed[name] = value;
      }
      writer.enqueue((now) => {
        // The row's headers with the validators refreshed, bounded as a stored page's are
        // (stored-headers.ts): a validator can be as long as a head. Bounded whole, not the
        // validators alone, which json_patch put beside up to 32 KiB already stored.
        const merged = withRefreshed(readStoredHeaders.get(entry.id), refreshed);
        touchPage.run(result.fetchedAt, Math.round(result.elapsedMs), runId, prior.recrawlId, merged === null ? null : JSON.stringify(boundHeaders(merged)), entry.id);
        markDone.run(now, entry.id);
        // The row was fetched and stored again in this run: it counts in the run's pages.
        writer.countPageStored();
      }, { storedUrl: entry.url });
    },
    finish() {
      if (id === null) return;
      const recrawlId = id;
      writer.enqueue((now) => close.run(now, recrawlId, recrawlId));
    },
  };
}

/** A pageless URL's failure that keeps the redirect it answered last time (PAGELESS_RECRAWL_FAILURE). */
function keepRedirect(redirectTo: string | null, what: string): RecrawlFailure {
  const kept = redirectTo === null ? 'it redirected when last fetched' : `it redirected to ${redirectTo} when last fetched, which stays recorded`;
  return { code: 'CRAWL_RECRAWL_UNAVAILABLE', message: `${what}; ${kept}`, redirectTo };
}

/**
 * Inside a recrawled page's transaction: the stored row (its links and its search entry too) is
 * removed just before the new response is inserted, and the new row is marked with what the
 * recrawl found. A URL that now redirects elsewhere has no page of its own any more, as in a
 * fresh crawl (its urls row is 'redirected' with redirect_to the target); its row stays, marked
 * gone, so the recrawl can count it, but it becomes the redirect: the redirect's status, its hops
 * in redirects, and nothing of the old page (title, content, links, search entry). final_url stays
 * the URL itself, which answered with the redirect: the target's own row is still the only one
 * with the target's final_url. The page it leads to is stored as any new page.
 */
function createReplaceHooks(db: Db, runId: number): PageHooks {
  const findPage = db.prepare<[number], { id: number }>('SELECT id FROM pages WHERE url_id = ?');
  const deleteLinks = db.prepare('DELETE FROM links WHERE page_id = ?');
  const deletePage = db.prepare('DELETE FROM pages WHERE id = ?');
  const deleteArchived = db.prepare('DELETE FROM archive WHERE page_id = ?');
  const removeFromSearch = prepareSearchRemoval(db);
  const mark = db.prepare('UPDATE pages SET recrawl_id = ?, recrawl_status = ? WHERE id = ?');
  const nameByFinalUrl = db.prepare('UPDATE pages SET url = final_url WHERE id = ?');
  const becomeRedirect = db.prepare(
    `UPDATE pages SET status = @status, redirects = @redirects, content_type = '', headers = '{}',
       fetched_at = @fetchedAt, elapsed_ms = @elapsedMs, title = NULL, description = NULL, canonical = NULL, language = NULL,
       encoding = NULL, raw_bytes = 0, wire_bytes = 0, stored_bytes = 0, is_truncated = 0, links_found = 0, content_hash = NULL,
       error_code = NULL, error_message = NULL, run_id = @runId, fields = NULL, robots = NULL, refresh_url = NULL,
       is_links_capped = 0, recrawl_id = @recrawlId, recrawl_status = 'gone'
     WHERE id = @id`,
  );
  const removeOld = (pageId: number): void => {
    deleteLinks.run(pageId);
    removeFromSearch(pageId);
    deleteArchived.run(pageId);
  };
  const turnIntoRedirect = (urlId: number, redirect: RecrawledRedirect): void => {
    const old = findPage.get(urlId);
    if (old === undefined) return;
    removeOld(old.id);
    becomeRedirect.run({
      id: old.id, status: redirect.redirects[0]?.status ?? 0, redirects: JSON.stringify(redirect.redirects),
      fetchedAt: redirect.fetchedAt, elapsedMs: Math.round(redirect.elapsedMs), runId, recrawlId: redirect.recrawlId,
    });
  };
  const isReplacing = (urlId: number, record: PageRecord): boolean => record.recrawl !== undefined && urlId === record.entry.id;
  return {
    beforeInsert(urlId, record) {
      if (record.recrawl === undefined) return;
      if (!isReplacing(urlId, record)) {
        const { fetch } = record;
        turnIntoRedirect(record.entry.id, {
          recrawlId: record.recrawl.id, redirects: fetch.redirects, fetchedAt: fetch.fetchedAt, elapsedMs: fetch.elapsedMs,
        });
        return;
      }
      const old = findPage.get(urlId);
      if (old === undefined) return;
      removeOld(old.id);
      deletePage.run(old.id);
    },
    onRecrawledRedirect(urlId, redirect) {
      turnIntoRedirect(urlId, redirect);
    },
    afterInsert(pageId, record) {
      if (record.recrawl === undefined) return;
      // A redirect's target page has no urls row of the recrawl's entry; it is a new page. The
      // requested URL keeps a row of its own (the redirect), so the target's is named by its own
      // URL: two rows with url = the requested URL made exports keyed by url ambiguous.
      const fetchedUrlId = record.entry.id;
      const stored = findPage.get(fetchedUrlId);
      if (stored?.id === pageId) mark.run(record.recrawl.id, record.recrawl.status, pageId);
      else if (stored !== undefined) nameByFinalUrl.run(pageId);
    },
  };
}

export interface RecrawlStats {
  id: number;
  startedAt: string;
  endedAt: string | null;
  /** URLs it requeued when it started. */
  queued: number;
  unchanged: number;
  changed: number;
  gone: number;
  /** Fetches that failed (network, timeout, a 5xx after every retry, a 401/403 over a good copy...); the stored page stays as it was. A redirect the crawl does not follow is gone instead. */
  failed: number;
  /** Still queued or in flight (an interrupted recrawl, continued by the next run). */
  pending: number;
}

/** Figures of the latest recrawl, for `crawlite stats`; null when the file has never been recrawled. */
export function readRecrawlStats(db: Db): RecrawlStats | null {
  let latest: { id: number; started_at: number; ended_at: number | null; queued: number } | undefined;
  try {
    latest = db.prepare<[], NonNullable<typeof latest>>('SELECT id, started_at, ended_at, queued FROM recrawls ORDER BY id DESC LIMIT 1').get();
  } catch {
    return null; // a file made before recrawls existed: never recrawled
  }
  if (latest === undefined) return null;
  const counts = { unchanged: 0, changed: 0, gone: 0 };
  for (const row of db
    .prepare<[number], { status: keyof typeof counts; n: number }>('SELECT recrawl_status AS status, COUNT(*) AS n FROM pages WHERE recrawl_id = ? GROUP BY 1')
    .all(latest.id)) {
    if (row.status in counts) counts[row.status] = row.n;
  }
  const urls = db
    .prepare<[number], { failed: number | null; pending: number | null }>(
      // A URL that now redirects where the crawl does not follow is 'failed', but what the recrawl
      // found is that its page is gone (counted above), not that the server could not answer.
      `SELECT SUM(state = 'failed' AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.url_id = urls.id AND p.recrawl_id = urls.recrawl_id AND p.recrawl_status = 'gone')) AS failed,
              SUM(state IN ('queued', 'fetching')) AS pending FROM urls WHERE recrawl_id = ?`,
    )
    .get(latest.id);
  return {
    id: latest.id,
    startedAt: new Date(latest.started_at).toISOString(),
    endedAt: latest.ended_at === null ? null : new Date(latest.ended_at).toISOString(),
    queued: latest.queued,
    ...counts,
    failed: urls?.failed ?? 0,
    pending: urls?.pending ?? 0,
  };
}
