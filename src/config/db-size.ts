/**
 * `--max-db-size`: a cap on the database file. It is enforced by SQLite itself (see
 * store/max-db-size.ts), so reaching it fails a write exactly as a full disk does, and the crawl
 * stops the same way: cleanly, keeping every committed page.
 */
import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4,
};

/** Smallest cap accepted: the empty schema alone takes about 100 KB. */
export const MIN_DB_BYTES = 256 * 1024;

/** Parses a size such as 500MB or 2GiB (binary units); null when the flag was not given. */
export function parseDbSize(flag: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(value));
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  const n = m && unit ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isFinite(n) || n < MIN_DB_BYTES) {
    throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${String(value)}': expected a size of at least 256KB, e.g. 500MB or 2GB`);
  }
  return n;
}
