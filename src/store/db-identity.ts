/**
 * Whether a SQLite file is crawlite's to write: checked with reads only, before anything changes
 * the file (journal mode, CREATE, ALTER), so another application's database is refused untouched.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { StoreError } from '../errors.js';
import type { Db } from './db.js';

/** The meta schema_version this crawlite writes and understands; a file with a higher one was made by a newer crawlite. */
export const SCHEMA_VERSION = 1;

/** PRAGMA application_id of crawlite databases: 'crwl' in ASCII (https://www.sqlite.org/fileformat.html#application_id). */
export const APPLICATION_ID = 0x6372776c;

/** 'empty': no schema at all, a new database; 'legacy': crawlite's, made before application_id was set. */
export type DbKind = 'empty' | 'crawlite' | 'legacy' | 'foreign';

export function identifyDb(db: Db): DbKind {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId === APPLICATION_ID) return 'crawlite';
  // Another application stamped the file as its own.
  if (appId !== 0) return 'foreign';
  const names = new Set(db.prepare<[], { name: string }>('SELECT name FROM sqlite_schema').all().map((r) => r.name));
  if (names.size === 0) return 'empty';
  // Every crawlite version has written meta(key, value) with schema_version next to its urls
  // frontier when it created the file; a meta table alone is too common a name to go by.
  if (!names.has('meta') || !names.has('urls')) return 'foreign';
  const metaColumns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('meta')").all().map((c) => c.name);
  if (metaColumns.join(',') !== 'key,value') return 'foreign';
  return db.prepare("SELECT 1 FROM meta WHERE key = 'schema_version'").get() ? 'legacy' : 'foreign';
}

/**
 * The way on for a reader given a file that is not a crawl's: the line said what the file was
 * and stopped there, with the user's own file named (QA 22).
 */
export const READ_A_CRAWL = "pass --db the file a crawl wrote (crawlite crawl writes data/crawl.db unless given --db)";

export function foreignDbError(path: string): StoreError {
  return new StoreError(
    'CRAWL_STORE_OPEN',
    `${path} is not a crawlite database (it holds another application's data) and was left untouched; pass --db a new file or a crawlite database`,
  );
}

/**
 * Why a read of `db` failed, for "cannot read <path> as a crawlite database: <why>": SQLite's
 * "no such table: pages" said little about an empty file or another application's database
 * (search already said which, QA); other errors keep SQLite's words.
 */
export function describeUnreadable(db: Db, err: unknown): string {
  const message = (err as Error).message;
  if (!/^no such (table|column)/.test(message)) return message;
  try {
    const kind = identifyDb(db);
    if (kind === 'empty') return `it has no tables; ${READ_A_CRAWL}`;
    if (kind === 'foreign') return `it holds another application's data; ${READ_A_CRAWL}`;
  } catch {
    // The file could not even be identified: SQLite's own message is the best there is.
  }
  return message;
}

/**
 * A layout no later crawlite can write on: the first development builds (before 2026-11-23 14:05,
 * commit 7522d77) stored each link's target as text in `links.to_url`, where every later one keeps
 * a `urls` id. A crawl opening such a file added its columns and then failed at its first
 * statement with SQLite's bare "table links has no column named to_url_id" (QA); it is refused
 * before anything is written, as another application's file is, and its readers still read it.
 */
export function hasTextLinkTargets(db: Db): boolean {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('links')").all().map((c) => c.name);
  return columns.includes('to_url') && !columns.includes('to_url_id');
}

export function textLinkTargetsError(path: string): StoreError {
  return new StoreError(
    'CRAWL_STORE_OPEN',
    `${path} was made by an early development build of crawlite (its links table keeps target URLs as text), which this one cannot write on; it was left untouched (stats, export and search still read it); pass --db a new file to crawl`,
  );
}

/**
 * The schema version a crawlite or legacy database says it has, when that is newer than
 * `known`: an older crawlite writing into it (its own columns, its own meaning of the rest)
 * could spoil what the newer one stored, so it is refused untouched, as another application's is.
 */
export function newerSchema(db: Db, known: number): number | null {
  const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get();
  const version = Number(row?.value);
  return Number.isInteger(version) && version > known ? version : null;
}

export function newerSchemaError(path: string, version: number, known: number): StoreError {
  return new StoreError(
    'CRAWL_STORE_OPEN',
    `${path} was made by a newer crawlite (schema ${version}; this one knows up to ${known}) and was left untouched; upgrade crawlite, or pass --db a new file`,
  );
}

/**
 * The newer schema version the crawlite database at `path` says it has, or null: for a file
 * that is older, missing, not a database, not crawlite's or not readable now, whose read says
 * so itself. For the readers (stats, export, search, report), which read it anyway.
 */
export function newerSchemaOfFile(path: string): number | null {
  let db: Db | undefined;
  try {
    // Only a regular file: opening a FIFO waits for a writer (the read refuses it, db.ts refuseNonFile).
    if (!statSync(path).isFile()) return null;
    db = new Database(path, { readonly: true, fileMustExist: true });
    const kind = identifyDb(db);
    return kind === 'crawlite' || kind === 'legacy' ? newerSchema(db, SCHEMA_VERSION) : null;
  } catch {
    return null; // the command's own read reports what is wrong, in its own words
  } finally {
    db?.close();
  }
}
