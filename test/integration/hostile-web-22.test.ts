/**
 * Hostile-web QA, round 22. Each test starts its own server on 127.0.0.1 and runs the real crawl
 * (the CLI) on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { rawResponse, startRawSite } from '../helpers/raw-site.js';

const html = (body: string): Buffer => rawResponse(['Content-Type: text/html'], Buffer.from(body));

type UrlRow = { url: string; state: string; error_code: string | null; error_message: string | null; redirect_to: string | null };

const urlsByPath = (db: string, origin: string): Map<string, UrlRow> => new Map(
  rows<UrlRow>(db, 'SELECT url, state, error_code, error_message, redirect_to FROM urls ORDER BY id').map((u) => [u.url.slice(origin.length), u]),
);

test('a Location longer than a link may be (8,192 characters) is a failed redirect, CRAWL_REDIRECT_INVALID, saying its length and its start, not normalized or stored; one at the bound is read as before (too long a URL: the trap code); a short one is followed', async (t) => {
  // 200,000 characters of UTF-8 é: the costliest shape to normalize (percent-encoded, 6 bytes a character after).
  const huge = `/t/${Buffer.from('é'.repeat(100_000), 'utf8').toString('latin1')}`;
  const atBound = `/t/${'a'.repeat(8192 - 3)}`;
  const site = await startRawSite(t, (path) => {
    if (path === '/') return html('<title>home</title><a href="/huge">a</a> <a href="/bound">b</a> <a href="/short">c</a>');
    if (path === '/huge') return rawResponse([`Location: ${huge}`], Buffer.alloc(0), '302 Found');
    if (path === '/bound') return rawResponse([`Location: ${atBound}`], Buffer.alloc(0), '302 Found');
    if (path === '/short') return rawResponse(['Location: /landed'], Buffer.alloc(0), '301 Moved Permanently');
    if (path === '/landed') return html('<title>landed</title>');
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--retries', '0', '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const urls = urlsByPath(db, site.origin);
  const hugeRow = urls.get('/huge');
  assert.equal(hugeRow?.state, 'failed');
  assert.equal(hugeRow?.error_code, 'CRAWL_REDIRECT_INVALID', hugeRow?.error_message ?? '');
  assert.match(hugeRow?.error_message ?? '', /^redirect from \S+\/huge not followed: its Location is 100,003 characters, over the 8,192 a link may have \(starts "\/t\/é+\.\.\."\)$/);
  assert.ok(hugeRow!.error_message!.length < 300, `message of ${hugeRow!.error_message!.length} characters`);
  assert.equal(hugeRow?.redirect_to, null, 'the Location is not stored');
  assert.equal(urls.get('/bound')?.error_code, 'CRAWL_TRAP_URL_LENGTH', 'at the bound: normalized and judged as before');
  assert.equal(urls.get('/short')?.state, 'redirected');
  assert.equal(site.hits.get('/landed'), 1);
  assert.equal([...site.hits.keys()].filter((p) => p.startsWith('/t/')).length, 0, 'neither long target requested');
});

test('--recrawl: a 304 whose ETag and Cache-Control are 30,000 characters each, over a stored head of 30,000, is merged and bounded again (32 KiB, crawlite:cut saying what), not stored at 90 KB', async (t) => {
  const csp = `default-src 'self'; ${'x'.repeat(30_000)}`;
  const etag = `"${'e'.repeat(30_000)}"`;
  const cacheControl = `max-age=60, ${'c'.repeat(30_000)}`;
  const site = await startRawSite(t, (path) => {
    if (path === '/') return html('<title>home</title><a href="/big">a</a>');
    if (path === '/big') {
      if (site.hits.get('/big') === 1) return rawResponse(['Content-Type: text/html', 'ETag: "v1"', `Content-Security-Policy: ${csp}`], Buffer.from('<title>big</title>'));
      return rawResponse([`ETag: ${etag}`, `Cache-Control: ${cacheControl}`], Buffer.alloc(0), '304 Not Modified');
    }
    return null;
  });
  const db = tempDbPath(t);
  const first = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--retries', '0', '--workers', '1']);
  assert.equal(first.code, 0, first.stderr);
  const stored = (): Record<string, string> => JSON.parse(rows<{ headers: string }>(db, 'SELECT headers FROM pages WHERE url = ?', `${site.origin}/big`)[0]!.headers);
  assert.equal(stored()['content-security-policy'], csp, 'a head under 32 KiB is stored whole');
  const again = await crawlite(['crawl', '--db', db, '--recrawl', '--retries', '0', '--workers', '1']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(site.hits.get('/big'), 2);
  const page = rows<{ headers: string; recrawl_status: string; title: string }>(db, 'SELECT headers, recrawl_status, title FROM pages WHERE url = ?', `${site.origin}/big`)[0]!;
  assert.equal(page.recrawl_status, 'unchanged');
  assert.equal(page.title, 'big');
  assert.ok(page.headers.length < 34 * 1024, `stored headers: ${page.headers.length} characters`);
  const headers = stored();
  assert.equal(headers['content-type'], 'text/html', 'the short fields stay');
  assert.ok(headers.etag!.startsWith('"eee') && headers.etag!.length === 8192, 'the refreshed ETag, cut');
  assert.ok(headers['cache-control']!.startsWith('max-age=60, ccc'));
  const cut = headers['crawlite:cut'] ?? '';
  for (const name of ['content-security-policy', 'etag', 'cache-control']) assert.match(cut, new RegExp(`(^|; )${name}: cut at 8\\.0 KiB of`), cut);
});

test('a seed served as Content-Disposition: attachment: the summary says it was a download, not an HTML page, so no link was followed (text and JSON); an HTML seed says nothing of the kind', async (t) => {
  const site = await startRawSite(t, (path) => {
    if (path === '/') return rawResponse(['Content-Type: text/html', 'Content-Disposition: attachment; filename="index.html"'], Buffer.from('<title>home</title><a href="/a">a</a>'));
    if (path === '/page') return html('<title>page</title><a href="/a">a</a>');
    if (path === '/a') return html('<title>a</title>');
    if (path === '/robots.txt') return rawResponse(['Content-Type: text/plain'], Buffer.from(`User-agent: *\nAllow: /\nSitemap: ${site.origin}/sitemap.xml\n`));
    if (path === '/sitemap.xml') return rawResponse(['Content-Type: application/xml'], Buffer.from(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${site.origin}/</loc></url></urlset>`));
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const out = run.stdout + run.stderr;
  assert.match(out, /1 page stored/);
  assert.ok(out.includes(`seed ${site.origin}/ was a download (Content-Disposition: attachment), not an HTML page: stored, and no link followed from it`), out);
  assert.equal(site.hits.get('/a'), undefined);
  const json = await crawlite(['crawl', `${site.origin}/`, '--db', tempDbPath(t), '--workers', '1', '--log-format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const summary = (json.stdout + json.stderr).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((e) => e.type === 'summary');
  assert.deepEqual(summary?.seedDownloads, { count: 1, urls: [`${site.origin}/`] });
  // A sitemap's URL is at depth 0 too, but no seed: a download it lists is no news.
  const plain = await crawlite(['crawl', `${site.origin}/page`, '--db', tempDbPath(t), '--workers', '1', '--sitemaps']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(site.hits.get('/'), 3, 'the download the sitemap lists was fetched');
  assert.doesNotMatch(plain.stdout + plain.stderr, /was a download|seeds were downloads/);
  assert.equal(site.hits.get('/a'), 1);
});

/** The page in a numbered listing of a site made of endless chains, each page the one before but for its numbers. */
function chainSite(path: string): Buffer | null {
  const page = (title: string, body: string, head = ''): Buffer => html(`<!doctype html><html><head>${head}<title>${title}</title></head><body><nav><a href="/">Home</a> <a href="/about">About</a></nav>${body}<footer>(c) Example</footer></body></html>`);
  const pager = (n: number, href: (k: number) => string): string => [n - 2, n - 1, n + 1, n + 2].filter((k) => k > 0).map((k) => `<a href="${href(k)}">${k}</a>`).join(' ');
  const u = new URL(path, 'http://x');
  const n = Number(u.searchParams.get('page') ?? u.searchParams.get('n') ?? /\/page\/(\d+)\/$/.exec(u.pathname)?.[1]);
  if (path === '/') return page('home', ['/list?page=1', '/blog/page/1/', '/wait?n=1', '/real?page=1', '/data?page=1'].map((p) => `<a href="${p}">${p}</a>`).join(' '));
  if (path === '/about') return page('about', 'about us');
  if (u.pathname === '/list') return page(`Results, page ${n}`, `<p>No results on page ${n}.</p>${pager(n, (k) => `?page=${k}`)} <a href="?page=${n + 1}">Next</a>`);
  if (u.pathname.startsWith('/blog/page/')) return page(`Blog, page ${n}`, `<p>Nothing here.</p>${pager(n, (k) => `/blog/page/${k}/`)} <a href="/blog/page/${n + 1}/">Older posts</a>`);
  if (u.pathname === '/wait') return page(`Please wait`, `<p>Please wait (${n})</p>`, `<meta http-equiv="refresh" content="0; url=?n=${n + 1}">`);
  // Real paginations of 30 pages: stories of their own; rows of numbers only, far from the page's.
  if ((u.pathname === '/real' || u.pathname === '/data') && n > 30) return rawResponse(['Content-Type: text/html'], Buffer.from('<title>Not found</title>'), '404 Not Found');
  const words = ['harbour', 'lantern', 'meadow', 'quarry', 'orchard', 'glacier', 'thicket', 'estuary'];
  if (u.pathname === '/real') return page(`Stories, page ${n}`, `<ul>${Array.from({ length: 5 }, (_, i) => `<li>${words[(n * 5 + i) % 8]} and ${words[(n * 3 + i) % 8]} ${'xyzw'[n % 4]}${'abcde'[i]}</li>`).join('')}</ul>${pager(n, (k) => `?page=${k}`)} <a href="?page=${n + 1}">Next</a>`);
  if (u.pathname === '/data') return page(`Data, page ${n}`, `<table>${Array.from({ length: 20 }, (_, i) => `<tr><td>${1000 + n * 20 + i}</td></tr>`).join('')}</table>${pager(n, (k) => `?page=${k}`)} <a href="?page=${n + 1}">Next</a>`);
  return null;
}

test('endless paginations stop after --max-repeat-run 20 pages in a row the same but for their numbers (?page=N, /page/N/, a <meta refresh> to ?n=N+1): the next page is skipped as CRAWL_TRAP_DUPLICATE_CONTENT, saying why, and counted in the summary; real paginations whose pages differ (stories, rows of numbers) are crawled whole; off by default', async (t) => {
  const site = await startRawSite(t, chainSite);
  const db = tempDbPath(t);
  // --max-pages: only so that a broken rule still ends the test; the chains ran to 500 pages (query
  // variants), the path and the refresh chain without end.
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--workers', '1', '--max-pages', '400', '--max-repeat-run', '20']);
  assert.equal(run.code, 0, run.stderr);
  const urls = [...urlsByPath(db, site.origin)];
  const fetched = (prefix: string): number => urls.filter(([p, u]) => p.startsWith(prefix) && u.state === 'done').length;
  for (const prefix of ['/list?', '/blog/page/', '/wait?']) {
    const n = fetched(prefix);
    assert.ok(n >= 20 && n <= 24, `${prefix}: ${n} pages fetched`);
    const skipped = urls.filter(([p, u]) => p.startsWith(prefix) && u.state === 'skipped');
    assert.ok(skipped.length >= 1, `${prefix}: none skipped`);
    for (const [p, u] of skipped) {
      assert.equal(u.error_code, 'CRAWL_TRAP_DUPLICATE_CONTENT', p);
      assert.match(u.error_message ?? '', /^spider trap: found on the \d+(st|nd|rd|th) page in a row of its URL pattern with the same content but for its numbers \(an endless pagination\)$/);
    }
  }
  // Page 30 links 31 and 32 (its pager), which answer 404.
  assert.equal(fetched('/real?'), 32, 'stories: 30 pages and the two 404s after them');
  assert.equal(fetched('/data?'), 32, 'rows of numbers: 30 pages and the two 404s after them');
  assert.match(run.stdout + run.stderr, /URLs skipped as spider traps \(CRAWL_TRAP_DUPLICATE_CONTENT \d+\)/);

  // Off by default: a generated site whose pages say little but their number (a test site, a
  // benchmark's) is the same shape, and is crawled whole; the chains go on to --max-pages.
  const defaultDb = tempDbPath(t);
  const byDefault = await crawlite(['crawl', `${site.origin}/`, '--db', defaultDb, '--workers', '1', '--max-pages', '300']);
  assert.equal(byDefault.code, 0, byDefault.stderr);
  const all = [...urlsByPath(defaultDb, site.origin)];
  assert.equal(all.filter(([, u]) => u.error_code === 'CRAWL_TRAP_DUPLICATE_CONTENT').length, 0);
  const chains = all.filter(([p, u]) => /^\/(list\?|blog\/page\/|wait\?)/.test(p) && u.state === 'done').length;
  assert.ok(chains > 3 * 24, `${chains} chain pages fetched by default`);
});
