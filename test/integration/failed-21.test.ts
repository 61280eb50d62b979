/**
 * Round 21: `crawlite export --failed` lists the URLs that failed without a response (before, only
 * sqlite3 could), from a real crawl of a 127.0.0.1 site: a refused connection, a timeout, a
 * robots.txt Disallow; a 404 is a page and stays out of the list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSite, page } from '../helpers/site.js';
import { assertOneLineError, crawlite, whenPages } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { closedPort } from '../helpers/ports.js';

test('export --failed lists each URL that failed, why, its attempts, depth and the page it was found on, as JSONL and CSV; a 404 page is not among them', async (t) => {
  const site = await startSite({
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /private\n' },
    '/': page('home', ['/slow', '/missing', '/private', '/ok']),
    '/ok': page('ok'),
    '/slow': { body: page('slow'), delayMs: 2_000 },
    '/missing': { status: 404, body: page('not found') },
    '/private': page('private'),
  });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-failed21-');
  const db = join(dir, 'crawl.db');
  const port = await closedPort();
  const refused = `http://127.0.0.1:${port}/gone`;
  const crawl = await crawlite(['crawl', site.url('/'), refused, '--db', db, '--workers', '0', '--timeout', '300ms', '--retries', '0', '--concurrency', '4']);
  assert.equal(crawl.code, 0, crawl.stderr);
  // The summary points to the list where it counts the failures.
  assert.match(crawl.stderr, new RegExp(`^ {2}3 URLs failed without a response; list them: crawlite export --db ${db} --failed --out failed\\.csv$`, 'm'));

  const jsonl = await crawlite(['export', '--db', db, '--failed']);
  assert.equal(jsonl.code, 0, jsonl.stderr);
  assert.equal(jsonl.stderr, '');
  const rows = jsonl.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const row of rows) {
    assert.match(String(row.failed_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    delete row.failed_at;
  }
  // Shallowest first, then in the order met: the refused seed, then the home page's links.
  assert.deepEqual(rows, [
    // Its robots.txt was refused first, so the URL itself was never requested: 0 attempts.
    {
      url: refused, error_code: 'CRAWL_FETCH_REFUSED', error_message: `robots.txt http://127.0.0.1:${port}/robots.txt: connection refused: connect ECONNREFUSED 127.0.0.1:${port}`,
      attempts: 0, depth: 0, found_on: null, redirect_to: null,
    },
    { url: site.url('/slow'), error_code: 'CRAWL_FETCH_TIMEOUT', error_message: 'no complete response within 300 ms', attempts: 1, depth: 1, found_on: site.url('/'), redirect_to: null },
    { url: site.url('/private'), error_code: 'CRAWL_ROBOTS_DISALLOWED', error_message: `disallowed by ${site.url('/robots.txt')}`, attempts: 0, depth: 1, found_on: site.url('/'), redirect_to: null },
  ]);

  const out = join(dir, 'failed.csv');
  const csv = await crawlite(['export', '--db', db, '--failed', '--fields', 'url,error_code,attempts,found_on', '--out', out]);
  assert.equal(csv.code, 0, csv.stderr);
  assert.equal(csv.stdout, '');
  assert.equal(readFileSync(out, 'utf8'), [
    'url,error_code,attempts,found_on',
    `${refused},CRAWL_FETCH_REFUSED,0,`,
    `${site.url('/slow')},CRAWL_FETCH_TIMEOUT,1,${site.url('/')}`,
    `${site.url('/private')},CRAWL_ROBOTS_DISALLOWED,0,${site.url('/')}`,
    '',
  ].join('\r\n'));

  // The 404 is a page, exported as pages are.
  const http = await crawlite(['export', '--db', db, '--status', '4xx', '--fields', 'url,status']);
  assert.deepEqual(JSON.parse(http.stdout), { url: site.url('/missing'), status: 404 });

  const run = await crawlite(['export', '--db', db, '--failed', '--run', '1', '--fields', 'url', '--format', 'csv']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.split('\r\n').length, 5, run.stdout);
  const none = await crawlite(['export', '--db', db, '--failed', '--since', '2001-01-01', '--until', '2001-01-02']);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stdout, '');
  assert.equal(none.stderr, `crawlite: no failed URL matched --since 2001-01-01 --until 2001-01-02 (${db} has 3 failed URLs in all)\n`);
});

test('export --failed refuses what a URL without a response cannot have, in one line, with nothing written', async (t) => {
  const dir = tempDir(t, 'crawlite-failed21-');
  const db = join(dir, 'none.db');
  assertOneLineError(await crawlite(['export', '--db', db, '--failed', '--format', 'warc']), 2, /--failed cannot go with --format warc: a failed URL has no response or links to write; --failed writes jsonl or csv/);
  assertOneLineError(await crawlite(['export', '--db', db, '--failed', '--out', join(dir, 'x.warc.gz')]), 2, /--failed cannot go with --out .*x\.warc\.gz \(a warc export, from its name\)/);
  assertOneLineError(await crawlite(['export', '--db', db, '--failed', '--with', 'text']), 2, /--failed cannot go with --with text: a failed URL has no stored content/);
  assertOneLineError(await crawlite(['export', '--db', db, '--failed', '--status', '4xx']), 2, /--failed cannot go with --status: a failed URL got no HTTP answer; pages that answered 4xx or 5xx are listed by crawlite export --status 4xx,5xx/);
  assertOneLineError(await crawlite(['export', '--db', db, '--failed', '--fields', 'url,status']), 2, /unknown field 'status' for --failed \(known: url, error_code, error_message, attempts, depth, found_on, redirect_to, failed_at\)/);
});

test('export on a file with no pages says what to do next: here, list the URL that failed', async (t) => {
  const dir = tempDir(t, 'crawlite-failed21-');
  const db = join(dir, 'crawl.db');
  const refused = `http://127.0.0.1:${await closedPort()}/`;
  const crawl = await crawlite(['crawl', refused, '--db', db, '--workers', '0', '--retries', '0']);
  assert.equal(crawl.code, 1, 'no page could be fetched');
  const empty = await crawlite(['export', '--db', db]);
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, '');
  assert.equal(empty.stderr, `crawlite: no page exported: ${db} holds no pages; its 1 URL that failed is listed, with why, by crawlite export --db ${db} --failed\n`);
  const stats = await crawlite(['stats', '--db', db]);
  assert.match(stats.stdout, new RegExp(`^ {2}list the 1 failed URL: crawlite export --db ${db} --failed --out failed\\.csv$`, 'm'));
});

test('a crawl stopped by Ctrl+C inside --max-pages is continued with what is left of its --max-pages, not "to its end" of an endless site', async (t) => {
  // An endless chain: each page links the next, answered after 20 ms, so the interrupt lands mid-crawl.
  const routes: Record<string, string> = {};
  for (let n = 0; n < 200; n++) routes[`/p${n}`] = page(`p${n}`, [`/p${n + 1}`]);
  const site = await startSite(routes, { delayMs: 20 });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-failed21-'), 'crawl.db');
  const stopped = await crawlite(['crawl', site.url('/p0'), '--db', db, '--max-pages', '100', '--no-progress', '--workers', '0', '--concurrency', '1'], {
    onSpawn: (child) => whenPages(child, db, 3, () => child.kill('SIGINT')),
  });
  assert.equal(stopped.code, 130, stopped.stderr);
  // What is left of the 100 (round 22): every URL taken here stored a page (cli-qa-22 checks the sum).
  assert.match(stopped.stderr, new RegExp(`^next:\n {2}crawlite crawl --db ${db} --max-pages (\\d+) +# continue the crawl, \\1 more URLs? at most \\(the rest of --max-pages 100\\) \\([1-9]\\d* URLs? queued\\)$`, 'm'));
});
