/**
 * The figures behind `crawlite report`, read in one read transaction over a read-only connection
 * (so it works while a crawl is writing). Every list is bounded: the report of a ten-million-page
 * crawl is as small as that of a hundred pages.
 */
import { readSnapshot, type Db } from '../store/db.js';
import { readStats, type Stats } from '../export/stats.js';

export interface TimeBucket {
  /** Start of the bucket, Unix ms. */
  at: number;
  pages: number;
}

export interface ReportData {
  stats: Stats;
  generatedAt: string;
  /** Pages stored per time bucket, at most TIME_BUCKETS buckets spanning first to last fetch. */
  overTime: { bucketMs: number; buckets: TimeBucket[] };
  slowestHosts: Array<{ host: string; pages: number; avgMs: number; maxMs: number }>;
  failures: Array<{ code: string; count: number; sampleUrl: string; sampleMessage: string }>;
  largestPages: Array<{ url: string; bytes: number; status: number; contentType: string }>;
}

export const TIME_BUCKETS = 60;
const TOP = 10;

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

/** Reads everything the report shows. Throws StoreError like `crawlite stats` does. */
export function readReport(dbPath: string, now = new Date()): ReportData {
  const stats = readStats(dbPath);
  return readSnapshot(dbPath, (db) => ({
    stats,
    generatedAt: now.toISOString(),
    overTime: readOverTime(db),
    slowestHosts: readSlowestHosts(db),
    failures: readFailures(db),
    largestPages: readLargestPages(db),
  }));
}
