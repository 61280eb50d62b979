/**
 * One writer per file, across processes: a second crawl on a database that a live crawl is
 * writing is refused with one line and leaves the file intact; once the first has ended, the same
 * command continues the crawl.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { crawlite, whenPages, type Run } from '../helpers/cli.js';

const LOCKED = /^crawlite: database .* is in use by another crawl.*\[CRAWL_STORE_LOCKED\]$/m;

async function slowSite(t: import('node:test').TestContext, pages: number) {
  const routes: Record<string, string> = {};
  for (let i = 0; i < pages; i++) routes[`/p${i}`] = page(`page ${i}`, [`/p${i + 1}`, `/p${i + 2}`]);
  const site = await startSite(routes, { delayMs: 30 });
  t.after(() => site.close());
  return site;
}

function check(db: string): { pages: number; distinct: number; integrity: unknown } {
  const reader = new Database(db, { readonly: true });
  try {
    return {
      pages: (reader.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n,
      distinct: (reader.prepare('SELECT count(DISTINCT url) AS n FROM pages').get() as { n: number }).n,
      integrity: reader.pragma('integrity_check', { simple: true }),
    };
  } finally {
    reader.close();
  }
}

test('a second crawl on a database in use is refused while the first goes on', async (t) => {
  const site = await slowSite(t, 120);
  const db = tempDbPath(t);
  const args = ['crawl', site.url('/p0'), '--db', db, '--concurrency', '2', '--workers', '1', '--no-progress'];
  let second: Run | null = null;
  let firstPid = 0;
  const first = await crawlite(args, {
    onSpawn: (child: ChildProcess) => {
      firstPid = child.pid!;
      whenPages(child, db, 3, () => {
        void crawlite(args).then((run) => {
          second = run;
          child.kill('SIGINT'); // done with the first: stop it gracefully
        });
      });
    },
  });
  assert.ok(second, 'the second crawl ran');
  const refused = second as Run;
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, LOCKED);
  assert.ok(refused.stderr.includes(`(pid ${firstPid})`), refused.stderr);
  assert.equal(refused.stderr.trim().split('\n').length, 1, 'one line');
  assert.equal(first.code, 130, `the first crawl went on until interrupted: ${first.stderr}`);

  const mid = check(db);
  assert.equal(mid.integrity, 'ok');
  assert.ok(mid.pages >= 3 && mid.pages < 120);

  const rest = await crawlite(args);
  assert.equal(rest.code, 0, rest.stderr);
  const end = check(db);
  assert.deepEqual(end, { pages: 122, distinct: 122, integrity: 'ok' }); // p120 and p121 are 404 pages, stored too
});

test('two crawls started at once: exactly one runs, the other is refused', async (t) => {
  const site = await slowSite(t, 60);
  const db = tempDbPath(t);
  const args = ['crawl', site.url('/p0'), '--db', db, '--concurrency', '2', '--workers', '1', '--no-progress'];
  const runs = await Promise.all([crawlite(args), crawlite(args)]);
  const codes = runs.map((r) => r.code).sort();
  assert.deepEqual(codes, [0, 1], runs.map((r) => r.stderr).join('\n'));
  assert.match(runs.find((r) => r.code === 1)!.stderr, LOCKED);
  assert.deepEqual(check(db), { pages: 62, distinct: 62, integrity: 'ok' });
});

test('crawlite bench refuses to replace a database a live crawl is writing', async (t) => {
  // Long enough to outlast the bench process's start on a loaded machine (120 pages, ~3 s, once
  // ended first); the crawl is interrupted as soon as the bench is refused, so it costs nothing.
  const site = await slowSite(t, 1000);
  const db = tempDbPath(t);
  let bench: Run | null = null;
  const first = await crawlite(['crawl', site.url('/p0'), '--db', db, '--concurrency', '2', '--workers', '1', '--no-progress'], {
    onSpawn: (child: ChildProcess) =>
      whenPages(child, db, 3, () => {
        void crawlite(['bench', '--db', db, '--pages', '10', '--page-bytes', '5000', '--workers', '0']).then((run) => {
          bench = run;
          child.kill('SIGINT');
        });
      }),
  });
  assert.equal(first.code, 130, first.stderr);
  const refused = bench as Run | null;
  assert.equal(refused?.code, 1, refused?.stderr);
  assert.match(refused!.stderr, LOCKED);
  const after = check(db);
  assert.equal(after.integrity, 'ok');
  assert.ok(after.pages >= 3, `${after.pages} pages kept`);
});
