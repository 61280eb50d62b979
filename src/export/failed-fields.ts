/** The columns of `crawlite export --failed` (failed.ts), apart so that --help lists them without loading the store. */

/** The columns, in the default order: each is one SQL expression over urls u and its parent f. */
export const FAILED_FIELDS = [
  { name: 'url', sql: 'u.url', description: 'URL as queued (normalized)' },
  { name: 'error_code', sql: 'u.error_code', description: 'why it failed (docs/data.md, Failure codes)' },
  { name: 'error_message', sql: 'u.error_message', description: 'the matching message' },
  { name: 'attempts', sql: 'u.attempts', description: 'requests counted against --retries (0: never requested, as for robots.txt; a busy host\'s free probes not counted)' },
  { name: 'depth', sql: 'u.depth', description: 'link distance from a seed' },
  { name: 'found_on', sql: 'f.url', description: 'the URL it was found on (a page linking it, or the URL that redirected to it); null for a seed' },
  { name: 'redirect_to', sql: 'u.redirect_to', description: 'where its redirect pointed, when it failed at or after one' },
  { name: 'failed_at', sql: 'u.updated_at', description: 'when it was recorded as failed (ISO 8601, UTC)' },
] as const;
