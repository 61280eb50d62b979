/**
 * SQLITE_FULL: the disk is full, or --max-db-size (max_page_count) was reached. Both arrive as the
 * same SQLite error, so they get the same message wherever they surface: in a batch commit (the
 * writer) or in a smaller write outside one (claiming URLs, starting a run).
 */
export const STORE_FULL_MESSAGE =
  'database full (disk full or --max-db-size reached); pages stored so far are kept: free space or raise --max-db-size, then rerun the crawl to continue';

export function isStoreFull(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'SQLITE_FULL';
}
