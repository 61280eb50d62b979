/**
 * The fifteenth QA round on the command line: the known leftovers (help and version on a full
 * disk, an --out folder that refuses our temporary file, defaults shown two ways, a database from
 * a newer crawlite) and what an audit of bad input found. Each test names what was typed, what it
 * got before, and what it gets now.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, lstatSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSite, page } from '../helpers/site.js';
import { assertOneLineError, crawlite, crawliteTo } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { makeDevice } from '../helpers/devices.js';

const isRoot = process.getuid?.() === 0;

async function crawlOnePage(t: TestContext, db: string): Promise<void> {
  const site = await startSite({ '/': page('common words', [], '<p>common words</p>') });
  t.after(() => site.close());
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
}

test('--help and --version with stdout on a full disk: one line saying stdout, exit 1 (yargs printed them itself and exited 0)', { skip: !isRoot && 'mknod needs root' }, async (t) => {
  const dir = tempDir(t, 'crawlite-qa15-');
  // A device that answers every write with ENOSPC, as /dev/full does (never the real one in a test).
  const full = join(dir, 'myfull');
  makeDevice(full, 'full');
  const line = /^crawlite: cannot write to stdout: no space left on device \(ENOSPC\); free some space and run it again \[CRAWL_OUTPUT_WRITE\]$/;
  for (const args of [['--help'], ['-h'], ['--version'], ['-v'], ['export', '--help'], ['crawl', '-h'], ['search', '--help']]) {
    assertOneLineError(await crawliteTo(full, args), 1, line);
  }
  // Still printed, whole, to a pipe.
  const help = await crawlite(['stats', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^crawlite stats\n[^]*Examples:[^]*\n$/);
  assert.equal(help.stderr, '');
  // And they still answer whatever else was typed, as when yargs exited after printing them.
  for (const args of [['crawl', '--help', '--db', ''], ['stats', '--help', '--json=yes'], ['crawl', '--version', '--db', 'a', '--db', 'b'], ['crawl', '--no-db', '-h']]) {
    const run = await crawlite(args);
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr, '', args.join(' '));
    assert.match(run.stdout, args.includes('--version') ? /^\d+\.\d+\.\d+\n$/ : /^crawlite (crawl|stats)/, args.join(' '));
  }
});

test('--out where its folder refuses the temporary file: one line naming the --out and the folder (/proc/version said "no such file or directory")', { skip: process.platform !== 'linux' && 'procfs' }, async (t) => {
  const dir = tempDir(t, 'crawlite-qa15-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  for (const args of [['export'], ['report'], ['export', '--format', 'csv']]) {
    assertOneLineError(await crawlite([...args, '--db', db, '--out', '/proc/version']), 1,
      /^crawlite: cannot write \/proc\/version: the folder \/proc does not allow creating files \(ENOENT\), which --out needs: it is written there under a temporary name, then renamed into place; pass --out a file in a folder you can write \[CRAWL_OUTPUT_WRITE\]$/);
  }
});

test('--out a writable file in a folder this user cannot write: the folder is named, not "permission denied" about a file the user may write', { skip: !isRoot && 'needs root to run as another user' }, async (t) => {
  const dir = tempDir(t, 'crawlite-qa15-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  const locked = join(dir, 'locked');
  mkdirSync(locked);
  const out = join(locked, 'pages.jsonl');
  writeFileSync(out, 'kept\n');
  chmodSync(dir, 0o755);
  chmodSync(db, 0o644);
  // The file is nobody's to write; its folder is root's alone.
  chownSync(out, 65534, 65534);
  chmodSync(locked, 0o755);
  const run = await crawlite(['export', '--db', db, '--out', out], { user: { uid: 65534, gid: 65534 } });
  assertOneLineError(run, 1, /^crawlite: cannot write .*\/locked\/pages\.jsonl: the folder .*\/locked does not allow creating files \(EACCES\), which --out needs: /);
  assert.equal(readFileSync(out, 'utf8'), 'kept\n', 'left as it was');
});

test('every default in --help is shown as typed, unquoted (--db was data/crawl.db under crawl and "data/crawl.db" under the others)', async () => {
  for (const command of ['crawl', 'stats', 'export', 'report', 'search', 'bench']) {
    const help = await crawlite([command, '--help']);
    assert.equal(help.code, 0, help.stderr);
    // yargs prints a string default as JSON; choices stay quoted, as yargs lists them.
    assert.doesNotMatch(help.stdout, /\[default: "/, `${command} --help`);
    const db = /^ +--db +[^\n]*\[default: ([^\]]+)\]/m.exec(help.stdout)?.[1];
    assert.equal(db, command === 'bench' ? 'data/bench.db' : 'data/crawl.db', `${command} --help: --db`);
  }
});

test('stats, export, search and report on a database from a newer crawlite: read, exit 0, one line saying what may be left out (they said nothing)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa15-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  const commands = [['stats'], ['stats', '--json'], ['export'], ['export', '--format', 'csv'], ['search', 'common'], ['report', '--out', '-']];
  const before = await Promise.all(commands.map((args) => crawlite([...args, '--db', db])));
  const writer = new Database(db);
  writer.prepare("UPDATE meta SET value = '2' WHERE key = 'schema_version'").run();
  writer.close();
  const warning = `crawlite: ${db} was made by a newer crawlite (schema 2; this one knows up to 1): what it stores that this one does not know is left out; upgrade crawlite to read all of it\n`;
  for (const [i, args] of commands.entries()) {
    const run = await crawlite([...args, '--db', db]);
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr, warning, args.join(' '));
    // The same rows and figures (the report's generation time aside).
    if (args[0] !== 'report') assert.equal(run.stdout, before[i]!.stdout, args.join(' '));
  }
  // A layout this one cannot read (a column it reads, renamed): one line saying why, nothing written.
  const renamed = new Database(db);
  renamed.exec('ALTER TABLE pages RENAME COLUMN title TO page_title');
  renamed.close();
  const out = join(dir, 'pages.csv');
  assertOneLineError(await crawlite(['export', '--db', db, '--out', out]), 1,
    new RegExp(`^crawlite: cannot read .*crawl\\.db: it was made by a newer crawlite \\(schema 2; this one knows up to 1\\), whose tables this one cannot read \\(no such column: .*title\\); upgrade crawlite \\[CRAWL_STORE_OPEN\\]$`));
  assert.equal(existsSync(out), false);
  // A crawl still refuses to write into it.
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', db]), 1, /was made by a newer crawlite \(schema 2; this one knows up to 1\) and was left untouched/);
});

test('--out or --db ending in / that is no folder is refused (export --out notes.txt/ replaced notes.txt; crawl --db runs/ made a database file named runs)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa15-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'kept\n');
  for (const args of [['export'], ['export', '--format', 'csv'], ['report']]) {
    for (const tail of ['/', '/.']) {
      assertOneLineError(await crawlite([...args, '--db', db, '--out', notes + tail]), 2,
        new RegExp(`^crawlite: --out .*notes\\.txt${tail.replace('.', '\\.')} ends in ${tail.replace('.', '\\.')}, so it names a folder, but .*notes\\.txt is a file; pass --out .*notes\\.txt for that file, or another file path \\[CRAWL_USAGE\\]$`));
    }
    assertOneLineError(await crawlite([...args, '--db', db, '--out', join(dir, 'exports') + '/']), 2,
      /^crawlite: --out .*exports\/ ends in \/, so it names a folder, and there is no folder .*exports; create it and pass --out a file in it, e.g. .*exports\/(pages\.jsonl|pages\.csv|report\.html) \[CRAWL_USAGE\]$/);
  }
  assert.equal(readFileSync(notes, 'utf8'), 'kept\n');
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', join(dir, 'runs') + '/']), 2,
    /^crawlite: --db .*runs\/ ends in \/, so it names a folder, and there is no folder .*runs; pass --db a file path, e.g. .*runs\/crawl\.db \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['bench', '--pages', '5', '--db', `${notes}/`]), 2, /^crawlite: --db .*notes\.txt\/ ends in \/, so it names a folder, but .*notes\.txt is a file; /);
  assert.equal(existsSync(join(dir, 'runs')), false, 'no file named runs');
  assert.equal(readFileSync(notes, 'utf8'), 'kept\n');
  // A folder that exists keeps its own line, and a plain file name is written as before.
  assertOneLineError(await crawlite(['export', '--db', db, '--out', `${dir}/`]), 2, /^crawlite: cannot write .*: it is a directory; pass --out a file path/);
  assert.equal((await crawlite(['export', '--db', db, '--out', notes])).code, 0);
  assert.match(readFileSync(notes, 'utf8'), /^\{"url":/);
});

test('stats, export, search and report on a --db this user cannot read: the reason in words (SQLite\'s "unable to open database file", "attempt to write a readonly database", or "no database at" a file that is there)', { skip: !isRoot && 'needs root to run as another user' }, async (t) => {
  const dir = tempDir(t, 'crawlite-qa15-');
  chmodSync(dir, 0o755);
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  const nobody = { user: { uid: 65534, gid: 65534 } };
  const commands = [['stats'], ['export'], ['search', 'common'], ['report', '--out', '-']];
  // A file only root may read.
  const secret = join(dir, 'secret.db');
  copyFileSync(db, secret);
  chmodSync(secret, 0o600);
  // A file in a folder only root may enter.
  const locked = join(dir, 'locked');
  mkdirSync(locked, { mode: 0o700 });
  copyFileSync(db, join(locked, 'crawl.db'));
  // A file in WAL mode (a crawl killed before it settled the file) in a folder nobody may write.
  const walDir = join(dir, 'wal');
  mkdirSync(walDir, { mode: 0o755 });
  const wal = join(walDir, 'crawl.db');
  copyFileSync(db, wal);
  chmodSync(wal, 0o644);
  const toWal = new Database(wal);
  toWal.pragma('journal_mode = WAL');
  toWal.close();
  for (const args of commands) {
    assertOneLineError(await crawlite([...args, '--db', secret], nobody), 1,
      /^crawlite: cannot open database .*secret\.db: this user may not read the file \(permission denied\) \[CRAWL_STORE_OPEN\]$/);
    assertOneLineError(await crawlite([...args, '--db', join(locked, 'crawl.db')], nobody), 1,
      /^crawlite: cannot open database .*locked\/crawl\.db: its folder .*locked cannot be entered: permission denied \[CRAWL_STORE_OPEN\]$/);
    assertOneLineError(await crawlite([...args, '--db', wal], nobody), 1,
      /^crawlite: cannot open database .*wal\/crawl\.db: it is in WAL mode \(a crawl is writing it, or stopped before settling it\), so its readers must create crawl\.db-shm beside it, and this user may not write the folder .*wal \(permission denied\); copy it \(and any crawl\.db-wal\) to a folder you can write, or read it as a user who can write .*wal \[CRAWL_STORE_OPEN\]$/);
    // Readable, it is read.
    assert.equal((await crawlite([...args, '--db', db], nobody)).code, 0, args.join(' '));
  }
});

test('report --out a device: no "wrote <device>; open it in a browser" line (there is no file to open); a file still gets it', { skip: !isRoot && 'mknod needs root' }, async (t) => {
  const dir = tempDir(t, 'crawlite-qa15-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  // A device that discards writes, as /dev/null does (never the real one in a test).
  const sink = join(dir, 'mynull');
  makeDevice(sink, 'null');
  const run = await crawlite(['report', '--db', db, '--out', sink]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  const file = await crawlite(['report', '--db', db, '--out', join(dir, 'r.html')]);
  assert.match(file.stderr, /^crawlite: wrote .*r\.html \(\d+ KB\); open it in a browser\n$/);
});

test('a --seeds-file or job file that never ends (/dev/zero, /dev/urandom) is refused at 32 MB (it was read until memory ran out)', { skip: !isRoot && 'mknod needs root' }, async (t) => {
  const dir = tempDir(t, 'crawlite-qa15-');
  // Devices that read as endless zeros and random bytes, as /dev/zero and /dev/urandom (made here, not the real ones).
  const zero = join(dir, 'zero.yaml');
  const random = join(dir, 'urls.txt');
  makeDevice(zero, 'zero');
  makeDevice(random, 'urandom');
  const db = join(dir, 'crawl.db');
  assertOneLineError(await crawlite(['crawl', '--config', zero, '--db', db], { timeoutMs: 30_000 }), 2,
    /^crawlite: .*zero\.yaml: the job file is larger than 32 MB; a job file holds options \(long URL lists go in a --seeds-file\) \[CRAWL_CONFIG_INVALID\]$/);
  assertOneLineError(await crawlite(['crawl', '-i', random, '--db', db], { timeoutMs: 30_000 }), 2,
    /^crawlite: --seeds-file .*urls\.txt is larger than 32 MB; split it over several runs on the same --db \[CRAWL_USAGE\]$/);
  assert.equal(existsSync(db), false, 'no database made');
});

test('crawl and bench --db - (or a job file\'s db: "-" or "runs/") are refused: they made a database file named - or runs', async (t) => {
  const dir = tempDir(t, 'crawlite-qa15-');
  for (const args of [['crawl', 'http://127.0.0.1:9/'], ['bench', '--pages', '5']]) {
    assertOneLineError(await crawlite([...args, '--db', '-'], { cwd: dir }), 2,
      /^crawlite: --db - would make a database file named -: a database cannot be stdin or stdout; pass a file path \(\.\/- for a file of that name\) \[CRAWL_USAGE\]$/);
  }
  const job = join(dir, 'job.yaml');
  writeFileSync(job, 'seeds: [http://127.0.0.1:9/]\ndb: "-"\n');
  assertOneLineError(await crawlite(['crawl', '--config', job], { cwd: dir }), 2, /^crawlite: .*job\.yaml:\d+: db: expected a file path: a database cannot be stdin or stdout \(\.\/- for a file named -\), got '-' \[CRAWL_CONFIG_INVALID\]$/);
  writeFileSync(job, 'seeds: [http://127.0.0.1:9/]\ndb: runs/\n');
  assertOneLineError(await crawlite(['crawl', '--config', job], { cwd: dir }), 2, /^crawlite: .*job\.yaml:\d+: db: expected a file path such as data\/crawl\.db, not one ending in \/ \(a folder\), got 'runs\/' \[CRAWL_CONFIG_INVALID\]$/);
  assert.deepEqual(readdirSync(dir), ['job.yaml'], 'no database file made');
});

test('--out a symlink loop is refused, the links left as they are (the export replaced the link, exit 0)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa15-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  symlinkSync(b, a);
  symlinkSync(a, b);
  for (const args of [['export'], ['report'], ['export', '--format', 'warc']]) {
    assertOneLineError(await crawlite([...args, '--db', db, '--out', a]), 2, /^crawlite: cannot write .*\/a: too many levels of symbolic links \(a loop\); pass --out a file path \[CRAWL_USAGE\]$/);
    assertOneLineError(await crawlite([...args, '--db', db, '--out', join(a, 'x.out')]), 2, /^crawlite: cannot write .*\/a\/x\.out: too many levels of symbolic links \(a loop\); /);
  }
  assert.equal(readlinkSync(a), b);
  assert.equal(readlinkSync(b), a);
});

test('--db a FIFO or a device is refused by every command (stats waited forever on a FIFO; bench --db /dev/null replaced the device with a file)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa15-');
  const fifo = join(dir, 'pipe.db');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  const targets: Array<[string, string]> = [[fifo, 'a FIFO']];
  if (isRoot) {
    // A device that discards writes, as /dev/null does (never the real one in a test).
    const sink = join(dir, 'mynull');
    makeDevice(sink, 'null');
    targets.push([sink, 'a character device']);
  }
  const commands = [['stats'], ['export'], ['search', 'x'], ['report', '--out', '-'], ['crawl', 'http://127.0.0.1:9/'], ['crawl'], ['bench', '--pages', '5']];
  for (const [db, what] of targets) {
    for (const args of commands) {
      assertOneLineError(await crawlite([...args, '--db', db], { timeoutMs: 20_000 }), 1,
        new RegExp(`^crawlite: cannot open database .*${db.slice(dir.length)}: it is ${what}, not a file; pass --db a crawlite database file \\[CRAWL_STORE_OPEN\\]$`));
    }
  }
  const left = readdirSync(dir).sort();
  assert.deepEqual(left, isRoot ? ['mynull', 'pipe.db'] : ['pipe.db'], 'no -journal file beside them');
  if (isRoot) assert.ok(lstatSync(join(dir, 'mynull')).isCharacterDevice(), 'still a device');
});
