/**
 * Spider traps on a real 127.0.0.1 site: a catch-all site (every path the same page, with relative
 * links) ends by itself; the same page under two URLs loses nothing; a forum index's 1,500 topic
 * links are all crawled while a calendar linking 30 events a month still stops at the
 * query-variant cap; and the summary says how many URLs were skipped as traps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page, type Route } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { crawlite } from '../helpers/cli.js';
import { rows } from '../helpers/db.js';

/** A site answering every path from `route`, or with a 404. */
function generatedSite(route: (path: string) => Route | undefined) {
  return startSite(new Proxy({} as Record<string, Route>, { get: (_t, path: string) => route(path) }));
}

const states = (dbPath: string) =>
  Object.fromEntries(rows<{ state: string; n: number }>(dbPath, 'SELECT state, count(*) AS n FROM urls GROUP BY state').map((r) => [r.state, r.n]));

test('a catch-all site (every path: the same page, relative nav links) ends by itself', async (t) => {
  const site = await generatedSite(() => page('Catch-all', ['about/', 'blog/', 'docs/', 'contact/', 'shop/']));
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { maxPages: 500 });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  const pages = rows<{ url: string; content_hash: string }>(config.dbPath, 'SELECT url, content_hash FROM pages');
  assert.ok(pages.length <= 10, `ended well below --max-pages: ${pages.length} pages stored`);
  assert.equal(new Set(pages.map((p) => p.content_hash)).size, 1);
  const byState = states(config.dbPath);
  assert.equal(byState.queued, undefined, 'nothing left in the queue');
  const skipped = rows<{ url: string; error_code: string }>(config.dbPath, `SELECT url, error_code FROM urls WHERE state = 'skipped'`);
  assert.ok(skipped.length > 0 && skipped.every((u) => u.error_code === 'CRAWL_TRAP_DUPLICATE_CONTENT'), JSON.stringify(skipped.slice(0, 3)));
  assert.ok(skipped.some((u) => u.url === site.url('/about/blog/')));
  assert.deepEqual(summary.trapSkips, { CRAWL_TRAP_DUPLICATE_CONTENT: skipped.length });
});

test('a "latest" alias (/docs/ serves /docs/v2/\'s bytes, relative links) loses nothing; a catch-all behind one still ends a level down', async (t) => {
  const index = page('Docs v2', ['intro.html', 'api.html']);
  const site = await startSite({
    '/': page('home', ['/docs/', '/docs/v2/']),
    '/docs/': index,
    '/docs/v2/': index,
    '/docs/intro.html': page('intro'),
    '/docs/api.html': page('api'),
    '/docs/v2/intro.html': page('v2 intro'),
    '/docs/v2/api.html': page('v2 api'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { maxPages: 100 });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  for (const path of ['/docs/intro.html', '/docs/api.html', '/docs/v2/intro.html', '/docs/v2/api.html']) assert.equal(site.hits.get(path), 1, `${path} fetched`);
  assert.deepEqual(states(config.dbPath), { done: 7 });
  assert.equal(summary.trapSkips, undefined, 'nothing skipped as a trap');

  // Every path under /docs/ answers the same page with relative links: the alias /docs/v2/ is
  // crawled (found on the distinct home page), the copies under /docs/ and /docs/v2/ (found on a
  // copy) are fetched once and add nothing. Wasted requests: those four copies and /docs/v2/.
  const trap = await generatedSite((path) => {
    if (path === '/') return page('home', ['/docs/', '/docs/v2/']);
    if (path.startsWith('/docs/')) return page('Docs', ['intro/', 'api/']);
    return undefined;
  });
  t.after(() => trap.close());
  const trapConfig = testConfig(t, [trap.url('/')], { maxPages: 500 });
  const trapSummary = await runCrawl(trapConfig);
  assert.equal(trapSummary.status, 'done');
  const pages = rows<{ url: string }>(trapConfig.dbPath, 'SELECT url FROM pages ORDER BY url').map((p) => p.url.slice(trap.origin.length));
  assert.deepEqual(pages, ['/', '/docs/', '/docs/api/', '/docs/intro/', '/docs/v2/', '/docs/v2/api/', '/docs/v2/intro/']);
  const byState = states(trapConfig.dbPath);
  assert.deepEqual(byState, { done: 7, skipped: 8 });
  assert.deepEqual(trapSummary.trapSkips, { CRAWL_TRAP_DUPLICATE_CONTENT: 8 });
});

test('a catch-all alternating two templates (one page on directory paths, another on .html paths) ends by itself', async (t) => {
  // Each copy is found on a page of the other template, so its parent never has its body; the
  // page above that does.
  const site = await generatedSite((path) => (path.endsWith('/')
    ? page('Section', ['a.html', 'b.html', 'c.html'])
    : path.endsWith('.html') ? page('Article', ['x/', 'y/', 'z/']) : undefined));
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { maxPages: 500 });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  const pages = rows<{ url: string }>(config.dbPath, 'SELECT url FROM pages');
  // /, its three articles, the three sections they link (/x/ ...: copies of / found through /), and
  // nothing below those.
  assert.equal(pages.length, 7, `ended well below --max-pages: ${pages.length} pages stored`);
  assert.equal(states(config.dbPath).queued, undefined, 'nothing left in the queue');
  assert.ok((summary.trapSkips?.CRAWL_TRAP_DUPLICATE_CONTENT ?? 0) > 0, JSON.stringify(summary.trapSkips));
  assert.equal(site.hits.get('/x/a.html'), undefined, 'no article below a copied section fetched');
});

test('the same page under two URLs, with absolute links: every linked URL is still crawled', async (t) => {
  const twin = page('Twin', ['/x', '/y', '/z', 'rel']);
  const site = await startSite({
    '/': page('home', ['/one/a', '/two/b']),
    '/one/a': twin,
    '/two/b': twin,
    '/x': page('x'),
    '/y': page('y'),
    '/z': page('z', ['/two/rel']),
    '/one/rel': page('one rel'),
    '/two/rel': page('two rel'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { maxPages: 100 });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  for (const path of ['/x', '/y', '/z', '/one/rel', '/two/rel']) assert.equal(site.hits.get(path), 1, `${path} fetched`);
  // Whichever twin came second, its relative link resolved to its own directory: that URL was
  // skipped as a duplicate's, then queued when /z (a distinct page) linked it.
  assert.equal(states(config.dbPath).skipped, undefined);
});

test('--max-query-variants: a forum index\'s 1,500 topics are all crawled; a calendar linking 30 events a month stops at the cap; the summary says so', { timeout: 120_000 }, async (t) => {
  const CAP = 20;
  const site = await generatedSite((path) => {
    if (path === '/') return page('home', ['/forum', '/cal4?m=1']);
    if (path === '/forum') return page('forum', Array.from({ length: 1500 }, (_, i) => `/viewtopic.php?t=${i + 1}`));
    if (path.startsWith('/viewtopic.php?t=')) return page(`topic ${path.slice(17)}`, ['/forum']);
    const month = /^\/cal4\?m=(-?\d+)$/.exec(path);
    if (month) {
      const m = Number(month[1]);
      const events = Array.from({ length: 30 }, (_, d) => `/ev4/${m}-${d}?from=cal`);
      return page(`month ${m}`, [`/cal4?m=${m + 1}`, `/cal4?m=${m - 1}`, ...events]);
    }
    if (path.startsWith('/ev4/')) return page(`event ${path}`, ['/cal4?m=1']);
    return undefined;
  });
  t.after(() => site.close());
  const dir = testConfig(t, [site.url('/')]).dbPath;
  const run = await crawlite(['crawl', site.url('/'), '--db', dir, '--max-query-variants', String(CAP), '--max-pages', '5000', '--no-progress']);
  assert.equal(run.code, 0, run.stderr);

  const hits = [...site.hits.keys()];
  assert.equal(hits.filter((p) => p.startsWith('/viewtopic.php')).length, 1500, 'every topic fetched');
  const months = hits.filter((p) => p.startsWith('/cal4')).length;
  assert.ok(months <= CAP + 2, `the calendar stopped at the cap: ${months} months fetched`);
  const skipped = rows<{ n: number }>(dir, `SELECT count(*) AS n FROM urls WHERE error_code = 'CRAWL_TRAP_QUERY_VARIANTS'`)[0]!.n;
  assert.ok(skipped > 0);
  assert.equal(states(dir).queued, undefined);
  const output = run.stdout + run.stderr;
  assert.ok(output.includes(`  ${skipped} URL${skipped === 1 ? '' : 's'} skipped as spider trap${skipped === 1 ? '' : 's'} (CRAWL_TRAP_QUERY_VARIANTS ${skipped}); see docs/hostile-web.md "Spider traps"`), output);
});
