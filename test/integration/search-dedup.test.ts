/**
 * Full-text search over a real crawl (the index is kept by the writer), and identical bodies
 * stored once however many URLs serve them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { runCrawl } from '../../src/crawl.js';
import { formatHits, searchPages } from '../../src/search/search.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { LEGACY_META, LEGACY_URLS } from '../helpers/legacy-db.js';

// Files made before 0.2 keep one page_search table (title and text columns, detail=column):
// crawls into them index there, and search reads them the same way.
const COLUMNS_LAYOUT = `CREATE VIRTUAL TABLE page_search USING fts5(title, text, content='', contentless_delete=1,
  detail=column, tokenize='unicode61 remove_diacritics 2')`;

for (const layout of ['words', 'columns'] as const) test(`search (${layout} index) finds known text, ranks title matches first, and cuts a snippet around the words`, async (t) => {
  const filler = 'Lorem ipsum dolor sit amet. '.repeat(40);
  const site = await startSite({
    // page() writes each link's href into its anchor text, so the paths hold none of the searched words.
    '/': page('Home of the zoo', ['/a', '/b', '/c', '/café']),
    '/a': page('Otters', ['/'], `<p>${filler} Sea otters hold hands while sleeping so they do not drift apart. ${filler}</p>`),
    '/b': page('Penguins', ['/'], `<p>Penguins and otters share the cold pool; penguins cannot fly.</p>`),
    '/c': page('Keepers', ['/'], `<p>The keepers feed everyone at noon.</p><script>var otters = 1;</script>`),
    '/caf%C3%A9': page('Café', ['/'], '<p>The zoo café serves crème brûlée.</p>'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  if (layout === 'columns') {
    const old = new Database(config.dbPath);
    old.exec(LEGACY_META + LEGACY_URLS + COLUMNS_LAYOUT);
    old.close();
  }
  await runCrawl(config);
  const tables = new Database(config.dbPath, { readonly: true });
  const names = tables.prepare("SELECT name FROM sqlite_schema WHERE name IN ('page_search', 'page_words', 'page_titles') ORDER BY name").pluck().all();
  tables.close();
  assert.deepEqual(names, layout === 'words' ? ['page_titles', 'page_words'] : ['page_search']);
  const search = (query: string, limit?: number) => searchPages({ dbPath: config.dbPath, query, limit });

  const otters = search('otters');
  assert.deepEqual(otters.map((h) => h.url), [site.url('/a'), site.url('/b')], 'title match first; script text is not indexed');
  assert.equal(otters[0]!.title, 'Otters');
  assert.match(otters[0]!.snippet.text, /^Otters Lorem ipsum/, 'the first match, here the heading');
  const sleeping = search('sleeping otters')[0]!;
  assert.match(sleeping.snippet.text, /Sea otters hold hands while sleeping/, 'the window holding both words');
  assert.ok(sleeping.snippet.text.startsWith('…'), 'a snippet deep in the text is cut, and says so');
  assert.deepEqual(sleeping.snippet.matches.map(([s, e]) => sleeping.snippet.text.slice(s, e)), ['otters', 'sleeping']);

  assert.deepEqual(search('otters penguins').map((h) => h.url), [site.url('/b')], 'all words must match');
  assert.deepEqual(search('otters -penguins').map((h) => h.url), [site.url('/a')], '-word excludes');
  assert.equal(search('otters OR keepers').length, 3);
  assert.deepEqual(search('sleep*').map((h) => h.url), [site.url('/a')], 'prefix');
  assert.deepEqual(search('"hold hands"').map((h) => h.url), [site.url('/a')]);
  assert.deepEqual(search('creme brulee').map((h) => h.url), [site.url('/caf%C3%A9')], 'diacritics folded');
  assert.deepEqual(search('zebra'), []);
  assert.equal(search('the', 2).length, 2, '--limit');
  assert.throws(() => search('-otters'), { code: 'CRAWL_USAGE' });
  assert.throws(() => search('otters', 0), { code: 'CRAWL_USAGE' });
  assert.match(formatHits(otters, false), /^1\. Otters\n {3}http:\/\/127\.0\.0\.1:\d+\/a\n {3}Otters Lorem/);
  assert.equal(formatHits([], false), 'no matches\n');
});

test('identical bodies are stored once, however many URLs serve them', async (t) => {
  const shared = page('The same page', ['/'], '<p>served under many names</p>');
  const routes: Record<string, string> = { '/': page('index', Array.from({ length: 40 }, (_, i) => `/copy/${i}`)) };
  for (let i = 0; i < 40; i++) routes[`/copy/${i}`] = shared;
  const site = await startSite(routes);
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);

  const db = new Database(config.dbPath, { readonly: true });
  t.after(() => db.close());
  const pages = db.prepare('SELECT count(*) AS n, count(DISTINCT content_hash) AS hashes FROM pages').get() as { n: number; hashes: number };
  assert.deepEqual(pages, { n: 41, hashes: 2 });
  const contents = db.prepare('SELECT count(*) AS n FROM contents').get() as { n: number };
  assert.equal(contents.n, 2, 'one contents row for the 40 copies, one for the index');
  assert.equal(searchPages({ dbPath: config.dbPath, query: 'served many names', limit: 100 }).length, 40, 'each URL is still searchable');
});
