/**
 * crawlite's defaults on round 20's sites shaped like real ones (test/helpers/real-sites-20.ts),
 * the stored URL set asserted exactly: what `bench/peer-sites.mjs --set 20` compares with wget
 * and wget2, and the reasons the docs give for each difference (robots.txt on redirect hops and
 * per user-agent group, Crawl-delay, Retry-After, <link> not followed, sitemaps only with
 * --sitemaps, the query-variant cap, <noframes>, case-insensitive servers) hold here.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startRealSite20, type RealSite20Name } from '../helpers/real-sites-20.js';
import { crawlRealSite, undoneCodes, type RealSiteCrawl } from '../helpers/crawl-real-site.js';
import { rows } from '../helpers/db.js';

const crawlSite = (t: TestContext, name: RealSite20Name, flags: string[] = []): Promise<RealSiteCrawl> =>
  crawlRealSite(t, () => startRealSite20(name), flags);
const codes = undoneCodes;
const ok = (paths: string[]) => paths.map((p) => `200 ${p}`);

test('a phpBB-like forum: sid= stripped, every forum and topic page and post permalink once, reply and quote links end at the login page robots.txt closes', async (t) => {
  const { db, stored, site } = await crawlSite(t, 'forum');
  const posts = (topic: number) => 2 + ((topic * 3) % 7);
  const expected = ['/', '/index.php', '/faq.php', '/memberlist.php', '/viewforum.php?f=1', '/viewforum.php?f=1&start=3', '/viewforum.php?f=1&start=6', '/viewforum.php?f=2', '/viewforum.php?f=2&start=3'];
  for (const k of ['a', 'b', 'c', 'd']) for (const d of ['a', 'd']) expected.push(`/memberlist.php?sk=${k}&sd=${d}`);
  for (let topic = 1; topic <= 11; topic++) {
    expected.push(`/viewtopic.php?f=${topic <= 7 ? 1 : 2}&t=${topic}`, `/viewtopic.php?t=${topic}&view=print`);
    if (posts(topic) > 4) expected.push(`/viewtopic.php?t=${topic}`, `/viewtopic.php?t=${topic}&start=4`);
    for (let i = 1; i <= posts(topic); i++) expected.push(`/viewtopic.php?p=${topic * 100 + i}`);
  }
  const profiles = [2, 3, 4, 5, 6].map((u) => `403 /memberlist.php?mode=viewprofile&u=${u}`);
  assert.deepEqual(stored, [...ok(expected), ...profiles].sort());
  assert.equal(rows(db, "SELECT url FROM urls WHERE url LIKE '%sid=%'").length, 0);
  // 59 quote and 11 reply links, each a 302 to ucp.php?mode=login&redirect=...: the hop is refused
  // by robots.txt and never requested (wget requests all 70); and ucp.php's and search.php's own 3.
  assert.deepEqual(codes(db), { 'failed CRAWL_ROBOTS_DISALLOWED': 73 });
  assert.equal(site.log.filter((e) => /\/(ucp|search)\.php/.test(e.url)).length, 0);
  assert.equal(site.log.filter((e) => e.url.includes('/posting.php')).length, 70);
});

test('a news site: AMP copies (<link rel=amphtml>) not fetched, the sitemap index read only with --sitemaps, endless empty tag pages end at the query-variant cap, or after --max-repeat-run 100 the same but for their numbers', async (t) => {
  const stories = Array.from({ length: 20 }, (_, i) => `/news/2026/11/${String(20 - i).padStart(2, '0')}/story-${i + 1}/`);
  const tagPages = (last: number) => ['economy', 'football'].flatMap((tag) => [`/tag/${tag}/`, ...Array.from({ length: last }, (_, i) => `/tag/${tag}/?page=${i + 1}`)]);
  const { db, stored } = await crawlSite(t, 'news');
  assert.deepEqual(stored, ok(['/', '/section/politics/', '/section/sport/', ...stories.slice(0, 16), ...tagPages(500)]).sort());
  // Pages 3-500 of each tag are empty ("No more stories.") but for their number and Next link:
  // the cap (--max-query-variants) ends them; wget and wget2 went on to the server's page 3000.
  assert.deepEqual(codes(db), { 'skipped CRAWL_TRAP_QUERY_VARIANTS': 2 });
  // With --max-repeat-run 100: 100 in a row (4 to 103: page 3 is the first of its length, compared
  // from page 4 on) end them sooner (frontier/repeat-runs.ts).
  const repeats = await crawlSite(t, 'news', ['--max-repeat-run', '100']);
  assert.deepEqual(repeats.stored, ok(['/', '/section/politics/', '/section/sport/', ...stories.slice(0, 16), ...tagPages(103)]).sort());
  assert.deepEqual(codes(repeats.db), { 'skipped CRAWL_TRAP_DUPLICATE_CONTENT': 2 });
  assert.equal(rows(db, "SELECT url FROM urls WHERE url LIKE '%/amp/%' OR url LIKE '%sitemap%'").length, 0);

  // With --sitemaps: robots.txt's sitemap index, its gzipped sitemap of articles: the 4 stories no page links.
  const withSitemaps = await crawlSite(t, 'news', ['--sitemaps', '--max-query-variants', '3']);
  assert.deepEqual(withSitemaps.stored, ok(['/', '/section/politics/', '/section/sport/', ...stories, ...tagPages(3)]).sort());
  assert.equal(rows(withSitemaps.db, "SELECT url FROM urls WHERE url LIKE '%/amp/%'").length, 0);
});

test('a site that asks for politeness: its crawlite group (not *) obeyed, Crawl-delay pacing, no request inside a 429\'s or 503\'s Retry-After, every page stored', async (t) => {
  const { db, stored, site } = await crawlSite(t, 'polite');
  const chain = Array.from({ length: 16 }, (_, i) => i + 1);
  assert.deepEqual(stored, ok(['/', ...chain.map((n) => `/page/${n}/`), ...chain.map((n) => `/private/${n}/`)]).sort());
  // RFC 9309: a crawler obeys its own group alone, so the * group's `Disallow: /private/` is not ours.
  assert.deepEqual(codes(db), { 'failed CRAWL_ROBOTS_DISALLOWED': 16 });
  assert.equal(site.log.filter((e) => e.url.includes('/drafts/')).length, 0);
  const log = site.log.filter((e) => !e.url.endsWith('/robots.txt'));
  assert.deepEqual(log.map((e) => e.status).filter((s) => s !== 200).slice(0, 2), [429, 503]);
  // Lower bounds only (a loaded host can only make these gaps longer): the next request comes
  // after the Retry-After (2 s after the 429, 1 s after each 503), and Crawl-delay 0.2 s keeps
  // any second to a handful of requests (a chain of 33 pages, 8 connections allowed).
  for (let i = 0; i + 1 < log.length; i++) {
    const e = log[i]!;
    if (e.status === 429) assert.ok(log[i + 1]!.atMs - e.atMs >= 1900, `${log[i + 1]!.atMs - e.atMs} ms after the 429`);
    if (e.status === 503) assert.ok(log[i + 1]!.atMs - e.atMs >= 950, `${log[i + 1]!.atMs - e.atMs} ms after a 503`);
  }
  for (let i = 0, j = 0; i < log.length; i++) {
    while (log[i]!.atMs - log[j]!.atMs >= 1000) j++;
    assert.ok(i - j + 1 <= 8, `${i - j + 1} requests within 1 s`);
  }
});

test('a single-page-app shell and <base href> pages: the <noscript> way in followed, hash-bang routes are the shell itself, links resolved against the base', async (t) => {
  const { db, stored, site } = await crawlSite(t, 'spa');
  assert.deepEqual(stored, ok(['/', '/site/', '/site/?sort=name', '/site/products/1.html', '/site/products/2.html', '/site/help.html']).sort());
  assert.deepEqual(codes(db), {});
  // A link resolved against the page's own URL instead of its base would have asked for these.
  assert.equal(site.log.filter((e) => e.status === 404 || e.url.includes('_escaped_fragment_') || e.url.includes('/app/')).length, 0);
});

test('a MediaWiki-like wiki: /w/ and Special: (both spellings) refused by robots.txt, nofollow edit links not followed, a lowercase title redirected to its article', async (t) => {
  const { db, stored, origin } = await crawlSite(t, 'wiki');
  assert.deepEqual(stored, [
    ...ok(['/wiki/Main_Page', '/wiki/Apple', '/wiki/Banana', '/wiki/Cherry', '/wiki/Date_(fruit)', '/wiki/%C3%89clair', '/wiki/Talk:Apple']),
    '404 /wiki/Fig',
  ].sort());
  // Per article: history, printable and permanent links (3 x 7), What links here (7), search
  // with an escaped colon (7), Talk red links (6), Special:Random; edit links are rel=nofollow.
  assert.deepEqual(codes(db), { 'failed CRAWL_ROBOTS_DISALLOWED': 42, 'skipped CRAWL_NOT_FOLLOWED': 8 });
  assert.deepEqual(rows(db, "SELECT state, redirect_to FROM urls WHERE url GLOB '*/wiki/apple'"), [{ state: 'redirected', redirect_to: `${origin}/wiki/Apple` }]);
});

test('a legacy site: frames, iframe, image map, unquoted and spaced HREFs, <noframes> followed; Windows-1252 without a charset read as such; each spelling of a path a URL', async (t) => {
  const { db, stored } = await crawlSite(t, 'legacy');
  const productLists = ['/Products/', '/Products/Default.asp', '/Products/default.asp', '/products/Default.asp', '/products/default.asp'];
  const products = ['/Products/', '/products/'].flatMap((d) => ['product.asp?id=1', 'Product.asp?id=2', 'PRODUCT.ASP?id=1'].map((p) => d + p));
  assert.deepEqual(stored, ok([
    '/', '/default.asp', '/Default.asp', '/menu.htm', '/Main.asp', '/ticker.htm', '/about.htm', '/ABOUT.HTM', '/contact.html', '/Contact.html',
    '/News.asp', '/news.asp', '/News.ASP', '/Jobs/', '/sitemap.html', ...productLists, ...products,
  ]).sort());
  // 26 URLs, 12 pages: the server ignores case, which no crawler can know before asking.
  assert.deepEqual(rows(db, 'SELECT count(DISTINCT content_hash) AS n FROM pages'), [{ n: 12 }]);
  assert.deepEqual(codes(db), {});
  assert.deepEqual(rows(db, "SELECT title, encoding FROM pages WHERE url GLOB '*/Main.asp'"), [{ title: 'Welcome to Acme\u2019s \u201cnew\u201d site', encoding: 'windows-1252' }]);
});
