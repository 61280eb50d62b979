/**
 * `export --out` and `report --out` onto what is not a regular file: written in place, as the
 * shell's `>` does. Renaming a finished temporary file onto the target replaced a character device
 * with a regular file (as root, `--out /dev/null` destroyed /dev/null), left a FIFO's reader
 * hanging, and failed with ENOENT for the /dev/fd/N of `--out >(cmd)`. Every device and FIFO here
 * is made in a temp dir: never point a test at /dev/null or /dev/full.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, createReadStream, linkSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSite, page } from '../helpers/site.js';
import { assertOneLineError, crawlite, MAIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { makeDevice } from '../helpers/devices.js';

const isRoot = process.getuid?.() === 0;
const hasBash = spawnSync('bash', ['-c', 'true']).status === 0;

/** A database holding a crawl of a two-page site; `bigBytes`: the second page that long, to outgrow a pipe's buffer. */
async function crawlTwoPages(t: TestContext, db: string, bigBytes = 0): Promise<void> {
  const site = await startSite({ '/': page('one', ['/two']), '/two': page('two', [], `<p>${'words of text '.repeat(bigBytes / 14)}</p>`) });
  t.after(() => site.close());
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
}

const WRITERS: Array<{ args: string[]; starts: RegExp }> = [
  { args: ['export'], starts: /^\{"url":/ },
  { args: ['export', '--format', 'csv'], starts: /^url,/ },
  { args: ['export', '--format', 'warc'], starts: /^\x1f\x8b/ },
  { args: ['export', '--format', 'links'], starts: /^from_url,/ },
  { args: ['report'], starts: /^<!doctype html>/ },
];

function readAll(path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    createReadStream(path)
      .on('data', (c) => chunks.push(c as Buffer))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
}

test('--out a character device: written in place, the device stays a device', { skip: !isRoot && 'mknod needs root' }, async (t) => {
  const dir = tempDir(t, 'crawlite-out-');
  const db = join(dir, 'crawl.db');
  await crawlTwoPages(t, db);
  const dev = join(dir, 'mynull');
  makeDevice(dev, 'null');
  const { rdev } = statSync(dev);
  for (const { args } of WRITERS) {
    const run = await crawlite([...args, '--db', db, '--out', dev]);
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    const after = lstatSync(dev);
    assert.ok(after.isCharacterDevice(), `${args.join(' ')}: still a character device`);
    assert.equal(after.rdev, rdev);
  }
  assert.deepEqual(readdirSync(dir).filter((f) => !/-(wal|shm)$/.test(f)).sort(), ['crawl.db', 'mynull'], 'no temporary file');
});

test('--out a FIFO: its reader gets the whole output, the FIFO stays a FIFO', async (t) => {
  const dir = tempDir(t, 'crawlite-out-');
  const db = join(dir, 'crawl.db');
  await crawlTwoPages(t, db);
  const fifo = join(dir, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  for (const { args, starts } of WRITERS) {
    const reading = readAll(fifo);
    const run = await crawlite([...args, '--db', db, '--out', fifo], { timeoutMs: 30_000 });
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    const got = await reading;
    assert.match(got.toString('latin1'), starts, `${args.join(' ')}: the reader got the output`);
    if (args.length === 1 && args[0] === 'export') assert.equal(got.toString().trim().split('\n').length, 2, 'both pages');
    assert.ok(lstatSync(fifo).isFIFO(), `${args.join(' ')}: still a FIFO`);
  }
  assert.deepEqual(readdirSync(dir).filter((f) => !/-(wal|shm)$/.test(f)).sort(), ['crawl.db', 'pipe'], 'no temporary file');
});

test('--out a FIFO whose reader stops early: exit 0, nothing on stderr, as on stdout', async (t) => {
  const dir = tempDir(t, 'crawlite-out-');
  const db = join(dir, 'crawl.db');
  await crawlTwoPages(t, db, 400_000); // text and html: well past a pipe's 64 KB
  const fifo = join(dir, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  // Reads 10 bytes, then closes its end; the export goes on writing into a pipe with no reader.
  const reader = spawn('head', ['-c', '10', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  const run = await crawlite(['export', '--with', 'text,html', '--db', db, '--out', fifo], { timeoutMs: 30_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.ok(lstatSync(fifo).isFIFO());
  reader.kill();
});

test('--out >(cmd), a /dev/fd link to a pipe: the command gets the output', { skip: !hasBash && 'needs bash' }, async (t) => {
  const dir = tempDir(t, 'crawlite-out-');
  const db = join(dir, 'crawl.db');
  await crawlTwoPages(t, db);
  for (const [cmd, file, starts] of [['export --format csv', 'pages.csv', /^url,/], ['report', 'report.html', /^<!doctype html>/]] as const) {
    const script = `"$NODE" "$MAIN" ${cmd} --db "$DB" --out >(cat > "$DIR/${file}")`;
    const run = spawnSync('bash', ['-c', script], { env: { ...process.env, NODE: process.execPath, MAIN, DB: db, DIR: dir }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, `${cmd}: ${run.stderr}`);
    assert.doesNotMatch(run.stderr, /ENOENT|\.tmp/);
    // bash does not wait for a process substitution: give cat a moment to finish writing.
    let text = '';
    for (let i = 0; i < 100 && !starts.test(text); i++, await sleep(20)) text = readFileSync(join(dir, file), 'utf8');
    assert.match(text, starts, `${cmd}: cat got the output`);
  }
});

test('export and report --out a directory: both refused up front, exit 2', async (t) => {
  const dir = tempDir(t, 'crawlite-out-');
  const db = join(dir, 'crawl.db');
  await crawlTwoPages(t, db);
  for (const [args, example] of [[['export'], 'pages.jsonl'], [['report'], 'report.html']] as const) {
    assertOneLineError(await crawlite([...args, '--db', db, '--out', dir]), 2, new RegExp(`^crawlite: cannot write .*: it is a directory; pass --out a file path \\(e\\.g\\. .*/${example.replace('.', '\\.')}\\) \\[CRAWL_USAGE\\]$`));
  }
});

test('--out an existing file keeps its mode (and, as root, its owner): a 0600 export stays 0600', async (t) => {
  const dir = tempDir(t, 'crawlite-out-');
  const db = join(dir, 'crawl.db');
  await crawlTwoPages(t, db);
  for (const [i, { args, starts }] of WRITERS.entries()) {
    for (const mode of [0o600, 0o640, 0o444]) {
      const file = join(dir, `out-${i}-${mode.toString(8)}`);
      writeFileSync(file, 'old contents\n');
      chmodSync(file, mode);
      if (isRoot) chownSync(file, 1234, 5678);
      const run = await crawlite([...args, '--db', db, '--out', file]);
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
      const st = statSync(file);
      assert.equal(st.mode & 0o7777, mode, `${args.join(' ')}: mode ${mode.toString(8)} kept`);
      if (isRoot) assert.deepEqual([st.uid, st.gid], [1234, 5678], `${args.join(' ')}: owner kept`);
      assert.match(readFileSync(file).toString('latin1'), starts, `${args.join(' ')}: rewritten`);
    }
  }
  // Through a symlink: the target's mode, the link stays a link.
  const target = join(dir, 'secret.jsonl');
  writeFileSync(target, '');
  chmodSync(target, 0o600);
  symlinkSync(target, join(dir, 'link.jsonl'));
  assert.equal((await crawlite(['export', '--db', db, '--out', join(dir, 'link.jsonl')])).code, 0);
  assert.equal(statSync(target).mode & 0o777, 0o600);
  assert.ok(lstatSync(join(dir, 'link.jsonl')).isSymbolicLink());
  // A hard link keeps the old contents: the export is a new file renamed into place (as sed -i does).
  linkSync(target, join(dir, 'hard.jsonl'));
  writeFileSync(target, 'old\n');
  assert.equal((await crawlite(['export', '--db', db, '--out', target])).code, 0);
  assert.equal(readFileSync(join(dir, 'hard.jsonl'), 'utf8'), 'old\n');
  assert.match(readFileSync(target, 'utf8'), /^\{"url":/);
  // A new file gets the usual mode (the umask's), not a copied one.
  assert.equal((await crawlite(['export', '--db', db, '--out', join(dir, 'new.jsonl')])).code, 0);
  assert.equal(statSync(join(dir, 'new.jsonl')).mode & 0o777, 0o666 & ~process.umask());
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file');
});

test('--out a FIFO nobody reads, with a missing or foreign database: the error at once, not a wait for a reader', async (t) => {
  const dir = tempDir(t, 'crawlite-out-');
  const fifo = join(dir, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  writeFileSync(join(dir, 'junk.db'), 'not a database at all');
  for (const args of [['export'], ['export', '--format', 'warc'], ['report']]) {
    assertOneLineError(await crawlite([...args, '--db', join(dir, 'none.db'), '--out', fifo], { timeoutMs: 15_000 }), 1, /\[CRAWL_STORE_MISSING\]$/);
    assertOneLineError(await crawlite([...args, '--db', join(dir, 'junk.db'), '--out', fifo], { timeoutMs: 15_000 }), 1, /\[CRAWL_STORE_OPEN\]$/);
  }
  assert.ok(lstatSync(fifo).isFIFO());
});

test("export --out - writes to stdout, as report --out - does: no file named '-'", async (t) => {
  const dir = tempDir(t, 'crawlite-out-');
  const db = join(dir, 'crawl.db');
  await crawlTwoPages(t, db);
  for (const format of ['jsonl', 'csv']) {
    const run = await crawlite(['export', '--db', db, '--format', format, '--out', '-'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, format === 'jsonl' ? /^\{"url":/ : /^url,/);
    assert.equal(run.stdout.trim().split('\n').length, format === 'jsonl' ? 2 : 3);
  }
  assert.ok(!readdirSync(dir).includes('-'), `no file named '-': ${readdirSync(dir).join(', ')}`);
});
