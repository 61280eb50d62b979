/**
 * The WAL checkpoints that a crawl runs on a thread of its own (store/checkpointer.ts), round 19:
 * what a checkpoint copies is in the database file itself (a copy of the file without its -wal
 * holds it), a file that another file has replaced at the path is left alone, close() waits for a
 * checkpoint under way and leaves no connection that would keep the crawl from settling its file,
 * and a crawl's file ends settled and whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Checkpointer } from '../../src/store/checkpointer.js';
import { openForWrite } from '../../src/store/db.js';
import { settleForReaders } from '../../src/store/settle-file.js';
import { runCrawl } from '../../src/crawl.js';
import { tempDir, testConfig } from '../helpers/config.js';
import { page, startSite } from '../helpers/site.js';

/** A WAL database whose rows are all still in its -wal (SQLite's own checkpoint off). */
function walOnly(path: string, rows: number): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(500));
  })();
  return db;
}

/** Rows in the database file alone, as a `cp crawl.db` without its -wal would have them. */
function rowsInFileAlone(path: string, dir: string): number {
  const copy = join(dir, `alone-${Math.random().toString(36).slice(2)}.db`);
  copyFileSync(path, copy);
  const db = new Database(copy, { readonly: true });
  try {
    const hasTable = db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 't'").pluck().get() === 1;
    return hasTable ? (db.prepare('SELECT count(*) FROM t').pluck().get() as number) : 0;
  } finally {
    db.close();
  }
}

test('a checkpoint on the thread puts the WAL\'s rows into the database file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'a.db');
  const db = walOnly(path, 300);
  t.after(() => db.close());
  assert.equal(rowsInFileAlone(path, dir), 0);
  const checkpointer = new Checkpointer(path);
  checkpointer.committed();
  await checkpointer.close(); // waits for the checkpoint asked for
  assert.equal(rowsInFileAlone(path, dir), 300);
});

test('a file moved over the crawl\'s path is not checkpointed', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'a.db');
  const db = walOnly(path, 10);
  t.after(() => db.close());
  const checkpointer = new Checkpointer(path);
  // Another database, its rows in its -wal too, takes the path (and its -wal the -wal's).
  const other = walOnly(join(dir, 'b.db'), 50);
  t.after(() => other.close());
  renameSync(join(dir, 'b.db'), path);
  renameSync(join(dir, 'b.db-wal'), `${path}-wal`);
  renameSync(join(dir, 'b.db-shm'), `${path}-shm`);
  checkpointer.committed();
  await checkpointer.close();
  assert.equal(rowsInFileAlone(path, dir), 0);
});

test('after close() no connection of the thread keeps the file in WAL mode', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'crawl.db');
  const db = openForWrite(path);
  t.after(() => db.close());
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)');
  const checkpointer = new Checkpointer(path);
  for (let i = 0; i < 5; i++) {
    db.prepare('INSERT INTO t (v) VALUES (?)').run('y'.repeat(3000));
    checkpointer.committed();
  }
  await checkpointer.close();
  await checkpointer.close(); // twice is harmless
  assert.equal(settleForReaders(db), 'journal');
  assert.equal(existsSync(`${path}-wal`), false);
});

test('a crawl ends with its file settled and every page in it', async (t) => {
  const routes: Record<string, string> = {};
  const count = 120;
  for (let i = 0; i < count; i++) {
    const links = [`/p/${(i * 7 + 1) % count}`, `/p/${(i * 13 + 5) % count}`, `/p/${i + 1 < count ? i + 1 : 0}`];
    routes[`/p/${i}`] = page(`page ${i}`, links, ' words'.repeat(2000));
  }
  routes['/'] = page('home', ['/p/0']);
  const site = await startSite(routes);
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  assert.equal(existsSync(`${config.dbPath}-wal`), false);
  const db = new Database(config.dbPath, { readonly: true });
  try {
    assert.equal(db.prepare('SELECT count(*) FROM pages').pluck().get(), count + 1);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'delete');
  } finally {
    db.close();
  }
});
