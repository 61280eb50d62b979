/**
 * A crawl that ends leaves one self-contained file in rollback-journal mode (store/settle-file.ts),
 * so it can be read where no `-shm` file can be created: a read-only folder or mount, a user
 * without write access to the folder. The next crawl goes back to WAL and settles it again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

/** Bytes 18 and 19 of a SQLite header: 1 for rollback-journal mode, 2 for WAL. */
function fileFormat(path: string): [number, number] {
  const header = readFileSync(path).subarray(18, 20);
  return [header[0] as number, header[1] as number];
}

test('a finished crawl leaves the database in rollback-journal mode, without -wal or -shm, and the next crawl resumes it', async (t) => {
  const site = await startSite({ '/': page('home', ['/a', '/b']), '/a': page('a'), '/b': page('b'), '/d': page('d') });
  t.after(() => site.close());
  const first = testConfig(t, [site.url('/')], { maxDepth: 1 });
  assert.equal((await runCrawl(first)).status, 'done');
  assert.deepEqual(fileFormat(first.dbPath), [1, 1]);
  assert.equal(existsSync(`${first.dbPath}-wal`), false);
  assert.equal(existsSync(`${first.dbPath}-shm`), false);
  assert.equal(rows<{ n: number }>(first.dbPath, 'SELECT count(*) AS n FROM pages')[0]?.n, 3);

  // The same file with one more seed: WAL again while it runs, settled again at the end.
  const second = testConfig(t, [site.url('/d')], { dbPath: first.dbPath });
  assert.equal((await runCrawl(second)).status, 'done');
  assert.deepEqual(fileFormat(first.dbPath), [1, 1]);
  assert.deepEqual(rows<{ url: string }>(first.dbPath, 'SELECT url FROM pages ORDER BY url').map((r) => r.url), ['/', '/a', '/b', '/d'].map((p) => site.url(p)));
});

test('a reader with the file open when the crawl ends keeps it in WAL mode, and nothing is lost', async (t) => {
  const site = await startSite({ '/': page('home', ['/a']), '/a': page('a') });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  let reader: Database.Database | null = null;
  let rowsRead: IterableIterator<unknown> | null = null;
  const summary = await runCrawl(config, {
    // A reader in the middle of a read when the crawl ends, as a long `crawlite export` in
    // another terminal would be: its open statement holds a read transaction.
    onEvent: () => {
      if (reader !== null) return;
      reader = new Database(config.dbPath, { readonly: true });
      rowsRead = reader.prepare('SELECT url FROM urls').iterate();
      rowsRead.next();
    },
  });
  assert.equal(summary.status, 'done');
  assert.ok(reader !== null && rowsRead !== null, 'the reader was opened during the crawl');
  (rowsRead as IterableIterator<unknown>).return?.();
  const open = reader as Database.Database;
  assert.equal(open.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal((open.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n, 2);
  open.close();
});

test('a crawl started while a long read holds the settled file is refused with CRAWL_STORE_LOCKED naming the read, and the file stays as it was', async (t) => {
  const site = await startSite({ '/': page('home', ['/a']), '/a': page('a'), '/b': page('b') });
  t.after(() => site.close());
  const first = testConfig(t, [site.url('/')]);
  assert.equal((await runCrawl(first)).status, 'done');
  const reader = new Database(first.dbPath, { readonly: true });
  t.after(() => reader.close());
  // An open statement holds a read transaction, as `crawlite export` does for the whole export.
  const reading = reader.prepare('SELECT url FROM urls').iterate();
  reading.next();
  await assert.rejects(runCrawl(testConfig(t, [site.url('/b')], { dbPath: first.dbPath })), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'CRAWL_STORE_LOCKED');
    assert.match(err.message, /held by a long read/);
    return true;
  });
  reading.return?.();
  assert.deepEqual(fileFormat(first.dbPath), [1, 1]);
  // Once the read is over, the same crawl runs.
  assert.equal((await runCrawl(testConfig(t, [site.url('/b')], { dbPath: first.dbPath }))).status, 'done');
  assert.equal(rows<{ n: number }>(first.dbPath, 'SELECT count(*) AS n FROM pages')[0]?.n, 3);
});

test('a reader with the file open but idle when the crawl ends: the crawl is checkpointed into the file, so a copy of the file alone holds it (QA)', async (t) => {
  const site = await startSite({ '/': page('home', ['/a', '/b']), '/a': page('a'), '/b': page('b') });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  let reader: Database.Database | null = null;
  // As `watch crawlite stats` does: the file open, short reads now and then, none at the end.
  await runCrawl(config, {
    onEvent: () => {
      reader ??= new Database(config.dbPath, { readonly: true });
      reader.prepare('SELECT count(*) FROM pages').get();
    },
  });
  assert.ok(reader !== null);
  t.after(() => (reader as Database.Database | null)?.close());
  assert.equal((reader as Database.Database).pragma('journal_mode', { simple: true }), 'wal', 'still WAL: the reader is connected');
  const copy = `${config.dbPath}.copy`;
  copyFileSync(config.dbPath, copy);
  const copied = new Database(copy, { readonly: true });
  t.after(() => copied.close());
  assert.equal((copied.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n, 3);
});
