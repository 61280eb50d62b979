/** Numbers as `stats`, `report` and a crawl's summary print them: thousands separators, binary byte units, durations. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

export function formatBinaryBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  // 1,048,575 B is 1023.999 KiB, which one decimal would print as "1024.0 KiB": take the next unit.
  while (value >= 1023.95 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * 12.3s under a minute, 1m05s under an hour, then 2h05m: one format for the crawl summary, the
 * status lines, `stats` and `report` (stats once wrote 1m 43s where the summary wrote 1m43s). The
 * value is rounded to the shown unit before it is split, so 119.6 s reads 2m00s (not 1m60s) and
 * 59.96 s reads 1m00s (not 60.0s).
 */
export function formatDuration(ms: number): string {
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${pad2(seconds % 60)}s`;
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m`;
}
