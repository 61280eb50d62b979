/**
 * Durability, round 18, by real processes, signals and files. The hidden temporary file a killed
 * `export --out` leaves beside the output (removed now by the next export to it, once its maker
 * is gone, and never while it writes); a database deleted while no commit comes (found within
 * 250 ms now); a file system that gives the same file another inode number (no false alarm), and
 * a copy of the file moved over it (still found); the rescued copy's name made durable. Read-only
 * mounts and a full disk: durability-18-mounts.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs, { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { crawlite, MAIN, whenPages, type Run } from '../helpers/cli.js';
import { tempDbPath, tempDir, testConfig } from '../helpers/config.js';
import { page, startSite, type Route, type TestSite } from '../helpers/site.js';
import { runCrawl } from '../../src/crawl.js';

/** A database whose export with --with text,html runs for a second or more (~25 MB of JSON Lines), made once for the export tests. */
let benchDir = '';
let db = '';
before(() => {
  benchDir = mkdtempSync(join(tmpdir(), 'crawlite-dur18-bench-'));
  db = join(benchDir, 'big.db');
  const run = spawnSync(process.execPath, [MAIN, 'bench', '--pages', '40', '--page-bytes', '300000', '--workers', '1', '--db', db], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
});
after(() => rmSync(benchDir, { recursive: true, force: true }));

function temps(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.tmp')).sort();
}

/** An export to `out` that gets `signal` once its temporary file exists (one not in `earlier`); `sawTemp` says it did. */
function exportSignalled(dir: string, out: string, signal: NodeJS.Signals, earlier: string[] = []): Promise<{ run: Run; sawTemp: boolean }> {
  let sawTemp = false;
  return crawlite(['export', '--db', db, '--with', 'text,html', '--out', out], {
    onSpawn: (child) => {
      const poll = setInterval(() => {
        if (temps(dir).every((name) => earlier.includes(name))) return;
        clearInterval(poll);
        sawTemp = true;
        child.kill(signal);
      }, 5);
      child.on('exit', () => clearInterval(poll));
    },
  }).then((run) => ({ run, sawTemp }));
}

const shortHash = (text: string, chars: number) => createHash('sha256').update(text).digest('hex').slice(0, chars);

test('export --out killed (SIGKILL, SIGQUIT, SIGUSR2): the temporary file it leaves is removed by the next export to that file', async (t) => {
  const dir = tempDir(t, 'crawlite-dur18-');
  const out = join(dir, 'pages.jsonl');
  writeFileSync(out, '{"old":true}\n');
  let left: string[] = [];
  for (const signal of ['SIGKILL', 'SIGQUIT', 'SIGUSR2'] as const) {
    const { run, sawTemp } = await exportSignalled(dir, out, signal, left);
    assert.ok(sawTemp && run.signal === signal, `killed by ${signal} while writing (${run.code} ${run.signal})`);
    // Before: one more partial export of megabytes per kill, hidden beside the output until
    // removed by hand. Each export now starts by removing those of the dead ones before it.
    const now = temps(dir);
    assert.equal(now.length, 1, `only the last kill's is left: ${now.join(' ')}`);
    assert.ok(!left.includes(now[0]!), 'the one before it removed');
    left = now;
  }
  assert.equal(readFileSync(out, 'utf8'), '{"old":true}\n', 'the output itself untouched by the kills');

  const again = await crawlite(['export', '--db', db, '--out', out]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(temps(dir), [], 'the dead exports\' temporary files removed');
  assert.equal(readFileSync(out, 'utf8').split('\n').filter(Boolean).length, 40);
});

test('SIGPIPE sent to export --out (Node ignores it): the export completes, no temporary file', async (t) => {
  const dir = tempDir(t, 'crawlite-dur18-');
  const out = join(dir, 'pages.jsonl');
  const { run, sawTemp } = await exportSignalled(dir, out, 'SIGPIPE');
  assert.ok(sawTemp);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(temps(dir), []);
  assert.equal(readFileSync(out, 'utf8').split('\n').filter(Boolean).length, 40);
});

test('another export writing the same --out: its temporary file is left alone, and both complete', async (t) => {
  const dir = tempDir(t, 'crawlite-dur18-');
  const out = join(dir, 'pages.jsonl');
  let second: Promise<Run> | null = null;
  const first = await crawlite(['export', '--db', db, '--with', 'text,html', '--out', out], {
    onSpawn: (child) => {
      const poll = setInterval(() => {
        if (temps(dir).length === 0) return;
        clearInterval(poll);
        // The first is writing its temporary file: the second, to the same file, starts now.
        second = crawlite(['export', '--db', db, '--out', out]);
      }, 5);
      child.on('exit', () => clearInterval(poll));
    },
  });
  assert.ok(second !== null, 'the second export started while the first wrote');
  const other = await (second as Promise<Run>);
  // Had the second removed the first's file, the first's rename would fail: exit 1, ENOENT.
  assert.equal(first.code, 0, first.stderr);
  assert.equal(other.code, 0, other.stderr);
  assert.deepEqual(temps(dir), []);
});

test('only an export\'s own temporary files whose process is gone are removed: not another host\'s, a live one\'s, or any other file', async (t) => {
  const dir = tempDir(t, 'crawlite-dur18-');
  const out = join(dir, 'pages.jsonl');
  const host = shortHash(hostname(), 6);
  // A live process, as another export still writing would be; its start read as the export reads it.
  const live = spawn('sleep', ['60']);
  t.after(() => live.kill('SIGKILL'));
  const stat = readFileSync(`/proc/${live.pid}/stat`, 'utf8');
  const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  const liveStart = shortHash(`${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}:${ticks}`, 8);
  const dead = spawnSync('true').pid;
  const kept = [
    `.pages.jsonl.aaaaaaaaaaaa.${live.pid}-${host}-${liveStart}.tmp`, // a live export's
    `.pages.jsonl.bbbbbbbbbbbb.${dead}-${host === 'ffffff' ? 'eeeeee' : 'ffffff'}-12345678.tmp`, // another host's
    '.pages.jsonl.cccccccccccc.tmp', // an older crawlite's (no maker in its name)
    `.other.jsonl.dddddddddddd.${dead}-${host}-12345678.tmp`, // another output's
    `notes.${dead}-${host}-12345678.tmp`, // not named as a temporary file is
  ];
  const removed = [
    `.pages.jsonl.eeeeeeeeeeee.${dead}-${host}-12345678.tmp`, // its process gone
    `.pages.jsonl.ffffffffffff.${live.pid}-${host}-${liveStart === '12345678' ? '87654321' : '12345678'}.tmp`, // its pid reused by another process
  ];
  for (const name of [...kept, ...removed]) writeFileSync(join(dir, name), 'partial');
  const run = await crawlite(['export', '--db', db, '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(temps(dir), kept.sort());
});

test('a database deleted while the crawl waits on a slow page (no commit coming): the copy is back at the path long before the page, so a kill -9 then loses nothing', async (t) => {
  const routes: Record<string, Route> = { '/': page('home', ['/slow/1', '/slow/2']) };
  // Answered long after the test is over: before, the crawl checked its file only at its next
  // commit, after this answer, and a kill -9 until then left nothing anywhere.
  for (const j of [1, 2]) routes[`/slow/${j}`] = { body: page(`slow ${j}`), delayMs: 60_000 };
  const site = await startSite(routes);
  t.after(() => site.close());
  const dbPath = tempDbPath(t);
  let deleted = false;
  let sawCopy = false;
  const run = await crawlite(['crawl', site.url('/'), '--db', dbPath, '--concurrency', '1', '--per-host', '1', '--timeout', '120', '--quiet'], {
    onSpawn: (child) => whenPages(child, dbPath, 1, () => {
      // The home page is committed and /slow/1 asked for: no commit comes until it is answered.
      const asked = setInterval(() => {
        if ((site.hits.get('/slow/1') ?? 0) === 0) return;
        clearInterval(asked);
        for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
        deleted = true;
        let polls = 0;
        const watch = setInterval(() => {
          sawCopy = existsSync(dbPath);
          // An upper bound for a hang, far below the slow page's 60 s: then the kill.
          if (!sawCopy && ++polls < 1_500) return;
          clearInterval(watch);
          child.kill('SIGKILL');
        }, 10);
        child.on('exit', () => clearInterval(watch));
      }, 5);
      child.on('exit', () => clearInterval(asked));
    }),
  });
  assert.ok(deleted, `deleted while /slow/1 was pending (${run.stderr})`);
  assert.ok(sawCopy, 'the copy was back at the path before the kill');
  assert.ok(run.code === 1 || run.signal === 'SIGKILL', `${run.code} ${run.signal} ${run.stderr}`);
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  t.after(() => db.close());
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(db.prepare('SELECT url FROM pages').pluck().all(), [site.url('/')]);
  assert.equal(db.prepare(`SELECT count(*) FROM urls WHERE url LIKE '%/slow/%'`).pluck().get(), 2, 'the queue kept');
});

/** '/' links /p/1../p/60, each a little slow, so a crawl at concurrency 2 lasts a couple of seconds. */
function slowishSite(): Promise<TestSite> {
  const routes: Record<string, Route> = { '/': page('home', Array.from({ length: 60 }, (_, i) => `/p/${i + 1}`)) };
  for (let j = 1; j <= 60; j++) routes[`/p/${j}`] = { body: page(`p${j}`), delayMs: 30 };
  return startSite(routes);
}

const RENUMBERED = [
  { what: 'the file and its -wal', suffixes: ['', '-wal'], isReadHeld: false },
  // A read held open kept the -wal from being made again (db-moved.ts restoreWal), so the crawl stopped: "-wal was deleted".
  { what: 'its -wal, while a read is held open', suffixes: ['-wal'], isReadHeld: true },
];

for (const { what, suffixes, isReadHeld } of RENUMBERED) {
  test(`a file system that renumbers the inode of ${what} (the same files): the crawl goes on to its end, no false alarm`, async (t) => {
    // No file system here renumbers a file that stays open (NFS or FUSE ones that make numbers up
    // do), so the number is changed where crawlite reads it: stat(2) answers another inode, and
    // another one again, as the crawl goes on. The files are the same.
    const site = await slowishSite();
    t.after(() => site.close());
    const config = testConfig(t, [site.url('/')], { fetch: { concurrency: 2, perHost: 2 }, store: { batchSize: 4, flushIntervalMs: 20 } });
    const renumbered = new Set(suffixes.map((suffix) => config.dbPath + suffix));
    let shift = 0;
    const realStat = fs.statSync;
    const fakeStat = ((path: fs.PathLike, opts?: fs.StatSyncOptions) => {
      const stat = realStat(path, opts as never) as fs.Stats | undefined;
      if (stat === undefined || shift === 0 || !renumbered.has(String(path))) return stat;
      return Object.assign(Object.create(stat) as fs.Stats, { ino: stat.ino + 1_000_000 * shift });
    }) as typeof fs.statSync;
    const writable = fs as { statSync: typeof fs.statSync };
    writable.statSync = fakeStat;
    syncBuiltinESMExports();
    t.after(() => {
      writable.statSync = realStat;
      syncBuiltinESMExports();
    });
    let reader: Database.Database | null = null;
    t.after(() => reader?.close());
    let pages = 0;
    const summary = await runCrawl(config, {
      onEvent: (e) => {
        if (e.type !== 'page' || ++pages < 5) return;
        if (isReadHeld && reader === null) {
          reader = new Database(config.dbPath, { readonly: true, fileMustExist: true });
          reader.exec('BEGIN');
          reader.prepare('SELECT count(*) FROM pages').get();
        }
        // From the 5th page on, a new number every 10 pages.
        shift = Math.floor((pages - 5) / 10) + 1;
      },
    });
    assert.ok(shift >= 3, `renumbered ${shift} times`);
    // Before: the crawl stopped at the first new number, "replaced by another file" (and copied
    // itself out to crawl.db.rescued), or "-wal was deleted during the crawl".
    assert.equal(summary.status, 'done');
    (reader as Database.Database | null)?.exec('COMMIT');
    assert.deepEqual(readdirSync(dirname(config.dbPath)).filter((name) => name.includes('rescued')), []);
    const db = new Database(config.dbPath, { readonly: true, fileMustExist: true });
    t.after(() => db.close());
    assert.equal(db.prepare('SELECT count(*) FROM pages').pluck().get(), 61);
    assert.deepEqual(db.prepare('SELECT status, pages FROM runs').all(), [{ status: 'done', pages: 61 }]);
    assert.equal(db.pragma('user_version', { simple: true }), 0, 'the number the check wrote is put back');
  });
}

test('a database replaced mid-crawl by a copy of itself (cp, then mv over it): still found, the copy left as it was, everything in the rescued file', async (t) => {
  const site = await slowishSite();
  t.after(() => site.close());
  const dbPath = tempDbPath(t);
  let copyBytes: Buffer | null = null;
  let seen = -1;
  let pid = 0;
  const run = await crawlite(['crawl', site.url('/'), '--db', dbPath, '--concurrency', '2', '--per-host', '2', '--quiet'], {
    onSpawn: (child) => {
      pid = child.pid ?? 0;
      whenPages(child, dbPath, 5, (n) => {
        seen = n;
        // The same database, as far as any number stored in it goes.
        copyFileSync(dbPath, `${dbPath}.copy`);
        copyBytes = readFileSync(`${dbPath}.copy`);
        renameSync(`${dbPath}.copy`, dbPath);
      });
    },
  });
  assert.ok(seen >= 5 && copyBytes !== null, `replaced mid-crawl (${run.stderr})`);
  assert.equal(run.code, 1, run.stderr);
  assert.ok(run.stderr.includes(`database ${dbPath} was replaced by another file during the crawl; the crawl stopped; what it held (`), run.stderr);
  assert.ok(readFileSync(dbPath).equals(copyBytes as unknown as Buffer), 'the copy at the path left byte for byte');
  const rescued = new Database(`${dbPath}.rescued`, { readonly: true, fileMustExist: true });
  t.after(() => rescued.close());
  assert.equal(rescued.pragma('integrity_check', { simple: true }), 'ok');
  const stored = rescued.prepare('SELECT count(*) FROM pages').pluck().get() as number;
  assert.ok(stored >= seen, `the pages stored (${stored}, ${seen} when replaced)`);
  assert.equal(rescued.prepare('SELECT pid FROM runs').pluck().get(), pid);
});

test('the copy of a deleted database is named durably: its folder is synced after the link and the temporary name\'s removal (strace)', async (t) => {
  if (spawnSync('strace', ['-V']).status !== 0) {
    // .ci/run installs it: there, its absence fails the test rather than skipping it.
    assert.ok(!process.env.CI, 'strace is not installed');
    t.skip('strace is not installed');
    return;
  }
  if (spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', 'true']).status !== 0) {
    // A sandbox that forbids ptrace (a container without CAP_SYS_PTRACE): no package mends that.
    t.skip('strace cannot trace processes here (ptrace not permitted)');
    return;
  }
  // A power cut cannot be made here; what reaches the disk is the system calls in this order.
  const site = await slowishSite();
  t.after(() => site.close());
  const dbPath = tempDbPath(t);
  const trace = join(dirname(dbPath), 'trace.txt');
  const child = spawn('strace', ['-f', '-qq', '-o', trace, '-e', 'trace=openat,link,linkat,unlink,unlinkat,fsync,close', process.execPath, MAIN, 'crawl', site.url('/'), '--db', dbPath, '--concurrency', '2', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  whenPages(child, dbPath, 5, () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 1, stderr);
  assert.match(stderr, /was written back to/);
  const lines = readFileSync(trace, 'utf8').split('\n');
  const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
  // store/db-temps.ts: .crawl.db.rescue.<hex>.<pid>-<host>-<start>.tmp beside it.
  const temp = join(dirname(dbPath), `.${basename(dbPath)}.rescue.`);
  const linked = at(new RegExp(`link(at)?\\(.*"${escape(temp)}[^"/]+\\.tmp", .*"${escape(dbPath)}"`));
  const unlinked = at(new RegExp(`unlink(at)?\\(.*"${escape(temp)}[^"/]+\\.tmp"`));
  assert.ok(linked > 0 && unlinked > linked, `the copy linked to the path, then its temporary name removed (${linked}, ${unlinked})`);
  // The folder opened after that, and that descriptor synced.
  const folderOpen = lines.slice(unlinked).map((line) => new RegExp(`openat\\(AT_FDCWD, "${escape(dirname(dbPath))}", .*\\) = (\\d+)`).exec(line)).find((m) => m !== null);
  assert.ok(folderOpen, 'the folder opened after the removal');
  const fd = folderOpen[1];
  assert.ok(lines.slice(unlinked).some((line) => new RegExp(`fsync\\(${fd}\\)\\s+= 0`).test(line)), `fsync(${fd}) of the folder`);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
