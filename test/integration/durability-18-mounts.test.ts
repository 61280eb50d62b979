/**
 * Durability, round 18, on real mounts (root: a tmpfs, bind mounts made read-only; chmod does
 * not keep root out): a killed crawl's file, still in WAL mode, on a read-only file system, in a
 * read-only folder, or read-only itself, and a full disk when it is resumed. One line, exit 1,
 * nothing stored changed or lost, still readable. (Its own file: these crawls and mounts take
 * over a minute, and durability-18.test.ts is near the runner's 180 s a file.)
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { assertOneLineError, crawlite, whenPages } from '../helpers/cli.js';
import { smallDisk } from '../helpers/small-disk.js';
import { page, startSite, type Route, type TestSite } from '../helpers/site.js';

const PAGES = 40;

/** '/' links /p/1../p/40, each a little slow, so a crawl at concurrency 2 is killed well before its end. */
function slowishSite(): Promise<TestSite> {
  const routes: Record<string, Route> = { '/': page('home', Array.from({ length: PAGES }, (_, i) => `/p/${i + 1}`)) };
  for (let j = 1; j <= PAGES; j++) routes[`/p/${j}`] = { body: page(`p${j}`), delayMs: 30 };
  return startSite(routes);
}

/** A crawl of slowishSite() into `dbPath`, killed (-9) once 5 pages are committed: its -wal and -shm are left. */
async function killedCrawl(site: TestSite, dbPath: string): Promise<number> {
  let seen = -1;
  const run = await crawlite(['crawl', site.url('/'), '--db', dbPath, '--concurrency', '2', '--per-host', '2', '--quiet'], {
    onSpawn: (child) => whenPages(child, dbPath, 5, (n) => {
      seen = n;
      child.kill('SIGKILL');
    }),
  });
  assert.equal(run.signal, 'SIGKILL', `killed mid-crawl (${run.code}; ${run.stderr})`);
  return seen;
}

/** The files in `dir` by a hash of their bytes; a -shm (an index SQLite rebuilds from the WAL, no data) by name only. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) files[name] = name.endsWith('-shm') ? 'index' : createHash('sha256').update(readFileSync(join(dir, name))).digest('hex').slice(0, 16);
  return files;
}

/** Runs `mount args`, the mount point (its last argument) recorded in `mounts` for the test's end; false, with the test skipped, where mounting is not allowed. */
function mount(t: TestContext, mounts: string[], args: string[]): boolean {
  const done = spawnSync('mount', args).status === 0;
  if (done) mounts.push(args.at(-1)!);
  else t.skip(`cannot mount ${args.join(' ')} here (needs root)`);
  return done;
}

const READ_ONLY_LINE = /^crawlite: cannot open database \S+: (it is on a read-only file system|its folder \S+ cannot be written \(it is on a read-only file system\), and SQLite keeps the file's journal \(crawl\.db-wal\) there); pass --db a writable file path \(a new file, or a crawlite database\) \[CRAWL_STORE_OPEN\]$/;

test('read-only mounts (the file system, the folder alone, the file alone) under a killed crawl\'s and a finished crawl\'s file: one line, exit 1, not a byte changed, still readable', async (t) => {
  const site = await slowishSite();
  t.after(() => site.close());
  // Hooks run in the order they were added: the bind mounts go before the disk under them.
  const mounts: string[] = [];
  const views = mkdtempSync(join(tmpdir(), 'crawlite-dur18-ro-'));
  t.after(() => {
    for (const point of [...new Set(mounts.reverse())]) spawnSync('umount', [point]);
    rmSync(views, { recursive: true, force: true });
  });
  const disk = smallDisk(t, '16m');
  if (disk === null) return;
  const killed = join(disk, 'killed');
  const done = join(disk, 'done');
  for (const dir of [killed, done]) mkdirSync(dir);
  const seen = await killedCrawl(site, join(killed, 'crawl.db'));
  const finished = await crawlite(['crawl', site.url('/'), '--db', join(done, 'crawl.db'), '--quiet']);
  assert.equal(finished.code, 0, finished.stderr);
  assert.ok(existsSync(join(killed, 'crawl.db-wal')), 'the killed crawl left its WAL');

  // The same files seen through read-only views (bind mounts; root cannot be kept out by chmod):
  // the whole file system, a folder read-only with the file in it writable, a file read-only in a writable folder.
  const cases: Array<{ what: string; dir: string; source: string }> = [];
  for (const [name, source] of [['killed', killed], ['done', done]] as const) {
    const fsView = join(views, `${name}-fs`);
    const folderView = join(views, `${name}-folder`);
    const fileView = join(views, `${name}-file`);
    for (const dir of [fsView, folderView, fileView]) mkdirSync(dir);
    const ro = (point: string) => mount(t, mounts, ['-o', 'remount,ro,bind', point]);
    if (!mount(t, mounts, ['--bind', source, fsView]) || !ro(fsView)) return;
    // The folder read-only, the database file in it mounted writable over it.
    if (!mount(t, mounts, ['--bind', source, folderView]) || !ro(folderView)) return;
    if (!mount(t, mounts, ['--bind', join(source, 'crawl.db'), join(folderView, 'crawl.db')])) return;
    // A writable folder (a copy of the crawl's files) whose database file alone is mounted read-only over itself.
    for (const file of readdirSync(source)) copyFileSync(join(source, file), join(fileView, file));
    if (!mount(t, mounts, ['--bind', join(fileView, 'crawl.db'), join(fileView, 'crawl.db')]) || !ro(join(fileView, 'crawl.db'))) return;
    cases.push({ what: `${name}: read-only file`, dir: fileView, source: fileView });
    // A finished crawl's file (rollback-journal mode) was refused well before: the file alone stands for it.
    if (name === 'killed') cases.push({ what: `${name}: read-only file system`, dir: fsView, source }, { what: `${name}: read-only folder`, dir: folderView, source });
  }
  for (const { what, dir, source } of cases) {
    const before = snapshot(source);
    const db = join(dir, 'crawl.db');
    const expected = what.startsWith('killed') ? seen : PAGES + 1;
    // Before: a killed crawl's file (in WAL mode) opened and set up without a write, and the lock,
    // the first write, failed with SQLite's bare "crawlite: attempt to write a readonly database".
    for (const args of [['crawl', site.url('/'), '--db', db, '--quiet'], ['crawl', '--db', db, '--quiet']]) {
      const run = await crawlite(args);
      assertOneLineError(run, 1, READ_ONLY_LINE);
    }
    assert.deepEqual(snapshot(source), before, `${what}: not a byte changed, nothing made beside it`);
    const stats = await crawlite(['stats', '--db', db, '--json']);
    assert.equal(stats.code, 0, `${what}: ${stats.stderr}`);
    const exported = await crawlite(['export', '--db', db]);
    assert.equal(exported.code, 0, `${what}: ${exported.stderr}`);
    assert.ok(exported.stdout.split('\n').filter(Boolean).length >= expected, `${what}: every committed page read (${expected})`);
  }
});

test('disk full when a killed crawl is resumed: one line, exit 1, nothing lost; with space again the resume finishes it', async (t) => {
  const site = await slowishSite();
  t.after(() => site.close());
  const disk = smallDisk(t, '4m');
  if (disk === null) return;
  const dbPath = join(disk, 'crawl.db');
  const seen = await killedCrawl(site, dbPath);
  const filler = join(disk, 'filler');
  try {
    writeFileSync(filler, Buffer.alloc(4 << 20));
  } catch {
    // ENOSPC once it is full: what was written stays, which is the point
  }
  const pagesIn = (path: string) => {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return { integrity: db.pragma('integrity_check', { simple: true }), pages: db.prepare('SELECT count(*) FROM pages').pluck().get() };
    } finally {
      db.close();
    }
  };
  const before = pagesIn(dbPath);
  assert.ok((before.pages as number) >= seen);
  // Refused as the setup or the first batch meets the full disk, whichever comes first.
  for (const args of [['crawl', '--db', dbPath, '--quiet'], ['crawl', site.url('/'), '--db', dbPath, '--quiet']]) {
    assertOneLineError(await crawlite(args), 1, /^crawlite: (cannot set up database \S+: the disk is full; free some space, then run the crawl again|database full \(disk full or --max-db-size reached\); pages stored so far are kept: free space or raise --max-db-size, then rerun the crawl to continue) \[CRAWL_STORE_WRITE\]$/);
  }
  assert.deepEqual(pagesIn(dbPath), before, 'nothing lost');
  rmSync(filler);
  const again = await crawlite(['crawl', '--db', dbPath, '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  // Closed here, not in a hook: the disk's own hook, added first, unmounts it.
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const distinct = db.prepare('SELECT count(DISTINCT url_id) FROM pages').pluck().get();
  const pages = db.prepare('SELECT count(*) FROM pages').pluck().get();
  db.close();
  assert.deepEqual({ distinct, pages }, { distinct: PAGES + 1, pages: PAGES + 1 }, `all pages, the ${seen} before the kill once`);
});

