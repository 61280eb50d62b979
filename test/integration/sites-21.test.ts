/**
 * crawlite's defaults on round 21's sites shaped like real ones (test/helpers/real-sites-21.ts),
 * the stored URL set asserted exactly: what `bench/peer-sites.mjs --set 21` compares with wget
 * and wget2, and the reasons the docs give for each difference (which `<link rel>` types are
 * followed, feeds' items read, no links taken from a 4xx page, `localhost` and `127.0.0.1` two
 * hosts, paths compared as written but for their escapes) hold here.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { LOGIN_AUTH, LOGIN_COOKIE, startRealSite21, type RealSite21Name } from '../helpers/real-sites-21.js';
import { crawlRealSite, undoneCodes, type RealSiteCrawl } from '../helpers/crawl-real-site.js';
import { rows } from '../helpers/db.js';

const crawlSite = (t: TestContext, name: RealSite21Name, flags: string[] = []): Promise<RealSiteCrawl> =>
  crawlRealSite(t, () => startRealSite21(name), flags);
const ok = (paths: string[]) => paths.map((p) => `200 ${p}`);

test('a multilingual site: the other languages, linked only by <link rel="alternate" hreflang> and a script\'s <select>, are crawled', async (t) => {
  const { db, stored, site } = await crawlSite(t, 'hreflang');
  assert.deepEqual(stored, [
    ...ok(['/en/', '/en/products/', '/en/about/', '/de/', '/de/produkte/', '/de/ueber-uns/', '/de/impressum/', '/fr/', '/fr/produits/', '/fr/a-propos/']),
    '404 /fr/about/', // a broken alternate, stored like a broken link
  ].sort());
  // The Spanish alternate names another host: out of scope like any link.
  assert.deepEqual(undoneCodes(db), { 'skipped CRAWL_SCOPE_OUT': 1 });
  // x-default (`/`, a redirect to /en/) is one more link to the seed, not a second fetch of it.
  assert.equal(site.log.filter((e) => e.url.endsWith(`:${site.port}/`)).length, 1);
});

test('a Sphinx site under /en/latest/: <link rel="index"> and rel="search" reach the index and search pages, rel=nofollow sources stay unfetched', async (t) => {
  const { db, stored, site } = await crawlSite(t, 'sphinx');
  const pages = ['', 'index.html', 'intro.html', 'usage/install.html', 'usage/config.html', 'api/index.html', 'api/client.html', 'changelog.html', 'genindex.html', 'search.html', 'py-modindex.html'];
  // The image a page links (<a href="../_images/diagram.png">) is a link like another; another
  // build of the docs (/en/stable/) is on the same host, so in scope (wget's --no-parent is
  // --scope prefix here), and /en/v1.0/ is closed by robots.txt.
  assert.deepEqual(stored, ok([...pages.map((p) => `/en/latest/${p}`), '/en/latest/_images/diagram.png', '/en/stable/']).sort());
  assert.deepEqual(undoneCodes(db), { 'skipped CRAWL_NOT_FOLLOWED': 7, 'skipped CRAWL_SCOPE_OUT': 10, 'failed CRAWL_ROBOTS_DISALLOWED': 1 });
  // (10: each page's Edit on GitHub link.) Stylesheets and scripts are no pages: none asked for, nor the search page's form target.
  assert.equal(site.log.filter((e) => /_static|_sources|searchindex|\?q=/.test(e.url)).length, 0);

  const prefixed = await crawlSite(t, 'sphinx', ['--scope', 'prefix']);
  assert.deepEqual(prefixed.stored, ok([...pages.map((p) => `/en/latest/${p}`), '/en/latest/_images/diagram.png']).sort());
});

test('a blog whose old posts only its feeds list: the RSS and Atom feeds (one linked only by <link rel="alternate">) fetched and their items followed', async (t) => {
  const { db, stored } = await crawlSite(t, 'feeds');
  const posts = Array.from({ length: 12 }, (_, i) => `/posts/post-${i + 1}/`);
  const pages = ['/', '/about/', '/index.xml', '/atom.xml', '/tags/go/', '/tags/go/index.xml', '/tags/rust/', '/tags/rust/index.xml', ...posts];
  assert.deepEqual(stored, ok(pages).sort());
  assert.deepEqual(undoneCodes(db), {});
  // Posts 1 and 2 are in the Atom feed alone: its entries are its links (the feed a page apart,
  // one more from the home page).
  assert.deepEqual(rows(db, "SELECT depth FROM urls WHERE url GLOB '*/post-[12]/'"), [{ depth: 2 }, { depth: 2 }]);
  assert.deepEqual(rows(db, "SELECT count(*) AS n FROM links l JOIN pages p ON p.id = l.page_id WHERE p.url GLOB '*/atom.xml'"), [{ n: 12 }]);

  // With the feeds' bodies kept (--store-non-html, through the parse pool): the same pages.
  const keeping = await crawlSite(t, 'feeds', ['--store-non-html']);
  assert.deepEqual(keeping.stored, ok(pages).sort());
});

test('a catalog paged by <link rel="next"> alone, and a guide split the same way in capitals: every page and item, the pager\'s off-by-one page 5 a 404', async (t) => {
  const { db, stored, site } = await crawlSite(t, 'pager');
  const items = Array.from({ length: 20 }, (_, i) => `/item/${i + 1}`);
  assert.deepEqual(stored, [
    ...ok(['/', '/catalog/', '/catalog/?page=2', '/catalog/?page=3', '/catalog/?page=4', '/guide/', '/guide/2/', '/guide/3/', ...items]),
    '404 /catalog/?page=5',
  ].sort());
  assert.deepEqual(undoneCodes(db), {});
  assert.equal(site.log.filter((e) => e.url.includes('/js/')).length, 0);
});

test('image maps and iframes: every <area href> and <iframe src>, also in a framed page and in a map no image uses, and (since round 22) the HTML <object> and <embed>; not srcdoc or data-src', async (t) => {
  const { db, stored, site } = await crawlSite(t, 'embeds');
  assert.deepEqual(stored, ok(['/', '/north/', '/south/', '/east/', '/west/', '/widgets/calendar.html', '/widgets/map.html', '/events/1.html', '/events/2.html', '/widgets/object.html', '/widgets/embed.html']).sort());
  assert.deepEqual(undoneCodes(db), { 'skipped CRAWL_SCOPE_OUT': 1 });
  assert.equal(site.log.filter((e) => /srcdoc|lazy|\/img\/|about:blank/.test(e.url)).length, 0);
});

test('127.0.0.1 and localhost are two hosts: a site writing localhost links is crawled as the name it was seeded with, both when both are seeds', async (t) => {
  const { db, stored, site } = await crawlSite(t, 'loopback');
  assert.deepEqual(stored, ok(['/', '/a/', '/e/']).sort());
  assert.deepEqual(rows(db, "SELECT url, error_code FROM urls WHERE state = 'skipped' ORDER BY url"),
    ['/', '/b/', '/c/'].map((p) => ({ url: `http://localhost:${site.port}${p}`, error_code: 'CRAWL_SCOPE_OUT' })));

  const second = await startRealSite21('loopback');
  const local = `http://localhost:${second.port}`;
  const both = await crawlRealSite(t, async () => second, [`${local}/`]);
  assert.deepEqual(both.stored, [...ok(['/', '/a/', '/e/']), ...['/', '/a/', '/b/', '/c/', '/d/'].map((p) => `200 ${local}${p}`)].sort());
  assert.deepEqual(undoneCodes(both.db), {});
  // One page under two names is two pages with one body (`contents`), as for any two URLs.
  assert.deepEqual(rows(both.db, 'SELECT count(DISTINCT content_hash) AS n FROM pages'), [{ n: 6 }]);
});

test('a case-sensitive server: each spelling of a path is its own URL, escapes are compared decoded, slashes as written (the merged-slash copies end as duplicates)', async (t) => {
  const { db, stored } = await crawlSite(t, 'case');
  assert.deepEqual(stored, [
    ...ok(['/', '/index.html', '/docs/', '/docs/guide/', '/docs//', '/docs//guide/', '/FAQ.html', '/Team/', '/blog/post-1', '/blog/post-1/', '/~user/', '/caf%C3%A9/']),
    ...['/Docs/', '/DOCS/guide/', '/faq.html', '/team/'].map((p) => `404 ${p}`),
  ].sort());
  // `/docs//` links `guide`: a third copy of the guide, the pattern of a trap.
  assert.deepEqual(undoneCodes(db), { 'skipped CRAWL_TRAP_DUPLICATE_CONTENT': 1 });
  assert.deepEqual(rows<{ url: string }>(db, "SELECT url FROM urls WHERE state = 'redirected' ORDER BY url").map((r) => r.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, '')), ['/blog/', '/docs', '/docs/guide']);
  // Escapes of unreserved characters decoded, hex uppercased: one URL for each pair.
  assert.equal(rows(db, "SELECT url FROM urls WHERE url GLOB '*%7E*' OR url GLOB '*%c3*'").length, 0);
});

test('a login wall: the 401 and 403 pages stored, their links not followed, members\' links end at the login page; with the credentials the site opens', async (t) => {
  const { db, stored } = await crawlSite(t, 'login');
  assert.deepEqual(stored, [
    ...ok(['/', '/help/', '/login', '/password-reset', '/signup', '/login?next=%2Fmembers%2F', '/login?next=%2Fmembers%2Fprofile%2F1', '/login?next=%2Fmembers%2Fprofile%2F2']),
    '401 /account/', '401 /reports/q1.pdf', '403 /admin/',
  ].sort());
  // A 4xx page's links are recorded, not followed: its page is an error, not the site's.
  assert.deepEqual(undoneCodes(db), { 'skipped CRAWL_NOT_FOLLOWED': 2 });
  // The GET form is not submitted: no crawler guesses a user name.
  assert.equal(rows(db, "SELECT url FROM urls WHERE url GLOB '*user=*'").length, 0);

  // Logged in with --header (Basic for the realm, the session cookie for the members' area);
  // /logout excluded, as a crawl logged in must, or the first visit to it ends the session.
  const withLogin = await crawlSite(t, 'login', ['-H', `Authorization: ${LOGIN_AUTH}`, '-H', `Cookie: ${LOGIN_COOKIE}`, '--exclude', '/logout']);
  assert.deepEqual(withLogin.stored, [
    ...ok(['/', '/help/', '/login', '/password-reset', '/signup', '/account/', '/account/settings/', '/reports/q1.pdf', '/members/', '/members/profile/1', '/members/profile/2']),
    '403 /admin/', '404 /members/profile/3',
  ].sort());
  assert.deepEqual(undoneCodes(withLogin.db), { 'skipped CRAWL_NOT_FOLLOWED': 1, 'skipped CRAWL_SCOPE_EXCLUDED': 1 });
});
