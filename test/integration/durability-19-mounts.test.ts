/**
 * Durability, round 19, on a real small disk (root: a tmpfs): a new database created while the
 * disk fills. Set up in place, it left an empty `crawl.db` (or a header with its `-wal` and `-shm`)
 * with "disk I/O error" as the line when the WAL index could not grow; a full disk met outside a
 * batch (claiming URLs) ended the crawl "crawl failed", exit 0, without a word of why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { assertOneLineError, crawlite } from '../helpers/cli.js';
import { smallDisk } from '../helpers/small-disk.js';
import { page, startSite, type Route } from '../helpers/site.js';

const FULL_LINE = /^crawlite: (cannot set up database \S+: the disk is full; free some space, then run the crawl again|database full \(disk full or --max-db-size reached\); pages stored so far are kept: free space or raise --max-db-size, then rerun the crawl to continue) \[CRAWL_STORE_WRITE\]$/;

test('a new database on a disk with 0 to 144 KiB free: one line saying the disk is full (or a whole crawl), never a stray file; with room, the next run crawls it all', async (t) => {
  const routes: Record<string, Route> = { '/': page('home', ['/a', '/b', '/c']) };
  for (const name of ['a', 'b', 'c']) routes[`/${name}`] = page(name);
  const site = await startSite(routes);
  t.after(() => site.close());
  const disk = smallDisk(t, '256k');
  if (disk === null) return;
  const seen = new Set<string>();
  // Nothing fits; the -shm cannot grow; the setup does not fit; a batch does not; a claim of URLs does not (exit 0 before).
  for (const freeKiB of [0, 24, 64, 96, 128, 144]) {
    const dir = join(disk, `free-${freeKiB}`);
    const dbPath = join(dir, 'crawl.db');
    const filler = join(disk, 'filler');
    mkdirSync(dir);
    try {
      writeFileSync(filler, Buffer.alloc((256 - freeKiB) * 1024));
    } catch {
      // ENOSPC once it is full: what was written stays, which is the point
    }
    const run = await crawlite(['crawl', site.url('/'), '--db', dbPath, '--quiet']);
    if (run.code !== 0) assertOneLineError(run, 1, FULL_LINE);
    seen.add(run.code === 0 ? 'crawled' : /cannot set up/.test(run.stderr) ? 'setup' : 'batch');
    const left = readdirSync(dir).sort();
    // Whatever is left is a database the next run accepts, never a temporary or a lone -wal.
    assert.ok(left.every((name) => ['crawl.db', 'crawl.db-wal', 'crawl.db-shm'].includes(name)), `${freeKiB} KiB free: ${left.join(', ')}`);
    assert.ok(left.length === 0 || left.includes('crawl.db'), `${freeKiB} KiB free: ${left.join(', ')}`);
    // Read with room again: a reader of a WAL-mode file grows its -shm too.
    rmSync(filler, { force: true });
    if (left.includes('crawl.db')) {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        assert.equal(db.pragma('application_id', { simple: true }), 0x6372776c, `${freeKiB} KiB free: a crawlite database`);
        assert.ok(db.prepare("SELECT 1 FROM meta WHERE key = 'schema_version'").get(), `${freeKiB} KiB free: set up whole`);
      } finally {
        db.close();
      }
    }
    const again = await crawlite(['crawl', site.url('/'), '--db', dbPath, '--quiet']);
    assert.equal(again.code, 0, `${freeKiB} KiB free, then room: ${again.stderr}`);
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      assert.equal(db.prepare('SELECT count(DISTINCT url_id) FROM pages').pluck().get(), 4, `${freeKiB} KiB free, then room: every page`);
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
  // The sizes reach both ways a full disk shows (setting up, committing), and a crawl with room.
  assert.ok(seen.has('setup') && seen.size >= 2, [...seen].join(', '));
});

test('a full disk met outside a batch (claiming URLs) fails the crawl with the full-disk line, exit 1: it said "crawl failed" and exited 0', async (t) => {
  const disk = smallDisk(t, '256k');
  if (disk === null) return;
  // A seed that refuses: the crawl writes nothing but its claims and its failure, so the disk
  // fills at one of those small writes (before, 112 and 128 KiB free ended exit 0, without a line).
  for (const freeKiB of [112, 120, 128]) {
    const dir = join(disk, `free-${freeKiB}`);
    const filler = join(disk, 'filler');
    mkdirSync(dir);
    try {
      writeFileSync(filler, Buffer.alloc((256 - freeKiB) * 1024));
    } catch {
      // ENOSPC once it is full
    }
    const run = await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', join(dir, 'crawl.db'), '--quiet']);
    assertOneLineError(run, 1, FULL_LINE);
    rmSync(filler, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
