/**
 * `crawlite crawl … 2>&1 | head -1`: the reader of the crawl's output goes away after one line.
 * The crawl must carry on to its end without output and leave the database as an open stream
 * would have: the run row finished with its counts, no URL left 'fetching'. `bench` likewise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { crawlite } from '../helpers/cli.js';
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
