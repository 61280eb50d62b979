/**
 * Every mistake a user can make with the database, and the disk filling up, each answered with one
 * line that names the problem and the fix, the right exit code, and no stack trace.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath, tempDir } from '../helpers/config.js';
import { assertOneLineError, countPages, crawlite } from '../helpers/cli.js';

/** A database holding a crawl of a one-page site, for the commands that read one. */
async function crawlOnePage(t: TestContext, db: string): Promise<void> {
  const site = await startSite({ '/': page('one') });
  t.after(() => site.close());
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0'])).code, 0);
}

const NOT_WRITABLE = /pass --db a writable file path .*\[CRAWL_STORE_OPEN\]$/;

test('a database path that cannot be written: one line, exit 1', async (t) => {
  const dir = tempDir(t, 'crawlite-errors-');
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a folder');
  const seed = 'http://127.0.0.1:9/';
  // The folder cannot be created: a regular file is in the way.
  assertOneLineError(await crawlite(['crawl', seed, '--db', join(file, 'sub', 'crawl.db')]), 1, /^crawlite: cannot open database .*a-file\/sub\/crawl.db: .*pass --db a writable/);
  // The path is a folder.
  assertOneLineError(await crawlite(['crawl', seed, '--db', dir]), 1, /^crawlite: cannot open database .*: it is a directory; pass --db a crawlite database file \(e\.g\. .*\/crawl\.db\) \[CRAWL_STORE_OPEN\]$/);
  // The file is something else than a database.
  assertOneLineError(await crawlite(['crawl', seed, '--db', file]), 1, /^crawlite: cannot use database .*a-file: file is not a database; pass --db/);
  if (process.getuid?.() === 0) {
    t.diagnostic('running as root: file permissions do not stop root, so the read-only file case is not tested here');
  } else {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    assertOneLineError(await crawlite(['crawl', seed, '--db', join(ro, 'crawl.db')]), 1, NOT_WRITABLE);
  }
});

test('a --db under /proc (where recursive mkdir loops forever) is one line, exit 1, at once', { skip: !existsSync('/proc/self') && 'no /proc' }, async () => {
  // Node's recursive mkdir spun at 100 % CPU here, deaf to SIGTERM; the helper SIGKILLs a child
  // that outlives timeoutMs, so a regression fails this test instead of hanging the suite.
  const run = await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', '/proc/self/x/y.db'], { timeoutMs: 20_000 });
  assertOneLineError(run, 1, /^crawlite: cannot open database \/proc\/self\/x\/y\.db: .*\[CRAWL_STORE_OPEN\]$/);
});

test('--debug adds the stack to the one line', async (t) => {
  const dir = tempDir(t, 'crawlite-errors-');
  const run = await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', dir, '--debug']);
  assert.equal(run.code, 1);
  assert.match(run.stderr.split('\n')[0]!, /^crawlite: cannot open database .*\[CRAWL_STORE_OPEN\]$/);
  assert.match(run.stderr, /\n\s+at /, 'stack shown');
});

test('a database in use by another crawl is refused: one line naming the pid, exit 1', async (t) => {
  const routes: Record<string, string> = {};
  for (let i = 0; i < 300; i++) routes[`/p${i}`] = page(`slow ${i}`, [`/p${i + 1}`]);
  const site = await startSite(routes, { delayMs: 50 });
  t.after(() => site.close());
  const db = tempDbPath(t);
  let second: Awaited<ReturnType<typeof crawlite>> | null = null;
  let firstPid = 0;
  const first = await crawlite(['crawl', site.url('/p0'), '--db', db, '--concurrency', '1', '--workers', '1', '--quiet'], {
    onSpawn: (child) => {
      firstPid = child.pid!;
      // Once the first crawl has stored a page (so it holds the lock), start a second one on the same file.
      const poll = setInterval(() => {
        try {
          const reader = new Database(db, { readonly: true });
          const n = (reader.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n;
          reader.close();
          if (n < 2) return;
        } catch {
          return; // the file or its tables do not exist yet: poll again
        }
        clearInterval(poll);
        void crawlite(['crawl', site.url('/p0'), '--db', db]).then((run) => {
          second = run;
          child.kill('SIGINT');
        });
      }, 50);
      child.on('exit', () => clearInterval(poll));
    },
  });
  assert.equal(first.code, 130, first.stderr);
  assert.ok(second, 'the second crawl ran');
  const run = second as Awaited<ReturnType<typeof crawlite>>;
  assertOneLineError(run, 1, new RegExp(`^crawlite: database .* is in use by another crawl \\(pid ${firstPid}\\); wait for it or use --db .*\\[CRAWL_STORE_LOCKED\\]$`));
  // The refused crawl changed nothing: the first one's run is the only one.
  const reader = new Database(db, { readonly: true });
  t.after(() => reader.close());
  assert.deepEqual(reader.prepare('SELECT status FROM runs').all(), [{ status: 'interrupted' }]);
});

test('a full database (--max-db-size, as a full disk) stops the crawl cleanly; what is stored stays readable', async (t) => {
  const routes: Record<string, string> = {};
  // Random text does not compress, so each page costs about 4 KB of database.
  for (let i = 0; i < 300; i++) routes[`/p${i}`] = page(`page ${i}`, [`/p${i + 1}`, `/p${i + 2}`], randomBytes(3000).toString('base64'));
  const site = await startSite(routes);
  t.after(() => site.close());
  const db = tempDbPath(t);

  const full = await crawlite(['crawl', site.url('/p0'), '--db', db, '--max-db-size', '400KB', '--workers', '1']);
  assertOneLineError(
    { ...full, stderr: full.stderr.split('\n').filter((l) => !/^crawlite: \d+ pages? \(/.test(l)).join('\n') },
    1,
    /^crawlite: database full \(disk full or --max-db-size reached\); pages stored so far are kept: free space or raise --max-db-size, then rerun the crawl to continue \[CRAWL_STORE_WRITE\]$/,
  );
  // Settled for readers even after the failed write: no -wal left to carry along (settle-file.ts).
  assert.equal(existsSync(`${db}-wal`), false, 'the WAL was folded into the file');
  const reader = new Database(db, { readonly: true });
  assert.equal(reader.pragma('integrity_check', { simple: true }), 'ok');
  assert.equal(reader.pragma('journal_mode', { simple: true }), 'delete');
  const stored = (reader.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n;
  assert.ok(stored > 10 && stored < 300, `${stored} pages kept`);
  assert.equal((reader.prepare(`SELECT count(*) AS n FROM urls WHERE state = 'done'`).get() as { n: number }).n, stored, 'every done URL has its page');
  // The batch that failed to commit is not counted in the run row.
  assert.deepEqual(reader.prepare('SELECT status, pages FROM runs').all(), [{ status: 'failed', pages: stored }]);
  reader.close();

  const exported = await crawlite(['export', '--db', db, '--with', 'text']);
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(exported.stdout.trim().split('\n').length, stored, 'every kept page exports, text included');

  // With room again, the same crawl continues where it stopped.
  const resumed = await crawlite(['crawl', site.url('/p0'), '--db', db, '--workers', '1']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /crawl done: \d+ pages? stored/);
  const after = new Database(db, { readonly: true });
  t.after(() => after.close());
  assert.equal((after.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n, 302, 'p0..p299 and the 404s for p300 and p301');
});

test('bad flags, values, URLs and commands: one line, exit 2', async () => {
  const seed = 'http://127.0.0.1:9/';
  assertOneLineError(await crawlite(['crawl', seed, '--max-db-size', 'huge']), 2, /^crawlite: invalid --max-db-size 'huge': expected a size from 256KB to 16TB, e\.g\. 500MB or 2GB \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['crawl', seed, '--max-db-size', '10KB']), 2, /invalid --max-db-size '10KB'/);
  assertOneLineError(await crawlite(['crawl', seed, '--max-db-size', '99999999999999999999']), 2, /invalid --max-db-size '99999999999999999999': expected a size from 256KB to 16TB/);
  assertOneLineError(await crawlite(['crawl', seed, '--max-db-size', '17TB']), 2, /invalid --max-db-size '17TB'/);
  assertOneLineError(await crawlite(['crawl', seed, '--progress-interval', '0']), 2, /^crawlite: invalid --progress-interval '0': expected from 0.1 to 3600 seconds, plain or with units \(500ms, 10s, 2m, 1m30s\) \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['crawl', seed, '--log-format', 'xml']), 2, /^crawlite: invalid --log-format 'xml': expected one of text, json \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['crawl', seed, '--concurrency', '-3']), 2, /^crawlite: invalid --concurrency '-3': expected a whole number from 1 to 1024 \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['crawl', 'example.org']), 2, /^crawlite: invalid seed URL 'example.org': give an absolute http:\/\/ or https:\/\/ URL, e\.g\. https:\/\/example\.org\/ \[CRAWL_SEED_INVALID\]$/);
  assertOneLineError(await crawlite(['crawl', seed, '--max-pagse', '5']), 2, /^crawlite: Unknown argument: max-pagse \[CRAWL_USAGE\]$/);
  // No URL: the last crawl in --db would be continued; a --db without one is the usage error.
  assertOneLineError(await crawlite(['crawl', '--db', join(tmpdir(), `crawlite-none-${randomBytes(6).toString('hex')}.db`)]), 2,
    /^crawlite: give at least one URL to crawl, e.g. crawlite crawl https:\/\/example.org\/, or a --db with an earlier crawl to continue it \(.*\.db has none\) \[CRAWL_USAGE\]$/);
  // A mistyped command is named, not read as a stray argument.
  assertOneLineError(await crawlite(['reprot']), 2, /^crawlite: unknown command "reprot": did you mean report\? \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['frobnicate']), 2, /^crawlite: unknown command "frobnicate": the commands are crawl, stats, export, bench, search or report \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['stats', 'extra']), 2, /^crawlite: Unknown argument: extra \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['crawl', seed, '--max-pagse', '5', '--quite']), 2, /^crawlite: Unknown arguments: max-pagse, quite \[CRAWL_USAGE\]$/);
  // SQLite's in-memory database would take the crawl and drop it at exit.
  for (const command of ['crawl', 'bench']) {
    const args = command === 'crawl' ? ['crawl', seed, '--db', ':memory:'] : ['bench', '--pages', '5', '--db', ':memory:'];
    assertOneLineError(await crawlite(args), 2, /^crawlite: --db :memory: would keep the crawl in memory and lose it at exit; pass a file path \(\.\/:memory: for a file of that name\) \[CRAWL_USAGE\]$/);
    assertOneLineError(await crawlite(command === 'crawl' ? ['crawl', seed, '--db', ''] : ['bench', '--pages', '5', '--db', '']), 2, /^crawlite: --db needs a file path \[CRAWL_USAGE\]$/);
  }
});

test('report: a missing database is one line, exit 1; an --out in a missing folder, exit 2', async (t) => {
  const dir = tempDir(t, 'crawlite-errors-');
  assertOneLineError(await crawlite(['report', '--db', join(dir, 'none.db')]), 1, /^crawlite: no database at .*none\.db \(run a crawl first, or pass --db\) \[CRAWL_STORE_MISSING\]$/);
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  // Refused before the database is read, as export does.
  assertOneLineError(await crawlite(['report', '--db', db, '--out', join(dir, 'no', 'such', 'report.html')]), 2, /^crawlite: cannot write .*report\.html: no directory .*no\/such \[CRAWL_USAGE\]$/);
});

test('export and report --out an existing directory: refused up front, one line with a code', async (t) => {
  const dir = tempDir(t, 'crawlite-errors-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  const target = join(dir, 'isdir.db');
  mkdirSync(target);
  assertOneLineError(await crawlite(['export', '--db', db, '--format', 'csv', '--out', target]), 2, /^crawlite: cannot write .*isdir\.db: it is a directory; pass --out a file path \(e\.g\. .*isdir\.db\/pages\.csv\) \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['report', '--db', db, '--out', target]), 2, /^crawlite: cannot write .*isdir\.db: it is a directory; pass --out a file path \(e\.g\. .*isdir\.db\/report\.html\) \[CRAWL_USAGE\]$/);
  assert.deepEqual(readdirSync(dir).sort(), ['crawl.db', 'isdir.db'], 'no temporary file left behind');
});

test('a --db that is not a SQLite file: stats, export, search and report all say CRAWL_STORE_OPEN', async (t) => {
  const file = join(tempDir(t, 'crawlite-errors-'), 'notsqlite.db');
  writeFileSync(file, 'plain text, not a database '.repeat(10));
  for (const args of [['stats'], ['export'], ['search', 'x'], ['report', '--out', '-']]) {
    assertOneLineError(await crawlite([...args, '--db', file]), 1, /^crawlite: .*notsqlite\.db.*: file is not a database \[CRAWL_STORE_OPEN\]$/);
  }
});

test('--help on every command shows examples; the top help lists the exit codes', async () => {
  const top = await crawlite(['--help']);
  assert.equal(top.code, 0);
  for (const cmd of ['crawl', 'stats', 'export', 'report', 'bench']) assert.match(top.stdout, new RegExp(`crawlite ${cmd}`));
  assert.match(top.stdout, /Exit codes: 0 done, 1 failed, 2 bad usage, 130 interrupted/);
  for (const cmd of ['crawl', 'stats', 'export', 'report', 'bench']) {
    const help = await crawlite([cmd, '--help']);
    assert.equal(help.code, 0, `${cmd} --help`);
    assert.match(help.stdout, /Examples:\n\s+crawlite /, `${cmd} --help has examples`);
    assert.match(help.stdout, /--db/, `${cmd} --help names --db`);
  }
  const crawl = await crawlite(['crawl', '--help']);
  for (const flag of ['--quiet', '--log-format', '--no-progress', '--progress-interval', '--max-db-size']) assert.ok(crawl.stdout.includes(flag), flag);
});

test('export and report --out the database, a link to it, or its -wal/-shm file: refused, the database intact', async (t) => {
  const dir = tempDir(t, 'crawlite-errors-');
  const db = join(dir, 'crawl.db');
  const site = await startSite({ '/': page('one', ['/two']), '/two': page('two') });
  t.after(() => site.close());
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0'])).code, 0);
  symlinkSync(db, join(dir, 'link.db'));
  mkdirSync(join(dir, 'sub'));
  symlinkSync(dir, join(dir, 'sub', 'up'));
  linkSync(db, join(dir, 'hard.db'));
  const before = readFileSync(db);
  const targets = [db, join(dir, 'link.db'), join(dir, 'sub', '..', 'crawl.db'), join(dir, 'sub', 'up', 'crawl.db'), join(dir, 'hard.db'), `${db}-wal`, `${db}-shm`];
  for (const out of targets) {
    for (const args of [['report'], ['export', '--format', 'csv'], ['export', '--format', 'warc']]) {
      assertOneLineError(await crawlite([...args, '--db', db, '--out', out]), 2, /^crawlite: --out .* is the database('s (wal|shm) file| itself) \(.*crawl\.db\); pass --out another file path \[CRAWL_USAGE\]$/);
    }
  }
  assert.ok(readFileSync(db).equals(before), 'the database is untouched');
  assert.deepEqual(readdirSync(dir).sort(), ['crawl.db', 'hard.db', 'link.db', 'sub'], 'no report, no temporary file, no -wal written');
  assert.equal(countPages(db), 2);
  // Beside the database, in the same folder, a report is still fine.
  assert.equal((await crawlite(['report', '--db', db, '--out', join(dir, 'crawl.db.html')])).code, 0);
});

test('export and report --out a symlink to a file write through it to the target, as `>` does; the link stays a link', async (t) => {
  const dir = tempDir(t, 'crawlite-errors-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  mkdirSync(join(dir, 'real'));
  mkdirSync(join(dir, 'links'));
  for (const args of [['export', '--format', 'csv'], ['export', '--format', 'warc'], ['report']]) {
    const name = args.at(-1)!;
    const target = join(dir, 'real', name);
    writeFileSync(target, 'old contents\n');
    const link = join(dir, 'links', name);
    symlinkSync(join('..', 'real', name), link); // relative, as `ln -s` makes them
    const run = await crawlite([...args, '--db', db, '--out', link]);
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    assert.ok(lstatSync(link).isSymbolicLink(), `${name}: --out is still a symlink`);
    const written = readFileSync(target);
    assert.notEqual(written.toString('latin1'), 'old contents\n', `${name}: the target was rewritten`);
    if (name === 'csv') assert.match(written.toString(), /^url,/);
    if (name === 'report') assert.match(written.toString(), /^<!doctype html>/);
  }
  // A dangling link: the file it names is created, as `> link` would.
  const dangling = join(dir, 'links', 'dangling');
  symlinkSync(join(dir, 'real', 'new.jsonl'), dangling);
  assert.equal((await crawlite(['export', '--db', db, '--out', dangling])).code, 0);
  assert.ok(lstatSync(dangling).isSymbolicLink());
  assert.match(readFileSync(join(dir, 'real', 'new.jsonl'), 'utf8'), /^\{"url":/);
  // Writing through links must not reach the database: a link to its -wal file (there or not) is refused.
  const walLink = join(dir, 'links', 'wal');
  symlinkSync(`${db}-wal`, walLink);
  for (const args of [['report'], ['export']]) {
    assertOneLineError(await crawlite([...args, '--db', db, '--out', walLink]), 2, /^crawlite: --out .*wal is the database's wal file \(.*crawl\.db\); pass --out another file path \[CRAWL_USAGE\]$/);
  }
  assert.deepEqual(readdirSync(join(dir, 'links')).sort(), ['csv', 'dangling', 'report', 'wal', 'warc'], 'links kept, no temporary file');
  assert.deepEqual(readdirSync(join(dir, 'real')).sort(), ['csv', 'new.jsonl', 'report', 'warc'], 'no temporary file');
  assert.equal(countPages(db), 1);
});

test("export and report --out '': refused up front, one line, exit 2", async (t) => {
  const dir = tempDir(t, 'crawlite-errors-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  for (const out of ['', ' ']) {
    for (const args of [['report'], ['export'], ['export', '--format', 'links']]) {
      assertOneLineError(await crawlite([...args, '--db', db, '--out', out], { cwd: dir }), 2, /^crawlite: --out ' ?' is empty; pass --out a file path \[CRAWL_USAGE\]$/);
    }
  }
  assert.deepEqual(readdirSync(dir).filter((f) => !/-(wal|shm)$/.test(f)), ['crawl.db'], 'no temporary file left behind');
});

test("export --with '' or ',': refused as --fields '' is, one line, exit 2, nothing written", async (t) => {
  const dir = tempDir(t, 'crawlite-errors-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  // QA: `--with ''` exited 0 with an export lacking the content asked for.
  for (const withList of ['', ',']) {
    const run = await crawlite(['export', '--db', db, '--with', withList]);
    assertOneLineError(run, 2, /^crawlite: --with is empty \(known: text, html, body_base64\) \[CRAWL_USAGE\]$/);
    assert.equal(run.stdout, '', 'nothing on stdout');
  }
  assertOneLineError(await crawlite(['export', '--db', db, '--fields', '']), 2, /^crawlite: --fields is empty \(known: .*\) \[CRAWL_USAGE\]$/);
});

test('a User-Agent with a newline, from --user-agent or a job file: refused at load, one line, exit 2', async (t) => {
  const dir = tempDir(t, 'crawlite-errors-');
  const seed = 'http://127.0.0.1:9/';
  assertOneLineError(await crawlite(['crawl', seed, '--db', join(dir, 'c.db'), '--user-agent', 'bot\nX-Evil: 1']), 2, /^crawlite: invalid --user-agent 'bot\\nX-Evil: 1': expected printable ASCII .*\[CRAWL_USAGE\]$/);
  const job = join(dir, 'ua.yaml');
  writeFileSync(job, `seeds: [${seed}]\ndb: ${join(dir, 'c.db')}\nfetch: {userAgent: "a\\nb"}\n`);
  assertOneLineError(await crawlite(['crawl', '--config', job]), 2, /^crawlite: .*ua\.yaml:\d+: fetch\.userAgent: expected a User-Agent of printable .*, got 'a\\nb' \[CRAWL_CONFIG_INVALID\]$/);
  assert.deepEqual(readdirSync(dir), ['ua.yaml'], 'no database created');
});

test('export of a SQLite file that is not a crawlite database: every format says CRAWL_STORE_OPEN before writing anything', async (t) => {
  const dir = tempDir(t, 'crawlite-errors-');
  const file = join(dir, 'blank.db');
  const other = new Database(file);
  other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
  other.close();
  for (const format of ['jsonl', 'csv', 'links', 'warc']) {
    const run = await crawlite(['export', '--format', format, '--db', file]);
    assertOneLineError(run, 1, /^crawlite: .*blank\.db is not a crawlite database: it holds another application's data; pass --db the file a crawl wrote \(.*\) \[CRAWL_STORE_OPEN\]$/);
    assert.equal(run.stdout, '', `${format}: nothing on stdout`);
    assertOneLineError(await crawlite(['export', '--format', format, '--db', file, '--out', join(dir, `out.${format}`)]), 1, /\[CRAWL_STORE_OPEN\]$/);
  }
  assert.deepEqual(readdirSync(dir), ['blank.db'], 'no output or temporary file left');
});
