/**
 * SIGINT, SIGTERM or SIGHUP during `export --out FILE`: the hidden temporary file beside the
 * target is removed, the target is left as it was (or absent), one line says so, exit 130. The
 * signals' default action killed the process and left a `.pages.jsonl.<hex>.tmp` of tens of MB
 * behind, one more per interrupt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { assertOneLineError, crawlite, MAIN, type Run } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';

/** A database whose export with --with text,html runs for a second or more (~25 MB of JSON Lines). */
function benchDb(dir: string): string {
  const db = join(dir, 'big.db');
  const run = spawnSync(process.execPath, [MAIN, 'bench', '--pages', '40', '--page-bytes', '300000', '--workers', '1', '--db', db], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  return db;
}

function temps(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.tmp'));
}

/** Runs an export to `out` and sends `signal` as soon as its temporary file exists. */
function exportInterrupted(dir: string, db: string, out: string, signal: NodeJS.Signals): Promise<{ run: Run; sawTemp: boolean }> {
  let sawTemp = false;
  const running = crawlite(['export', '--db', db, '--with', 'text,html', '--out', out], {
    onSpawn: (child) => {
      const poll = setInterval(() => {
        if (temps(dir).length === 0) return;
        clearInterval(poll);
        sawTemp = true;
        child.kill(signal);
      }, 5);
      child.on('exit', () => clearInterval(poll));
    },
  });
  return running.then((run) => ({ run, sawTemp }));
}

test('export --out interrupted: no temporary file left, the target untouched, exit 130', async (t) => {
  const dir = tempDir(t, 'crawlite-int-out-');
  const db = benchDb(dir);

  await t.test('SIGINT, no previous file: none is created', async () => {
    const out = join(dir, 'pages.jsonl');
    const { run, sawTemp } = await exportInterrupted(dir, db, out, 'SIGINT');
    assert.ok(sawTemp, 'the export was interrupted while writing its temporary file');
    assertOneLineError(run, 130, /^crawlite: SIGINT received; .*pages\.jsonl not written \[CRAWL_INTERRUPTED\]$/);
    assert.deepEqual(temps(dir), []);
    assert.ok(!readdirSync(dir).includes('pages.jsonl'));
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    await t.test(`${signal}, a previous file: kept as it was`, async () => {
      const out = join(dir, 'old.jsonl');
      writeFileSync(out, '{"old":true}\n');
      const { run, sawTemp } = await exportInterrupted(dir, db, out, signal);
      assert.ok(sawTemp, 'the export was interrupted while writing its temporary file');
      assertOneLineError(run, 130, new RegExp(`^crawlite: ${signal} received; .*old\\.jsonl left unchanged \\[CRAWL_INTERRUPTED\\]$`));
      assert.deepEqual(temps(dir), []);
      assert.equal(readFileSync(out, 'utf8'), '{"old":true}\n');
    });
  }

  await t.test('not interrupted: the export completes and replaces the file', async () => {
    const out = join(dir, 'old.jsonl');
    const run = await crawlite(['export', '--db', db, '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(readFileSync(out, 'utf8'), /^\{"url":/);
    assert.deepEqual(temps(dir), []);
  });
});

test('a signal just after the file is in place does not fail the export that wrote it', async (t) => {
  // The window between the rename and the process's exit is milliseconds, too short to hit from
  // outside reliably: a child process writes through writeOut, then signals itself at once.
  const dir = tempDir(t, 'crawlite-int-out-');
  const out = join(dir, 'done.txt');
  const outFile = new URL('../../src/out-file.js', import.meta.url).href;
  const script = `
    import { planOut, writeOut } from ${JSON.stringify(outFile)};
    await writeOut(planOut(process.argv[1], 'x.txt'), async (s) => { s.write('complete\\n'); });
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.kill(process.pid, signal);
    setTimeout(() => console.log('finished'), 50);
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, out], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.signal, null, `killed by ${run.signal}`);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'finished\n');
  assert.equal(readFileSync(out, 'utf8'), 'complete\n');
  assert.deepEqual(temps(dir), []);
});
