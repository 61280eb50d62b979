/**
 * QA report (LOW): `export --run 99` for a run that does not exist exported nothing and exited 0;
 * `stats --db <directory>` said "disk I/O error".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crawlite, assertOneLineError } from '../helpers/cli.js';
import { startSite, page } from '../helpers/site.js';

test('export --run naming no run is refused with the known run ids; a known one exports', async (t) => {
  const site = await startSite({ '/': page('home') });
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-run-'));
  t.after(async () => {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const db = join(dir, 'c.db');
  const crawl = await crawlite(['crawl', site.url('/'), '--db', db, '-q', '--workers', '0']);
  assert.equal(crawl.code, 0, crawl.stderr);
  assertOneLineError(await crawlite(['export', '--db', db, '--run', '99']), 2, /invalid --run '99': no such run \(the only run is 1; see crawlite stats\)/);
  const known = await crawlite(['export', '--db', db, '--run', '1']);
  assert.equal(known.code, 0, known.stderr);
  assert.equal(known.stdout.trim().split('\n').length, 1);
});

test('stats, export, crawl and bench on a directory say it is a directory, and leave it as it was', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  assertOneLineError(await crawlite(['stats', '--db', folder]), 1, /cannot open database .*folder: it is a directory/);
  assertOneLineError(await crawlite(['export', '--db', folder]), 1, /cannot open database .*folder: it is a directory/);
  writeFileSync(join(folder, 'keep.txt'), 'mine');
  // Port 9 (discard) is never asked: the database is opened before any request.
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', folder]), 1, /cannot open database .*folder: it is a directory; pass --db a crawlite database file \(e\.g\. .*folder\/crawl\.db\)/);
  assertOneLineError(await crawlite(['bench', '--pages', '5', '--db', folder]), 1, /cannot open database .*folder: it is a directory/);
  assert.deepEqual(readdirSync(folder), ['keep.txt']);
});
