/**
 * Columns added to existing tables after a database was first created. `CREATE TABLE IF NOT
 * EXISTS` leaves an older file's tables as they were, and the schema's indexes on the new columns
 * would then fail, so the missing columns are added first (ALTER TABLE ADD COLUMN is cheap in
 * SQLite: it rewrites no rows). Each entry goes at the end of its table, as in the schema.
 */
import type { Db } from './db.js';

const ADDED: ReadonlyArray<[table: string, column: string, type: string]> = [
  ['urls', 'recrawl_id', 'INTEGER'],
  ['pages', 'recrawl_id', 'INTEGER'],
  ['pages', 'recrawl_status', 'TEXT'],
];

export function addMissingColumns(db: Db): void {
  for (const [table, column, type] of ADDED) {
    const columns = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all();
    // No columns: the table does not exist yet, and the schema creates it whole.
    if (columns.length > 0 && !columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}
