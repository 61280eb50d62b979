/**
 * SQLITE_CORRUPT (and SQLITE_NOTADB met after the file was opened): a damaged file, found
 * wherever a read or a write first touches a bad page, which may be mid-crawl or mid-export. One
 * coded error with a way to save what is left, wherever it surfaces, instead of SQLite's bare
 * "database disk image is malformed".
 */
import { StoreError, isCrawlError } from '../errors.js';
import { shellWord } from '../shell-word.js';

export function isStoreCorrupt(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** `dbPath` null when the caller does not know it (the CLI's last resort). */
export function corruptError(dbPath: string | null, err: unknown): StoreError {
  // Quoted for the shell: the commands are meant to be pasted, and `data/my crawl.db` was two words.
  const db = dbPath === null ? '<db>' : shellWord(dbPath);
  return new StoreError(
    'CRAWL_STORE_CORRUPT',
    // Debian 12's sqlite3 (3.40) is built without .recover, and prints "SQL logic error" (QA 19).
    // .dump is there, but on a damaged file it ends "ROLLBACK; -- due to errors", so the new file
    // got nothing: the sed commits what was read instead. (.clone skips the search index's tables
    // there: a crawl on its copy fails.)
    `database ${dbPath ?? ''}${dbPath ? ' ' : ''}is damaged (${(err as Error).message}); save what is readable into a new file with: sqlite3 ${db} .recover | sqlite3 recovered.db (where sqlite3 says "SQL logic error", as Debian 12's: sqlite3 ${db} .dump | sed 's/^ROLLBACK; -- due to errors$/COMMIT;/' | sqlite3 recovered.db), then use --db recovered.db`,
    { cause: err },
  );
}

/** `err` as CRAWL_STORE_CORRUPT when it is SQLite's corruption error, else unchanged. */
export function asStoreCorrupt(err: unknown, dbPath: string | null): unknown {
  return !isCrawlError(err) && isStoreCorrupt(err) ? corruptError(dbPath, err) : err;
}
