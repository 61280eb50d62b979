/**
 * Durability, round 17, by real processes on real files. What a crawl does when its database file
 * is taken from under it: SQLite keeps writing an open file whose name is gone, so a crawl whose
 * file was deleted mid-way ran to its end, printed "crawl done: N pages stored", exit 0, and the
 * kernel freed the file, and every page in it, when the crawl closed it. And what a read held
 * open in another process does to the crawl's WAL: it keeps it growing, and keeps the end of the
 * crawl out of the file, which the crawl did not say.
 */
import { test, type TestContext } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { startSite, page, type Route, type TestSite } from '../helpers/site.js';
import { tempDbPath, testConfig } from '../helpers/config.js';
import { runCrawl } from '../../src/crawl.js';
import { countPages, crawlite, whenPages } from '../helpers/cli.js';

const PAGES = 80;

/** '/' links /p/1../p/80, each a little slow, so a crawl at concurrency 2 lasts a few seconds. */
function routes(): Record<string, Route> {
  const r: Record<string, Route> = {};
  const all = Array.from({ length: PAGES }, (_, i) => i + 1);
  r['/'] = page('home', all.map((j) => `/p/${j}`));
  for (const j of all) r[`/p/${j}`] = { body: page(`p${j}`), delayMs: 40 };
  return r;
}

function crawlArgs(seed: string, db: string): string[] {
  return ['crawl', seed, '--db', db, '--concurrency', '2', '--per-host', '2', '--quiet'];
}

/** A crawl of routes() into a new file; `act` runs once 5 pages are committed. `seen` is the count then (-1: never). */
async function crawlActingAt5(t: TestContext, act: (info: { child: ChildProcess; dbPath: string; site: TestSite; pages: number }) => void) {
  const site = await startSite(routes());
  t.after(() => site.close());
  const dbPath = tempDbPath(t);
  let seen = -1;
  const run = await crawlite(crawlArgs(site.url('/'), dbPath), {
    onSpawn: (child) => whenPages(child, dbPath, 5, (pages) => {
      seen = pages;
      act({ child, dbPath, site, pages });
    }),
  });
  return { site, dbPath, run, seen };
}

function readDb(path: string) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      pages: db.prepare('SELECT count(*) FROM pages').pluck().get() as number,
      distinct: db.prepare('SELECT count(DISTINCT url_id) FROM pages').pluck().get() as number,
      unfinished: db.prepare(`SELECT count(*) FROM urls WHERE state IN ('queued', 'fetching')`).pluck().get() as number,
      runs: db.prepare('SELECT status, pages FROM runs ORDER BY id').all() as Array<{ status: string; pages: number }>,
      lock: db.prepare(`SELECT count(*) FROM meta WHERE key LIKE 'writer%'`).pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

test('a database deleted mid-crawl: the crawl stops, writes what it held back to the path, says so, exit 1; a rerun finishes it', async (t) => {
  const { dbPath, run, seen } = await crawlActingAt5(t, ({ dbPath: path }) => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  });
  assert.ok(seen >= 5, `deleted mid-crawl (${run.stderr})`);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /crawlite: database \S+ was deleted \(or moved away\) during the crawl; the crawl stopped; what it held \(\d+ pages\) was written back to \S+; run the crawl again to continue it \[CRAWL_STORE_WRITE\]/);
  assert.doesNotMatch(run.stderr, /crawl done|\n\s+at /);

  const rescued = readDb(dbPath);
  assert.equal(rescued.integrity, 'ok');
  assert.ok(rescued.pages >= seen && rescued.pages < PAGES + 1, `the pages it had stored (${rescued.pages}, ${seen} when deleted)`);
  assert.deepEqual(rescued.runs, [{ status: 'failed', pages: rescued.pages }]);
  assert.equal(rescued.lock, 0, 'the lock released in the copy');
  assert.ok(!existsSync(`${dbPath}-wal`) && !existsSync(`${dbPath}-shm`), 'no -wal or -shm of the lost file beside the copy');

  const again = await crawlite(['crawl', '--db', dbPath, '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  const done = readDb(dbPath);
  assert.deepEqual({ pages: done.pages, distinct: done.distinct, unfinished: done.unfinished }, { pages: PAGES + 1, distinct: PAGES + 1, unfinished: 0 });
  assert.deepEqual(done.runs.map((r) => r.status), ['failed', 'done']);
});

test('a database replaced by another file mid-crawl: that file is left byte for byte, the crawl is written beside it, never over a file', async (t) => {
  const site = await startSite(routes());
  t.after(() => site.close());
  const dbPath = tempDbPath(t);
  const other = join(dirname(dbPath), 'other.db');
  const made = new Database(other);
  made.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('kept')");
  made.close();
  const otherBytes = readFileSync(other);
  // The first name a rescue takes is taken too: the copy goes to the next, this file stays.
  writeFileSync(`${dbPath}.rescued`, 'an earlier rescue, kept');
  let seen = -1;
  let pid = 0;
  const run = await crawlite(crawlArgs(site.url('/'), dbPath), {
    onSpawn: (child) => {
      pid = child.pid ?? 0;
      whenPages(child, dbPath, 5, (n) => {
        seen = n;
        renameSync(other, dbPath);
      });
    },
  });
  assert.ok(seen >= 5, `replaced mid-crawl (${run.stderr})`);
  assert.equal(run.code, 1, run.stderr);
  const rescuedPath = `${dbPath}.rescued-${pid}`;
  assert.ok(run.stderr.includes(`was replaced by another file during the crawl; the crawl stopped; what it held (`), run.stderr);
  assert.ok(run.stderr.includes(`was written to ${rescuedPath} (the file now at ${dbPath} was left as it is); continue the crawl with --db ${rescuedPath} [CRAWL_STORE_WRITE]`), run.stderr);
  assert.equal(readFileSync(`${dbPath}.rescued`, 'utf8'), 'an earlier rescue, kept');

  // The crawl's -wal left beside it was read as its WAL: sqlite3 then showed crawlite's tables in it.
  assert.ok(!existsSync(`${dbPath}-wal`) && !existsSync(`${dbPath}-shm`), 'no -wal or -shm of the crawl beside the other file');
  assert.ok(readFileSync(dbPath).equals(otherBytes), 'the file that took the name is unchanged');
  const reader = new Database(dbPath, { readonly: true });
  assert.deepEqual(reader.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all(), ['notes']);
  reader.close();

  const rescued = readDb(rescuedPath);
  assert.equal(rescued.integrity, 'ok');
  assert.ok(rescued.pages >= seen, `the pages it had stored (${rescued.pages}, ${seen} when replaced)`);
  assert.deepEqual(rescued.runs, [{ status: 'failed', pages: rescued.pages }]);
  const again = await crawlite(['crawl', '--db', rescuedPath, '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readDb(rescuedPath).distinct, PAGES + 1);
});

test('a -wal deleted mid-crawl (taken for a temporary file): what it held goes into the file and a new -wal is made, so a kill after it loses nothing stored', async (t) => {
  const { dbPath, run, seen } = await crawlActingAt5(t, ({ child, dbPath: path, site }) => {
    rmSync(`${path}-wal`);
    rmSync(`${path}-shm`, { force: true });
    const hits = site.total();
    // Killed once the crawl has made its WAL again, or, without that, 30 requests on.
    const poll = setInterval(() => {
      if (!existsSync(`${path}-wal`) && site.total() < hits + 30) return;
      clearInterval(poll);
      child.kill('SIGKILL');
    }, 5);
    child.on('exit', () => clearInterval(poll));
  });
  assert.ok(seen >= 5);
  assert.equal(run.signal, 'SIGKILL', `killed mid-crawl (exit ${run.code}; ${run.stderr})`);
  // Before: the pages were in the deleted WAL alone, and the file had not even its tables.
  const left = readDb(dbPath);
  assert.equal(left.integrity, 'ok');
  assert.ok(left.pages >= seen, `the pages stored before the kill are in the file (${left.pages}, ${seen} when the WAL was deleted)`);
  const again = await crawlite(['crawl', '--db', dbPath, '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  const done = readDb(dbPath);
  assert.deepEqual({ distinct: done.distinct, pages: done.pages, unfinished: done.unfinished }, { distinct: PAGES + 1, pages: PAGES + 1, unfinished: 0 });
});

/** A read transaction held open on `path`, as a `sqlite3` shell left inside BEGIN holds one. */
function holdRead(path: string): { close(): void } {
  const reader = new Database(path, { readonly: true, fileMustExist: true });
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM pages').get();
  return {
    close: () => {
      reader.exec('COMMIT');
      reader.close();
    },
  };
}

test('a read still open in another process when the crawl ends: a warning says the end of the crawl is in -wal, not in the file alone', async (t) => {
  const site = await startSite(routes());
  t.after(() => site.close());
  const dbPath = tempDbPath(t);
  let read: { close(): void } | null = null;
  t.after(() => read?.close());
  const run = await crawlite(crawlArgs(site.url('/'), dbPath), {
    onSpawn: (child) => whenPages(child, dbPath, 5, () => {
      read = holdRead(dbPath);
    }),
  });
  assert.ok(read !== null, 'the read began mid-crawl');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^crawlite: a read still open in another process \(an export, sqlite3\) kept the end of this crawl in \S+crawl\.db-wal, not yet in \S+crawl\.db: copy both files, or open it once with sqlite3 when that read is over$/m);

  // What the line warns of: the file copied alone lacks the pages stored after the read began
  // (here even the tables, whose creation is in the WAL too: -1).
  const alone = join(dirname(dbPath), 'alone.db');
  copyFileSync(dbPath, alone);
  assert.ok(countPages(alone) < PAGES + 1, 'the file alone lacks the end of the crawl');
  (read as { close(): void }).close();
  read = null;
  // As the line says: opened once (read-write, as sqlite3 opens it) after the read, the file holds it all.
  const opened = new Database(dbPath);
  opened.prepare('SELECT count(*) FROM sqlite_schema').get();
  opened.close();
  assert.ok(!existsSync(`${dbPath}-wal`));
  assert.equal(readDb(dbPath).pages, PAGES + 1);
});

test('a crawl whose WAL a held read keeps growing says so, once past the mark and again each time it doubles', async (t) => {
  const site = await startSite(routes());
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], {
    fetch: { concurrency: 2, perHost: 2 },
    store: { batchSize: 2, flushIntervalMs: 20, walWarnBytes: 256 << 10 },
  });
  let read: { close(): void } | null = null;
  t.after(() => read?.close());
  const sizes: number[] = [];
  const summary = await runCrawl(config, {
    onEvent: () => {
      if (read === null) read = holdRead(config.dbPath);
    },
    onWalGrowth: (bytes) => sizes.push(bytes),
  });
  assert.equal(summary.status, 'done');
  assert.ok(sizes.length >= 2, `warned as the WAL grew: ${sizes.join(', ')}`);
  assert.ok(sizes[0]! >= 256 << 10);
  for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i]! >= 2 * sizes[i - 1]!, `each warning at double the last: ${sizes.join(', ')}`);
  assert.equal(summary.isWalLeft, true, 'the read outlived the crawl');
});
