/**
 * Columns added to existing tables after a database was first created. `CREATE TABLE IF NOT
 * EXISTS` leaves an older file's tables as they were, and the schema's indexes on the new columns
 * would then fail, so the missing columns are added first (ALTER TABLE ADD COLUMN is cheap in
 * SQLite: it rewrites no rows). Each entry goes at the end of its table, as in the schema; a new
 * column is one line here and one in the schema.
 */
import type { Db } from './db.js';

const ADDED: ReadonlyArray<[table: string, column: string, definition: string]> = [
  // jobs and runs (issue 4)
  ['runs', 'job', 'TEXT'],
  ['runs', 'job_file', 'TEXT'],
  ['runs', 'pid', 'INTEGER'],
  ['runs', 'duplicates', 'INTEGER NOT NULL DEFAULT 0'],
  ['runs', 'queued', 'INTEGER'],
  ['pages', 'fields', 'TEXT'],
  // politeness and directives (issue 3)
  ['urls', 'due_at', 'INTEGER'],
  ['pages', 'robots', 'TEXT'],
  ['pages', 'refresh_url', 'TEXT'],
  ['pages', 'is_links_capped', 'INTEGER NOT NULL DEFAULT 0'],
  // recrawl (issue 4)
  ['urls', 'recrawl_id', 'INTEGER'],
  ['pages', 'recrawl_id', 'INTEGER'],
  ['pages', 'recrawl_status', 'TEXT'],
  ['pages', 'body_hash', 'TEXT'],
];

export function addMissingColumns(db: Db): void {
  const known = new Map<string, Set<string>>();
  for (const [table, column, definition] of ADDED) {
    let columns = known.get(table);
    if (!columns) {
      columns = new Set(db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((c) => c.name));
      known.set(table, columns);
    }
    // No columns: the table does not exist yet, and the schema creates it whole.
    if (columns.size > 0 && !columns.has(column)) {
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
      columns.add(column);
    }
  }
}
