/**
 * crawlite's defaults on round 22's sites shaped like real ones (test/helpers/real-sites-22.ts),
 * the stored URL set asserted exactly: what `bench/peer-sites.mjs --set 22` compares with wget
 * and wget2, and the reasons the docs give for each difference (frames only in a frameset, HTML
 * `<object>`s and `<embed>`s followed and plugins not, a `<template>` inert, the first
 * `<base href>` for every link, character references decoded as HTML does, feeds' `xml:base`,
 * permalink guids and RSS 1.0 items) hold here.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startRealSite22, type RealSite22Name } from '../helpers/real-sites-22.js';
import { crawlRealSite, undoneCodes, type RealSiteCrawl } from '../helpers/crawl-real-site.js';
import { rows } from '../helpers/db.js';

const crawlSite = (t: TestContext, name: RealSite22Name, flags: string[] = []): Promise<RealSiteCrawl> =>
  crawlRealSite(t, () => startRealSite22(name), flags);
const ok = (paths: string[]) => paths.map((p) => `200 ${p}`);
const requested = (crawl: RealSiteCrawl, pattern: RegExp) => crawl.site.log.filter((e) => pattern.test(e.url)).map((e) => e.url.replace(crawl.origin, ''));

test('a frameset site in capitals: every <FRAME SRC>, nested framesets, the <NOFRAMES> site map, an <IFRAME>; not a <FRAME> outside a frameset', async (t) => {
  const crawl = await crawlSite(t, 'frames');
  assert.deepEqual(crawl.stored, ok(['/', '/top.html', '/menu.html', '/welcome.html', '/ticker.html', '/products.html', '/about.html', '/sitemap.html',
    '/legacy.html', '/news/', '/news/list.html', '/news/item1.html', '/news/item2.html', '/news/item3.html']).sort());
  assert.deepEqual(undoneCodes(crawl.db), {});
  // A browser drops a <frame> outside a <frameset>: no element, no request (wget fetches it).
  assert.deepEqual(requested(crawl, /orphan|logo/), []);
  // The frames are the page's links, titled by nothing (no title attribute), and counted once.
  assert.deepEqual(rows(crawl.db, "SELECT count(*) AS n FROM links l JOIN pages p ON p.id = l.page_id WHERE p.url = ?", `${crawl.origin}/`), [{ n: 4 }]);
});

test('a manual of <object> and <embed> parts: the HTML ones followed (typed, or untyped with an HTML extension or none); Flash, PDF, svg and an ActiveX object not', async (t) => {
  const crawl = await crawlSite(t, 'objects');
  assert.deepEqual(crawl.stored, ok(['/manual/', '/manual/toc.html', '/manual/chapters/intro.html', '/manual/chapters/setup.html', '/manual/chapters/usage.html',
    '/manual/glossary.htm', '/manual/search-box', '/manual/tour-text.html']).sort());
  assert.deepEqual(undoneCodes(crawl.db), {});
  assert.deepEqual(requested(crawl, /\.swf|\.pdf|\.svg|player|svg-only/), []);
});

test('a menu stamped from a <template>, with a <noscript> site map: the <noscript> links followed, the template\'s not (inert, as in a browser\'s DOM)', async (t) => {
  const crawl = await crawlSite(t, 'scripted');
  assert.deepEqual(crawl.stored, ok(['/', '/sitemap/', '/products/', '/support/', '/news/?page=2']).sort());
  assert.deepEqual(undoneCodes(crawl.db), {});
  assert.deepEqual(requested(crawl, /careers|\/item\/|in-script/), []);
});

test('an app under <base href="/app/v2/">: links resolve against the first <base>, a relative one too, even when it comes after them', async (t) => {
  const crawl = await crawlSite(t, 'basesub');
  assert.deepEqual(crawl.stored, ok(['/', '/app/v2/', '/app/v2/?tab=2', '/app/v2/faq', '/app/v2/guide/start', '/app/v2/guide/next', '/app/v2/api/',
    '/app/v2/api/reference/a', '/app/v2/api/reference/b', '/app/v1/', '/app/v1/old']).sort());
  assert.deepEqual(undoneCodes(crawl.db), {});
  // No link resolved against the page instead of its base, nor against the second <base>.
  assert.deepEqual(crawl.site.log.filter((e) => e.status !== 200).map((e) => e.url), []);
});

test('a campus image map: every <AREA HREF> however written, one in a <noscript> map, the server-side map\'s CGI page', async (t) => {
  const crawl = await crawlSite(t, 'imagemap');
  assert.deepEqual(crawl.stored, ok(['/', '/cgi-bin/imagemap/campus', '/buildings/cafe.html?menu=1&day=mon',
    ...['library', 'gym', 'lab', 'hall', 'pool', 'parking'].map((b) => `/buildings/${b}.html`)]).sort());
  assert.deepEqual(undoneCodes(crawl.db), {});
  assert.deepEqual(requested(crawl, /\/img\//), []);
});

test('markup in capitals, unquoted, with character references in hrefs: every link as a browser reads it, no 404', async (t) => {
  const crawl = await crawlSite(t, 'oddmarkup');
  assert.deepEqual(crawl.stored, ok(['/', '/a.html', '/b.html', '/c.html?x=1&y=2', '/d.html?a=1&b=2', '/e.html', '/f.html', '/g.html', '/h.html?q=1&copy=2',
    '/i.html?lang=en&not=1', '/j.html', '/k.html', '/l.html', '/m.html', '/n.html', '/o/', '/p.html', '/q.html?x=%3Cy%3E', '/R.html']).sort());
  assert.deepEqual(undoneCodes(crawl.db), {});
  assert.deepEqual(requested(crawl, /wrong/), []);
});

test('a blog listed only by its feeds: permalink guids, RSS 1.0 items and Atom links under xml:base with rel="Alternate" all reach their posts', async (t) => {
  const crawl = await crawlSite(t, 'feedbase');
  const posts = ['/blog/post-1/', '/blog/post-2/', '/blog/post-3/', '/blog/post-4/', '/blog/post-5/', '/blog/2026/post-6/', '/blog/2026/archive/post-7/'];
  assert.deepEqual(crawl.stored, ok(['/blog/', '/blog/rss.xml', '/blog/index.rdf', '/blog/atom.xml', ...posts]).sort());
  assert.deepEqual(undoneCodes(crawl.db), {});
  // Nothing resolved against the feed's URL instead of its xml:base, and no tag: guid followed.
  assert.deepEqual(crawl.site.log.filter((e) => e.status === 404).map((e) => e.url), []);
  assert.deepEqual(rows(crawl.db, "SELECT count(*) AS n FROM links l JOIN pages p ON p.id = l.page_id WHERE p.url GLOB '*/atom.xml'"), [{ n: 2 }]);
});
