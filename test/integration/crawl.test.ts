/**
 * The whole pipeline against real HTTP servers on 127.0.0.1: the real fetcher, worker pool and
 * writer, a fresh SQLite file per test, assertions on the rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page, Gauge, type TestSite } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

test('every reachable page is stored exactly once, with its title and links', async (t) => {
  const other = await startSite({ '/x': page('other') });
  t.after(() => other.close());
  // localhost is a different host from 127.0.0.1, so in host scope it is out of scope.
  const offsite = other.origin.replace('127.0.0.1', 'localhost') + '/x';
  const site = await startSite({
    '/': page('home', ['/a', '/b', '/old', '/c', '/a#frag', '/a', 'd', offsite, 'mailto:someone@example.org', '/missing']),
    '/a': page('page a', ['/', '/b', '/deep/1']),
    '/b': page('page b', ['e'], '<base href="/sub/">'),
    '/sub/e': page('page e', ['/']),
    '/c': page('page c', ['/a']),
    '/d': page('page d'),
    '/old': { status: 301, headers: { location: '/c' } },
    '/deep/1': page('deep 1', ['/deep/2']),
    '/deep/2': page('deep 2', ['/deep/3']),
    '/deep/3': page('deep 3'),
  });
  t.after(() => site.close());

  const config = testConfig(t, [site.url('/'), site.url('/old')]);
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');

  const pages = rows<{ final_url: string; title: string; status: number }>(config.dbPath, 'SELECT final_url, title, status FROM pages ORDER BY final_url');
  const byUrl = new Map(pages.map((p) => [p.final_url.slice(site.origin.length), p]));
  assert.deepEqual(
    [...byUrl.keys()].sort(),
    ['/', '/a', '/b', '/c', '/d', '/deep/1', '/deep/2', '/deep/3', '/missing', '/sub/e'],
  );
  assert.equal(pages.length, byUrl.size, 'no page is stored twice');
  assert.equal(byUrl.get('/')!.title, 'home');
  assert.equal(byUrl.get('/sub/e')!.title, 'page e', '<base href> resolved the relative link');
  assert.equal(byUrl.get('/missing')!.status, 404);

  const old = rows<{ state: string; redirect_to: string }>(config.dbPath, 'SELECT state, redirect_to FROM urls WHERE url = ?', site.url('/old'));
  assert.deepEqual(old, [{ state: 'redirected', redirect_to: site.url('/c') }]);

  const links = rows<{ to_url: string; anchor: string; in_scope: number }>(
    config.dbPath,
    'SELECT to_url, anchor, in_scope FROM link_edges WHERE from_url = ? ORDER BY to_url',
    site.url('/'),
  );
  const linked = links.map((l) => l.to_url);
  assert.ok(linked.includes(site.url('/a')) && linked.includes(site.url('/d')) && linked.includes(offsite));
  assert.equal(linked.filter((u) => u === site.url('/a')).length, 1, 'duplicate and #fragment links collapse');
  assert.ok(!linked.some((u) => u.startsWith('mailto:')));
  assert.equal(links.find((l) => l.to_url === offsite)!.in_scope, 0);
  assert.equal(links.find((l) => l.to_url === site.url('/a'))!.anchor, 'link 0 to /a');

  const skipped = rows<{ state: string; error_code: string }>(config.dbPath, 'SELECT state, error_code FROM urls WHERE url = ?', offsite);
  assert.deepEqual(skipped, [{ state: 'skipped', error_code: 'CRAWL_SCOPE_OUT' }]);
  assert.equal(other.total(), 0, 'an out-of-scope URL is never requested');
  assert.equal(site.hits.get('/a'), 1);
});

test('never more than --concurrency requests in flight, nor --per-host per host', async (t) => {
  const shared = new Gauge();
  const sites: TestSite[] = [];
  for (let s = 0; s < 3; s++) {
    const routes: Record<string, string> = {};
    for (let n = 0; n < 15; n++) {
      routes[`/p${n}`] = page(`site ${s} page ${n}`, [`/p${n + 1}`, `/p${(n * 7) % 15}`, `/p${(n + 3) % 15}`]);
    }
    sites.push(await startSite(routes, { delayMs: 25, shared }));
  }
  t.after(() => Promise.all(sites.map((s) => s.close())));

  const config = testConfig(t, sites.map((s) => s.url('/p0')), { fetch: { concurrency: 4, perHost: 2 }, scope: { mode: 'any' } });
  const summary = await runCrawl(config);
  assert.equal(summary.pagesStored, 3 * 16, '15 pages and one 404 (/p15) per site');
  assert.ok(shared.max <= 4, `at most 4 requests at once overall, saw ${shared.max}`);
  for (const s of sites) assert.ok(s.gauge.max <= 2, `at most 2 per host, saw ${s.gauge.max}`);
  assert.ok(shared.max >= 3, `requests really overlapped (saw ${shared.max})`);
});
