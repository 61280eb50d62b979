/**
 * The crawlite binary as a user runs it: exit codes, one-line errors, Ctrl+C, and a crawl followed
 * by stats and export, all in child processes against sites on 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { crawlite, assertOneLineError } from '../helpers/cli.js';

test('bad seeds, flags and numbers get one line and exit code 2', async () => {
  assertOneLineError(await crawlite(['crawl', 'not a url']), 2, /^crawlite: invalid seed URL 'not a url'.*\[CRAWL_SEED_INVALID\]$/);
  assertOneLineError(await crawlite(['crawl', 'ftp://example.org/']), 2, /invalid seed URL 'ftp:\/\/example.org\/'/);
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--max-pages', 'lots']), 2, /invalid --max-pages 'lots': expected a whole number >= 1/);
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--bogus']), 2, /Unknown argument: bogus/);
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--db']), 2, /^crawlite: Not enough arguments following: db.*\[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--include', '(']), 2, /invalid --include pattern '\('/);
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--max-bytes', '12 parsecs']), 2, /invalid --max-bytes/);
  assertOneLineError(await crawlite(['stats', '--db', '/nonexistent/dir/crawl.db']), 1, /no database at \/nonexistent\/dir\/crawl.db.*\[CRAWL_STORE_MISSING\]/);
  assertOneLineError(await crawlite(['export', '--fields', 'url,nope', '--db', '/nonexistent/x.db']), 2, /^crawlite: unknown field 'nope' \(known: url, /);
});

test('an --exclude pattern that backtracks exponentially does not hold the crawl (QA: (a+)+b on a long URL ran for hours, deaf to Ctrl+C)', async (t) => {
  const long = `/long/${'a'.repeat(200)}`;
  const site = await startSite({ '/': page('home', [long, '/ab']), [long]: page('long'), '/ab': page('ab') });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--exclude', '(a+)+b', '--no-progress'], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, run.stderr);
  const stored = new Database(db, { readonly: true });
  t.after(() => stored.close());
  const urls = (stored.prepare('SELECT url FROM pages ORDER BY url').all() as Array<{ url: string }>).map((r) => r.url);
  // /ab matches (a+)+b and is excluded; the long URL has no b after its a's and is crawled.
  assert.deepEqual(urls, [site.url('/'), site.url(long)]);
});

test('--help and --version answer without a crawl', async () => {
  const help = await crawlite(['--help']);
  assert.equal(help.code, 0);
  for (const cmd of ['crawl', 'stats', 'export', 'bench']) assert.match(help.stdout, new RegExp(`crawlite ${cmd}`));
  const crawlHelp = await crawlite(['crawl', '--help']);
  assert.match(crawlHelp.stdout, /--per-host/);
  assert.match(crawlHelp.stdout, /Examples:/);
  const version = await crawlite(['--version']);
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(version.stdout.trim(), pkg.version);
});

test('crawl, then stats and export, from the command line', async (t) => {
  const routes: Record<string, string> = {};
  for (let i = 0; i < 20; i++) routes[`/p${i}`] = page(`Page, "number" ${i}`, [`/p${(i + 1) % 20}`, `/p${(i * 3) % 20}`]);
  routes['/'] = page('Home', ['/p0']);
  const site = await startSite(routes);
  t.after(() => site.close());
  const db = tempDbPath(t);

  const crawl = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--workers', '1']);
  assert.equal(crawl.code, 0, crawl.stderr);
  assert.match(crawl.stderr, /crawl done: 21 pages stored/);

  const stats = await crawlite(['stats', '--db', db, '--json']);
  assert.equal(stats.code, 0, stats.stderr);
  assert.ok(stats.stdout.includes('"200"') || stats.stdout.includes('200'), stats.stdout);

  const jsonl = await crawlite(['export', '--db', db, '--fields', 'url,title,status']);
  assert.equal(jsonl.code, 0, jsonl.stderr);
  const lines = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as { url: string; title: string; status: number });
  assert.equal(lines.length, 21);
  assert.deepEqual(Object.keys(lines[0]!), ['url', 'title', 'status']);
  assert.ok(lines.some((l) => l.title === 'Page, "number" 7'));

  const csv = await crawlite(['export', '--db', db, '--format', 'csv', '--fields', 'url,title']);
  assert.equal(csv.code, 0, csv.stderr);
  assert.ok(csv.stdout.startsWith('url,title\r\n'));
  assert.ok(csv.stdout.includes(`${site.url('/p7')},"Page, ""number"" 7"\r\n`));
});

test('Ctrl+C stops gracefully: exit 130, fetched pages stored, nothing left in flight', async (t) => {
  const routes: Record<string, string> = {};
  for (let i = 0; i < 300; i++) routes[`/p${i}`] = page(`slow ${i}`, [`/p${i + 1}`, `/p${i + 2}`]);
  const site = await startSite(routes, { delayMs: 40 });
  t.after(() => site.close());
  const db = tempDbPath(t);

  let interruptedAt = 0;
  const run = await crawlite(['crawl', site.url('/p0'), '--db', db, '--concurrency', '2', '--no-progress'], {
    onSpawn: (child) => {
      // Interrupt once the crawl has stored something, polling the file as a reader would.
      const poll = setInterval(() => {
        try {
          const reader = new Database(db, { readonly: true });
          const n = (reader.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n;
          reader.close();
          if (n >= 5) {
            clearInterval(poll);
            interruptedAt = Date.now();
            child.kill('SIGINT');
          }
        } catch {
          // the file or its tables do not exist yet: poll again
        }
      }, 50);
      child.on('exit', () => clearInterval(poll));
    },
  });
  assert.equal(run.code, 130, run.stderr);
  assert.ok(interruptedAt > 0);
  assert.ok(Date.now() - interruptedAt < 5_000, 'exits within a few seconds');
  const reader = new Database(db, { readonly: true });
  t.after(() => reader.close());
  const pages = (reader.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n;
  assert.ok(pages >= 5 && pages < 300, `${pages} pages`);
  const inFlight = (reader.prepare(`SELECT count(*) AS n FROM urls WHERE state = 'fetching'`).get() as { n: number }).n;
  assert.equal(inFlight, 0, 'abandoned fetches went back to the queue');
  const done = (reader.prepare(`SELECT count(*) AS n FROM urls WHERE state = 'done'`).get() as { n: number }).n;
  assert.equal(done, pages, 'every URL marked done has its page');
  const runRow = reader.prepare('SELECT status FROM runs ORDER BY id DESC LIMIT 1').get();
  assert.deepEqual(runRow, { status: 'interrupted' });
});
