/**
 * The figures behind `crawlite report`, read in one read transaction over a read-only connection
 * (so it works while a crawl is writing). Every list is bounded in SQL, never after reading it all:
 * the report of a ten-million-page crawl is as small as that of a hundred pages.
 */
import { readSnapshot, type Db } from '../store/db.js';
import { CONTENT_TYPE_SQL, FETCHED_SPAN_SQL, readSummary, type PageTotals, type StatsSummary } from '../export/stats.js';
import { DEPTH_BUCKET_SQL, depthBuckets, type DepthBucket } from './depth-buckets.js';

export interface TimeBucket {
  /** Start of the bucket, Unix ms. */
  at: number;
  pages: number;
}

/** The most frequent values, and what the others add up to, so the counts still sum to the pages. */
export interface TopCounts<K> {
  top: Array<{ key: K; count: number }>;
  rest: { values: number; count: number };
}

export interface ReportData {
  stats: StatsSummary;
  /** Status codes by frequency, at most TOP_VALUES of them. */
  byStatus: TopCounts<number>;
  /** Media types (lowercased, no parameters; '' or null when none) by frequency, at most TOP_VALUES. */
  byContentType: TopCounts<string | null>;
  /** Pages per depth column: see depth-buckets.ts. */
  byDepth: DepthBucket[];
  generatedAt: string;
  /** Pages stored per time bucket, at most TIME_BUCKETS buckets spanning first to last fetch. */
  overTime: { bucketMs: number; buckets: TimeBucket[] };
  slowestHosts: Array<{ host: string; pages: number; avgMs: number; maxMs: number }>;
  failures: Array<{ code: string; count: number; sampleUrl: string; sampleMessage: string }>;
  largestPages: Array<{ url: string; bytes: number; status: number; contentType: string }>;
}

export const TIME_BUCKETS = 60;
const TOP = 10;
/** Status codes and content types: a hostile site can send a different one with every page. */
export const TOP_VALUES = 12;

/** The time axis: TIME_BUCKETS buckets (or fewer) from the first fetch to the last. */
function timeAxis(db: Db): { first: number; last: number; bucketMs: number } | null {
  const span = db.prepare<[], { first: number | null; last: number | null }>(FETCHED_SPAN_SQL).get();
  if (!span || span.first === null || span.last === null) return null;
  // Round the bucket up to a whole second so the axis reads as time, not as arithmetic.
  const bucketMs = Math.max(1000, Math.ceil((span.last - span.first + 1) / TIME_BUCKETS / 1000) * 1000);
  return { first: span.first, last: span.last, bucketMs };
}

/**
 * The totals, the status and type charts, the depth and time histograms and the pages' errors,
 * from one read of the pages table: it is grouped once by all those keys into a temporary table
 * (a few thousand rows on a normal crawl, at most one a page; types as stored, their media types
 * taken per group), and each list is summed from that in SQL, so what comes back is still a few dozen rows. A GROUP BY per list read the table nine
 * times: 12 s on a 1,000,000-page file. Each list keeps the order its own query gave it: status,
 * types and failures by count (most first), then by value; depth and time ascending.
 */
const PAGE_GROUPS_SQL = `
  WITH g AS MATERIALIZED (
    SELECT status, content_type, ${DEPTH_BUCKET_SQL} AS b, MAX(depth) AS deepest,
           -- CAST: better-sqlite3 binds JS numbers as REAL, which would make the division fractional.
           CAST((fetched_at - @first) / @bucketMs AS INTEGER) AS t, error_code,
           COUNT(*) AS n, SUM(raw_bytes) AS raw, SUM(wire_bytes) AS wire,
           MIN(CASE WHEN error_code IS NOT NULL THEN url END) AS url, MIN(error_message) AS message
      FROM pages GROUP BY status, content_type, b, t, error_code
  )
  SELECT kind, key, count, a, b, url, message FROM (
    SELECT 'total' AS kind, NULL AS key, SUM(n) AS count, SUM(raw) AS a, SUM(wire) AS b, NULL AS url, NULL AS message FROM g
    UNION ALL SELECT * FROM (SELECT 'status', status AS key, SUM(n) AS count, NULL, NULL, NULL, NULL FROM g GROUP BY status ORDER BY count DESC, key LIMIT @top)
    UNION ALL SELECT 'statuses', NULL, COUNT(*), NULL, NULL, NULL, NULL FROM (SELECT 1 FROM g GROUP BY status)
    UNION ALL SELECT * FROM (SELECT 'type', ${CONTENT_TYPE_SQL} AS key, SUM(n) AS count, NULL, NULL, NULL, NULL FROM g GROUP BY key ORDER BY count DESC, key LIMIT @top)
    UNION ALL SELECT 'types', NULL, COUNT(*), NULL, NULL, NULL, NULL FROM (SELECT 1 FROM g GROUP BY ${CONTENT_TYPE_SQL})
    UNION ALL SELECT 'depth', b, SUM(n), MAX(deepest), NULL, NULL, NULL FROM g GROUP BY b
    UNION ALL SELECT 'time', t, SUM(n), NULL, NULL, NULL, NULL FROM g GROUP BY t
    -- Fetch failures (urls in state 'failed') and pages stored with a parse error; scope and depth
    -- skips are decisions, not failures, and stay in the status summary of crawlite stats.
    UNION ALL SELECT * FROM (
      SELECT 'failure', code AS key, SUM(n) AS count, NULL, NULL, MIN(url), MIN(message) FROM (
        SELECT error_code AS code, COUNT(*) AS n, MIN(url) AS url, MIN(error_message) AS message
          FROM urls WHERE state = 'failed' AND error_code IS NOT NULL GROUP BY error_code
        UNION ALL
        SELECT error_code, SUM(n), MIN(url), MIN(message) FROM g WHERE error_code IS NOT NULL GROUP BY error_code
      ) GROUP BY code ORDER BY count DESC, code LIMIT @failures)
  ) ORDER BY kind, CASE WHEN kind IN ('status', 'type', 'failure') THEN -count END, key`;

interface PageGroupRow {
  kind: 'total' | 'status' | 'statuses' | 'type' | 'types' | 'depth' | 'time' | 'failure';
  key: number | string | null;
  count: number | null;
  a: number | null;
  b: number | null;
  url: string | null;
  message: string | null;
}

type PageGroups = Pick<ReportData, 'byStatus' | 'byContentType' | 'byDepth' | 'overTime' | 'failures'> & { totals: PageTotals };

function readPageGroups(db: Db): PageGroups {
  const axis = timeAxis(db);
  const params = { first: axis?.first ?? null, bucketMs: axis?.bucketMs ?? null, top: TOP_VALUES, failures: TOP };
  const totals: PageTotals = { pages: 0, raw: 0, wire: 0 };
  const byStatus: TopCounts<number> = { top: [], rest: { values: 0, count: 0 } };
  const byContentType: TopCounts<string | null> = { top: [], rest: { values: 0, count: 0 } };
  const depthRows: Array<{ b: number; n: number; deepest: number }> = [];
  const timeRows: Array<{ b: number; n: number }> = [];
  const failures: ReportData['failures'] = [];
  for (const r of db.prepare<[typeof params], PageGroupRow>(PAGE_GROUPS_SQL).iterate(params)) {
    const count = r.count ?? 0;
    if (r.kind === 'total') Object.assign(totals, { pages: count, raw: r.a ?? 0, wire: r.b ?? 0 });
    else if (r.kind === 'status') byStatus.top.push({ key: r.key as number, count });
    else if (r.kind === 'statuses') byStatus.rest.values = count;
    else if (r.kind === 'type') byContentType.top.push({ key: r.key as string | null, count });
    else if (r.kind === 'types') byContentType.rest.values = count;
    else if (r.kind === 'depth') depthRows.push({ b: r.key as number, n: count, deepest: r.a! });
    else if (r.kind === 'time') timeRows.push({ b: r.key as number, n: count });
    else failures.push({ code: r.key as string, count, sampleUrl: r.url!, sampleMessage: r.message! });
  }
  // What the top values leave out, so the counts still sum to the pages.
  for (const c of [byStatus, byContentType] as Array<TopCounts<unknown>>) {
    c.rest = { values: c.rest.values - c.top.length, count: totals.pages - c.top.reduce((sum, r) => sum + r.count, 0) };
  }
  return { totals, byStatus, byContentType, byDepth: depthBuckets(depthRows), overTime: overTime(axis, timeRows), failures };
}

function overTime(axis: ReturnType<typeof timeAxis>, rows: Array<{ b: number; n: number }>): ReportData['overTime'] {
  if (axis === null) return { bucketMs: 0, buckets: [] };
  const { first, last, bucketMs } = axis;
  const count = Math.floor((last - first) / bucketMs) + 1;
  const buckets: TimeBucket[] = Array.from({ length: count }, (_, i) => ({ at: first + i * bucketMs, pages: 0 }));
  for (const r of rows) {
    const bucket = buckets[Math.floor(r.b)];
    if (bucket) bucket.pages += r.n;
  }
  return { bucketMs, buckets };
}

function readSlowestHosts(db: Db): ReportData['slowestHosts'] {
  return db
    .prepare<[number], ReportData['slowestHosts'][number]>(
      `SELECT u.host AS host, COUNT(*) AS pages, CAST(AVG(p.elapsed_ms) AS INTEGER) AS avgMs, MAX(p.elapsed_ms) AS maxMs
         FROM pages p JOIN urls u ON u.id = p.url_id
        GROUP BY u.host ORDER BY avgMs DESC, host LIMIT ?`,
    )
    .all(TOP);
}

function readLargestPages(db: Db): ReportData['largestPages'] {
  return db
    .prepare<[number], ReportData['largestPages'][number]>(
      `SELECT final_url AS url, MAX(raw_bytes, wire_bytes) AS bytes, status, content_type AS contentType
         FROM pages ORDER BY bytes DESC, id LIMIT ?`,
    )
    .all(TOP);
}

/** Reads everything the report shows, in one snapshot. Throws StoreError like `crawlite stats` does. */
export function readReport(dbPath: string, now = new Date()): ReportData {
  return readSnapshot(dbPath, (db) => {
    const { totals, byStatus, byContentType, byDepth, overTime, failures } = readPageGroups(db);
    return {
      stats: readSummary(db, dbPath, totals),
      byStatus,
      byContentType,
      byDepth,
      generatedAt: now.toISOString(),
      overTime,
      slowestHosts: readSlowestHosts(db),
      failures,
      largestPages: readLargestPages(db),
    };
  });
}
