/** Reads rows from a crawl database the way a user's sqlite3 would: its own read-only connection. */
import Database from 'better-sqlite3';

export function rows<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
