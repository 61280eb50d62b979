/**
 * SQLITE_FULL: the disk is full, or --max-db-size (max_page_count) was reached. Both arrive as the
 * same SQLite error, so they get the same message wherever they surface: in a batch commit (the
 * writer) or in a smaller write outside one (claiming URLs, starting a run).
 */
export const STORE_FULL_MESSAGE =
  'database full (disk full or --max-db-size reached); pages stored so far are kept: free space or raise --max-db-size, then rerun the crawl to continue';

export function isStoreFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  // The -shm could not be grown (SQLite writes to it to extend it, and a full disk refuses):
  // "disk I/O error" was the line when a new file's WAL index met a nearly full disk (QA).
  return code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_SHMSIZE';
}
