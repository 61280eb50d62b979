/**
 * The depth histogram of `crawlite report`, grouped in SQL so that what is read stays a few rows
 * whatever the crawl: an endless /deep/N chain crawled without --max-depth reaches one distinct
 * depth per page (QA: 356,339 depths overflowed the stack in Math.max(...) and drew a
 * 24,000-pixel-wide SVG).
 */

/** Depths 0 to SINGLE_DEPTHS - 1 get a column each: most crawls end well inside them. */
export const SINGLE_DEPTHS = 20;
/** Where each range column starts; the last one is open-ended ("1000+"). */
export const RANGE_STARTS = [20, 50, 100, 1000] as const;

export interface DepthBucket {
  from: number;
  /** Last depth the column covers; null for the open-ended last column. */
  to: number | null;
  count: number;
  /** Deepest page in the column; null when the column is empty. */
  deepest: number | null;
}

const starts: number[] = [...Array.from({ length: SINGLE_DEPTHS }, (_, i) => i), ...RANGE_STARTS];

// The CASE maps a depth to the start of its column, so GROUP BY yields at most starts.length rows.
// Constants only, so inlining them is safe. A negative depth (never written) joins depth 0.
export const DEPTH_BUCKET_SQL = `CASE ${[...RANGE_STARTS]
  .reverse()
  .map((from) => `WHEN depth >= ${from} THEN ${from}`)
  .join(' ')} ELSE MAX(depth, 0) END`;

/**
 * Column for each start from depth 0 up to the one holding the deepest page, empty ones included,
 * from the pages grouped by DEPTH_BUCKET_SQL (`b`) in order (read-report.ts).
 */
export function depthBuckets(rows: Array<{ b: number; n: number; deepest: number }>): DepthBucket[] {
  if (rows.length === 0) return [];
  const found = new Map(rows.map((r) => [r.b, r]));
  const last = starts.indexOf(rows[rows.length - 1]!.b);
  return starts.slice(0, last + 1).map((from, i) => {
    const row = found.get(from);
    const to = i + 1 < starts.length ? starts[i + 1]! - 1 : null;
    return { from, to, count: row?.n ?? 0, deepest: row?.deepest ?? null };
  });
}

/** "7", "20–49", "1000+": what a column covers, short enough to sit under it. */
export function depthLabel(b: Pick<DepthBucket, 'from' | 'to'>): string {
  if (b.to === null) return `${b.from}+`;
  return b.from === b.to ? String(b.from) : `${b.from}–${b.to}`;
}

/** The sentence under the chart that says how the columns are grouped. */
export function depthNote(): string {
  const ranges = RANGE_STARTS.map((from, i) => depthLabel({ from, to: i + 1 < RANGE_STARTS.length ? RANGE_STARTS[i + 1]! - 1 : null }));
  return `Pages per link distance from a seed: depths 0–${SINGLE_DEPTHS - 1} one column each, deeper pages grouped as ${ranges.join(', ')}.`;
}
