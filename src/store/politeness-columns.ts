/**
 * The columns issue 3 added (retry times, page directives), brought into databases created before
 * them, and the index that serves the retry clock. Fresh databases get the columns from SCHEMA
 * already; ALTER TABLE ... ADD COLUMN is cheap in SQLite (no table rewrite).
 */
import type { Db } from './db.js';

const COLUMNS: ReadonlyArray<[table: string, column: string, definition: string]> = [
  ['urls', 'due_at', 'INTEGER'],
  ['pages', 'robots', 'TEXT'],
  ['pages', 'refresh_url', 'TEXT'],
  ['pages', 'is_links_capped', 'INTEGER NOT NULL DEFAULT 0'],
];

export function addPolitenessColumns(db: Db): void {
  for (const [table, column, definition] of COLUMNS) {
    const existing = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>;
    if (!existing.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
  // Only URLs waiting for a retry (or for their host's robots.txt) are in this index.
  db.exec(`CREATE INDEX IF NOT EXISTS urls_due ON urls (due_at) WHERE state = 'queued' AND due_at IS NOT NULL`);
}
