/**
 * --max-time: after that long no new URL is taken, the requests in flight finish, the run ends
 * as done (exit 0) with the rest still queued, and the next run on the same --db continues.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, page, type Route } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { crawlite, assertOneLineError } from '../helpers/cli.js';
import { parseDuration } from '../../src/config/duration.js';

test('a slow chain of pages stops at --max-time with the rest queued; the next run continues', async (t) => {
  // Each page takes 300 ms and links only the next, so the crawl is a slow line of 30 pages.
  const routes: Record<string, Route> = {};
  for (let i = 0; i < 30; i++) routes[`/p${i}`] = { body: page(`p${i}`, i < 29 ? [`/p${i + 1}`] : []), delayMs: 300 };
  const site = await startSite(routes);
  t.after(() => site.close());
  const db = tempDbPath(t);
  const first = await crawlite(['crawl', site.url('/p0'), '--db', db, '--no-progress', '--ignore-robots', '--max-time', '1']);
  assert.equal(first.code, 0, first.stderr);
  const stored = rows(db, 'SELECT url FROM pages').length;
  assert.ok(stored >= 1 && stored < 30, `stored ${stored}`);
  assert.match(first.stderr, /^crawl done: /m);
  assert.match(first.stderr, /^ {2}stopped taking URLs at --max-time 1\.0s; 1 URL still queued: run the same command for 1\.0s more$/m);
  // The next: lines name the shortest command that continues: no URL, no per-run limit.
  assert.match(first.stderr, new RegExp(`^next:\n {2}crawlite crawl --db ${db} +# continue the crawl with no time limit \\(1 URL queued\\)$`, 'm'));
  const [run] = rows<{ status: string }>(db, 'SELECT status FROM runs');
  assert.equal(run?.status, 'done');
  const second = await crawlite(['crawl', site.url('/p0'), '--db', db, '--no-progress', '--ignore-robots', '--max-time', '1']);
  assert.equal(second.code, 0, second.stderr);
  assert.ok(rows(db, 'SELECT url FROM pages').length > stored, 'the second run went on where the first stopped');
});

test('--max-time counts the sitemaps too: slow ones are not all read first (QA: --max-time 1 ran for 15 s)', async (t) => {
  const routes: Record<string, Route> = {
    '/': page('home'),
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nSitemap: /index.xml\n' },
  };
  let index = '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">';
  for (let i = 0; i < 10; i++) {
    index += `<sitemap><loc>/s${i}.xml</loc></sitemap>`;
    routes[`/s${i}.xml`] = { delayMs: 1500, headers: { 'content-type': 'application/xml' }, body: `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/p${i}</loc></url></urlset>` };
  }
  routes['/index.xml'] = { headers: { 'content-type': 'application/xml' }, body: `${index}</sitemapindex>` };
  const site = await startSite(routes);
  t.after(() => site.close());
  const startedAt = Date.now();
  const run = await crawlite(['crawl', site.url('/'), '--db', tempDbPath(t), '--no-progress', '--sitemaps', '--max-time', '1']);
  const tookMs = Date.now() - startedAt;
  assert.equal(run.code, 0, run.stderr);
  assert.ok(tookMs < 8_000, `took ${tookMs} ms`);
  assert.match(run.stderr, /not read: --max-time reached \(and \d+ more\)/);
  assert.match(run.stderr, /stopped taking URLs at --max-time 1\.0s/);
});

test('a crawl that ends before --max-time says nothing about it', async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const run = await crawlite(['crawl', site.url('/'), '--db', tempDbPath(t), '--no-progress', '--max-time', '10m']);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /max-time/);
});

test('durations: seconds or a unit; anything else, or out of range, is one line and exit 2', async (t) => {
  assert.equal(parseDuration('--max-time', '90', 1000, 86_400_000), 90_000);
  assert.equal(parseDuration('--max-time', '1.5', 1000, 86_400_000), 1500);
  assert.equal(parseDuration('--max-time', '10m', 1000, 86_400_000), 600_000);
  assert.equal(parseDuration('--max-time', '2H', 1000, 86_400_000), 7_200_000);
  assert.equal(parseDuration('--max-time', '1d', 1000, 86_400_000), 86_400_000);
  assert.equal(parseDuration('--max-time', undefined, 1000, 86_400_000), null);
  for (const bad of ['', '0', '0.5', '-5', '10 minutes', '1e3', '2d', 'h']) {
    assert.throws(() => parseDuration('--max-time', bad, 1000, 86_400_000), { code: 'CRAWL_USAGE' }, bad);
  }
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', tempDbPath(t), '--max-time', '10x']), 2,
    /^crawlite: invalid --max-time '10x': expected a duration from 1s to 30d, in seconds or with units: 90, 90s, 10m, 1h30m, 2h, 1d \[CRAWL_USAGE\]$/);
});
