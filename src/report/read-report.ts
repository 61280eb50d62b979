/**
 * The figures behind `crawlite report`, read in one read transaction over a read-only connection
 * (so it works while a crawl is writing). Every list is bounded in SQL, never after reading it all:
 * the report of a ten-million-page crawl is as small as that of a hundred pages.
 */
import { readSnapshot, type Db } from '../store/db.js';
import { CONTENT_TYPE_SQL, readSummary, type StatsSummary } from '../export/stats.js';
import { readDepthBuckets, type DepthBucket } from './depth-buckets.js';

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

/** `keySql` is one of the constant expressions below, never user input. */
function readTopCounts<K>(db: Db, keySql: string, pages: number): TopCounts<K> {
  const top = db
    .prepare<[number], { key: K; count: number }>(`SELECT ${keySql} AS key, COUNT(*) AS count FROM pages GROUP BY key ORDER BY count DESC, key LIMIT ?`)
    .all(TOP_VALUES);
  const values = db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM pages GROUP BY ${keySql})`).get()!.n;
  const shown = top.reduce((sum, r) => sum + r.count, 0);
  return { top, rest: { values: values - top.length, count: pages - shown } };
}

function readOverTime(db: Db): ReportData['overTime'] {
  const span = db.prepare<[], { first: number | null; last: number | null }>('SELECT MIN(fetched_at) AS first, MAX(fetched_at) AS last FROM pages').get();
  if (!span || span.first === null || span.last === null) return { bucketMs: 0, buckets: [] };
  const first = span.first;
  // Round the bucket up to a whole second so the axis reads as time, not as arithmetic.
  const bucketMs = Math.max(1000, Math.ceil((span.last - first + 1) / TIME_BUCKETS / 1000) * 1000);
  const rows = db
    // CAST: better-sqlite3 binds JS numbers as REAL, which would make the division fractional.
    .prepare<[number, number], { b: number; n: number }>('SELECT CAST((fetched_at - ?) / ? AS INTEGER) AS b, COUNT(*) AS n FROM pages GROUP BY b ORDER BY b')
    .all(first, bucketMs);
  const count = Math.floor((span.last - first) / bucketMs) + 1;
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

function readFailures(db: Db): ReportData['failures'] {
  // Fetch failures (urls in state 'failed') and pages stored with a parse error; scope and depth
  // skips are decisions, not failures, and stay in the status summary of `crawlite stats`.
  return db
    .prepare<[number], ReportData['failures'][number]>(
      `SELECT code, SUM(n) AS count, MIN(url) AS sampleUrl, MIN(message) AS sampleMessage FROM (
         SELECT error_code AS code, COUNT(*) AS n, MIN(url) AS url, MIN(error_message) AS message
           FROM urls WHERE state = 'failed' AND error_code IS NOT NULL GROUP BY error_code
         UNION ALL
         SELECT error_code, COUNT(*), MIN(url), MIN(error_message) FROM pages WHERE error_code IS NOT NULL GROUP BY error_code
       ) GROUP BY code ORDER BY count DESC, code LIMIT ?`,
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
    const stats = readSummary(db, dbPath);
    return {
      stats,
      byStatus: readTopCounts<number>(db, 'status', stats.pages),
      byContentType: readTopCounts<string | null>(db, CONTENT_TYPE_SQL, stats.pages),
      byDepth: readDepthBuckets(db),
      generatedAt: now.toISOString(),
      overTime: readOverTime(db),
      slowestHosts: readSlowestHosts(db),
      failures: readFailures(db),
      largestPages: readLargestPages(db),
    };
  });
}
