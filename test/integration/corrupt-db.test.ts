/**
 * A database damaged in the middle (pages of the file overwritten) opens fine and fails only when
 * a read or write reaches a bad page: mid-crawl, mid-export. Every command says so in one coded
 * line with the way to save what is left, never SQLite's bare "database disk image is malformed".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, statSync, writeSync, closeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { assertOneLineError, crawlite } from '../helpers/cli.js';
import { runCrawl } from '../../src/crawl.js';

const DAMAGED = /^crawlite: database .*crawl\.db is damaged \(.+\); save what is readable into a new file with: sqlite3 .*crawl\.db \.recover \| sqlite3 recovered\.db \(where sqlite3 says "SQL logic error", as Debian 12's: sqlite3 .*crawl\.db \.dump \| sed 's\/\^ROLLBACK; -- due to errors\$\/COMMIT;\/' \| sqlite3 recovered\.db\), then use --db recovered\.db \[CRAWL_STORE_CORRUPT\]$/;

/** Overwrites the middle fifth of the file with a fixed byte pattern, as a bad disk block would. */
function damageMiddle(path: string): void {
  const size = statSync(path).size;
  const garbage = Buffer.alloc(Math.floor(size / 5));
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 7) & 0xff;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, garbage, 0, garbage.length, Math.floor(size * 0.4));
  } finally {
    closeSync(fd);
  }
}

test('corruption found mid-crawl, mid-export or by stats: one line, CRAWL_STORE_CORRUPT with the .recover hint, exit 1', async (t) => {
  const routes: Record<string, string> = {};
  const words = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ';
  for (let i = 0; i < 80; i++) routes[`/p${i}`] = page(`page ${i}`, [`/p${i + 1}`], `<p>${words.repeat(30 + i)}</p>`);
  const site = await startSite(routes);
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/p0')], { parse: { workers: 0 } });
  await runCrawl(config);
  damageMiddle(config.dbPath);

  for (const args of [['stats'], ['export', '--format', 'jsonl', '--with', 'text'], ['export', '--format', 'warc']]) {
    assertOneLineError(await crawlite([...args, '--db', config.dbPath]), 1, DAMAGED);
  }
  // The crawl opens the file (its first page is intact) and meets the damage while resuming.
  assertOneLineError(await crawlite(['crawl', site.url('/p0'), '--db', config.dbPath, '--no-progress', '--workers', '0']), 1, DAMAGED);
  assert.ok(statSync(config.dbPath).size > 0);
});

test("the damaged line's commands work with this host's sqlite3: .recover, or where it says SQL logic error (Debian 12's 3.40), .dump; the saved file is read by stats", async (t) => {
  if (spawnSync('sqlite3', ['--version']).status !== 0) {
    t.skip('no sqlite3 shell here');
    return;
  }
  const routes: Record<string, string> = {};
  for (let i = 0; i < 60; i++) routes[`/p${i}`] = page(`page ${i}`, [`/p${i + 1}`], `<p>${'Lorem ipsum dolor sit amet. '.repeat(40 + i)}</p>`);
  const site = await startSite(routes);
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/p0')], { parse: { workers: 0 } });
  await runCrawl(config);
  damageMiddle(config.dbPath);
  const run = await crawlite(['stats', '--db', config.dbPath]);
  assertOneLineError(run, 1, DAMAGED);
  // The two commands the line gives, run as typed in the database's folder.
  const [recover, dump] = [...run.stderr.matchAll(/sqlite3 \S+ \.(?:recover|dump \| sed '[^']+') \| sqlite3 recovered\.db/g)].map((m) => m[0]);
  assert.ok(recover !== undefined && dump !== undefined, run.stderr);
  const cwd = dirname(config.dbPath);
  const first = spawnSync('sh', ['-c', recover], { cwd, encoding: 'utf8', timeout: 30_000 });
  if (/SQL logic error/.test(first.stderr)) {
    t.diagnostic(`this sqlite3 has no .recover (${first.stderr.trim()}): the fallback`);
    const second = spawnSync('sh', ['-c', dump], { cwd, encoding: 'utf8', timeout: 30_000 });
    assert.equal(second.status, 0, second.stderr);
  }
  const saved = await crawlite(['stats', '--db', join(cwd, 'recovered.db')]);
  assert.equal(saved.code, 0, saved.stderr);
  assert.match(saved.stdout, /^pages\s+[1-9]/m);
});
