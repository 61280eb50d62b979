/**
 * Opening the database: pragmas, schema, and the read-only connections that readers use.
 * A crawl opens its one write connection here (openForWrite, called by crawl.ts and handed to the
 * Writer, which serializes every write through it); everything else uses openReadOnly.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { StoreError, isCrawlError } from '../errors.js';
import { addMissingColumns } from './add-columns.js';
import { APPLICATION_ID, SCHEMA_VERSION, describeUnreadable, foreignDbError, hasTextLinkTargets, identifyDb, newerSchema, newerSchemaError, textLinkTargetsError } from './db-identity.js';
import { corruptError } from './store-corrupt.js';
import { isStoreFull } from './store-full.js';
import { newDbTempPath, placeNew, removeStaleDbTemps } from './db-temps.js';
import { makeDirs } from '../make-dirs.js';
import { whyNotReachable, whyNotReadable, whyNotWritable } from './open-failure.js';

export type Db = Database.Database;

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
  failures INTEGER NOT NULL DEFAULT 0,
  job TEXT,
  job_file TEXT,
  pid INTEGER,
  duplicates INTEGER NOT NULL DEFAULT 0,
  queued INTEGER
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
  due_at INTEGER,
  recrawl_id INTEGER
);
CREATE INDEX IF NOT EXISTS urls_ready ON urls (state, depth, id);
-- The queue by host (store/claim-urls.ts): which hosts have queued URLs, and each one's
-- shallowest, without walking the URLs of a host that is full.
CREATE INDEX IF NOT EXISTS urls_queued_host ON urls (host, depth, id) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS urls_error ON urls (error_code) WHERE error_code IS NOT NULL;
-- Only URLs waiting for a retry (or for their host's robots.txt) are in this index.
CREATE INDEX IF NOT EXISTS urls_due ON urls (due_at) WHERE state = 'queued' AND due_at IS NOT NULL;

-- A rowid table, not WITHOUT ROWID (as files made before issue 6 have it; both work): a WITHOUT
-- ROWID row lives in an index b-tree, so every ~20 KB body went in at a random hash position
-- among leaves holding ~500 bytes of it each, dirtying old pages and splitting leaves half
-- empty; here bodies are appended at the end and only the small hash index is random.
-- Measured: 0.21 -> 0.13 ms CPU per body inserted, and 0.6 % of the raw HTML less on the bench.
CREATE TABLE IF NOT EXISTS contents (
  hash TEXT PRIMARY KEY NOT NULL,
  codec TEXT NOT NULL,
  html_bytes INTEGER NOT NULL,
  text_bytes INTEGER NOT NULL,
  data BLOB NOT NULL
);

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
  fields TEXT,
  robots TEXT,
  refresh_url TEXT,
  is_links_capped INTEGER NOT NULL DEFAULT 0,
  recrawl_id INTEGER,
  recrawl_status TEXT,
  -- SHA-256 of a body that is not kept (content_hash null: noindex, non-HTML), so a recrawl can
  -- still tell unchanged from changed.
  body_hash TEXT
);
CREATE INDEX IF NOT EXISTS pages_fetched ON pages (fetched_at);

-- Targets are urls rows (every link target has one, followed or not), so a link costs a few
-- bytes instead of its URL text; WITHOUT ROWID clusters a page's links without a second index.
CREATE TABLE IF NOT EXISTS links (
  page_id INTEGER NOT NULL REFERENCES pages(id),
  to_url_id INTEGER NOT NULL REFERENCES urls(id),
  anchor TEXT NOT NULL,
  in_scope INTEGER NOT NULL,
  is_nofollow INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (page_id, to_url_id)
) WITHOUT ROWID;

-- The link graph with URLs spelled out, for queries and exports.
CREATE VIEW IF NOT EXISTS link_edges AS
  SELECT l.page_id, p.final_url AS from_url, u.url AS to_url, l.anchor, l.in_scope, l.is_nofollow
  FROM links l JOIN pages p ON p.id = l.page_id JOIN urls u ON u.id = l.to_url_id;

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


-- --archive (store/archive.ts): a page's body as received, when a content-coding was removed
-- from it (contents holds the decoded body). For byte-exact WARC export.
CREATE TABLE IF NOT EXISTS archive (
  page_id INTEGER PRIMARY KEY,
  content_encoding TEXT NOT NULL,
  body BLOB NOT NULL
);
`;

function ensureDir(path: string): void {
  makeDirs(dirname(path));
}

const WRITABLE_HINT = 'pass --db a writable file path (a new file, or a crawlite database)';

/**
 * The bytes stored, for `crawlite stats` and `report`: SUM(length(data)) is answered from this
 * index instead of reading every leaf of the biggest table (713 MB at 1,000,000 small pages:
 * 0.5 s of CPU, 1.5 s of system time). It costs the writer ~0.01 ms a body (bench/writer.mjs
 * --search, alternated: 0.456-0.467 -> 0.468-0.480 ms a page). Made with a new file only: on an
 * existing one it would be built by the next crawl before its first fetch (13 s at 1,000,000
 * pages), for a figure of `stats`; docs/data.md (`crawlite stats`) says how to add it by hand.
 */
const NEW_FILE_SCHEMA = 'CREATE INDEX IF NOT EXISTS contents_bytes ON contents (length(data));';

/**
 * Every writer commit flushes FTS5's pending words into a new segment, and FTS5 merges segments
 * once this many of one level exist (its default is 4). Merging 16 at a time rewrites each entry
 * about half as often over a crawl (log16 instead of log4 of the segments), at the price of up to
 * 15 segments a level for a query to look in: bench/writer.mjs --search 0.69-0.71 -> 0.64-0.67 ms
 * a page (alternated runs under shared load). A setting of the table (its _config row), so it
 * stays with the file; files made earlier keep FTS5's default.
 */
export const SEARCH_AUTOMERGE = 16;

/**
 * FTS5 merges a level at once, inside the commit that brings it to this many segments (its
 * `crisismerge`, default 16). With automerge also 16, every merge was such a crisis merge instead
 * of the incremental one automerge does a little of at each commit: each commit that filled a
 * level rewrote all of it, a level 16 times larger than the one below. In a crawl, one commit in
 * 256 (~4,000 pages) took 40-60 ms more and one in 4,096 (~65,000 pages) over a second of CPU,
 * with the crawl's main thread (and so both parse threads) waiting; the next, at ~1,000,000 pages,
 * would take 16 times that. Above automerge, levels are merged 16 segments at a time, a share at
 * each commit: 5,000 commits of 16 bench pages' words, the longest 1,218 -> 42 ms of CPU, all of
 * them 0.12 -> 0.11 ms a page. A query may find up to ~30 segments instead of ~20 (one word's
 * lookup 0.07 -> 0.14 ms on an index of 80,000 pages); the crisis merge stays as FTS5's bound.
 */
export const SEARCH_CRISISMERGE = 64;

/**
 * Full-text search (search/), in two contentless FTS5 tables (the text lives once, compressed,
 * in contents) that keep only which pages hold a word (detail=none): page_words has every word
 * of a page's title and text, page_titles those of its title, for ranking. rowid = pages.id.
 * One table with title and text columns and detail=column was 2.7 % of the raw HTML on the bench
 * site; these are 1.0 %.
 */
const SEARCH_SCHEMA = `
CREATE VIRTUAL TABLE page_words USING fts5(
  words, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE page_titles USING fts5(
  title, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO page_words (page_words, rank) VALUES ('automerge', ${SEARCH_AUTOMERGE});
INSERT INTO page_titles (page_titles, rank) VALUES ('automerge', ${SEARCH_AUTOMERGE});
INSERT INTO page_words (page_words, rank) VALUES ('crisismerge', ${SEARCH_CRISISMERGE});
INSERT INTO page_titles (page_titles, rank) VALUES ('crisismerge', ${SEARCH_CRISISMERGE});
`;

/**
 * Which full-text tables a database has: 'words' (page_words and page_titles), 'columns' (the
 * page_search table with title and text columns and detail=column, made before 0.2 and still
 * kept and searched in such files), or null (made before search existed, or not yet set up).
 */
export function searchLayout(db: Db): 'words' | 'columns' | null {
  const names = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE name IN ('page_words', 'page_search')").all();
  if (names.some((r) => r.name === 'page_search')) return 'columns';
  return names.length > 0 ? 'words' : null;
}

/**
 * Opens (creating if needed) the database for the single writer. A file with another
 * application's tables is refused before anything is written to it.
 */
export function openForWrite(path: string): Db {
  let db: Db;
  refuseNonFile(path);
  try {
    if (path !== ':memory:') {
      ensureDir(path);
      // Temporary databases of crawls on this path that died before naming them (db-temps.ts).
      removeStaleDbTemps(path);
      if (!existsSync(path)) createDbFile(path);
    }
    db = new Database(path);
  } catch (err) {
    if (isCrawlError(err)) throw err;
    throw new StoreError('CRAWL_STORE_OPEN', `cannot open database ${path}: ${whyNotWritable(path, err)}; ${WRITABLE_HINT}`, { cause: err });
  }
  try {
    // Another writer holding the lock is reported instead of waited on forever; a reader of a
    // settled (rollback-journal) file blocks the switch to WAL below only while it reads.
    db.pragma('busy_timeout = 2000');
    const kind = identifyDb(db);
    if (kind === 'foreign') throw foreignDbError(path);
    const newer = kind === 'empty' ? null : newerSchema(db, SCHEMA_VERSION);
    if (newer !== null) throw newerSchemaError(path, newer, SCHEMA_VERSION);
    if (kind === 'legacy' && hasTextLinkTargets(db)) throw textLinkTargetsError(path);
    // An empty file (made by hand, or by a crawlite before new files were made whole beside the
    // path) is set up in place, as it always was.
    if (kind === 'empty') db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode is durable against process crashes (only a power loss can drop the last
    // commits), which is the durability a resumable crawl needs, at a fraction of FULL's fsyncs.
    db.pragma('synchronous = NORMAL');
    // SQLite checkpoints every 1,000 WAL pages by default: with 2 KiB pages that is every ~2 MB,
    // i.e. every few dozen stored pages, each with an fsync. 16 MB between checkpoints.
    db.pragma('wal_autocheckpoint = 8000');
    // A batch writes ~1.5 MB of compressed pages plus index pages; SQLite's default 2 MB cache
    // would spill dirty pages to the WAL mid-transaction and re-read the urls index from the file.
    // 8 MB, not 16: the cache fills with blobs already committed, which are never read again, and
    // the bench's peak RSS sat at 236-247 MB against its 250 MB bound (235-237 with 8 MB, in
    // alternating runs, CPU per page the same).
    db.pragma('cache_size = -8000');
    db.pragma('foreign_keys = OFF');
    // The whole setup is one transaction: a second crawl started at the same moment waits for it
    // (busy_timeout) and then finds the file whole, and is refused by the writer's lock. Run
    // statement by statement, it could read the stamp of a file whose meta table did not exist
    // yet: "cannot use database: no such table: meta" instead of "in use by another crawl" (QA,
    // two crawls started at once on a loaded host).
    db.transaction(() => setUpSchema(db, path)).immediate();
  } catch (err) {
    db.close();
    throw setupError(path, err);
  }
  return db;
}

/**
 * Compressed pages are stored as ~20 KB blobs whose last overflow page is on average half empty:
 * 2 KiB pages halve that slack (9.5 % -> 4.6 % of the blob bytes, measured on the bench site).
 * Set before the first table (and WAL).
 */
const PAGE_SIZE = 2048;

/** Crawlite's tables, stamp and schema version, in a file that is empty, legacy or crawlite's; inside a transaction. */
function setUpSchema(db: Db, path: string): void {
  // Again, inside: another process may have set the file up since the first look.
  const current = identifyDb(db);
  if (current === 'foreign') throw foreignDbError(path);
  const newerNow = current === 'empty' ? null : newerSchema(db, SCHEMA_VERSION);
  if (newerNow !== null) throw newerSchemaError(path, newerNow, SCHEMA_VERSION);
  // Stamped before the first table, so a file with crawlite's tables always says whose it is.
  if (current === 'empty' || current === 'legacy') db.pragma(`application_id = ${APPLICATION_ID}`);
  addMissingColumns(db);
  db.exec(SCHEMA);
  if (current === 'empty') db.exec(NEW_FILE_SCHEMA);
  if (searchLayout(db) === null) db.exec(SEARCH_SCHEMA);
  // Read first: a write here, before the writer checks the lock, would be a commit under a
  // live crawl's feet on a file it is about to be refused.
  if (!db.prepare("SELECT 1 FROM meta WHERE key = 'schema_version'").get()) {
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
  }
}

/**
 * A new database is set up whole under a temporary name beside `path` and then linked to it, so
 * the path never names a file that is not a whole crawlite database. Set up in place, a disk that
 * filled during the setup left an empty `crawl.db` (or a header with a `-wal` and `-shm`), which
 * the next run took as a crawl to continue: "data/crawl.db has none" (QA). A second crawl creating
 * the same path at the same moment finds the name taken and opens the first one's file, whose lock
 * then refuses it. A kill midway leaves only the temporary file, removed by the next crawl.
 */
function createDbFile(path: string): void {
  const temp = newDbTempPath(path);
  try {
    let db: Db;
    try {
      db = new Database(temp);
    } catch (err) {
      throw new StoreError('CRAWL_STORE_OPEN', `cannot open database ${path}: ${whyNotWritable(path, err)}; ${WRITABLE_HINT}`, { cause: err });
    }
    try {
      db.pragma(`page_size = ${PAGE_SIZE}`);
      // No journal file beside it (a file to clean up after a kill): a failed setup discards the whole file.
      db.pragma('journal_mode = MEMORY');
      // Its bytes on the disk before its name: the link below must not name a file a power cut could leave empty.
      db.pragma('synchronous = FULL');
      db.transaction(() => setUpSchema(db, path)).immediate();
    } catch (err) {
      throw setupError(path, err);
    } finally {
      db.close();
    }
    placeNew(temp, path);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // renamed into place, or never made
    }
  }
}

/**
 * What a failure to set up (or, for `crawl` without URLs, to look into) a database means, as one
 * coded error: damaged, disk full, locked, or a file that cannot be used at all.
 */
export function setupError(path: string, err: unknown): Error {
  if (isCrawlError(err)) return err;
  const code = (err as { code?: string }).code;
  if (code?.startsWith('SQLITE_CORRUPT')) return corruptError(path, err);
  // Not a path to change, as WRITABLE_HINT would say (QA): the file is fine once there is room.
  if (isStoreFull(err)) {
    return new StoreError('CRAWL_STORE_WRITE', `cannot set up database ${path}: the disk is full; free some space, then run the crawl again`, { cause: err });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreError('CRAWL_STORE_LOCKED', `database ${path} is in use by another crawl, or held by a long read (an export, sqlite3); wait for it or use --db`, { cause: err });
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN') {
    return new StoreError('CRAWL_STORE_OPEN', `cannot open database ${path}: ${whyNotWritable(path, err)}; ${WRITABLE_HINT}`, { cause: err });
  }
  return new StoreError('CRAWL_STORE_OPEN', `cannot use database ${path}: ${(err as Error).message}; ${WRITABLE_HINT}`, { cause: err });
}

/**
 * Runs `read` on a read-only connection inside one read transaction, so every figure it reads
 * comes from the same snapshot while a crawl writes; a file that is not a crawlite database is
 * CRAWL_STORE_OPEN rather than a bare SQLite error.
 */
export function readSnapshot<T>(path: string, read: (db: Db) => T): T {
  const db = openReadOnly(path);
  try {
    return db.transaction(() => read(db))();
  } catch (err) {
    // NOTADB on the first read is a file that is no database at all: CRAWL_STORE_OPEN below.
    if ((err as { code?: string }).code?.startsWith('SQLITE_CORRUPT')) throw corruptError(path, err);
    if ((err as { code?: string }).code?.startsWith('SQLITE_')) {
      throw new StoreError('CRAWL_STORE_OPEN', `cannot read ${path} as a crawlite database: ${describeUnreadable(db, err)}`, { cause: err });
    }
    throw err;
  } finally {
    db.close();
  }
}

/**
 * SQLite opens a directory and then reports a bare "disk I/O error" (or "unable to open database
 * file") on the first read: say what is wrong instead. Likewise anything else that is no regular
 * file: a device read as an empty database ("it has no tables"), a crawl into one failed with
 * "disk I/O error" leaving a -journal file beside it, opening a FIFO waited for a writer forever,
 * and `bench --db /dev/null` deleted the device, as an empty database to replace, and put a
 * regular file in its place (QA).
 */
export function refuseNonFile(path: string): void {
  let stat: Stats | undefined;
  try {
    stat = statSync(path);
  } catch {
    // Missing, or not reachable (ENOTDIR, EACCES): opening it says why, in its own words.
  }
  if (stat?.isDirectory()) {
    throw new StoreError('CRAWL_STORE_OPEN', `cannot open database ${path}: it is a directory; pass --db a crawlite database file (e.g. ${join(path, 'crawl.db')})`);
  }
  if (stat !== undefined && !stat.isFile()) {
    const what = stat.isCharacterDevice() ? 'a character device' : stat.isBlockDevice() ? 'a block device' : stat.isFIFO() ? 'a FIFO' : stat.isSocket() ? 'a socket' : 'not a regular file';
    throw new StoreError('CRAWL_STORE_OPEN', `cannot open database ${path}: it is ${what}, not a file; pass --db a crawlite database file`);
  }
}

/**
 * What opening `path` for writing would refuse about the path itself (its folder a file, a folder
 * that cannot be made or written, a file that may not be written), in the same words, without
 * opening it: for `bench`, which said "serving 1000 generated pages" and started its site before
 * the crawl's open refused `--db notes.txt/x.db` (QA 19). Makes the missing folders, as the open would.
 */
export function refuseUnwritablePath(path: string): void {
  refuseNonFile(path);
  try {
    ensureDir(path);
  } catch (err) {
    throw new StoreError('CRAWL_STORE_OPEN', `cannot open database ${path}: ${whyNotWritable(path, err)}; ${WRITABLE_HINT}`, { cause: err });
  }
  // Asked as SQLite's "unable to open" is: a reason only where the file system shows one.
  const cantOpen = Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' });
  const why = whyNotWritable(path, cantOpen);
  if (why !== cantOpen.message) throw new StoreError('CRAWL_STORE_OPEN', `cannot open database ${path}: ${why}; ${WRITABLE_HINT}`);
  refuseUncreatable(path);
}

/**
 * access(2) allows root everything, so `bench --db /sys/x.db` passed the checks above, served its
 * site and only then failed in SQLite's open (QA 21): where the file system itself refuses (sysfs,
 * procfs, a read-only bind mount seen as writable), only making the file tells. A file made here
 * is removed again; an existing one is opened for writing and left as it is.
 */
function refuseUncreatable(path: string): void {
  const isNew = !existsSync(path);
  try {
    closeSync(openSync(path, isNew ? 'wx' : 'r+'));
  } catch (err) {
    const failure = err as NodeJS.ErrnoException;
    const reason = failure.code === 'EACCES' || failure.code === 'EPERM' ? 'permission denied' : (/^[A-Z0-9_]+: ([^,]+)/.exec(failure.message)?.[1] ?? failure.message);
    throw new StoreError('CRAWL_STORE_OPEN', `cannot open database ${path}: ${isNew ? 'it cannot be created' : 'it cannot be written'} there (${reason}); ${WRITABLE_HINT}`, { cause: err });
  }
  if (isNew) unlinkSync(path);
}

/** Opens an existing database read-only; works while a crawl is writing (WAL). */
export function openReadOnly(path: string): Db {
  const unreachable = whyNotReachable(path);
  if (unreachable !== null) throw new StoreError('CRAWL_STORE_OPEN', `cannot open database ${path}: ${unreachable}`);
  if (!existsSync(path)) {
    throw new StoreError('CRAWL_STORE_MISSING', `no database at ${path} (run a crawl first, or pass --db)`);
  }
  refuseNonFile(path);
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    // A first read, which opens a WAL file's -shm: failing here is about reaching the file, while a
    // failure of the caller's own read says what the file is (not a database, another application's).
    db.prepare('SELECT 1 FROM sqlite_schema LIMIT 1').get();
    return db;
  } catch (err) {
    const why = whyNotReadable(path, err);
    if (db !== undefined && why === null) return db;
    db?.close();
    throw new StoreError('CRAWL_STORE_OPEN', `cannot open database ${path}: ${why ?? (err as Error).message}`, { cause: err });
  }
}
