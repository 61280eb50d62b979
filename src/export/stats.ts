/**
 * `crawlite stats`: what a crawl database holds, read over its own read-only connection, so it
 * can run while a crawl is writing. All queries run in one read transaction, so the numbers
 * agree with each other even while pages are being added. `Stats` is plain JSON for `--json`.
 */
import { statSync } from 'node:fs';
import { readSnapshot, type Db } from '../store/db.js';
import { formatBinaryBytes, formatCount, formatDuration } from '../format-numbers.js';
import { readRecrawlStats, type RecrawlStats } from '../store/recrawl.js';
import { LOCK_KEYS, lockState, parseLock } from '../store/writer-lock.js';
import { shellWord } from '../shell-word.js';

export const URL_STATES = ['queued', 'fetching', 'done', 'failed', 'skipped', 'redirected'] as const;
export type UrlState = (typeof URL_STATES)[number];

export interface ErrorCount {
  code: string;
  /** `url`: urls.error_code (fetch failures and skip reasons); `page`: pages.error_code (parse failures, a content-encoding left on). */
  source: 'url' | 'page';
  /** The URL state the code was recorded with; null for page errors. */
  state: string | null;
  count: number;
  /** One message recorded with this code. */
  sampleMessage: string | null;
}

export interface RunSummary {
  id: number;
  status: string;
  startedAt: string;
  endedAt: string | null;
  /**
   * As its commits wrote them (a crawl updates them with every batch): so far, for a run still
   * running or killed. A run of a crawlite that wrote them only at its end has them counted from
   * the rows it stored, as the next crawl will when it marks the run crashed.
   */
  pages: number;
  failures: number;
}

export interface Stats {
  dbPath: string;
  pages: number;
  urls: { total: number; byState: Record<UrlState, number> };
  byStatus: Array<{ status: number; count: number }>;
  /** Media type, lowercased and without parameters; '' when the response had none. */
  byContentType: Array<{ contentType: string; count: number }>;
  byDepth: Array<{ depth: number; count: number }>;
  /** By count, most frequent first. */
  errors: ErrorCount[];
  bytes: {
    /** Bodies after content-encoding was removed (sum of pages.raw_bytes). */
    raw: number;
    /** Bodies as transferred (sum of pages.wire_bytes). */
    wire: number;
    /** Compressed contents, each distinct body once. */
    stored: number;
    /** The database file, and its write-ahead log (pages not yet checkpointed into it). */
    dbFile: number;
    walFile: number;
  };
  timing: {
    firstFetchedAt: string | null;
    lastFetchedAt: string | null;
    /**
     * Time spent crawling: the sum of the runs' durations (a run without an end, still going or
     * killed, ends at its last page), so resumed crawls do not count the pause between runs.
     * Without runs, first to last fetched page.
     */
    durationMs: number | null;
    pagesPerSecond: number | null;
  };
  runs: number;
  latestRun: RunSummary | null;
  /** The latest --recrawl: unchanged, changed, gone, failed, pending; null if never recrawled. */
  recrawl: RecrawlStats | null;
}

/** The media type of pages.content_type: lowercased, without parameters; '' when there was none. */
export const CONTENT_TYPE_SQL = `lower(trim(CASE WHEN instr(content_type, ';') > 0 THEN substr(content_type, 1, instr(content_type, ';') - 1) ELSE content_type END))`;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function fileBytes(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}

function countUrlStates(db: Db): Stats['urls'] {
  const byState = Object.fromEntries(URL_STATES.map((s) => [s, 0])) as Record<UrlState, number>;
  let total = 0;
  for (const { state, n } of db.prepare<[], { state: UrlState; n: number }>('SELECT state, COUNT(*) AS n FROM urls GROUP BY state').iterate()) {
    byState[state] = n;
    total += n;
  }
  return { total, byState };
}

/** What `crawlite stats` counts of pages (and urls' errors), read in one statement. */
interface PageCounts {
  pages: number;
  raw: number;
  wire: number;
  byStatus: Stats['byStatus'];
  byContentType: Stats['byContentType'];
  byDepth: Stats['byDepth'];
  errors: ErrorCount[];
}

/**
 * Every per-page count `crawlite stats` shows from one read of the pages table: the table is
 * grouped once by (status, type, depth, error) into a temporary table (a few rows; at most one a
 * page), and each list is summed from that. Types are grouped as stored and their media types
 * taken per group, not per page (15 % less CPU at 1,000,000 pages). A GROUP BY per list read the table once each: 6 reads,
 * ~10 s on a 1,000,000-page file. One statement, so that its ORDER BY keeps each list in the order
 * (and collation) its own query gave it: status and depth ascending; types, and errors, by count,
 * most first, then by value. The urls' errors come from the urls_error index.
 */
const PAGE_COUNTS_SQL = `
  WITH g AS MATERIALIZED (
    SELECT status, content_type, depth, error_code, COUNT(*) AS n, SUM(raw_bytes) AS raw, SUM(wire_bytes) AS wire, MIN(error_message) AS message
      FROM pages GROUP BY status, content_type, depth, error_code
  )
  SELECT kind, key, source, state, count, raw, wire, message FROM (
    SELECT 'total' AS kind, NULL AS key, NULL AS source, NULL AS state, SUM(n) AS count, SUM(raw) AS raw, SUM(wire) AS wire, NULL AS message FROM g
    UNION ALL SELECT 'status', status, NULL, NULL, SUM(n), NULL, NULL, NULL FROM g GROUP BY status
    UNION ALL SELECT 'type', ${CONTENT_TYPE_SQL} AS ct, NULL, NULL, SUM(n), NULL, NULL, NULL FROM g GROUP BY ct
    UNION ALL SELECT 'depth', depth, NULL, NULL, SUM(n), NULL, NULL, NULL FROM g GROUP BY depth
    -- MIN() picks the sample so that the same database always shows the same one.
    UNION ALL SELECT 'error', error_code, 'page', NULL, SUM(n), NULL, NULL, MIN(message) FROM g WHERE error_code IS NOT NULL GROUP BY error_code
    UNION ALL SELECT 'error', error_code, 'url', state, COUNT(*), NULL, NULL, MIN(error_message) FROM urls WHERE error_code IS NOT NULL GROUP BY error_code, state
  ) ORDER BY kind, CASE WHEN kind IN ('type', 'error') THEN -count END, key, source, state`;

interface PageCountRow {
  kind: 'total' | 'status' | 'type' | 'depth' | 'error';
  key: number | string | null;
  source: 'url' | 'page' | null;
  state: string | null;
  count: number | null;
  raw: number | null;
  wire: number | null;
  message: string | null;
}

function readPageCounts(db: Db): PageCounts {
  const counts: PageCounts = { pages: 0, raw: 0, wire: 0, byStatus: [], byContentType: [], byDepth: [], errors: [] };
  for (const r of db.prepare<[], PageCountRow>(PAGE_COUNTS_SQL).iterate()) {
    const count = r.count ?? 0;
    if (r.kind === 'total') Object.assign(counts, { pages: count, raw: r.raw ?? 0, wire: r.wire ?? 0 });
    else if (r.kind === 'status') counts.byStatus.push({ status: r.key as number, count });
    else if (r.kind === 'type') counts.byContentType.push({ contentType: r.key as string, count });
    else if (r.kind === 'depth') counts.byDepth.push({ depth: r.key as number, count });
    else counts.errors.push({ code: r.key as string, source: r.source!, state: r.state, count, sampleMessage: r.message });
  }
  return counts;
}

function readLatestRun(db: Db): RunSummary | null {
  const run = db
    .prepare<[], { id: number; status: string; started_at: number; ended_at: number | null; pages: number; failures: number }>(
      'SELECT id, status, started_at, ended_at, pages, failures FROM runs ORDER BY id DESC LIMIT 1',
    )
    .get();
  if (run === undefined) return null;
  const counts = run.status === 'running' && run.pages + run.failures === 0 ? countRunRows(db, run.id) : run;
  return { id: run.id, status: run.status === 'running' ? runningStatus(db) : run.status, startedAt: iso(run.started_at)!, endedAt: iso(run.ended_at), pages: counts.pages, failures: counts.failures };
}

/** What an unended run stored, from its rows (statements.ts markCrashedRuns does the same for its row). */
function countRunRows(db: Db, runId: number): { pages: number; failures: number } {
  return db.prepare<[number, number], { pages: number; failures: number }>(
    `SELECT (SELECT count(*) FROM pages WHERE run_id = ?) AS pages, (SELECT count(*) FROM urls WHERE run_id = ? AND state = 'failed') AS failures`,
  ).get(runId, runId)!;
}

/**
 * A run row says 'running' until its crawl ends it; one killed (kill -9, a crash, power) keeps
 * saying so until the next crawl marks it 'crashed'. Its lock tells: no live crawl holds it.
 * A lock from another host cannot be checked, so that run is taken at its word.
 */
function runningStatus(db: Db): string {
  const meta = db.prepare<[], { key: string; value: string }>(`SELECT key, value FROM meta WHERE key IN (${LOCK_KEYS.map((k) => `'${k}'`).join(', ')})`).all();
  const owner = parseLock(meta);
  // lockState calls this process's own lock free (for a writer taking it again); here it is held.
  if (owner !== null && owner.pid === process.pid) return 'running';
  return lockState(owner).kind === 'free' ? 'crashed' : 'running';
}

/**
 * The first and last fetch, each one seek in the pages_fetched index. MIN and MAX in one SELECT
 * read the whole index instead (SQLite's min/max shortcut takes one of them alone): 0.1 s of CPU
 * at 1,000,000 pages.
 */
export const FETCHED_SPAN_SQL = 'SELECT (SELECT MIN(fetched_at) FROM pages) AS first, (SELECT MAX(fetched_at) FROM pages) AS last';

function readTiming(db: Db, pages: number): Stats['timing'] {
  const span = db.prepare<[], { first: number | null; last: number | null }>(FETCHED_SPAN_SQL).get();
  const first = span?.first ?? null;
  const last = span?.last ?? null;
  // The subquery scans pages; COALESCE stops at its first non-null argument, so it runs only for
  // runs with no end (normally just the live one).
  const runTotal = db
    .prepare<[], { runs: number; ms: number | null }>(
      `SELECT COUNT(*) AS runs,
              SUM(MAX(0, COALESCE(ended_at, (SELECT MAX(fetched_at) FROM pages p WHERE p.run_id = r.id), started_at) - started_at)) AS ms
         FROM runs r`,
    )
    .get();
  let durationMs: number | null = null;
  if (runTotal !== undefined && runTotal.runs > 0) durationMs = runTotal.ms ?? 0;
  else if (first !== null && last !== null) durationMs = last - first;
  const pagesPerSecond = durationMs !== null && durationMs > 0 ? pages / (durationMs / 1000) : null;
  return { firstFetchedAt: iso(first), lastFetchedAt: iso(last), durationMs, pagesPerSecond };
}

/** Stats without the per-value lists, whose length grows with the crawl (one row per depth). */
export type StatsSummary = Omit<Stats, 'byStatus' | 'byContentType' | 'byDepth' | 'errors'>;

/** The pages, and their bodies' bytes raw and on the wire. */
export interface PageTotals {
  pages: number;
  raw: number;
  wire: number;
}

/**
 * The totals, timing and runs: a fixed number of rows however big the crawl. `crawlite report`
 * reads these and bounds the lists itself (src/report/read-report.ts). `totals` come from the
 * caller's own pass over the pages (both commands have one).
 */
export function readSummary(db: Db, dbPath: string, totals: PageTotals): StatsSummary {
  // length() of a BLOB reads its size from the record header, not the blob itself.
  const stored = db.prepare<[], { n: number | null }>('SELECT SUM(length(data)) AS n FROM contents').get()?.n ?? 0;
  return {
    dbPath,
    pages: totals.pages,
    urls: countUrlStates(db),
    bytes: { raw: totals.raw, wire: totals.wire, stored, dbFile: fileBytes(dbPath), walFile: fileBytes(`${dbPath}-wal`) },
    timing: readTiming(db, totals.pages),
    runs: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM runs').get()!.n,
    latestRun: readLatestRun(db),
    recrawl: readRecrawlStats(db),
  };
}

function readCounts(db: Db, dbPath: string): Stats {
  const { byStatus, byContentType, byDepth, errors, ...totals } = readPageCounts(db);
  const { dbPath: path, pages, urls, bytes, timing, runs, latestRun, recrawl } = readSummary(db, dbPath, totals);
  // The order of the JSON keys `crawlite stats --json` has always printed.
  return { dbPath: path, pages, urls, byStatus, byContentType, byDepth, errors, bytes, timing, runs, latestRun, recrawl };
}

/**
 * Reads the statistics of the crawl database at `dbPath`. Throws StoreError CRAWL_STORE_MISSING
 * when there is no file, CRAWL_STORE_OPEN when it cannot be read as a crawlite database.
 */
export function readStats(dbPath: string): Stats {
  return readSnapshot(dbPath, (db) => readCounts(db, dbPath));
}

// ---- text output ----


/** Pads each column to its widest cell; `right` marks the columns aligned right (numbers). */
function alignColumns(rows: string[][], right: readonly boolean[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

const MAX_LISTED = 15;
const MAX_SAMPLE_CHARS = 100;

const clip = (text: string): string => (text.length > MAX_SAMPLE_CHARS ? `${text.slice(0, MAX_SAMPLE_CHARS - 1)}…` : text);

/** A titled table, cut to MAX_LISTED rows with a line saying how many more there are. */
function section(title: string, rows: string[][], right: readonly boolean[]): string[] {
  if (rows.length === 0) return [];
  const shown = rows.slice(0, MAX_LISTED);
  const lines = ['', title, ...alignColumns(shown, right)];
  if (rows.length > shown.length) lines.push(`  … ${rows.length - shown.length} more`);
  return lines;
}

/** Stats as an aligned text block for a terminal; the same numbers as the JSON, rounded for reading. */
export function formatStats(stats: Stats): string {
  const { bytes, timing, latestRun: run } = stats;
  const head: string[][] = [['database', `${stats.dbPath} (${formatBinaryBytes(bytes.dbFile)}${bytes.walFile > 0 ? `, WAL ${formatBinaryBytes(bytes.walFile)}` : ''})`]];
  if (run !== null) {
    const end = run.endedAt === null ? '' : `, ended ${run.endedAt}`;
    const soFar = run.status === 'running' ? ' so far' : '';
    const counts = `${formatCount(run.pages)} page${run.pages === 1 ? '' : 's'}, ${formatCount(run.failures)} failed${soFar}`;
    head.push(['latest run', `#${run.id} ${run.status}, started ${run.startedAt}${end}: ${counts} (${formatCount(stats.runs)} run${stats.runs === 1 ? '' : 's'} in all)`]);
  }
  head.push(['pages', formatCount(stats.pages)]);
  head.push(['urls', formatCount(stats.urls.total)]);
  if (timing.durationMs !== null) {
    const rate = timing.pagesPerSecond === null ? '' : `, ${timing.pagesPerSecond.toFixed(1)} pages/s`;
    head.push(['crawl time', `${formatDuration(timing.durationMs)}${rate}`]);
  }
  if (stats.recrawl !== null) {
    const r = stats.recrawl;
    const state = r.endedAt === null ? `in progress, ${formatCount(r.pending)} to go` : `ended ${r.endedAt}`;
    head.push(['latest recrawl', `#${r.id} ${state}: ${formatCount(r.unchanged)} unchanged, ${formatCount(r.changed)} changed, ${formatCount(r.gone)} gone, ${formatCount(r.failed)} failed`]);
  }
  head.push(['bytes', `${formatBinaryBytes(bytes.raw)} raw, ${formatBinaryBytes(bytes.wire)} on the wire, ${formatBinaryBytes(bytes.stored)} stored`]);

  const lines = [
    ...alignColumns(head, [false, false], ''),
    ...section('url states', URL_STATES.map((s) => [s, formatCount(stats.urls.byState[s])]), [false, true]),
    ...section('status', stats.byStatus.map((r) => [String(r.status), formatCount(r.count)]), [false, true]),
    ...section('content type', stats.byContentType.map((r) => [r.contentType || '(none)', formatCount(r.count)]), [false, true]),
    ...section('depth', stats.byDepth.map((r) => [String(r.depth), formatCount(r.count)]), [true, true]),
    ...section(
      'errors',
      stats.errors.map((e) => [e.code, e.source === 'url' ? `url ${e.state ?? ''}` : 'page', formatCount(e.count), clip((e.sampleMessage ?? '').replace(/\s+/g, ' '))]),
      [false, false, true, false],
    ),
    // One sample per code above; the command that lists every failed URL (round 21).
    ...(stats.urls.byState.failed > 0 ? [`  list the ${formatCount(stats.urls.byState.failed)} failed URL${stats.urls.byState.failed === 1 ? '' : 's'}: crawlite export --db ${shellWord(stats.dbPath)} --failed --out failed.csv`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
