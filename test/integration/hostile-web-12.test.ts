/**
 * Hostile-web QA, round 12. Each test starts its own server on 127.0.0.1 and runs the real crawl
 * (the CLI where a crash would show as one) on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { rawResponse, startRawSite } from '../helpers/raw-site.js';
import { page, startSite, type Route } from '../helpers/site.js';

interface UrlRow {
  path: string;
  state: string;
  error_code: string | null;
  error_message: string | null;
  title: string | null;
}

/** The URLs of `crawlite search --json`'s lines. */
function searchUrls(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line !== '').map((line) => (JSON.parse(line) as { url: string }).url);
}

function urlRows(db: string, origin: string): UrlRow[] {
  return rows<UrlRow>(db, `SELECT replace(u.url, ?, '') AS path, u.state, u.error_code, u.error_message, p.title
    FROM urls u LEFT JOIN pages p ON p.url_id = u.id ORDER BY u.url`, origin);
}

test('a final status below 200 (HTTP/1.1 000, an unrequested 101) fails its URL with a readable reason and the crawl goes on, on an origin read by the lenient parser too (it crashed the crawl with a stack trace)', async (t) => {
  const page = (title: string, links: string[] = []) => Buffer.from(`<title>${title}</title>${links.map((l) => `<a href="${l}">${l}</a>`).join('')}`);
  const weird = (path: string): Buffer | null => {
    if (path === '/zero') return rawResponse(['Content-Type: text/html', 'Connection: close'], page('zero'), '000 Nothing');
    if (path === '/switch') return rawResponse(['Content-Type: text/html', 'Connection: close'], page('switch'), '101 Switching Protocols');
    if (path === '/after') return rawResponse(['Content-Type: text/html'], page('after'));
    return null;
  };
  // One origin whose home page has a bare-LF head, so it is read by Node's lenient parser from
  // then on, and one undici reads throughout.
  const lenient = await startRawSite(t, (path) => {
    if (path !== '/') return weird(path);
    const body = page('lenient home', ['/zero', '/switch', '/after']);
    return Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: ${body.length}\n\n`, 'latin1'), body]);
  });
  const strict = await startRawSite(t, (path) => (path === '/' ? rawResponse(['Content-Type: text/html'], page('strict home', ['/zero', '/switch', '/after'])) : weird(path)));

  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${lenient.origin}/`, `${strict.origin}/`, '--db', db, '--retries', '0', '--quiet', '--timeout', '5s']);
  assert.doesNotMatch(run.stderr, /\n\s+at |TypeError/, `no stack trace: ${run.stderr}`);
  assert.equal(run.code, 0, run.stderr);
  for (const site of [lenient, strict]) {
    const byPath = new Map(urlRows(db, site.origin).map((r) => [r.path, r]));
    assert.equal(byPath.get('/after')?.title, 'after', 'the crawl went on past them');
    const zero = byPath.get('/zero');
    assert.equal(zero?.error_code, 'CRAWL_FETCH_PROTOCOL');
    assert.match(zero?.error_message ?? '', /^malformed response: Response does not match the HTTP\/1\.1 protocol \(status code below 100\)$/);
    const upgrade = byPath.get('/switch');
    assert.equal(upgrade?.error_code, 'CRAWL_FETCH_PROTOCOL');
    assert.match(upgrade?.error_message ?? '', /\(status 101 as the final response; a 101 Switching Protocols answers only a request for an upgrade\)$/);
    assert.doesNotMatch(upgrade?.error_message ?? '', /assert|ERR_ASSERTION/);
  }
});

test('header lines browsers read past (no colon, a space before the colon, an empty or negative Content-Length) no longer fail the page: it is stored on its first attempt', async (t) => {
  const page = (title: string, links: string[] = []) => Buffer.from(`<title>${title}</title>${links.map((l) => `<a href="${l}">${l}</a>`).join('')}`);
  const site = await startRawSite(t, (path) => {
    switch (path) {
      case '/':
        return rawResponse(['Content-Type: text/html'], page('home', ['/no-colon', '/space-colon', '/empty-length', '/negative-length', '/bad-name']));
      // A CGI script's stray output among its headers.
      case '/no-colon': return rawResponse(['Content-Type: text/html', 'Warning from the template engine', 'X-Powered-By: PHP/5.4'], page('no colon'));
      // An embedded server's spelling: the type must still be read, or the page is not parsed.
      case '/space-colon': {
        const body = page('space colon');
        return rawResponse(['Content-Type : text/html', `Content-Length : ${body.length}`], body);
      }
      // PHP's header('Content-Length: ' . filesize($f)) when filesize() failed: the body runs to the close.
      case '/empty-length': return rawResponse(['Content-Type: text/html', 'Content-Length: ', 'Connection: close'], page('empty length'));
      case '/negative-length': return rawResponse(['Content-Type: text/html', 'Content-Length: -1', 'Connection: close'], page('negative length'));
      case '/bad-name': return rawResponse(['Content-Type: text/html', 'X Bad Name: 1'], page('bad name'));
      default: return null;
    }
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--retries', '0', '--quiet', '--timeout', '5s']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(urlRows(db, site.origin).map((r) => [r.path, r.state, r.error_code, r.title]), [
    ['/', 'done', null, 'home'],
    ['/bad-name', 'done', null, 'bad name'],
    ['/empty-length', 'done', null, 'empty length'],
    ['/negative-length', 'done', null, 'negative length'],
    ['/no-colon', 'done', null, 'no colon'],
    ['/space-colon', 'done', null, 'space colon'],
  ]);
  const [spaced] = rows<{ content_type: string }>(db, "SELECT content_type FROM pages WHERE url LIKE '%/space-colon'");
  assert.equal(spaced?.content_type, 'text/html');
  for (const path of ['/no-colon', '/space-colon', '/empty-length', '/negative-length', '/bad-name']) {
    // Refused by undici once, then read by the lenient parser (the origin goes there at once after the first).
    assert.ok((site.hits.get(path) ?? 0) <= 2, `${path} asked ${site.hits.get(path)} times`);
  }
});

test('a PDF, an image or a ZIP a download script serves as text/html (PHP\'s default type) is kept as a non-HTML body: no garbage text, links or search words from its bytes', async (t) => {
  // Each file carries an anchor and a word in its bytes, as compressed streams and metadata do by chance.
  const inside = '<title>binarytitle</title> <a href="/from-binary">x</a> binaryword ';
  const files: Record<string, Buffer> = {
    '/download.php?id=1': Buffer.concat([Buffer.from(`%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj ${inside} endobj\n`, 'latin1'), Buffer.alloc(64, 0x01)]),
    '/download.php?id=2': Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR', 'latin1'), Buffer.from(inside)]),
    '/download.php?id=3': Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'), Buffer.from(inside)]),
  };
  const routes: Record<string, Route> = {
    '/': page('downloads', [...Object.keys(files), '/real.php']),
    '/real.php': page('a real page', [], '<p>realword</p>'),
  };
  for (const [path, body] of Object.entries(files)) routes[path] = { headers: { 'content-type': 'text/html; charset=UTF-8' }, body };
  const site = await startSite(routes);
  t.after(() => site.close());

  for (const storeNonHtml of [false, true]) {
    const db = tempDbPath(t);
    const run = await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', ...(storeNonHtml ? ['--store-non-html'] : [])]);
    assert.equal(run.code, 0, run.stderr);
    const pages = rows<{ url: string; status: number; content_type: string; title: string | null; links_found: number; content_hash: string | null; raw_bytes: number }>(db,
      'SELECT url, status, content_type, title, links_found, content_hash, raw_bytes FROM pages ORDER BY url');
    assert.equal(pages.length, 5);
    for (const [path, body] of Object.entries(files)) {
      const row = pages.find((p) => p.url === site.url(path));
      assert.ok(row, `${path} stored`);
      assert.equal(row.status, 200);
      assert.equal(row.content_type, 'text/html; charset=UTF-8', 'the type as sent');
      assert.equal(row.title, null);
      assert.equal(row.links_found, 0);
      assert.equal(row.raw_bytes, body.length);
      assert.equal(row.content_hash === null, !storeNonHtml, 'its bytes kept only with --store-non-html');
    }
    assert.equal(pages.find((p) => p.url === site.url('/real.php'))?.title, 'a real page');
    assert.equal(site.hits.get('/from-binary'), undefined, 'no link taken from the bytes');
    const found = await crawlite(['search', '--db', db, '--json', 'binaryword']);
    assert.equal(found.code, 0, found.stderr);
    assert.deepEqual(searchUrls(found.stdout), [], 'no search words from the bytes');
    const real = await crawlite(['search', '--db', db, '--json', 'realword']);
    assert.deepEqual(searchUrls(real.stdout), [site.url('/real.php')]);
  }
});

test('ASP.NET cookieless sessions (/(S(id))/ in the path, a new one for every URL without it): each page is stored once, not the whole site again under every session', async (t) => {
  const links: Record<string, string[]> = {
    'default.aspx': ['about.aspx', 'news.aspx', '/app/contact.aspx', '/app/(S(zzzzzzzzzzzzzzzzzzzzzzzz))/team.aspx'],
    'about.aspx': ['default.aspx', 'team.aspx', '/app/news.aspx'],
    'news.aspx': ['default.aspx', '/app/about.aspx'],
    'contact.aspx': ['default.aspx', '/app/team.aspx'],
    'team.aspx': ['/app/default.aspx'],
  };
  let sessions = 0;
  const site = await startSite(new Proxy({} as Record<string, Route>, {
    get: (_target, path: string): Route | undefined => {
      if (path === '/robots.txt') return undefined;
      const match = /^\/app\/(?:\(S\(([a-z0-5]{24})\)\)\/)?([a-z]+\.aspx)$/.exec(path);
      if (match === null || !(match[2]! in links)) return undefined;
      // sessionState cookieless="UseUri": a URL without an id is sent to itself with a new one.
      if (match[1] === undefined) {
        sessions += 1;
        const id = sessions.toString(6).padStart(24, 'a');
        return { status: 302, headers: { location: `/app/(S(${id}))/${match[2]}` } };
      }
      return page(match[2]!, links[match[2]!]);
    },
  }));
  t.after(() => site.close());
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/app/default.aspx'), '--db', db, '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const pages = rows<{ url: string; title: string }>(db, 'SELECT url, title FROM pages ORDER BY url');
  assert.deepEqual(pages.map((p) => [p.url.replace(site.origin, ''), p.title]), [
    ['/app/about.aspx', 'about.aspx'], ['/app/contact.aspx', 'contact.aspx'], ['/app/default.aspx', 'default.aspx'],
    ['/app/news.aspx', 'news.aspx'], ['/app/team.aspx', 'team.aspx'],
  ]);
  assert.equal(sessions, 5, 'one session opened per page: its URL without the id, then the Location as sent');
  const sessionRows = rows<{ n: number }>(db, "SELECT count(*) AS n FROM urls WHERE url LIKE '%(S(%'");
  assert.equal(sessionRows[0]?.n, 0, 'no URL is kept with a session id in it');
});

test('a Content-Type that is no MIME type (html, text) is sniffed as browsers sniff it: a page is parsed, an image is not', async (t) => {
  const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR', 'latin1'), Buffer.from('<a href="/from-png">x</a>')]);
  const site = await startSite({
    '/': page('home', ['/typed-html', '/typed-text', '/image']),
    '/typed-html': { headers: { 'content-type': 'html' }, body: page('typed html', ['/found']) },
    '/typed-text': { headers: { 'content-type': 'text; charset=utf-8' }, body: page('typed text') },
    '/image': { headers: { 'content-type': 'image' }, body: png },
    '/found': page('found'),
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const pages = rows<{ url: string; title: string | null; content_type: string; links_found: number }>(db, 'SELECT url, title, content_type, links_found FROM pages ORDER BY url');
  assert.deepEqual(pages.map((p) => [p.url.replace(site.origin, ''), p.title, p.content_type, p.links_found]), [
    ['/', 'home', 'text/html; charset=utf-8', 3],
    ['/found', 'found', 'text/html; charset=utf-8', 0],
    ['/image', null, 'image', 0],
    ['/typed-html', 'typed html', 'html', 1],
    ['/typed-text', 'typed text', 'text; charset=utf-8', 0],
  ]);
  assert.equal(site.hits.get('/from-png'), undefined);
});

test('robots.txt: a group written "User-agent: crawlite bot" or "crawlite*" is crawlite\'s (its name is its leading letters, as Google\'s parser reads it), combined with "crawlite"', async (t) => {
  const site = await startSite({
    '/robots.txt': {
      headers: { 'content-type': 'text/plain' },
      body: 'User-agent: *\nDisallow: /star-only\n\nUser-agent: crawlite bot\nDisallow: /private\n\nUser-agent: Crawlite*\nDisallow: /secret\n\nUser-agent: crawlite\nDisallow: /plain\n',
    },
    '/': page('home', ['/private/a', '/secret/b', '/plain/c', '/star-only/d', '/open']),
    '/open': page('open'),
    '/star-only/d': page('not ours to obey: the * group is not our group'),
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  for (const path of ['/private/a', '/secret/b', '/plain/c']) assert.equal(site.hits.get(path), undefined, `${path} was requested`);
  const codes = rows<{ url: string; error_code: string | null }>(db, 'SELECT url, error_code FROM urls ORDER BY url');
  assert.deepEqual(codes.map((r) => [r.url.replace(site.origin, ''), r.error_code]), [
    ['/', null], ['/open', null], ['/plain/c', 'CRAWL_ROBOTS_DISALLOWED'], ['/private/a', 'CRAWL_ROBOTS_DISALLOWED'],
    ['/secret/b', 'CRAWL_ROBOTS_DISALLOWED'], ['/star-only/d', null],
  ]);
});
