/**
 * Sitemaps as seeds: robots.txt Sitemap: lines, /sitemap.xml, sitemap indexes, gzip'd sitemaps,
 * scope, and the bounds.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { runCrawl } from '../../src/crawl.js';
import { addSitemapSeeds, parseRobotsSitemaps, parseSitemap, readSitemapText, type SitemapReport } from '../../src/frontier/sitemaps.js';
import type { Discovered, FetchResult, FrontierEntry } from '../../src/types.js';
import { defaultPolitenessConfig, defaultTrapConfig, type PolitenessConfig } from '../../src/config/schema.js';
import { createTrapCheck } from '../../src/frontier/traps.js';
import { startSite, page, type TestSite } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { testFetchConfig } from '../helpers/fetch.js';
import { createFetcher } from '../../src/fetch/fetcher.js';

const urlset = (urls: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.map((u) => `<url><loc>${u}</loc><lastmod>2024-01-01</lastmod></url>`).join('\n')}</urlset>`;
const index = (urls: string[]) =>
  `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.map((u) => `<sitemap><loc>${u}</loc></sitemap>`).join('')}</sitemapindex>`;

/** A writer for addSitemapSeeds alone: keeps what it is given, every URL new. */
const collectInto = (added: Discovered[]) => ({
  addUrls: (urls: Discovered[]) => {
    added.push(...urls);
    return { queued: urls.length, skipped: 0 };
  },
});

test('parseRobotsSitemaps reads Sitemap: lines in any case, resolving relative ones', () => {
  const robots = 'User-agent: *\nDisallow: /private\nSitemap: https://a.test/s1.xml\nsitemap:/s2.xml.gz\n  SITEMAP :  https://b.test/s3.xml # note\n';
  assert.deepEqual(parseRobotsSitemaps(robots, 'https://a.test/robots.txt'), ['https://a.test/s1.xml', 'https://a.test/s2.xml.gz', 'https://b.test/s3.xml']);
});

test('parseSitemap: urlset, index, namespaces, entities, CDATA', () => {
  assert.deepEqual(parseSitemap(urlset(['https://a.test/x?a=1&amp;b=2', ' https://a.test/y '])), { isIndex: false, locs: ['https://a.test/x?a=1&b=2', 'https://a.test/y'] });
  assert.deepEqual(parseSitemap(index(['https://a.test/s.xml'])), { isIndex: true, locs: ['https://a.test/s.xml'] });
  assert.deepEqual(parseSitemap('<sm:urlset xmlns:sm="x"><sm:url><sm:loc><![CDATA[https://a.test/c]]></sm:loc></sm:url></sm:urlset>').locs, ['https://a.test/c']);
});

test('parseSitemap: only a <loc> directly in <url> or <sitemap> is an entry, not the image, video or xhtml extensions\' own', () => {
  const yoast = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"
  xmlns:video="http://www.google.com/schemas/sitemap-video/1.1" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <!-- <url><loc>https://a.test/commented-out</loc></url> -->
  <url>
    <loc>https://a.test/post</loc>
    <lastmod>2024-01-01</lastmod>
    <image:image><image:loc>https://a.test/img/a.jpg</image:loc><image:caption><![CDATA[<loc>x</loc>]]></image:caption></image:image>
    <image:image>
      <image:loc>https://a.test/img/b.jpg</image:loc>
    </image:image>
    <video:video><video:thumbnail_loc>https://a.test/t.jpg</video:thumbnail_loc><video:content_loc>https://a.test/v.mp4</video:content_loc><video:loc>https://a.test/v2.mp4</video:loc></video:video>
    <xhtml:link rel="alternate" hreflang="de" href="https://a.test/de/post"/>
  </url>
  <url><image:image><image:loc>https://a.test/img/c.jpg</image:loc></image:image><loc>https://a.test/after-image</loc></url>
  <sm:url xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"><sm:loc>https://a.test/prefixed</sm:loc></sm:url>
</urlset>`;
  assert.deepEqual(parseSitemap(yoast), { isIndex: false, locs: ['https://a.test/post', 'https://a.test/after-image', 'https://a.test/prefixed'] });
  // Nor is a <loc> outside any <url>, or one nested deeper in an unknown element.
  assert.deepEqual(parseSitemap('<urlset><loc>https://a.test/bare</loc><url><x><loc>https://a.test/deep</loc></x></url></urlset>').locs, []);
  assert.deepEqual(parseSitemap('<sitemapindex><loc>https://a.test/bare.xml</loc><sitemap><loc>https://a.test/s1.xml</loc></sitemap></sitemapindex>').locs, ['https://a.test/s1.xml']);
});

// The old single lazy regex rescanned to the end of the file from every unclosed <loc>: 500 KB
// took 20 s and the cost grew with the square of the size, so the inputs below (5-10 MB) would
// have taken hours. The timeouts are far above what a linear scan needs, far below that.
test('parseSitemap is linear on hostile input: unclosed tags, unclosed attributes, huge unclosed content', { timeout: 20_000 }, () => {
  const good = '<url><loc>https://a.test/1</loc></url><url><sm:loc>https://a.test/2</sm:loc></url>';
  for (const [name, tail] of [
    ['1,000,000 unclosed <loc>', '<loc>'.repeat(1_000_000)],
    ['1,000,000 unclosed <sm:loc>', '<sm:loc>'.repeat(1_000_000)],
    ['500,000 start tags never ending their attributes', '<loc a="1" '.repeat(500_000)],
    ['one <loc> with 10 MB of unclosed content', `<loc>${'x'.repeat(10_000_000)}`],
    ['one <loc> with 500,000 other end tags inside, never closed', `<loc>${'</x>'.repeat(500_000)}`],
  ] as const) {
    assert.deepEqual(parseSitemap(`<urlset>${good}${tail}`).locs, ['https://a.test/1', 'https://a.test/2'], name);
  }
});

test('parseSitemap takes at most maxLocs entries', () => {
  const xml = urlset(Array.from({ length: 1000 }, (_, i) => `https://a.test/${i}`));
  assert.deepEqual(parseSitemap(xml, 3).locs, ['https://a.test/0', 'https://a.test/1', 'https://a.test/2']);
  assert.equal(parseSitemap(xml).locs.length, 1000);
});

test('--sitemaps: a sitemap of 1,000,000 unclosed <loc> (5 MB) is read in linear time and the crawl goes on', { timeout: 60_000 }, async (t) => {
  let origin = '';
  const site = await startSite({
    '/': page('home'),
    '/robots.txt': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`User-agent: *\nSitemap: ${origin}/hostile.xml\n`);
    },
    '/hostile.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0"?><urlset><url><loc>${origin}/listed</loc></url>${'<loc>'.repeat(1_000_000)}`);
    },
    '/listed': page('listed'),
  });
  origin = site.origin;
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { sitemaps: true });
  const reports: SitemapReport[] = [];
  await runCrawl(config, { onSitemaps: (r) => reports.push(r) });
  assert.equal(reports[0]?.urls, 1, 'the one closed <loc> before the junk is taken');
  assert.equal(site.hits.get('/listed'), 1);
  assert.deepEqual(rows<{ url: string }>(config.dbPath, 'SELECT url FROM pages ORDER BY url').map((r) => r.url), [site.url('/'), site.url('/listed')]);
});

test('--sitemaps: robots.txt Sitemap lines, an index, a gzip sitemap and /sitemap.xml seed the crawl, within scope', async (t) => {
  let origin = '';
  const site = await startSite({
    '/': page('home'),
    '/robots.txt': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`User-agent: *\nAllow: /\nSitemap: ${origin}/sitemap-index.xml\n`);
    },
    '/sitemap-index.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' }).end(index([`${origin}/news.xml.gz`, 'https://cdn.elsewhere.invalid/s.xml']));
    },
    '/news.xml.gz': (_req, res) => {
      // Served as a gzip file, not with Content-Encoding: the sitemap itself must be unpacked. The
      // trailing CRLF after the gzip data (as PHP sends) is ignored, as for a gzip'd body.
      const gz = gzipSync(urlset([`${origin}/news/1`, `${origin}/news/2`, 'https://elsewhere.invalid/off']));
      res.writeHead(200, { 'content-type': 'application/gzip' }).end(Buffer.concat([gz, Buffer.from('\r\n')]));
    },
    '/sitemap.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' }).end(urlset([`${origin}/about`, `${origin}/news/1`]));
    },
    '/news/1': page('news one'),
    '/news/2': page('news two'),
    '/about': page('about'),
  });
  origin = site.origin;
  t.after(() => site.close());

  const config = testConfig(t, [site.url('/')], { sitemaps: true });
  await runCrawl(config);
  const db = new Database(config.dbPath, { readonly: true });
  t.after(() => db.close());
  const stored = (db.prepare('SELECT url FROM pages ORDER BY url').all() as Array<{ url: string }>).map((r) => r.url.slice(origin.length));
  assert.deepEqual(stored, ['/', '/about', '/news/1', '/news/2'], 'pages no link leads to, found through the sitemaps');
  const off = db.prepare('SELECT state, error_code FROM urls WHERE url = ?').get('https://elsewhere.invalid/off');
  assert.deepEqual(off, { state: 'skipped', error_code: 'CRAWL_SCOPE_OUT' }, 'a sitemap URL out of scope is recorded, not fetched');
  assert.equal(site.hits.get('/sitemap-index.xml'), 1);
  assert.equal(site.hits.get('/news.xml.gz'), 1);
  assert.equal(site.hits.get('/news/1'), 1, 'listed twice, fetched once');

  // Without --sitemaps nothing of this is read.
  const plain = testConfig(t, [site.url('/')]);
  site.hits.clear();
  await runCrawl(plain);
  // robots.txt is still read once, for politeness; its Sitemap: lines and /sitemap.xml are not followed.
  assert.equal(site.hits.get('/robots.txt'), 1);
  assert.equal(site.hits.get('/sitemap.xml') ?? 0, 0);
  assert.equal(site.hits.get('/sitemap-index.xml') ?? 0, 0);
});

test('--sitemaps: the images of a Yoast-style sitemap (<image:loc>) are neither queued nor fetched', async (t) => {
  let origin = '';
  const site = await startSite({
    '/': page('home'),
    '/sitemap.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' }).end(
        `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">`
        + `<url><loc>${origin}/post</loc><image:image><image:loc>${origin}/img/a.jpg</image:loc></image:image></url></urlset>`,
      );
    },
    '/post': page('post'),
    '/img/a.jpg': (_req, res) => { res.writeHead(200, { 'content-type': 'image/jpeg' }).end('jpg'); },
  });
  origin = site.origin;
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { sitemaps: true });
  await runCrawl(config);
  assert.equal(site.hits.get('/post'), 1);
  assert.equal(site.hits.get('/img/a.jpg') ?? 0, 0, 'the image is not requested');
  assert.deepEqual(rows(config.dbPath, 'SELECT url FROM urls WHERE url LIKE ?', '%/img/%'), [], 'nor recorded as a URL');
});

/** Test-sized retry clock, as in politeness.test.ts. */
const fast = (o: Partial<PolitenessConfig> = {}): PolitenessConfig =>
  ({ ...defaultPolitenessConfig(), retries: 2, retryBaseMs: 20, retryMaxDelayMs: 100, retryAfterMaxMs: 3_000, ...o });

/** A site whose robots.txt disallows /private and names /listed.xml, which lists /public and /private/x. */
async function listedSite(t: TestContext, robots: (hit: number) => { status: number; body: string } = () => ({ status: 200, body: '' })): Promise<TestSite> {
  let hits = 0;
  let origin = '';
  const site = await startSite({
    '/': page('home'),
    '/robots.txt': (_req, res) => {
      const { status, body } = robots(++hits);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(body || `User-agent: *\nDisallow: /private\nSitemap: ${origin}/listed.xml\n`);
    },
    '/listed.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' }).end(urlset([`${origin}/public`, `${origin}/private/x`]));
    },
    '/public': page('public'),
    '/private/x': page('private'),
  });
  origin = site.origin;
  t.after(() => site.close());
  return site;
}

test('--sitemaps: a /sitemap.xml that robots.txt disallows and does not name is not fetched; a named one is, wherever it is', async (t) => {
  let origin = '';
  const site = await startSite({
    '/': page('home'),
    '/robots.txt': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`User-agent: *\nDisallow: /\nAllow: /$\nAllow: /public\nSitemap: ${origin}/maps/listed.xml\n`);
    },
    '/maps/listed.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' }).end(urlset([`${origin}/public`]));
    },
    '/sitemap.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' }).end(urlset([`${origin}/public/guessed`]));
    },
    '/public': page('public'),
    '/public/guessed': page('guessed'),
  });
  origin = site.origin;
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { sitemaps: true, fetch: { politeness: fast() } });
  const reports: SitemapReport[] = [];
  await runCrawl(config, { onSitemaps: (r) => reports.push(r) });
  assert.equal(site.hits.get('/sitemap.xml'), undefined, 'Disallow: / covers the guess');
  assert.equal(site.hits.get('/maps/listed.xml'), 1, 'named by robots.txt: read although its path is disallowed');
  assert.equal(site.hits.get('/public'), 1);
  assert.deepEqual([reports[0]?.sitemaps, reports[0]?.urls, reports[0]?.failures], [1, 1, []]);
});

test('--sitemaps: one robots.txt request per origin serves its Sitemap: lines and its rules', async (t) => {
  const a = await listedSite(t);
  const b = await listedSite(t);
  const config = testConfig(t, [a.url('/'), b.url('/')], { sitemaps: true, scope: { mode: 'any' }, fetch: { politeness: fast() } });
  const reports: SitemapReport[] = [];
  await runCrawl(config, { onSitemaps: (r) => reports.push(r) });

  for (const site of [a, b]) {
    assert.equal(site.hits.get('/robots.txt'), 1, `${site.origin}: robots.txt requested once, for the sitemaps and the rules`);
    assert.equal(site.hits.get('/listed.xml'), 1, 'the Sitemap: line was read');
    assert.equal(site.hits.get('/public'), 1, 'a sitemap URL is queued and fetched');
    assert.equal(site.hits.get('/private/x'), undefined, 'a sitemap URL robots.txt disallows is never requested');
    const listed = rows<{ url: string; state: string; error_code: string | null }>(
      config.dbPath, 'SELECT url, state, error_code FROM urls WHERE host = ? AND url LIKE ? ORDER BY url', site.origin, `${site.origin}/p%`,
    );
    assert.deepEqual(listed.map((r) => [r.url.slice(site.origin.length), r.state, r.error_code]), [
      ['/private/x', 'failed', 'CRAWL_ROBOTS_DISALLOWED'],
      ['/public', 'done', null],
    ]);
  }
  assert.equal(reports[0]?.urls, 4);
});

test('--sitemaps: a robots.txt that fails in the sitemap phase counts as its first attempt, not an extra one', async (t) => {
  const down = await listedSite(t, () => ({ status: 503, body: 'overloaded' }));
  const config = testConfig(t, [down.url('/')], { sitemaps: true, fetch: { politeness: fast() } });
  await runCrawl(config);
  assert.equal(down.hits.get('/robots.txt'), 3, 'robots.txt requested 1 + --retries 2 times, as without --sitemaps');
  assert.equal(down.hits.get('/'), undefined, 'never fails open');
  assert.deepEqual(rows(config.dbPath, 'SELECT state, error_code FROM urls'), [{ state: 'failed', error_code: 'CRAWL_ROBOTS_UNAVAILABLE' }]);

  // A 503 that recovers on the policy's retry: the rules it then serves apply. Its Sitemap: lines
  // are not read (the sitemap phase is over), as before.
  const flaky = await listedSite(t, (hit) => (hit === 1 ? { status: 503, body: 'later' } : { status: 200, body: '' }));
  const again = testConfig(t, [flaky.url('/'), flaky.url('/private/x')], { sitemaps: true, fetch: { politeness: fast() } });
  await runCrawl(again);
  assert.equal(flaky.hits.get('/robots.txt'), 2);
  assert.equal(flaky.hits.get('/'), 1);
  assert.equal(flaky.hits.get('/private/x'), undefined);
});

test('--sitemaps with --ignore-robots: robots.txt is fetched once, for its Sitemap: lines only, and not obeyed', async (t) => {
  const site = await listedSite(t);
  const config = testConfig(t, [site.url('/')], { sitemaps: true, fetch: { politeness: fast({ ignoreRobots: true }) } });
  await runCrawl(config);
  assert.equal(site.hits.get('/robots.txt'), 1);
  assert.equal(site.hits.get('/listed.xml'), 1);
  assert.equal(site.hits.get('/private/x'), 1, 'Disallow is not obeyed');
});

test('readSitemapText: XML, a text sitemap (one URL per line), and files that are neither', () => {
  assert.deepEqual(readSitemapText(urlset(['https://a.test/x'])), { isIndex: false, locs: ['https://a.test/x'] });
  assert.deepEqual(readSitemapText('\uFEFFhttps://a.test/a\r\n\r\n  https://a.test/b  \n# a comment\n/relative\nftp://a.test/f\nHTTP://A.test/c\rhttps://a.test/d e\n'), {
    isIndex: false, locs: ['https://a.test/a', 'https://a.test/b', 'HTTP://A.test/c'],
  });
  assert.deepEqual(readSitemapText('https://a.test/1\nhttps://a.test/2\nhttps://a.test/3\n', 2), { isIndex: false, locs: ['https://a.test/1', 'https://a.test/2'] });
  assert.deepEqual(readSitemapText(''), { isIndex: false, locs: [] }, 'an empty file is an empty sitemap');
  assert.deepEqual(readSitemapText('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'), { isIndex: false, locs: [] }, 'an empty urlset is a sitemap');
  assert.deepEqual(readSitemapText('<!doctype html><html><body><a href="/x">x</a></body></html>'), { notSitemap: 'not a sitemap (an HTML page)' });
  assert.deepEqual(readSitemapText('<?xml version="1.0"?><rss><channel></channel></rss>'), { notSitemap: 'not a sitemap (no <urlset> or <sitemapindex>)' });
  assert.deepEqual(readSitemapText('Not found\n'), { notSitemap: 'not a sitemap (neither XML nor one URL per line)' });
});

test('a text sitemap queues its URLs; an HTML page at /sitemap.xml is skipped and said, not counted as read', async () => {
  const origin = 'https://a.test';
  const bodies = new Map<string, string>([
    [`${origin}/robots.txt`, `Sitemap: ${origin}/urls.txt\n`],
    [`${origin}/urls.txt`, `${origin}/one\n${origin}/two?x=1\n\n${origin}/three\n`],
    [`${origin}/sitemap.xml`, '<!DOCTYPE html><html><head><title>Home</title></head><body>catch-all</body></html>'],
  ]);
  const fetcher = {
    async fetch(entry: FrontierEntry): Promise<FetchResult> {
      const body = bodies.get(entry.url);
      return {
        entry, status: body === undefined ? 404 : 200, headers: {}, body: Buffer.from(body ?? ''), isTruncated: false, wireBytes: 0,
        finalUrl: entry.url, redirects: [], contentType: 'text/plain', fetchedAt: 0, elapsedMs: 0,
      };
    },
  };
  const added: Discovered[] = [];
  const report = await addSitemapSeeds({
    seeds: [`${origin}/`], fetcher, limits: { run: (_h, fn) => fn() }, scope: () => null,
    writer: collectInto(added),
  });
  assert.deepEqual(added.map((d) => d.url), [`${origin}/one`, `${origin}/two?x=1`, `${origin}/three`]);
  assert.equal(report.urls, 3);
  assert.equal(report.sitemaps, 1, 'the HTML page is not counted as a sitemap read');
  assert.deepEqual(report.failures, [{ url: `${origin}/sitemap.xml`, message: 'not a sitemap (an HTML page)' }]);
});

test('a /sitemap.xml that robots.txt does not name and that answers 404 is no failure; one robots.txt names is', async () => {
  const origin = 'https://a.test';
  const run = async (robots: string) => {
    const bodies = new Map<string, string>([[`${origin}/robots.txt`, robots], [`${origin}/listed.xml`, urlset([`${origin}/one`])]]);
    const fetcher = {
      async fetch(entry: FrontierEntry): Promise<FetchResult> {
        const body = bodies.get(entry.url);
        return {
          entry, status: body === undefined ? 404 : 200, headers: {}, body: Buffer.from(body ?? ''), isTruncated: false, wireBytes: 0,
          finalUrl: entry.url, redirects: [], contentType: 'text/xml', fetchedAt: 0, elapsedMs: 0,
        };
      },
    };
    return addSitemapSeeds({ seeds: [`${origin}/`], fetcher, limits: { run: (_h, fn) => fn() }, scope: () => null, writer: collectInto([]) });
  };
  const guessed = await run(`Sitemap: ${origin}/listed.xml\n`);
  assert.deepEqual([guessed.sitemaps, guessed.urls, guessed.failures], [1, 1, []]);
  const named = await run(`Sitemap: ${origin}/listed.xml\nSitemap: ${origin}/sitemap.xml\n`);
  assert.deepEqual(named.failures, [{ url: `${origin}/sitemap.xml`, message: 'HTTP 404' }]);
});

test('sitemap reading is bounded: files, URLs and unpacked size', async () => {
  const bodies = new Map<string, Uint8Array>();
  const origin = 'https://a.test';
  bodies.set(`${origin}/robots.txt`, Buffer.from(`Sitemap: ${origin}/index.xml\n`));
  // An index naming itself and 100 children; each child lists 1,000 URLs.
  bodies.set(`${origin}/index.xml`, Buffer.from(index([`${origin}/index.xml`, ...Array.from({ length: 100 }, (_, i) => `${origin}/s${i}.xml`)])));
  for (let i = 0; i < 100; i++) bodies.set(`${origin}/s${i}.xml`, Buffer.from(urlset(Array.from({ length: 1000 }, (_, j) => `${origin}/p/${i}/${j}`))));
  bodies.set(`${origin}/sitemap.xml`, gzipSync(Buffer.from(urlset([`${origin}/${'x'.repeat(300_000)}`]))));
  const fetched: string[] = [];
  const fetcher = {
    async fetch(entry: FrontierEntry): Promise<FetchResult> {
      fetched.push(entry.url);
      const body = bodies.get(entry.url);
      return {
        entry, status: body ? 200 : 404, headers: {}, body: body ?? new Uint8Array(), isTruncated: false, wireBytes: 0,
        finalUrl: entry.url, redirects: [], contentType: 'application/xml', fetchedAt: 0, elapsedMs: 0,
      };
    },
  };
  const added: Discovered[] = [];
  const report = await addSitemapSeeds({
    seeds: [`${origin}/`], fetcher, limits: { run: (_h, fn) => fn() }, scope: () => null,
    writer: collectInto(added), maxSitemaps: 5, maxUrls: 2500, maxBytes: 200_000,
  });
  assert.equal(new Set(fetched).size, fetched.length, 'no sitemap fetched twice, even one that lists itself');
  assert.ok(fetched.length <= 6, `at most 5 sitemaps and robots.txt, fetched ${fetched.length}`);
  assert.equal(added.length, 2500, 'URL cap');
  assert.equal(report.urls, 2500);
  // Its one entry is longer than the cap: nothing whole before the cut.
  assert.deepEqual(report.cut, [{ url: `${origin}/sitemap.xml`, message: 'larger than 195.3 KiB unpacked; read to its last whole entry (0 entries)' }], 'a sitemap unpacking past maxBytes is read to the cap, and says why');
  assert.ok(added.every((d) => d.depth === 0 && d.skipCode === null));
});

// QA: a 12.4 MB sitemap of 45,000 URLs queued 38,031 under the default --max-bytes (10 MB), with
// no note. Test-sized: a ~300 KB sitemap (plain and gzip'd in transit) under --max-bytes 100 KB.
test('--sitemaps: a sitemap larger than --max-bytes is read whole (the sitemap cap applies, not the page cap)', async (t) => {
  const listed = Array.from({ length: 4000 }, (_, i) => `https://elsewhere.invalid/listed/page-number-${i}`);
  const xml = urlset(listed);
  assert.ok(xml.length > 300_000, `sitemap is ${xml.length} bytes`);
  const site = await startSite({
    '/': page('home'),
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\n' },
    '/sitemap.xml': (req, res) => {
      // gzip in transit too: the cap is on decoded bytes, so this one is 300 KB as well.
      const isGzip = /gzip/.test(req.headers['accept-encoding'] ?? '');
      res.writeHead(200, { 'content-type': 'application/xml', ...(isGzip ? { 'content-encoding': 'gzip' } : {}) }).end(isGzip ? gzipSync(xml) : xml);
    },
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { sitemaps: true, fetch: { maxBodyBytes: 100 * 1024 } });
  const reports: SitemapReport[] = [];
  await runCrawl(config, { onSitemaps: (r) => reports.push(r) });
  assert.deepEqual(reports[0]?.failures, []);
  assert.equal(reports[0]?.urls, listed.length);
  assert.deepEqual([reports[0]?.queued, reports[0]?.skipped], [0, listed.length], 'none queued: each recorded as skipped');
  // Out of scope, so recorded as skipped rather than fetched: every one of them reached the queue.
  const queued = rows<{ n: number }>(config.dbPath, "SELECT count(*) AS n FROM urls WHERE url LIKE 'https://elsewhere.invalid/listed/%'");
  assert.equal(queued[0]?.n, listed.length);
});

test('a sitemap over the sitemap cap, or cut short, is read to its last whole entry and listed as read in part (it was skipped whole, every URL lost)', async (t) => {
  const xml = urlset(Array.from({ length: 100 }, (_, i) => `https://a.test/p/${i}`));
  let origin = '';
  const site = await startSite({
    '/robots.txt': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`Sitemap: ${origin}/cut.xml\n`);
    },
    '/sitemap.xml': { headers: { 'content-type': 'application/xml' }, body: xml },
    // A gzip'd transfer that stops mid-stream: the fetcher keeps the part, marked truncated.
    '/cut.xml': (_req, res) => {
      const gz = gzipSync(xml);
      res.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'gzip' }).end(gz.subarray(0, gz.length - 30));
    },
  });
  origin = site.origin;
  t.after(() => site.close());
  const fetcher = createFetcher({ config: testFetchConfig() });
  t.after(() => fetcher.close());
  const run = (seed: string, maxBytes: number) => {
    const added: Discovered[] = [];
    return addSitemapSeeds({
      seeds: [seed], fetcher, limits: { run: (_h, fn) => fn() }, scope: () => null,
      writer: collectInto(added), maxBytes,
    }).then((report) => ({ report, added }));
  };
  const listed = new Set(Array.from({ length: 100 }, (_, i) => `https://a.test/p/${i}`));
  const over = await run(site.url('/'), 1000);
  // ~60 bytes an entry after a 100-byte head: the whole ones within the first 1,000 bytes.
  assert.ok(over.added.length >= 10 && over.added.length < 100, `${over.added.length} URLs from the first 1,000 bytes of each`);
  for (const { url } of over.added) assert.ok(listed.has(url), `${url} is a whole URL of the sitemap`);
  assert.deepEqual(over.report.failures, []);
  assert.deepEqual(over.report.cut.map((c) => c.url), [site.url('/cut.xml'), site.url('/sitemap.xml')]);
  assert.match(over.report.cut[1]!.message, /^larger than 1000 B; read to its last whole entry \(1\d entries\)$/);
  assert.equal(over.report.sitemaps, 2);
  const whole = await run(site.url('/'), xml.length);
  const fromWhole = whole.added.filter((d) => d.url.startsWith('https://a.test/'));
  assert.equal(new Set(fromWhole.map((d) => d.url)).size, 100, 'a sitemap of exactly the cap is whole');
  assert.ok(fromWhole.length > 100 && fromWhole.length < 200, 'and the gzip stream cut 30 bytes before its end gives its entries before the cut');
  assert.deepEqual(whole.report.failures, []);
  assert.deepEqual(whole.report.cut.map((c) => c.url), [site.url('/cut.xml')]);
  assert.match(whole.report.cut[0]!.message, /^cut short after [\d.]+ KiB; read to its last whole entry \(\d+ entries\)$/);
});

test('sitemap URLs go through the spider-trap checks of the URL alone, not the query-variant cap', async () => {
  const origin = 'https://a.test';
  const long = `${origin}/${'x'.repeat(3000)}`;
  const deep = `${origin}/${Array.from({ length: 40 }, (_, i) => `d${i}`).join('/')}`;
  const repeated = `${origin}/a/b/a/b/a/b/a/b`;
  const variants = Array.from({ length: 10 }, (_, i) => `${origin}/item?id=${i}`);
  const body = Buffer.from(urlset([long, deep, repeated, ...variants]));
  const fetcher = {
    async fetch(entry: FrontierEntry): Promise<FetchResult> {
      const isSitemap = entry.url === `${origin}/sitemap.xml`;
      return {
        entry, status: isSitemap ? 200 : 404, headers: {}, body: isSitemap ? body : new Uint8Array(), isTruncated: false, wireBytes: 0,
        finalUrl: entry.url, redirects: [], contentType: 'application/xml', fetchedAt: 0, elapsedMs: 0,
      };
    },
  };
  const { checkUrl } = createTrapCheck({ ...defaultTrapConfig(), maxQueriesPerPath: 3 });
  const added: Discovered[] = [];
  await addSitemapSeeds({
    seeds: [`${origin}/`], fetcher, limits: { run: (_h, fn) => fn() }, scope: () => null, trap: checkUrl,
    writer: collectInto(added),
  });
  const code = (url: string) => added.find((d) => d.url === url)?.skipCode;
  assert.equal(code(long), 'CRAWL_TRAP_URL_LENGTH');
  assert.equal(code(deep), 'CRAWL_TRAP_PATH_DEPTH');
  assert.equal(code(repeated), 'CRAWL_TRAP_REPEATED_SEGMENT');
  assert.deepEqual(variants.map(code), variants.map(() => null), 'ten variants of one path, none capped');
});

test('--sitemaps: a <loc> or a Sitemap: line longer than 8,192 characters is dropped, as such an href is, and the rest is read', async (t) => {
  let origin = '';
  // 40 <loc>s of 200 KB each: normalizing one such URL held the crawl's thread for ~0.5 s
  // (bench/fuzz-21.mjs), so a sitemap of them stalled the crawl for most of a minute.
  const huge = () => `${origin}/${'%41a.'.repeat(50_000)}`;
  const site = await startSite({
    '/': page('home'),
    '/robots.txt': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`User-agent: *\nAllow: /\nSitemap: ${origin}/${'x'.repeat(9_000)}.xml\nSitemap: ${origin}/big.xml\n`);
    },
    '/big.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' }).end(urlset([...Array.from({ length: 40 }, huge), `${origin}/listed`]));
    },
    '/listed': page('listed'),
  });
  origin = site.origin;
  t.after(() => site.close());

  const config = testConfig(t, [site.url('/')], { sitemaps: true });
  await runCrawl(config);
  const db = new Database(config.dbPath, { readonly: true });
  t.after(() => db.close());
  const stored = (db.prepare('SELECT url FROM pages ORDER BY url').all() as Array<{ url: string }>).map((r) => r.url.slice(origin.length));
  assert.deepEqual(stored, ['/', '/listed']);
  assert.equal((db.prepare('SELECT count(*) AS n FROM urls WHERE length(url) > 8192').get() as { n: number }).n, 0, 'no row for a URL that long');
  assert.equal(site.hits.get('/big.xml'), 1);
  assert.deepEqual([...site.hits.keys()].filter((p) => p.length > 8192), [], 'the long Sitemap: line was not fetched');
  assert.deepEqual(parseRobotsSitemaps(`Sitemap: https://a.test/${'y'.repeat(8_200)}\nSitemap: https://a.test/s.xml\n`, 'https://a.test/robots.txt'), ['https://a.test/s.xml']);
});
