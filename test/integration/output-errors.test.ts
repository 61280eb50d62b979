/**
 * An output that cannot be written (--out or stdout): one line naming what the user gave, never our
 * temporary file, with CRAWL_OUTPUT_WRITE and exit 1. A full disk is a character device made in a
 * temp dir (mknod c 1 7, as /dev/full), so only as root: never point a test at /dev/full itself.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, chmodSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSite, page } from '../helpers/site.js';
import { assertOneLineError, crawlite, crawliteTo } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { makeDevice } from '../helpers/devices.js';

const isRoot = process.getuid?.() === 0;

async function crawlOnePage(t: TestContext, db: string): Promise<void> {
  const site = await startSite({ '/': page('common words', [], `<p>${'common words '.repeat(2000)}</p>`) });
  t.after(() => site.close());
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
}

/** A device that answers every write with ENOSPC, as /dev/full does. */
function fullDevice(dir: string): string {
  const dev = join(dir, 'myfull');
  makeDevice(dev, 'full');
  return dev;
}

const ENOSPC = 'no space left on device \\(ENOSPC\\); free some space and run it again \\[CRAWL_OUTPUT_WRITE\\]$';

test('--out a device that is full: one line naming it, exit 1, the device intact', { skip: !isRoot && 'mknod needs root' }, async (t) => {
  const dir = tempDir(t, 'crawlite-outerr-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  const full = fullDevice(dir);
  for (const args of [['export'], ['export', '--format', 'csv'], ['export', '--format', 'warc'], ['export', '--format', 'links'], ['report']]) {
    assertOneLineError(await crawlite([...args, '--db', db, '--out', full]), 1, new RegExp(`^crawlite: cannot write .*myfull: ${ENOSPC}`));
    assert.ok(lstatSync(full).isCharacterDevice(), `${args.join(' ')}: still a device`);
  }
});

test('stdout on a full disk: one line saying stdout, exit 1, for every command that writes there', { skip: !isRoot && 'mknod needs root' }, async (t) => {
  const dir = tempDir(t, 'crawlite-outerr-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  const full = fullDevice(dir);
  for (const args of [['export'], ['export', '--format', 'warc'], ['stats'], ['stats', '--json'], ['search', 'common'], ['report', '--out', '-']]) {
    assertOneLineError(await crawliteTo(full, [...args, '--db', db]), 1, new RegExp(`^crawlite: cannot write to stdout: ${ENOSPC}`));
  }
});

test('an --out whose name is too long: one line naming it, no temporary file; a long name that fits is written', async (t) => {
  const dir = tempDir(t, 'crawlite-outerr-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  const tooLong = join(dir, 'p'.repeat(300));
  for (const args of [['export'], ['report']]) {
    const run = await crawlite([...args, '--db', db, '--out', tooLong]);
    assertOneLineError(run, 1, /^crawlite: cannot write .*\/p{300}: .*\(ENAMETOOLONG\) \[CRAWL_OUTPUT_WRITE\]$/);
    assert.doesNotMatch(run.stderr, /\.tmp/);
  }
  // 250 bytes is a legal name; its temporary name must not outgrow NAME_MAX (255).
  const long = join(dir, 'q'.repeat(250));
  assert.equal((await crawlite(['export', '--db', db, '--out', long])).code, 0);
  assert.match(readFileSync(long, 'utf8'), /^\{"url":/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file');
});

test('--out in a folder that cannot be written: names the --out, not the temporary file', async (t) => {
  const dir = tempDir(t, 'crawlite-outerr-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  const locked = join(dir, 'locked');
  mkdirSync(locked);
  chmodSync(locked, 0o500);
  // Removing it needs only its parent's write permission (it stays empty); the temp dir may be gone first.
  t.after(() => rmSync(locked, { recursive: true, force: true }));
  // Root writes anywhere, so as root the commands run as nobody, who may read the database only.
  if (isRoot) {
    chmodSync(dir, 0o755);
    chmodSync(db, 0o644);
  }
  const user = isRoot ? { user: { uid: 65534, gid: 65534 } } : {};
  for (const args of [['export'], ['report']]) {
    const run = await crawlite([...args, '--db', db, '--out', join(locked, 'out')], user);
    assertOneLineError(run, 1, /^crawlite: cannot write .*locked\/out: permission denied \(EACCES\); pass --out a writable file path \[CRAWL_OUTPUT_WRITE\]$/);
  }
});
