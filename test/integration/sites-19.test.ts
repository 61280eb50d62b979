/**
 * crawlite's defaults on small sites shaped like real ones (test/helpers/real-sites.ts), the
 * stored URL set asserted exactly: what bench/peer-sites.mjs compares with wget and wget2, and
 * the reasons the README gives for each difference (nofollow, robots.txt wildcards, session ids,
 * the query-variant cap, catch-all copies, scope) hold here.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startRealSite, type RealSiteName } from '../helpers/real-sites.js';
import { crawlRealSite, undoneCodes, type RealSiteCrawl } from '../helpers/crawl-real-site.js';
import { rows } from '../helpers/db.js';

const crawlSite = (t: TestContext, name: RealSiteName, flags: string[] = []): Promise<RealSiteCrawl> =>
  crawlRealSite(t, () => startRealSite(name), flags);
const codes = undoneCodes;

test('a WordPress-like blog: every archive and post once; nofollow reply and share links, /wp-admin/ and feeds as README says', async (t) => {
  const { db, stored, origin } = await crawlSite(t, 'blog');
  const posts = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `200 /2026/0${((n - 1) % 3) + 1}/post-${n}/`);
  assert.deepEqual(stored, [
    '/', '/2026/01/', '/2026/02/', '/2026/03/', '/about/', '/category/news/', '/category/news/page/2/', '/category/tech/', '/category/tech/page/2/',
    '/comments/feed/', '/feed/', '/page/2/', '/page/3/', '/tag/alpha/', '/tag/alpha/page/2/', '/tag/alpha/page/3/', '/tag/beta/',
    '/wp-login.php', '/wp-login.php?action=lostpassword',
  ].map((p) => `200 ${p}`).concat(posts).sort());
  // wget fetches the 18 ?replytocom= and 18 ?share= links: WordPress and Jetpack mark them nofollow.
  assert.deepEqual(codes(db), { 'skipped CRAWL_NOT_FOLLOWED': 36, 'failed CRAWL_ROBOTS_DISALLOWED': 1, 'skipped CRAWL_SCOPE_OUT': 1 });
  const post = rows<Record<string, unknown>>(db, "SELECT title, canonical, language, encoding FROM pages WHERE url LIKE '%/post-1/'")[0];
  assert.deepEqual(post, { title: 'Post 1 – Example Blog', canonical: `${origin}/2026/01/post-1/`, language: 'en', encoding: 'utf-8' });
  assert.deepEqual(rows(db, "SELECT anchor FROM link_edges WHERE from_url LIKE '%/post-1/' AND to_url LIKE '%/category/news/'"), [{ anchor: 'News' }], 'a page\'s first link to a target gives the anchor: the nav\'s');
  assert.deepEqual(rows(db, "SELECT robots, content_hash IS NULL AS isEmpty FROM pages WHERE url LIKE '%/wp-login.php'"), [{ robots: 'noindex', isEmpty: 1 }]);
  assert.deepEqual(rows(db, "SELECT title, content_hash FROM pages WHERE url LIKE '%/feed/' ORDER BY url"), [{ title: null, content_hash: null }, { title: null, content_hash: null }]);
});

test('a docs site: relative links resolved, / and /index.html and ?highlight= variants stored as pages of one body each', async (t) => {
  const { db, stored } = await crawlSite(t, 'docs');
  const docs = ['getting-started/', 'user-guide/configuration/', 'user-guide/cli/', 'api/', 'api/client/', 'changelog/'];
  assert.deepEqual(stored, [
    '/', '/index.html', '/search.html', '/genindex.html', '/search.html?q=install', '/search.html?q=config',
    ...docs.map((d) => `/${d}`),
    ...['index/', ...docs].map((d) => `/_sources/${d}index.md.txt`),
    '/user-guide/configuration/?highlight=install', '/user-guide/cli/?highlight=install', '/api/client/?highlight=install',
    '/getting-started/?highlight=config', '/api/?highlight=config', '/changelog/?highlight=config',
  ].map((p) => `200 ${p}`).sort());
  assert.deepEqual(rows(db, "SELECT count(DISTINCT content_hash) AS n FROM pages WHERE content_type LIKE 'text/html%'"), [{ n: 11 }]);
  assert.deepEqual(codes(db), {});
});

test('a faceted shop: session ids stripped, robots.txt wildcards obeyed, each facet order a page', async (t) => {
  const { db, stored } = await crawlSite(t, 'shop');
  const expected = ['/'];
  for (const c of ['shirts', 'shoes']) {
    expected.push(`/c/${c}/`, ...[0, 1, 2, 3, 4, 5].map((p) => `/p/${c}-${p}`));
    for (const color of ['red', 'blue']) for (const size of ['s', 'm']) expected.push(`/c/${c}/?color=${color}&size=${size}`, `/c/${c}/?size=${size}&color=${color}`);
    expected.push(...['color=red', 'color=blue', 'size=s', 'size=m'].map((q) => `/c/${c}/?${q}`));
  }
  assert.deepEqual(stored, expected.map((p) => `200 ${p}`).sort());
  assert.equal(rows(db, "SELECT url FROM urls WHERE url LIKE '%PHPSESSID%'").length, 0);
  // 2 /?sort= + 12 with one or two filters before it + /cart: refused by `Disallow: /*sort=` and `/cart`.
  assert.deepEqual(codes(db), { 'failed CRAWL_ROBOTS_DISALLOWED': 27 });
});

test('an international site: UTF-8 paths raw or encoded are one page; a Latin-1 page\'s query goes out in Latin-1', async (t) => {
  const { db, stored } = await crawlSite(t, 'intl');
  assert.deepEqual(stored, [
    '/en/', '/de/', '/fr/', '/ja/', '/en/about-us/', '/de/%C3%BCber-uns/', '/fr/%C3%A0-propos/', '/ja/%E4%BC%9A%E7%A4%BE%E6%A6%82%E8%A6%81/',
    '/legacy/', '/legacy/suche?q=caf%E9', '/legacy/caf%E9.html',
  ].map((p) => `200 ${p}`).sort());
  assert.deepEqual(rows(db, "SELECT language, title FROM pages WHERE url LIKE '%/de/%C3%BCber-uns/'"), [{ language: 'de', title: 'über-uns/ (de)' }]);
  assert.deepEqual(rows(db, "SELECT encoding, title FROM pages WHERE url LIKE '%/legacy/'"), [{ encoding: 'windows-1252', title: 'Archiv - Übersicht' }]);
  assert.deepEqual(codes(db), {});
});

test('a calendar trap ends at the query-variant cap, and soft-404 copies end one level down in every branch they are met', async (t) => {
  const { db, stored } = await crawlSite(t, 'calendar');
  const months: string[] = [];
  for (let i = 0; i < 500; i++) months.push(`/events/?month=${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  assert.equal(months.at(-1), '/events/?month=2065-08');
  const soft404 = ['/old-news/', '/news/2019/summer-party'].flatMap((p) => {
    const dir = p.slice(0, p.lastIndexOf('/') + 1);
    return [p, `${dir}help/`, `${dir}contact/`];
  });
  assert.deepEqual(stored, ['404 /gone/', ...['/', '/events/', '/news/', ...soft404, ...months].map((p) => `200 ${p}`)].sort());
  // Before, only the branch met first (/old-news/) was remembered for the soft-404 page, and the
  // one under /news/2019/ ran to the repeated-segment rule: 66 more pages of "not found".
  assert.deepEqual(codes(db), { 'skipped CRAWL_TRAP_DUPLICATE_CONTENT': 8, 'skipped CRAWL_TRAP_QUERY_VARIANTS': 1 });
  assert.deepEqual(rows(db, "SELECT url FROM urls WHERE error_code = 'CRAWL_TRAP_QUERY_VARIANTS'").map((r) => (r as { url: string }).url.replace(/^.*\/events/, '/events')), ['/events/?month=2065-09']);
});

test('a site behind redirects between hosts: the seed\'s landing host is crawled; the apex, localhost and blog hosts are other hosts unless --scope domain', async (t) => {
  const { db, stored, site } = await crawlSite(t, 'hosts');
  const www = `http://www.site.localhost:${site.port}`;
  assert.deepEqual(stored, [`${www}/`, `${www}/contact/`, `${www}/team/`].map((u) => `200 ${u}`));
  assert.deepEqual(rows(db, "SELECT url FROM urls WHERE error_code = 'CRAWL_SCOPE_OUT' ORDER BY url").map((r) => (r as { url: string }).url.replace(`:${site.port}`, '')), [
    'http://blog.site.localhost/', 'http://localhost/history/', 'http://site.localhost/products/',
  ]);
  const wide = await crawlSite(t, 'hosts', ['--scope', 'domain']);
  const www2 = `http://www.site.localhost:${wide.site.port}`;
  const blog = `http://blog.site.localhost:${wide.site.port}`;
  assert.deepEqual(wide.stored, [`${www2}/`, `${www2}/contact/`, `${www2}/team/`, `${www2}/products/`, `${www2}/products/widget/`, `${blog}/`, `${blog}/2026/hello/`].map((u) => `200 ${u}`).sort());
});
