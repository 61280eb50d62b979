/**
 * A --db naming another application's SQLite file: every command refuses it with one line and
 * leaves its bytes as they were (no journal-mode change, no CREATE, no ALTER); a new file and a
 * database made by an earlier crawlite (no application_id yet) are still opened.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { openForWrite } from '../../src/store/db.js';
import { APPLICATION_ID } from '../../src/store/db-identity.js';
import { tempDbPath } from '../helpers/config.js';
import { assertOneLineError, crawlite } from '../helpers/cli.js';
import { LEGACY_META, LEGACY_URLS } from '../helpers/legacy-db.js';

const REFUSED = /^crawlite: .*app\.db is not a crawlite database \(it holds another application's data\) and was left untouched; .*\[CRAWL_STORE_OPEN\]$/;

const hash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function appDb(t: import('node:test').TestContext, sql: string): string {
  const path = join(dirname(tempDbPath(t)), 'app.db');
  const db = new Database(path);
  db.exec(sql);
  db.close();
  return path;
}

const APPS = {
  // Shares a table name with crawlite: the old code ALTERed it before failing.
  'a pages table of its own': `CREATE TABLE pages (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO pages (name) VALUES ('mine');
    CREATE TABLE users (id, email); INSERT INTO users VALUES (1, 'a@b'); PRAGMA user_version = 7;`,
  // Shares no name: the old code crawled into it, adding ~20 tables.
  'an unrelated notes table': `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('precious');`,
  // A meta(key, value) table with schema_version is not enough to pass for crawlite's.
  'a meta table with schema_version': `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '3');`,
  'another application_id': `PRAGMA application_id = 42; CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta VALUES ('schema_version', '1'); CREATE TABLE urls (id INTEGER PRIMARY KEY);`,
};

for (const [name, sql] of Object.entries(APPS)) {
  test(`crawl, bench, stats and search refuse an application database with ${name}, its bytes unchanged`, async (t) => {
    const path = appDb(t, sql);
    const before = hash(path);
    // Refused before any fetch, so the seed needs no server.
    assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', path, '--no-progress']), 1, REFUSED);
    assert.equal(hash(path), before, 'crawl left the file as it was');
    assertOneLineError(await crawlite(['bench', '--db', path, '--pages', '5', '--workers', '0']), 1, REFUSED);
    assert.equal(hash(path), before, 'bench did not replace the file');
    assertOneLineError(await crawlite(['stats', '--db', path]), 1, /\[CRAWL_STORE_OPEN\]$/);
    assert.equal(hash(path), before, 'stats left the file as it was');
    // QA: search called such a file one "made by an older crawlite".
    assertOneLineError(await crawlite(['search', '--db', path, 'precious']), 1, /^crawlite: cannot read .*app\.db as a crawlite database: it holds another application's data; pass --db the file a crawl wrote \(.*\) \[CRAWL_STORE_OPEN\]$/);
    assert.equal(hash(path), before, 'search left the file as it was');
    assert.deepEqual(readdirSync(dirname(path)), ['app.db'], 'no -wal, -shm or journal left beside it');
  });
}

test('bench refuses to delete a --db that is not a SQLite file at all', async (t) => {
  const path = join(dirname(tempDbPath(t)), 'app.db');
  writeFileSync(path, 'my notes, not a database\n'.repeat(20));
  assertOneLineError(await crawlite(['bench', '--db', path, '--pages', '5', '--workers', '0']), 1, /^crawlite: cannot replace .*app\.db: file is not a database; .*\[CRAWL_STORE_OPEN\]$/);
  assert.equal(readFileSync(path, 'utf8'), 'my notes, not a database\n'.repeat(20));
});

test('a new database is stamped with crawlite\'s application_id, and one from an earlier crawlite is opened and stamped', (t) => {
  const fresh = openForWrite(tempDbPath(t));
  assert.equal(fresh.pragma('application_id', { simple: true }), APPLICATION_ID);
  fresh.close();

  const path = appDb(t, `${LEGACY_META}${LEGACY_URLS}
    INSERT INTO urls (url, host, depth, state, discovered_at, updated_at) VALUES ('https://a.test/', 'https://a.test:443', 0, 'done', 1, 1);`);
  const legacy = openForWrite(path);
  t.after(() => legacy.close());
  assert.equal(legacy.pragma('application_id', { simple: true }), APPLICATION_ID);
  assert.equal((legacy.prepare('SELECT count(*) AS n FROM urls').get() as { n: number }).n, 1);
});

test('search of an empty file says it is no crawlite database (QA)', async (t) => {
  const path = join(dirname(tempDbPath(t)), 'empty.db');
  writeFileSync(path, '');
  assertOneLineError(await crawlite(['search', '--db', path, 'x']), 1, /^crawlite: cannot read .*empty\.db as a crawlite database: it has no tables; pass --db the file a crawl wrote \(.*\) \[CRAWL_STORE_OPEN\]$/);
});

test('a database made by a newer crawlite (a higher schema_version) is refused untouched by a crawl, and still read by stats', async (t) => {
  // QA: an older crawlite crawled into it without a word, its own columns beside the newer ones.
  const path = join(dirname(tempDbPath(t)), 'newer.db');
  openForWrite(path).close();
  const db = new Database(path);
  db.prepare("UPDATE meta SET value = '7' WHERE key = 'schema_version'").run();
  db.pragma('journal_mode = DELETE');
  db.close();
  const before = hash(path);
  const refused = /^crawlite: .*newer\.db was made by a newer crawlite \(schema 7; this one knows up to 1\) and was left untouched; upgrade crawlite, or pass --db a new file \[CRAWL_STORE_OPEN\]$/;
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', path, '--no-progress']), 1, refused);
  assert.equal(hash(path), before, 'crawl left the file as it was');
  const stats = await crawlite(['stats', '--db', path]);
  assert.equal(stats.code, 0, stats.stderr);
  assert.equal(hash(path), before, 'stats left the file as it was');
});
