/**
 * The fourteenth QA round on the command line: a new user following the README, then an expert
 * trying to break it. Each test names what was typed, what it got before, and what it gets now.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN, type Run } from '../helpers/cli.js';

const isRoot = process.getuid?.() === 0;

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-qa14-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** crawlite with its stdout opened on `path` (as `> path`). */
function crawliteTo(path: string, args: string[]): Promise<Run> {
  const fd = openSync(path, 'w');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout: '', stderr }));
  });
}

test('bench with stdout on a full disk: one line saying stdout, exit 1 (bench --json > r.json lost the result and exited 0)', { skip: !isRoot && 'mknod needs root' }, async (t) => {
  const dir = tempDir(t);
  // A device that answers every write with ENOSPC, as /dev/full does (never the real one in a test).
  const full = join(dir, 'myfull');
  assert.equal(spawnSync('mknod', [full, 'c', '1', '7']).status, 0, 'mknod');
  const bench = ['bench', '--pages', '5', '--page-bytes', '5000', '--workers', '0', '--db', join(dir, 'bench.db')];
  const line = /^crawlite: cannot write to stdout: no space left on device \(ENOSPC\); free some space and run it again \[CRAWL_OUTPUT_WRITE\]$/;
  const frontier = ['bench', '--frontier', '1000', '--db', join(dir, 'frontier.db')];
  for (const args of [bench, [...bench, '--json'], frontier, [...frontier, '--json']]) {
    const run = await crawliteTo(full, args);
    assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
    // --json prints nothing else on stderr; the table comes after progress lines, and so does the line.
    const lines = run.stderr.trimEnd().split('\n');
    assert.match(lines.at(-1)!, line);
    if (args[0] === 'bench' && args.includes('--json') && !args.includes('--frontier')) assert.equal(lines.length, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  }
});
