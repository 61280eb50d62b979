/**
 * A crawl that fetched nothing must not look like one that worked: exit 1 and one line naming
 * why, after the usual summary, with what was stored kept and the run row finalized. A crawl that
 * fetched something, had nothing left to do, or was interrupted keeps its exit code.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, page, type Route } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { crawlite, type Run } from '../helpers/cli.js';
import { closedPort } from '../helpers/ports.js';

async function site(t: TestContext, routes: Record<string, Route>) {
  const s = await startSite(routes);
  t.after(() => s.close());
  return s;
}

function lastLine(run: Run): string {
  return run.stderr.trimEnd().split('\n').at(-1) ?? '';
}

function assertNoStack(run: Run): void {
  assert.ok(!/\n\s+at /.test(run.stderr), `no stack trace: ${run.stderr}`);
}

interface RunRow {
  status: string;
  ended: number;
  pages: number;
  failures: number;
}
const RUN_ROWS = 'SELECT status, ended_at IS NOT NULL AS ended, pages, failures FROM runs ORDER BY id';

test('every seed unreachable: the summary, then one line naming the seed and why, exit 1; the URL keeps the network code', async (t) => {
  const port = await closedPort();
  const seed = `http://127.0.0.1:${port}/`;
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', seed, '--db', db, '--retries', '1', '--no-progress']);
  assert.equal(run.code, 1, run.stderr);
  assertNoStack(run);
  assert.match(run.stderr, /crawl done: 0 pages stored, 1 failed/, 'the summary is still printed');
  assert.match(run.stderr, / {7}1 {2}CRAWL_FETCH_REFUSED\n/);
  assert.doesNotMatch(run.stderr, /CRAWL_ROBOTS_UNAVAILABLE/);
  assert.equal(lastLine(run), `crawlite: no page could be fetched: every seed failed (${seed}: connection refused) [CRAWL_NOTHING_FETCHED]`);

  const urls = rows<{ state: string; error_code: string; error_message: string }>(db, 'SELECT state, error_code, error_message FROM urls');
  assert.equal(urls.length, 1);
  assert.equal(urls[0]!.state, 'failed');
  assert.equal(urls[0]!.error_code, 'CRAWL_FETCH_REFUSED');
  assert.match(urls[0]!.error_message, new RegExp(`^robots\\.txt ${seed}robots\\.txt: connection refused: .*ECONNREFUSED 127\\.0\\.0\\.1:${port}.* \\(after 2 attempts\\)$`));
  assert.deepEqual(rows<RunRow>(db, RUN_ROWS), [{ status: 'done', ended: 1, pages: 0, failures: 1 }], 'the run is finalized as any finished run');

  // stats reads the same code; running the crawl again finds nothing left to do, and that is no failure.
  const stats = await crawlite(['stats', '--db', db]);
  assert.equal(stats.code, 0, stats.stderr);
  assert.match(stats.stdout, /CRAWL_FETCH_REFUSED\s+url failed\s+1\s+robots\.txt http:/);
  const again = await crawlite(['crawl', seed, '--db', db, '--retries', '0', '--no-progress']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /crawl done: 0 pages stored, 0 failed/);
});

test('seeds answering 404 and 500: their pages are stored, and the crawl still exits 1 naming each status', async (t) => {
  const s = await site(t, { '/broken': { status: 500, body: page('down') } });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', s.url('/missing'), s.url('/broken'), '--db', db, '--retries', '0', '--no-progress']);
  assert.equal(run.code, 1, run.stderr);
  assertNoStack(run);
  assert.match(run.stderr, /crawl done: 2 pages stored, 0 failed/);
  assert.match(run.stderr, /\n {2}2 stored pages answered with an HTTP error status \(4xx or 5xx\); list them: crawlite export --db \S+ --status 4xx,5xx --fields url,status\n/);
  const line = lastLine(run);
  assert.match(line, /^crawlite: no page could be fetched: every seed failed \(.*\) \[CRAWL_NOTHING_FETCHED\]$/);
  assert.ok(line.includes(`${s.url('/missing')}: HTTP 404`), line);
  assert.ok(line.includes(`${s.url('/broken')}: HTTP 500`), line);
  const pages = rows<{ url: string; status: number }>(db, 'SELECT url, status FROM pages ORDER BY url');
  assert.deepEqual(pages, [{ url: s.url('/broken'), status: 500 }, { url: s.url('/missing'), status: 404 }], 'nothing stored is lost');
  const json = await crawlite(['crawl', s.url('/missing'), s.url('/broken'), '--db', tempDbPath(t), '--retries', '0', '--log-format', 'json']);
  const summary = JSON.parse(json.stderr.trimEnd().split('\n').at(-2)!) as Record<string, unknown>;
  assert.deepEqual([summary.type, summary.pagesStored, summary.failures, summary.httpErrorPages], ['summary', 2, 0, 2]);
});

test('a seed redirecting to a 404 page stored by an earlier run (not requested again) still exits 1', async (t) => {
  const s = await site(t, { '/go/missing': { status: 301, headers: { location: '/missing' }, body: '' } });
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', s.url('/missing'), '--db', db, '--retries', '0', '--no-progress'])).code, 1);
  const run = await crawlite(['crawl', s.url('/go/missing'), '--db', db, '--retries', '0', '--no-progress']);
  assert.equal(run.code, 1, run.stderr);
  assert.ok(lastLine(run).includes(`${s.url('/go/missing')}: HTTP 404`), lastLine(run));
  assert.equal(s.hits.get('/missing'), 1, 'the stored 404 was not requested again');
});

test('a seed whose redirect target is down: the line names the target, not the seed that answered', async (t) => {
  const port = await closedPort();
  const target = `http://127.0.0.1:${port}/home`;
  const s = await site(t, { '/': { status: 301, headers: { location: target }, body: '' } });
  const run = await crawlite(['crawl', s.url('/'), '--db', tempDbPath(t), '--retries', '0', '--no-progress']);
  assert.equal(run.code, 1, run.stderr);
  assert.ok(lastLine(run).includes(`${s.url('/')}: connection refused at ${target}`), lastLine(run));
});

test('one seed fetched is enough: exit 0, and a finished crawl run again exits 0', async (t) => {
  const port = await closedPort();
  const s = await site(t, { '/': page('home', ['/a', '/gone']), '/a': page('a') });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', s.url('/'), `http://127.0.0.1:${port}/`, '--scope', 'any', '--db', db, '--retries', '0', '--no-progress']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /crawl done: 3 pages stored, 1 failed/);
  assert.doesNotMatch(run.stderr, /CRAWL_NOTHING_FETCHED/);
  const again = await crawlite(['crawl', s.url('/'), '--db', db, '--no-progress']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(rows<{ n: number }>(db, 'SELECT count(*) AS n FROM pages')[0]!.n, 3);
});

test('--log-format json keeps one JSON object per line up to the summary, then the usual line; --quiet prints that line alone', async (t) => {
  const port = await closedPort();
  const seed = `http://127.0.0.1:${port}/`;
  const json = await crawlite(['crawl', seed, '--db', tempDbPath(t), '--retries', '0', '--log-format', 'json']);
  assert.equal(json.code, 1, json.stderr);
  const lines = json.stderr.trimEnd().split('\n');
  const events = lines.slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(events.map((e) => [e.type, e.code]), [['error', 'CRAWL_FETCH_REFUSED'], ['summary', undefined]]);
  assert.match(String(events[0]!.message), /^robots\.txt http:.*connection refused/);
  assert.deepEqual(events[1]!.errorsByCode, { CRAWL_FETCH_REFUSED: 1 });
  assert.match(lines.at(-1)!, /^crawlite: no page could be fetched: every seed failed .*\[CRAWL_NOTHING_FETCHED\]$/);

  const quiet = await crawlite(['crawl', seed, '--db', tempDbPath(t), '--retries', '0', '--quiet']);
  assert.equal(quiet.code, 1, quiet.stderr);
  assert.equal(quiet.stderr, `crawlite: no page could be fetched: every seed failed (${seed}: connection refused) [CRAWL_NOTHING_FETCHED]\n`);
});

test('Ctrl+C while an unreachable seed waits for its robots.txt retry: exit 130, not 1; the waiting URL shows the network code', async (t) => {
  const port = await closedPort();
  const db = tempDbPath(t);
  let waiting: Array<{ state: string; error_code: string | null }> = [];
  const run = await crawlite(['crawl', `http://127.0.0.1:${port}/`, '--db', db, '--retries', '5', '--no-progress'], {
    onSpawn: (child) => {
      const poll = setInterval(() => {
        try {
          waiting = rows(db, 'SELECT state, error_code FROM urls');
        } catch {
          return; // the file or its tables do not exist yet: poll again
        }
        if (waiting[0]?.error_code) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 20);
      child.on('exit', () => clearInterval(poll));
    },
  });
  assert.equal(run.code, 130, run.stderr);
  assert.deepEqual(waiting, [{ state: 'queued', error_code: 'CRAWL_FETCH_REFUSED' }], 'while retries remain the URL waits, with the network code');
  assert.doesNotMatch(run.stderr, /CRAWL_NOTHING_FETCHED/);
  assert.deepEqual(rows<{ status: string }>(db, 'SELECT status FROM runs'), [{ status: 'interrupted' }]);
});

test('a seed excluded by --include/--exclude: a line naming it and the rule; every seed excluded: exit 1 with one line', async (t) => {
  const s = await site(t, { '/': page('home', ['/docs/a']), '/docs/a': page('a'), '/blog/': page('blog') });
  const db = tempDbPath(t);
  const some = await crawlite(['crawl', s.url('/'), s.url('/blog/'), '--db', db, '--include', '/docs/', '--include', '/$', '--exclude', 'blog', '--no-progress']);
  assert.equal(some.code, 0, some.stderr);
  assert.match(some.stderr, new RegExp(`^crawlite: seed ${s.url('/blog/')} is not crawled: it matches --exclude 'blog'$`, 'm'));
  assert.doesNotMatch(some.stderr, new RegExp(`seed ${s.url('/')} `), 'a seed that is crawled gets no line');
  assert.equal(s.hits.get('/docs/a'), 1);
  assert.equal(s.hits.get('/blog/'), undefined);

  const none = await crawlite(['crawl', s.url('/'), '--db', tempDbPath(t), '--include', '/docs/', '--no-progress']);
  assert.equal(none.code, 1, none.stderr);
  assertNoStack(none);
  assert.match(none.stderr, new RegExp(`^crawlite: seed ${s.url('/')} is not crawled: it matches no --include pattern \\('/docs/'\\)$`, 'm'));
  assert.equal(lastLine(none),
    `crawlite: no page could be fetched: every seed is excluded (${s.url('/')}: it matches no --include pattern ('/docs/')) [CRAWL_NOTHING_FETCHED]`);
  assert.equal(s.hits.get('/'), 1, 'only the first crawl fetched the seed');

  const json = await crawlite(['crawl', s.url('/'), '--db', tempDbPath(t), '--exclude', '127', '--log-format', 'json']);
  assert.equal(json.code, 1, json.stderr);
  const lines = json.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, json.stderr);
  assert.deepEqual(JSON.parse(lines[0]!).excludedSeeds, [{ url: s.url('/'), reason: "it matches --exclude '127'" }]);
  assert.match(lines[1]!, /every seed is excluded .*\[CRAWL_NOTHING_FETCHED\]$/);
});
