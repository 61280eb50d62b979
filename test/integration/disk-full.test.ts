/**
 * A crawl whose database cannot even be set up because the disk is full (a small tmpfs, mounted
 * here as root): the one line says so and what to do, not "pass --db a writable file path" (QA).
 */
import { test, type TestContext } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOneLineError, crawlite } from '../helpers/cli.js';
import { smallDisk } from '../helpers/small-disk.js';

/** A 64 KiB tmpfs, filled up; null (the test skipped) where mounting is not allowed. */
function fullDisk(t: TestContext): string | null {
  const dir = smallDisk(t, '64k');
  if (dir === null) return null;
  try {
    writeFileSync(join(dir, 'filler'), Buffer.alloc(64 * 1024));
  } catch {
    // ENOSPC once it is full: what was written stays, which is the point
  }
  return dir;
}

test('a database that cannot be set up on a full disk: one line saying the disk is full, exit 1', async (t) => {
  const dir = fullDisk(t);
  if (dir === null) return;
  const db = join(dir, 'crawl.db');
  // Refused before any fetch, so the seed needs no server.
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', db, '--no-progress']), 1,
    /^crawlite: cannot set up database .*crawl\.db: the disk is full; free some space, then run the crawl again \[CRAWL_STORE_WRITE\]$/);
});
