/**
 * A crawl that ends by itself merges its search index's segments (search-index.ts
 * mergeSearchSegments): a crawl of a real local site, one page a commit (one segment each), leaves
 * no level of either index with 4 segments or more, and `crawlite search` finds each page by its
 * own word as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { runCrawl } from '../../src/crawl.js';
import { searchPages } from '../../src/search/search.js';
import { startSite, page, type Route } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { segmentsByLevel } from '../helpers/fts-segments.js';

test('a crawl that ends by itself leaves its search index merged, every page found by its words', async (t) => {
  const count = 60;
  const routes: Record<string, Route> = { '/': page('Home', Array.from({ length: count }, (_, i) => `/p${i}`)) };
  for (let i = 0; i < count; i++) routes[`/p${i}`] = page(`Article kiwi${i}`, [], `<p>shared words and wombat${i} here</p>`);
  const site = await startSite(routes);
  t.after(() => site.close());
  // A commit a page: 61 segments in each index, which automerge (16 a level) alone leaves unmerged in part.
  const config = testConfig(t, [site.url('/')], { store: { batchSize: 1 } });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  assert.equal(summary.pagesStored, count + 1);

  const db = new Database(config.dbPath, { readonly: true });
  t.after(() => db.close());
  for (const table of ['page_words', 'page_titles']) {
    const levels = segmentsByLevel(db, table);
    assert.ok(levels.every((n) => n < 4), `${table}: ${JSON.stringify(levels)}`);
  }
  assert.equal(db.prepare("SELECT count(*) FROM page_words WHERE page_words MATCH 'shared'").pluck().get(), count);
  for (const i of [0, 17, count - 1]) {
    const hits = searchPages({ dbPath: config.dbPath, query: `wombat${i}`, limit: 10 });
    assert.deepEqual(hits.map((h) => new URL(h.url).pathname), [`/p${i}`]);
    const byTitle = searchPages({ dbPath: config.dbPath, query: `kiwi${i}`, limit: 10 });
    assert.deepEqual(byTitle.map((h) => new URL(h.url).pathname), [`/p${i}`]);
  }
});
