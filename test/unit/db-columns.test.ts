/**
 * A database made before a column was added gets the column when a crawl opens it, so resuming an
 * older crawl works (CREATE TABLE IF NOT EXISTS alone would leave its tables as they were).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openForWrite } from '../../src/store/db.js';
import { tempDbPath } from '../helpers/config.js';
import { LEGACY_META, LEGACY_URLS } from '../helpers/legacy-db.js';
import { packContent, packPage, unpackContent } from '../../src/content-frame.js';

// meta, urls, runs and pages as the first release created them.
const META_AND_URLS = LEGACY_META + LEGACY_URLS;
const OLD_SCHEMA = `${META_AND_URLS}
CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at INTEGER NOT NULL, ended_at INTEGER, status TEXT NOT NULL DEFAULT 'running',
  options TEXT NOT NULL, pages INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0);
CREATE TABLE pages (id INTEGER PRIMARY KEY, url_id INTEGER NOT NULL UNIQUE, url TEXT NOT NULL, final_url TEXT NOT NULL,
  status INTEGER NOT NULL, content_type TEXT NOT NULL, headers TEXT NOT NULL, redirects TEXT, fetched_at INTEGER NOT NULL,
  elapsed_ms INTEGER NOT NULL, depth INTEGER NOT NULL, title TEXT, description TEXT, canonical TEXT, language TEXT, encoding TEXT,
  raw_bytes INTEGER NOT NULL, wire_bytes INTEGER NOT NULL, stored_bytes INTEGER NOT NULL, is_truncated INTEGER NOT NULL DEFAULT 0,
  links_found INTEGER NOT NULL DEFAULT 0, content_hash TEXT, error_code TEXT, error_message TEXT, run_id INTEGER);
INSERT INTO runs (started_at, options, status) VALUES (1, '{}', 'done');
`;

test('columns added since a database was made are added when it is opened for writing', (t) => {
  const path = tempDbPath(t);
  const old = new Database(path);
  old.exec(OLD_SCHEMA);
  old.close();

  const db = openForWrite(path);
  t.after(() => db.close());
  const columns = (table: string) => (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
  assert.deepEqual(columns('runs').slice(-5), ['job', 'job_file', 'pid', 'duplicates', 'queued']);
  assert.ok(columns('pages').includes('fields'));
  assert.deepEqual(db.prepare('SELECT status, duplicates, job FROM runs').get(), { status: 'done', duplicates: 0, job: null });
  // Opening again changes nothing.
  const runColumns = columns('runs').length;
  db.close();
  const again = openForWrite(path);
  assert.equal((again.pragma('table_info(runs)') as unknown[]).length, runColumns);
  again.close();
});

test('a database whose contents table is the older WITHOUT ROWID one still stores and reads pages', (t) => {
  const path = tempDbPath(t);
  const old = new Database(path);
  old.exec(META_AND_URLS);
  old.exec(`CREATE TABLE contents (hash TEXT PRIMARY KEY, codec TEXT NOT NULL, html_bytes INTEGER NOT NULL,
    text_bytes INTEGER NOT NULL, data BLOB NOT NULL) WITHOUT ROWID;`);
  const legacy = packContent(Buffer.from('<p>old page</p>'), 'old page', { codec: 'br', level: 4 });
  old.prepare('INSERT INTO contents VALUES (?, ?, ?, ?, ?)').run('a'.repeat(64), 'br', 15, 8, legacy.data);
  old.close();

  const db = openForWrite(path);
  t.after(() => db.close());
  const body = Buffer.from('<p>new page</p>');
  const fresh = packPage(body, { htmlString: body.toString(), encoding: 'utf-8', text: 'new page' });
  db.prepare('INSERT OR IGNORE INTO contents (hash, codec, html_bytes, text_bytes, data) VALUES (?, ?, ?, ?, ?)')
    .run('b'.repeat(64), fresh.codec, body.length, fresh.textBytes, fresh.data);
  const rows = db.prepare('SELECT codec, html_bytes, data FROM contents ORDER BY hash').all() as Array<{ codec: string; html_bytes: number; data: Uint8Array }>;
  assert.deepEqual(rows.map((r) => unpackContent(r.data, r.codec, r.html_bytes).text), ['old page', 'new page']);
});
