/**
 * QA round 19: the README's "Use" part walked as a new user would, with the built CLI. What a
 * user typed, what it got before (in each test's name), and what it gets now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { crawlite } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { page, startSite } from '../helpers/site.js';

function query<T>(dbPath: string, sql: string): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

test('crawlite --help shows where to start: bench, a crawl, stats (it listed the commands with no command line to try)', async () => {
  const run = await crawlite(['--help']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Examples:$/m);
  assert.match(run.stdout, /^ {2}crawlite bench +Try it: crawl a generated 1,000-page site on/m, 'the no-internet first step');
  assert.match(run.stdout, /^ {2}crawlite crawl https:\/\/example\.org\/ --max-pages/m);
  assert.match(run.stdout, /^ {2}crawlite stats +What data\/crawl\.db holds/m);
  assert.match(run.stdout, /crawlite <command> --help for each command's options$/m);
  // The examples are the top level's own: a command's help keeps its own examples only.
  const stats = await crawlite(['stats', '--help']);
  assert.equal(stats.code, 0, stats.stderr);
  assert.doesNotMatch(stats.stdout, /Try it/);
  assert.match(stats.stdout, /crawlite stats --db data\/ab\.db --json/);
});

test('crawlite search --help says a quoted phrase finds its words in any order (it said "a phrase", which the index, keeping no positions, cannot match)', async () => {
  const run = await crawlite(['search', '--help']);
  assert.equal(run.code, 0, run.stderr);
  const flat = run.stdout.replace(/\s+/g, ' ');
  assert.match(flat, /a "quoted phrase" finds its words in any order \(the index keeps no positions\)/);
  assert.doesNotMatch(flat, /word\*, "a phrase";/);
});

test('a crawl with no --delay waiting on a 500 retried names a retry\'s backoff (the line listed --delay, Crawl-delay, Retry-After, robots.txt and a resting host, none of which applied)', async (t) => {
  const site = await startSite({ '/': page('home', ['/err']), '/err': { status: 500, body: 'oops' } });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa19-'), 'crawl.db');
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--progress-interval', '0.2', '--retries', '2', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  const waits = run.stderr.split('\n').filter((l) => /, waiting [\d.]+s for a URL to come due/.test(l));
  assert.ok(waits.length > 0, `the backoff (0.5-1 s, then 1-2 s) is waited with nothing in flight: ${run.stderr}`);
  for (const line of waits) assert.match(line, /for a URL to come due \(--delay or Crawl-delay, a retry's backoff or Retry-After, robots\.txt, a resting host\)$/);
});

test('--recrawl of a page stored as a 500 that still answers 500: unchanged, the URL done (it was failed as CRAWL_RECRAWL_UNAVAILABLE on every recrawl, exit 0 with "1 failed")', async (t) => {
  let isBroken = true;
  const site = await startSite({
    '/': page('home', ['/err', '/fine']),
    '/fine': page('fine'),
    '/err': (_req, res) => {
      res.writeHead(isBroken ? 500 : 200, { 'content-type': 'text/html' });
      res.end(isBroken ? 'oops' : page('mended'));
    },
  });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa19-'), 'crawl.db');
  const args = ['crawl', site.url('/'), '--db', db, '--quiet', '--retries', '0', '--workers', '0'];
  const first = await crawlite(args);
  assert.equal(first.code, 0, first.stderr);

  const again = await crawlite([...args, '--recrawl', '--log-format', 'json']);
  assert.equal(again.code, 0, again.stderr);
  const stats = JSON.parse((await crawlite(['stats', '--db', db, '--json'])).stdout);
  assert.deepEqual([stats.recrawl.unchanged, stats.recrawl.changed, stats.recrawl.failed], [3, 0, 0], 'the 500 is what was stored: unchanged');
  const err = query<{ state: string; status: number; error_code: string | null }>(db, "SELECT u.state, p.status, u.error_code FROM urls u JOIN pages p ON p.url_id = u.id WHERE u.url LIKE '%/err'");
  assert.deepEqual(err, [{ state: 'done', status: 500, error_code: null }]);

  // Mended, the next recrawl stores its page: changed. A good copy is what a later 5xx keeps.
  isBroken = false;
  assert.equal((await crawlite([...args, '--recrawl'])).code, 0);
  isBroken = true;
  assert.equal((await crawlite([...args, '--recrawl'])).code, 0);
  const kept = query<{ state: string; status: number; error_code: string | null }>(db, "SELECT u.state, p.status, u.error_code FROM urls u JOIN pages p ON p.url_id = u.id WHERE u.url LIKE '%/err'");
  assert.deepEqual(kept, [{ state: 'failed', status: 200, error_code: 'CRAWL_RECRAWL_UNAVAILABLE' }], 'a good copy stays under a later 500');
});

test('--max-time running out before the first URL comes due: no "nothing left to crawl: no URL is queued" under "N URLs still queued" (it said both)', async (t) => {
  const site = await startSite({ '/': page('home', ['/a', '/b']), '/a': page('a'), '/b': page('b') });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa19-'), 'crawl.db');
  const first = await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--max-pages', '1', '--workers', '0']);
  assert.equal(first.code, 0, first.stderr);
  // --sitemaps asks for /sitemap.xml at the run's start, and the first URL comes due 3 s after it: past --max-time.
  const text = await crawlite(['crawl', '--db', db, '--max-time', '1', '--delay', '3', '--sitemaps', '--no-progress', '--workers', '0']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stderr, /stopped taking URLs at --max-time 1\.0s; 2 URLs still queued/);
  assert.doesNotMatch(text.stderr, /nothing left to crawl/);
  const json = await crawlite(['crawl', '--db', db, '--max-time', '1', '--delay', '3', '--sitemaps', '--log-format', 'json', '--workers', '0']);
  assert.equal(json.code, 0, json.stderr);
  const summary = JSON.parse(json.stderr.trim().split('\n').at(-1)!);
  assert.equal(summary.type, 'summary');
  assert.deepEqual(summary.maxTimeReached, { limitMs: 1000, queued: 2 });
  assert.equal(summary.nothingQueued, undefined);
  // A run with truly nothing to do still says so.
  const done = await crawlite(['crawl', '--db', db, '--no-delay', '--no-sitemaps', '--no-progress', '--workers', '0']);
  assert.equal(done.code, 0, done.stderr);
  const after = await crawlite(['crawl', '--db', db, '--no-progress', '--workers', '0']);
  assert.match(after.stderr, /nothing left to crawl: no URL is queued in this database/);
});
