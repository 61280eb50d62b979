/**
 * The fifteenth QA round on the command line: the known leftovers (help and version on a full
 * disk, an --out folder that refuses our temporary file, defaults shown two ways, a database from
 * a newer crawlite) and what an audit of bad input found. Each test names what was typed, what it
 * got before, and what it gets now.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertOneLineError, crawlite, crawliteTo } from '../helpers/cli.js';

const isRoot = process.getuid?.() === 0;

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-qa15-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('--help and --version with stdout on a full disk: one line saying stdout, exit 1 (yargs printed them itself and exited 0)', { skip: !isRoot && 'mknod needs root' }, async (t) => {
  const dir = tempDir(t);
  // A device that answers every write with ENOSPC, as /dev/full does (never the real one in a test).
  const full = join(dir, 'myfull');
  assert.equal(spawnSync('mknod', [full, 'c', '1', '7']).status, 0, 'mknod');
  const line = /^crawlite: cannot write to stdout: no space left on device \(ENOSPC\); free some space and run it again \[CRAWL_OUTPUT_WRITE\]$/;
  for (const args of [['--help'], ['-h'], ['--version'], ['-v'], ['export', '--help'], ['crawl', '-h'], ['search', '--help']]) {
    assertOneLineError(await crawliteTo(full, args), 1, line);
  }
  // Still printed, whole, to a pipe.
  const help = await crawlite(['stats', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^crawlite stats\n[^]*Examples:[^]*\n$/);
  assert.equal(help.stderr, '');
});
