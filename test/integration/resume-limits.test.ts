/**
 * Limits are per run and not stored, so a URL an earlier run queued is checked again against this
 * run's --max-depth and --include/--exclude when it is claimed (frontier.ts #recheck): a resume
 * under a tighter limit does not fetch what that limit excludes. The seeds' host scope is not
 * checked again: a resume that adds a seed on another host keeps the first host's queue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page, type TestSite } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

/** `/` links /a1../a5; each /aN links /bN. Claimed by depth, then discovery order. */
async function treeSite(t: import('node:test').TestContext, host?: string): Promise<TestSite> {
  const routes: Record<string, string> = { '/': page('home', [1, 2, 3, 4, 5].map((n) => `/a${n}`)) };
  for (let n = 1; n <= 5; n++) {
    routes[`/a${n}`] = page(`a${n}`, [`/b${n}`]);
    routes[`/b${n}`] = page(`b${n}`);
  }
  const site = await startSite(routes);
  t.after(() => site.close());
  if (host === undefined) return site;
  return { ...site, url: (path: string) => site.url(path).replace('127.0.0.1', host) };
}

function states(db: string, site: TestSite, paths: string[]): string[] {
  return paths.map((p) => {
    const row = rows<{ state: string; error_code: string | null }>(db, 'SELECT state, error_code FROM urls WHERE url = ?', site.url(p))[0];
    return `${p} ${row?.state} ${row?.error_code ?? ''}`.trim();
  });
}

test('a resume with a smaller --max-depth skips the deeper URLs an earlier run queued, instead of fetching them', async (t) => {
  const site = await treeSite(t);
  const first = testConfig(t, [site.url('/')], { maxPages: 3, fetch: { concurrency: 1 } as never });
  await runCrawl(first);
  assert.deepEqual(states(first.dbPath, site, ['/b1', '/b2']), ['/b1 queued', '/b2 queued'], 'the first run left links of depth 2 queued');

  const summary = await runCrawl(testConfig(t, [site.url('/')], { maxDepth: 1, dbPath: first.dbPath }));
  assert.equal(summary.status, 'done');
  assert.deepEqual(
    states(first.dbPath, site, ['/b1', '/b2', '/b3', '/b4', '/b5']),
    ['/b1', '/b2', '/b3', '/b4', '/b5'].map((p) => `${p} skipped CRAWL_DEPTH_LIMIT`),
  );
  assert.deepEqual(rows<{ title: string }>(first.dbPath, 'SELECT title FROM pages ORDER BY title').map((r) => r.title), ['a1', 'a2', 'a3', 'a4', 'a5', 'home']);
  assert.equal(rows<{ n: number }>(first.dbPath, "SELECT count(*) AS n FROM urls WHERE state = 'skipped' AND attempts > 0")[0]?.n, 0, 'a skipped claim counts no attempt');
});

test('a resume with --exclude skips queued URLs it rejects; a new seed on another host keeps the first host queue', async (t) => {
  const site = await treeSite(t);
  const first = testConfig(t, [site.url('/')], { maxPages: 3, fetch: { concurrency: 1 } as never });
  await runCrawl(first);

  await runCrawl(testConfig(t, [site.url('/')], { dbPath: first.dbPath, scope: { exclude: ['/b[12]$'] } }));
  assert.deepEqual(states(first.dbPath, site, ['/b1', '/b2', '/b3']), ['/b1 skipped CRAWL_SCOPE_EXCLUDED', '/b2 skipped CRAWL_SCOPE_EXCLUDED', '/b3 done']);

  // Another host (localhost, the same server): its seed's host scope does not drop 127.0.0.1's URLs.
  const other = await treeSite(t, 'localhost');
  const third = testConfig(t, [site.url('/')], { maxPages: 2, fetch: { concurrency: 1 } as never });
  await runCrawl(third);
  const queued = rows<{ url: string }>(third.dbPath, "SELECT url FROM urls WHERE state = 'queued' ORDER BY url").map((r) => r.url);
  assert.ok(queued.length > 0, 'the first run left URLs queued');
  await runCrawl(testConfig(t, [other.url('/')], { dbPath: third.dbPath }));
  const after = rows<{ url: string; state: string }>(third.dbPath, "SELECT url, state FROM urls WHERE url LIKE 'http://127.0.0.1:%' ORDER BY url")
    .filter((r) => queued.includes(r.url));
  assert.deepEqual(after.map((r) => r.state), queued.map(() => 'done'), 'every URL queued on the first host was fetched, none skipped');
});
