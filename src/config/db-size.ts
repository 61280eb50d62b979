/**
 * `--max-db-size`: a cap on the database file. It is enforced by SQLite itself (see
 * store/max-db-size.ts), so reaching it fails a write exactly as a full disk does, and the crawl
 * stops the same way: cleanly, keeping every committed page.
 */
import { UsageError } from '../errors.js';
import { parseByteSize } from './byte-size.js';

/** Smallest cap accepted: the empty schema alone takes about 100 KB. */
export const MIN_DB_BYTES = 256 * 1024;

/**
 * Largest cap accepted: SQLite's most pages (4,294,967,294) of its default 4 KB, beyond which it
 * would clamp the cap silently; 99999999999999999999 was taken as given and capped nothing.
 */
export const MAX_DB_BYTES = 16 * 1024 ** 4;

/** Parses a size such as 500MB or 2GiB (binary units); null when the flag was not given. */
export function parseDbSize(flag: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const n = parseByteSize(value);
  if (!Number.isFinite(n) || n < MIN_DB_BYTES || n > MAX_DB_BYTES) {
    throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${String(value)}': expected a size from 256KB to 16TB, e.g. 500MB or 2GB`);
  }
  return n;
}
