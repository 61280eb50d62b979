import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openForWrite } from '../../src/store/db.js';
import { tempDbPath } from '../helpers/config.js';
import { LEGACY_META } from '../helpers/legacy-db.js';

test('a database made before the recrawl and body_hash columns existed opens and gains them, rows intact', (t) => {
  const path = tempDbPath(t);
  const old = new Database(path);
  old.exec(LEGACY_META);
  old.exec(`
    CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, host TEXT NOT NULL, depth INTEGER NOT NULL, state TEXT NOT NULL,
      parent_id INTEGER, attempts INTEGER NOT NULL DEFAULT 0, error_code TEXT, error_message TEXT, redirect_to TEXT,
      discovered_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, run_id INTEGER);
    CREATE TABLE pages (id INTEGER PRIMARY KEY, url_id INTEGER NOT NULL UNIQUE, url TEXT NOT NULL, final_url TEXT NOT NULL, status INTEGER NOT NULL,
      content_type TEXT NOT NULL, headers TEXT NOT NULL, redirects TEXT, fetched_at INTEGER NOT NULL, elapsed_ms INTEGER NOT NULL, depth INTEGER NOT NULL,
      title TEXT, description TEXT, canonical TEXT, language TEXT, encoding TEXT, raw_bytes INTEGER NOT NULL, wire_bytes INTEGER NOT NULL,
      stored_bytes INTEGER NOT NULL, is_truncated INTEGER NOT NULL DEFAULT 0, links_found INTEGER NOT NULL DEFAULT 0, content_hash TEXT,
      error_code TEXT, error_message TEXT, run_id INTEGER);
    INSERT INTO urls (url, host, depth, state, discovered_at, updated_at) VALUES ('https://a.test/', 'https://a.test:443', 0, 'done', 1, 1);
  `);
  old.close();
  const db = openForWrite(path);
  t.after(() => db.close());
  const columns = (table: string) => db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((c) => c.name);
  assert.equal(columns('urls').at(-1), 'recrawl_id');
  assert.deepEqual(columns('pages').slice(-3), ['recrawl_id', 'recrawl_status', 'body_hash']);
  assert.equal((db.prepare('SELECT count(*) AS n FROM urls').get() as { n: number }).n, 1);
});
