/**
 * Opening the database: pragmas, schema, and the read-only connections that readers use.
 * Only store/writer.ts opens a write connection (openForWrite); everything else uses openReadOnly.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from '../errors.js';
import { addMissingColumns } from './add-columns.js';

export type Db = Database.Database;

export const SCHEMA_VERSION = 1;

/**
 * urls is the frontier and the record of every URL the crawl met, including those it skipped or
 * failed (error_code, error_message). pages holds one row per stored response, keyed by the URL
 * the response was finally served from, so a page reached by a seed, two links and a redirect is
 * stored once. contents holds compressed bodies by hash, so identical bodies are stored once.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  status TEXT NOT NULL DEFAULT 'running',
  options TEXT NOT NULL,
  pages INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS urls (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  host TEXT NOT NULL,
  depth INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued','fetching','done','failed','skipped','redirected')),
  parent_id INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  error_code TEXT,
  error_message TEXT,
  redirect_to TEXT,
  discovered_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  run_id INTEGER,
  recrawl_id INTEGER
);
CREATE INDEX IF NOT EXISTS urls_ready ON urls (state, depth, id);
CREATE INDEX IF NOT EXISTS urls_error ON urls (error_code) WHERE error_code IS NOT NULL;

CREATE TABLE IF NOT EXISTS contents (
  hash TEXT PRIMARY KEY,
  codec TEXT NOT NULL,
  html_bytes INTEGER NOT NULL,
  text_bytes INTEGER NOT NULL,
  data BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS pages (
  id INTEGER PRIMARY KEY,
  url_id INTEGER NOT NULL UNIQUE REFERENCES urls(id),
  url TEXT NOT NULL,
  final_url TEXT NOT NULL,
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  headers TEXT NOT NULL,
  redirects TEXT,
  fetched_at INTEGER NOT NULL,
  elapsed_ms INTEGER NOT NULL,
  depth INTEGER NOT NULL,
  title TEXT,
  description TEXT,
  canonical TEXT,
  language TEXT,
  encoding TEXT,
  raw_bytes INTEGER NOT NULL,
  wire_bytes INTEGER NOT NULL,
  stored_bytes INTEGER NOT NULL,
  is_truncated INTEGER NOT NULL DEFAULT 0,
  links_found INTEGER NOT NULL DEFAULT 0,
  content_hash TEXT REFERENCES contents(hash),
  error_code TEXT,
  error_message TEXT,
  run_id INTEGER,
  recrawl_id INTEGER,
  recrawl_status TEXT
);
CREATE INDEX IF NOT EXISTS pages_fetched ON pages (fetched_at);

CREATE TABLE IF NOT EXISTS links (
  page_id INTEGER NOT NULL REFERENCES pages(id),
  to_url TEXT NOT NULL,
  anchor TEXT NOT NULL,
  in_scope INTEGER NOT NULL,
  is_nofollow INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS links_from ON links (page_id);

-- Recrawls (store/recrawl.ts): one row per --recrawl pass; the one with ended_at NULL is in
-- progress and a later run continues it. urls.recrawl_id marks the URLs it requeued, and
-- pages.recrawl_id/recrawl_status what it found (unchanged, changed, gone).
CREATE TABLE IF NOT EXISTS recrawls (
  id INTEGER PRIMARY KEY,
  run_id INTEGER,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  queued INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS pages_recrawl ON pages (recrawl_id, recrawl_status);

-- Full-text search (search/): contentless (the text lives once, compressed, in contents), with
-- per-column detail only, so the index stays a small fraction of the raw HTML. rowid = pages.id.
CREATE VIRTUAL TABLE IF NOT EXISTS page_search USING fts5(
  title, text, content='', contentless_delete=1, detail=column, tokenize='unicode61 remove_diacritics 2'
);

-- --archive (store/archive.ts): a page's body as received, when a content-coding was removed
-- from it (contents holds the decoded body). For byte-exact WARC export.
CREATE TABLE IF NOT EXISTS archive (
  page_id INTEGER PRIMARY KEY,
  content_encoding TEXT NOT NULL,
  body BLOB NOT NULL
);
`;

function ensureDir(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
}

/** Opens (creating if needed) the database for the single writer. */
export function openForWrite(path: string): Db {
  let db: Db;
  try {
    if (path !== ':memory:') ensureDir(path);
    db = new Database(path);
  } catch (err) {
    throw new StoreError('CRAWL_STORE_OPEN', `cannot open database ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode is durable against process crashes (only a power loss can drop the last
    // commits), which is the durability a resumable crawl needs, at a fraction of FULL's fsyncs.
    db.pragma('synchronous = NORMAL');
    // Another writer holding the lock is reported instead of waited on forever.
    db.pragma('busy_timeout = 2000');
    db.pragma('foreign_keys = OFF');
    addMissingColumns(db);
    db.exec(SCHEMA);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
  } catch (err) {
    db.close();
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new StoreError('CRAWL_STORE_LOCKED', `database ${path} is in use by another crawl`, { cause: err });
    }
    throw new StoreError('CRAWL_STORE_OPEN', `cannot use database ${path}: ${(err as Error).message}`, { cause: err });
  }
  return db;
}

/** Opens an existing database read-only; works while a crawl is writing (WAL). */
export function openReadOnly(path: string): Db {
  if (!existsSync(path)) {
    throw new StoreError('CRAWL_STORE_MISSING', `no database at ${path} (run a crawl first, or pass --db)`);
  }
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    return db;
  } catch (err) {
    throw new StoreError('CRAWL_STORE_OPEN', `cannot open database ${path}: ${(err as Error).message}`, { cause: err });
  }
}
