/**
 * `crawlite crawl … 2>&1 | head -1`: the reader of the crawl's output goes away after one line.
 * The crawl must carry on to its end without output and leave the database as an open stream
 * would have: the run row finished with its counts, no URL left 'fetching'. `bench` likewise.
 * The other commands keep their exit code and their files with stderr closed, and end quietly
 * when the reader of stdout goes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { crawlite, MAIN } from '../helpers/cli.js';
import { hasTmux, openTerminal } from '../helpers/tmux.js';
import { rows } from '../helpers/db.js';

for (const mode of [['--no-progress', '--progress-interval', '0.1'], ['--log-format', 'json']]) {
  test(`stderr closed early (${mode.join(' ')}): the crawl finishes, run row and URL states final, exit 0`, async (t) => {
    const routes: Record<string, string> = {};
    for (let i = 0; i < 60; i++) routes[`/p${i}`] = page(`page ${i}`, i < 59 ? [`/p${i + 1}`] : []);
    const site = await startSite(routes, { delayMs: 20 });
    t.after(() => site.close());
    const db = tempDbPath(t);
    let closedAfter = '';
    const run = await crawlite(['crawl', site.url('/p0'), '--db', db, '--concurrency', '1', '--workers', '1', ...mode], {
      onSpawn: (child) => {
        // As `head -1` does: read the first output, then close the pipe while the crawl writes on.
        child.stderr!.once('data', (d: Buffer) => {
          closedAfter = String(d);
          child.stderr!.destroy();
        });
      },
    });
    assert.ok(closedAfter.length > 0, 'the pipe was closed after the first output');
    assert.equal(run.code, 0, `exit code (first output: ${closedAfter})`);
    const [runRow] = rows<{ status: string; pages: number }>(db, 'SELECT status, pages FROM runs');
    const [stored] = rows<{ n: number }>(db, 'SELECT count(*) AS n FROM pages');
    assert.equal(runRow!.status, 'done');
    assert.equal(stored!.n, 60, 'every page crawled');
    assert.equal(runRow!.pages, stored!.n);
    assert.deepEqual(rows(db, "SELECT url FROM urls WHERE state = 'fetching'"), []);
  });
}

test('the terminal of a crawl is closed (SIGHUP): the crawl carries on to its end, run done, every page stored (QA)', async (t) => {
  if (!hasTmux()) {
    if (process.env.CI) assert.fail('tmux is required in CI for the terminal tests (see .ci/run)');
    t.skip('tmux not installed');
    return;
  }
  const routes: Record<string, string> = {};
  for (let i = 0; i < 40; i++) routes[`/p${i}`] = page(`page ${i}`, i < 39 ? [`/p${i + 1}`] : []);
  const site = await startSite(routes, { delayMs: 30 });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const term = openTerminal(t, `${quote(process.execPath)} ${quote(MAIN)} crawl ${site.url('/p0')} --db ${quote(db)} --concurrency 1 --workers 1`);
  await term.waitFor(/\d+ pages? stored/);
  term.close();
  // Node's default for SIGHUP ended the process at once: the run stayed 'running', and the pages
  // after the hangup were never fetched.
  const deadline = Date.now() + 30_000;
  let status = 'running';
  while (status === 'running' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    status = rows<{ status: string }>(db, 'SELECT status FROM runs')[0]?.status ?? 'running';
  }
  assert.equal(status, 'done');
  assert.deepEqual(rows(db, 'SELECT count(*) AS n FROM pages'), [{ n: 40 }]);
  assert.deepEqual(rows(db, "SELECT url FROM urls WHERE state = 'fetching'"), []);
});

test('bench with stderr and stdout closed early: the crawl of the generated site finishes, exit 0', async (t) => {
  const db = tempDbPath(t);
  let closedAfter = '';
  const run = await crawlite(['bench', '--pages', '40', '--workers', '1', '--db', db], {
    onSpawn: (child) => {
      child.stdout!.destroy(); // the table would go here; nobody reads it
      child.stderr!.once('data', (d: Buffer) => {
        closedAfter = String(d);
        child.stderr!.destroy();
      });
    },
  });
  assert.ok(closedAfter.length > 0, 'the pipe was closed after the first output');
  assert.equal(run.code, 0, `exit code (first output: ${closedAfter})`);
  const [stored] = rows<{ n: number }>(db, 'SELECT count(*) AS n FROM pages');
  const [runRow] = rows<{ status: string }>(db, 'SELECT status FROM runs');
  assert.equal(stored!.n, 40, 'every generated page stored');
  assert.equal(runRow!.status, 'done');
});

// `crawlite search … | head -c 100`: the reader is gone before the output is written; the command
// ends quietly, as export does, with no stack trace.
test('search, stats and report --out - with stdout closed: exit 0, nothing on stderr', async (t) => {
  const site = await startSite({ '/': page('Home common', ['/a']), '/a': page('A common page', ['/']) });
  t.after(() => site.close());
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--workers', '0'])).code, 0);
  for (const args of [['search', 'common', '--limit', '1000'], ['search', 'common', '--json'], ['stats'], ['stats', '--json'], ['report', '--out', '-']]) {
    const run = await crawlite([...args, '--db', db], { onSpawn: (child) => child.stdout!.destroy() });
    assert.equal(run.code, 0, `${args.join(' ')}: exit code; stderr: ${run.stderr}`);
    assert.equal(run.stderr, '', args.join(' '));
  }
});

/** `crawlite … 2>&-`: the shell starts it with file descriptor 2 closed, not a pipe. */
function crawliteWithStderrClosed(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', 'exec "$@" 2>&-', 'sh', process.execPath, MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

// report's closing line, and any command's one-line error, met a stderr whose reader had gone as
// an unhandled 'error' event: a stack trace and exit 1 after the report was already written.
test('report, export, stats and search with stderr closed: the exit code an open stderr gets, files written', async (t) => {
  const site = await startSite({ '/': page('Home common', ['/a']), '/a': page('A common page', ['/']) });
  t.after(() => site.close());
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--workers', '0'])).code, 0);
  const dir = dirname(db);
  const cases: Array<[args: string[], code: number, file?: string]> = [
    [['report', '--out', join(dir, 'report.html')], 0, 'report.html'],
    [['export', '--format', 'csv', '--out', join(dir, 'pages.csv')], 0, 'pages.csv'],
    [['export', '--format', 'nope'], 2],
    [['export', '--out', dir], 2],
    [['search'], 2],
    [['stats', '--run', 'x'], 2],
  ];
  for (const [args, code, file] of cases) {
    for (const how of ['pipe closed', '2>&-']) {
      if (file) rmSync(join(dir, file), { force: true });
      const run = how === '2>&-'
        ? await crawliteWithStderrClosed([...args, '--db', db])
        : await crawlite([...args, '--db', db], { onSpawn: (child) => child.stderr!.destroy() });
      assert.equal(run.code, code, `${args.join(' ')} (stderr ${how}): exit code`);
      if (file) assert.ok(statSync(join(dir, file)).size > 0, `${file} written (stderr ${how})`);
    }
  }
  assert.equal(rows<{ n: number }>(db, 'SELECT count(*) AS n FROM pages')[0]!.n, 2, 'the database keeps its pages');
});

// `crawlite export | head -c 10`: the reader takes a few bytes, then goes, mid-output.
test('export, stats, search and report --out - with stdout read for 10 bytes then closed: exit 0, nothing on stderr', async (t) => {
  const routes: Record<string, string> = {};
  for (let i = 0; i < 40; i++) routes[`/p${i}`] = page(`page ${i} common`, i < 39 ? [`/p${i + 1}`] : [], 'common words '.repeat(500));
  const site = await startSite(routes);
  t.after(() => site.close());
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/p0'), '--db', db, '--no-progress', '--workers', '0'])).code, 0);
  for (const args of [['export', '--with', 'text'], ['export', '--format', 'warc'], ['stats'], ['search', 'common', '--limit', '1000'], ['report', '--out', '-']]) {
    let taken = 0;
    const run = await crawlite([...args, '--db', db], {
      onSpawn: (child) => {
        child.stdout!.on('data', (d: Buffer) => {
          taken += d.length;
          if (taken >= 10) child.stdout!.destroy();
        });
      },
    });
    assert.ok(taken >= 10, `${args.join(' ')}: output began`);
    assert.equal(run.code, 0, `${args.join(' ')}: exit code; stderr: ${run.stderr}`);
    assert.equal(run.stderr, '', args.join(' '));
  }
});
