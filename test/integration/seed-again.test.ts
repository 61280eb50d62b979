/**
 * A URL the user names as a seed is crawled, from depth 0, even when an earlier run of the same
 * database met it and skipped it (too deep, say) or queued it deeper (store/statements.ts
 * promoteSeed). Before, the seed's INSERT OR IGNORE met the old row and the crawl did nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

test('a URL skipped as too deep by an earlier run is crawled when it is given as a seed, and its links followed', async (t) => {
  const site = await startSite({ '/': page('home', ['/a']), '/a': page('a', ['/deep']), '/deep': page('deep', ['/deeper']), '/deeper': page('deeper') });
  t.after(() => site.close());
  const first = testConfig(t, [site.url('/')], { maxDepth: 1 });
  assert.equal((await runCrawl(first)).status, 'done');
  const state = (url: string) => rows<{ state: string; depth: number; error_code: string | null }>(first.dbPath, 'SELECT state, depth, error_code FROM urls WHERE url = ?', site.url(url))[0];
  assert.deepEqual(state('/deep'), { state: 'skipped', depth: 2, error_code: 'CRAWL_DEPTH_LIMIT' });

  // The same limit, now seeded at /deep: it is depth 0 and /deeper depth 1, both within it.
  const second = testConfig(t, [site.url('/deep')], { maxDepth: 1, dbPath: first.dbPath });
  const summary = await runCrawl(second);
  assert.equal(summary.status, 'done');
  assert.deepEqual(state('/deep'), { state: 'done', depth: 0, error_code: null });
  assert.deepEqual(state('/deeper'), { state: 'done', depth: 1, error_code: null });
  assert.deepEqual(rows<{ title: string }>(first.dbPath, 'SELECT title FROM pages ORDER BY title').map((r) => r.title), ['a', 'deep', 'deeper', 'home']);
});
