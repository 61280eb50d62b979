/**
 * Durability, round 19b, on a real small disk (root: a tmpfs): a crawl whose pages fit in its
 * `-wal` but whose database file has no room to take them in at the end. The line blamed "a read
 * still open in another process" (settle-file.ts reported any failure as a held read); no other
 * process had the file open: it now says the disk is full.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { crawlite } from '../helpers/cli.js';
import { smallDisk } from '../helpers/small-disk.js';
import { page, startSite, type Route } from '../helpers/site.js';

const READ_LINE = /a read still open in another process/;
const FULL_WAL_LINE = /^crawlite: the disk is full: the end of this crawl stays in \S+crawl\.db-wal, not yet in \S+crawl\.db: copy both files, or free some space and open it once with sqlite3$/m;

test('a disk with room for the -wal but not for the file to take it in: the line says the disk is full, not a read in another process (none had it open)', async (t) => {
  // 30 pages of ~24 KiB of text that does not compress: ~700 KiB of WAL, as much again to fold in.
  const names = Array.from({ length: 30 }, (_, i) => `p${i}`);
  const routes: Record<string, Route> = { '/': page('home', names.map((n) => `/${n}`)) };
  for (const name of names) routes[`/${name}`] = page(name, [], `<p>${randomBytes(18 * 1024).toString('base64')}</p>`);
  const site = await startSite(routes);
  t.after(() => site.close());
  const disk = smallDisk(t, '8m');
  if (disk === null) return;
  const seen: string[] = [];
  for (const freeKiB of [5200, 4800, 4400, 4000, 3600, 3200]) {
    const dir = join(disk, `free-${freeKiB}`);
    const dbPath = join(dir, 'crawl.db');
    const filler = join(disk, 'filler');
    mkdirSync(dir);
    try {
      writeFileSync(filler, Buffer.alloc(8192 * 1024 - freeKiB * 1024));
    } catch {
      // ENOSPC once it is full: what was written stays
    }
    const run = await crawlite(['crawl', site.url('/'), '--db', dbPath, '--workers', '1']);
    assert.doesNotMatch(run.stderr, READ_LINE, `${freeKiB} KiB free: no other process had the file open`);
    const isFullWal = FULL_WAL_LINE.test(run.stderr);
    seen.push(`${freeKiB}:${run.code}:${isFullWal ? 'wal-full' : readdirSync(dir).join('+')}`);
    rmSync(filler, { force: true });
    if (isFullWal) {
      assert.equal(run.code, 0, `the crawl stored its pages: ${run.stderr}`);
      // With room again, the file and its -wal hold every page.
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        assert.equal(db.prepare('SELECT count(DISTINCT url_id) FROM pages').pluck().get(), 31);
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      } finally {
        db.close();
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
  t.diagnostic(seen.join(' '));
  assert.ok(seen.some((s) => s.endsWith('wal-full')), `some free space left the -wal for a full disk: ${seen.join(' ')}`);
});
