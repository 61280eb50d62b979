/**
 * --retry-failed, as a user meets it: a crawl started before its server was up fails (exit 1);
 * running it again does nothing (exit 0) but says that failed URLs wait and which flag retries
 * them; with the server up and --retry-failed the site is crawled, each page stored once.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, page, type Route, type TestSite } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { crawlite } from '../helpers/cli.js';
import { closedPort } from '../helpers/ports.js';

/** The site on that very port; the port may be briefly unavailable, so listening is retried a few times. */
async function siteOnPort(t: TestContext, port: number, routes: Record<string, Route>): Promise<TestSite> {
  for (let attempt = 1; ; attempt++) {
    try {
      const s = await startSite(routes, { port });
      t.after(() => s.close());
      return s;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE' || attempt === 10) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

const HINT = '1 URL failed in an earlier run (CRAWL_FETCH_REFUSED); --retry-failed queues it again';

test('server down, then up: the rerun hints at --retry-failed, and --retry-failed crawls the site once', async (t) => {
  const port = await closedPort();
  const seed = `http://127.0.0.1:${port}/`;
  const db = tempDbPath(t);

  const down = await crawlite(['crawl', seed, '--db', db, '--retries', '0', '--no-progress']);
  assert.equal(down.code, 1, down.stderr);
  assert.match(down.stderr, /\[CRAWL_NOTHING_FETCHED\]/);
  assert.ok(!down.stderr.includes('--retry-failed'), 'a run that tried URLs gets no hint');

  // Without the flag: nothing to do, exit 0 as before, and one line saying why.
  const idle = await crawlite(['crawl', seed, '--db', db, '--no-progress']);
  assert.equal(idle.code, 0, idle.stderr);
  assert.match(idle.stderr, /crawl done: 0 pages stored, 0 failed/);
  // and the command that lists it (round 21b: export --failed)
  assert.equal(idle.stderr.split('\n').filter((l) => l === `${HINT}; list it: crawlite export --db ${db} --failed --out failed.csv`).length, 1, idle.stderr);
  const json = await crawlite(['crawl', seed, '--db', db, '--log-format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const events = json.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(events.map((e) => e.type), ['summary'], 'json mode: the summary object only');
  assert.deepEqual(events[0]!.earlierFailures, { count: 1, topCode: 'CRAWL_FETCH_REFUSED' });
  assert.equal(rows<{ n: number }>(db, 'SELECT count(*) AS n FROM pages')[0]!.n, 0);
  assert.equal(rows<{ state: string }>(db, 'SELECT state FROM urls')[0]!.state, 'failed');

  const s = await siteOnPort(t, port, { '/': page('home', ['/a', '/b']), '/a': page('a', ['/']), '/b': page('b', ['/a']) });
  const retry = await crawlite(['crawl', seed, '--db', db, '--retry-failed', '--no-progress']);
  assert.equal(retry.code, 0, retry.stderr);
  assert.match(retry.stderr, /^crawlite: --retry-failed: 1 failed URL queued again$/m);
  assert.match(retry.stderr, /crawl done: 3 pages stored, 0 failed/);
  assert.ok(!retry.stderr.includes(HINT), retry.stderr);
  assert.equal(s.hits.get('/'), 1);

  const seedRow = rows<{ state: string; attempts: number; error_code: string | null; depth: number }>(
    db, 'SELECT state, attempts, error_code, depth FROM urls WHERE url = ?', seed,
  );
  assert.deepEqual(seedRow, [{ state: 'done', attempts: 1, error_code: null, depth: 0 }]);
  assert.deepEqual(rows(db, 'SELECT url_id FROM pages GROUP BY url_id HAVING count(*) > 1'), [], 'one pages row per URL');
  assert.deepEqual(rows<{ url: string }>(db, 'SELECT url FROM pages ORDER BY url').map((r) => r.url), [seed, s.url('/a'), s.url('/b')]);
  assert.deepEqual(rows(db, `SELECT state, count(*) AS n FROM urls GROUP BY state`), [{ state: 'done', n: 3 }]);

  // Nothing failed is left: the flag again queues nothing, and says so; JSON has the count in the summary.
  const again = await crawlite(['crawl', seed, '--db', db, '--retry-failed', '--log-format', 'json']);
  assert.equal(again.code, 0, again.stderr);
  const summary = JSON.parse(again.stderr.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
  assert.equal(summary.type, 'summary');
  assert.equal(summary.retriedFailed, 0);
  assert.equal(summary.earlierFailures, undefined);
  assert.equal(rows<{ n: number }>(db, 'SELECT count(*) AS n FROM pages')[0]!.n, 3);
});

test('a finished crawl run again says that nothing is queued and names --recrawl, text and JSON (QA)', async (t) => {
  const site = await startSite({ '/': page('home', ['/a']), '/a': page('a') });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const first = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress']);
  assert.equal(first.code, 0, first.stderr);
  assert.ok(!first.stderr.includes('--recrawl'), 'a run that crawled gets no hint');
  const again = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress']);
  assert.equal(again.code, 0, again.stderr);
  const lines = again.stderr.split('\n');
  assert.equal(lines[lines.findIndex((l) => l.startsWith('crawl done: 0 pages stored')) + 1],
    'nothing left to crawl: no URL is queued in this database; --recrawl fetches its stored pages again', again.stderr);
  const json = await crawlite(['crawl', site.url('/'), '--db', db, '--log-format', 'json']);
  assert.equal((JSON.parse(json.stderr.trimEnd().split('\n').at(-1)!) as Record<string, unknown>).nothingQueued, true);
  // A --recrawl is not told to use --recrawl.
  const recrawl = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--recrawl']);
  assert.ok(!recrawl.stderr.includes('nothing left'), recrawl.stderr);
});
