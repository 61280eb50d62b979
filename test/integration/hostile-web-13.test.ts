/**
 * Hostile-web QA, round 13: HTTP framing and small web behaviours. Each test starts its own
 * server on 127.0.0.1 and runs the real crawl (the CLI) on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { rawResponse, startRawSite } from '../helpers/raw-site.js';

interface UrlRow {
  path: string;
  state: string;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  title: string | null;
}

function urlRows(db: string, origin: string): UrlRow[] {
  return rows<UrlRow>(db, `SELECT replace(u.url, ?, '') AS path, u.state, u.attempts, u.error_code, u.error_message, p.title
    FROM urls u LEFT JOIN pages p ON p.url_id = u.id ORDER BY u.url`, origin);
}

const html = (title: string, links: string[] = []) => `<title>${title}</title>${links.map((l) => `<a href="${l}">${l}</a>`).join('')}`;

/** A chunked answer whose chunk lines are written exactly as given: `[sizeLine, data, afterData]...`, then `last`. */
function chunked(chunks: Array<[string, string, string]>, last: string, headLines: string[] = []): Buffer {
  const body = chunks.map(([size, data, after]) => `${size}${data}${after}`).join('') + last;
  return Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n${headLines.map((l) => `${l}\r\n`).join('')}Transfer-Encoding: chunked\r\n\r\n${body}`, 'latin1');
}

test('chunked framing browsers read (bare-LF lines everywhere, whitespace around a chunk extension, after the size) is read on the first attempt; a chunked body cut by the close fails as CRAWL_FETCH_RESET, not CRAWL_FETCH_NETWORK', async (t) => {
  const hex = (s: string) => s.length.toString(16);
  const pages: Record<string, () => Buffer> = {
    // An embedded server's chunk writer with "\n" for line ends, the last chunk's "0\n\n" included:
    // Node's lenient parser waited for more after it, and the page was lost as 'aborted'.
    '/lf': () => { const a = html('lf'); return chunked([[`${hex(a)}\n`, a, '\n']], '0\n\n'); },
    // RFC 9112 allows whitespace (BWS) around ';' and '=' in a chunk extension; Node refuses it even when lenient.
    '/ext-bws': () => { const a = html('ext bws'); return chunked([[`${hex(a)} ; name = value\r\n`, a, '\r\n']], '0 ; last\r\n\r\n'); },
    '/ext-tab': () => { const a = html('ext tab'); return chunked([[`${hex(a)}\t;name=value\r\n`, a, '\r\n']], '0\r\n\r\n'); },
    // Yahoo's "819b   ", padded to a width (Chromium's comment on it); a tab, as curl reads it.
    '/size-pad': () => { const a = html('size pad'); const b = '<p>more</p>'; return chunked([[`${hex(a)}   \r\n`, a, '\r\n'], [`${hex(b)}\t\r\n`, b, '\r\n']], '0\r\n\r\n'); },
    // Trailer lines with bare LF: nothing reads them, and the body is whole.
    '/trailers': () => { const a = html('trailers'); return chunked([[`${hex(a)}\r\n`, a, '\r\n']], '0\nX-Checksum: 1\nX-Other: 2\n\n'); },
    // The server closes after the first chunk: no last chunk came, so the body is not whole.
    '/cut': () => { const a = html('cut'); return chunked([[`${hex(a)}\r\n`, a, '\r\n']], '', ['Connection: close']); },
    '/cut-in-chunk': () => chunked([['400\r\n', html('cut in chunk'), '']], '', ['Connection: close']),
    '/after': () => rawResponse(['Content-Type: text/html'], Buffer.from(html('after'))),
  };
  const links = Object.keys(pages);
  // One origin whose home page undici reads, so each page meets undici first; one whose home page
  // has a bare-LF head, so the lenient parser reads every page from then on.
  const strict = await startRawSite(t, (path) => (path === '/' ? rawResponse(['Content-Type: text/html'], Buffer.from(html('home', links))) : pages[path]?.() ?? null));
  const lenient = await startRawSite(t, (path) => {
    if (path !== '/') return pages[path]?.() ?? null;
    const body = html('home', links);
    return Buffer.from(`HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: ${body.length}\n\n${body}`, 'latin1');
  });

  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${strict.origin}/`, `${lenient.origin}/`, '--db', db, '--retries', '0', '--quiet', '--timeout', '5s']);
  assert.equal(run.code, 0, run.stderr);
  for (const site of [strict, lenient]) {
    const byPath = new Map(urlRows(db, site.origin).map((r) => [r.path, r]));
    for (const [path, title] of [['/lf', 'lf'], ['/ext-bws', 'ext bws'], ['/ext-tab', 'ext tab'], ['/size-pad', 'size pad'], ['/trailers', 'trailers'], ['/after', 'after']]) {
      const row = byPath.get(path!);
      assert.deepEqual([row?.state, row?.error_code, row?.title], ['done', null, title], `${site.origin}${path}: ${row?.error_message}`);
    }
    for (const path of ['/cut', '/cut-in-chunk']) {
      const row = byPath.get(path);
      assert.equal(row?.state, 'failed', path);
      assert.equal(row?.error_code, 'CRAWL_FETCH_RESET', `${site.origin}${path}: ${row?.error_message}`);
    }
  }
  // undici's own words for the cut, and it is not asked again through the lenient parser (which meets the same close).
  const strictRows = new Map(urlRows(db, strict.origin).map((r) => [r.path, r]));
  assert.match(strictRows.get('/cut')?.error_message ?? '', /^connection reset: the server closed the connection before the last chunk of its chunked body/);
  assert.equal(strict.hits.get('/cut'), 1);
  assert.equal(strict.hits.get('/cut-in-chunk'), 1);
  // The framing undici refuses is asked once more, through the lenient parser, and then the origin goes there at once.
  for (const path of ['/lf', '/ext-bws', '/ext-tab', '/size-pad', '/trailers']) assert.ok((strict.hits.get(path) ?? 0) <= 2, `${path} asked ${strict.hits.get(path)} times`);
  for (const path of links) assert.equal(lenient.hits.get(path), 1, `${path} on the lenient origin`);
});

test('a redirect with two different Location headers fails its URL as CRAWL_REDIRECT_AMBIGUOUS, as Chromium fails it, following neither; the same Location twice is one', async (t) => {
  const answer = (path: string): Buffer | null => {
    switch (path) {
      case '/two': return rawResponse(['Location: /a', 'Location: /b'], Buffer.alloc(0), '302 Found');
      case '/same': return rawResponse(['Location: /c', 'Location: /c'], Buffer.alloc(0), '301 Moved Permanently');
      // The second hop is the ambiguous one: it fails there, the first hop kept.
      case '/hop': return rawResponse(['Location: /two'], Buffer.alloc(0), '302 Found');
      // Not a redirect: the header means nothing, and the page is stored.
      case '/ok': return rawResponse(['Content-Type: text/html', 'Location: /a', 'Location: /b'], Buffer.from(html('ok')));
      case '/a': case '/b': case '/c': return rawResponse(['Content-Type: text/html'], Buffer.from(html(path.slice(1))));
      default: return null;
    }
  };
  const links = ['/two', '/same', '/hop', '/ok'];
  const strict = await startRawSite(t, (path) => (path === '/' ? rawResponse(['Content-Type: text/html'], Buffer.from(html('home', links))) : answer(path)));
  const lenient = await startRawSite(t, (path) => {
    if (path !== '/') return answer(path);
    const body = html('home', links);
    return Buffer.from(`HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: ${body.length}\n\n${body}`, 'latin1');
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${strict.origin}/`, `${lenient.origin}/`, '--db', db, '--retries', '2', '--quiet', '--timeout', '5s']);
  assert.equal(run.code, 0, run.stderr);
  for (const site of [strict, lenient]) {
    const byPath = new Map(urlRows(db, site.origin).map((r) => [r.path, r]));
    for (const path of ['/two', '/hop']) {
      const row = byPath.get(path);
      assert.equal(row?.state, 'failed', path);
      assert.equal(row?.error_code, 'CRAWL_REDIRECT_AMBIGUOUS', `${path}: ${row?.error_message}`);
      assert.equal(row?.attempts, 1, 'not retried: the server says the same every time');
    }
    assert.match(byPath.get('/two')?.error_message ?? '', /^HTTP 302 redirect with 2 different Location headers \("\/a", "\/b"\): not followed/);
    assert.match(byPath.get('/hop')?.error_message ?? '', /\(at .*\/two\)$/, 'the hop that failed is named');
    assert.equal(site.hits.get('/a'), undefined, 'neither Location was followed');
    assert.equal(site.hits.get('/b'), undefined);
    assert.equal(byPath.get('/same')?.state, 'redirected');
    assert.equal(byPath.get('/c')?.title, 'c');
    assert.deepEqual([byPath.get('/ok')?.state, byPath.get('/ok')?.title], ['done', 'ok']);
  }
});

test('a URL robots.txt refuses records attempts = 0: it was never requested (it showed 1); a redirect that robots.txt refuses at its hop counts the request that was made', async (t) => {
  const site = await startRawSite(t, (path) => {
    switch (path) {
      case '/robots.txt': return rawResponse(['Content-Type: text/plain'], Buffer.from('User-agent: *\nDisallow: /private\n'));
      case '/': return rawResponse(['Content-Type: text/html'], Buffer.from(html('home', ['/private/a', '/open', '/to-private'])));
      case '/open': return rawResponse(['Content-Type: text/html'], Buffer.from(html('open')));
      case '/to-private': return rawResponse(['Location: /private/b'], Buffer.alloc(0), '302 Found');
      default: return null;
    }
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--quiet', '--timeout', '5s']);
  assert.equal(run.code, 0, run.stderr);
  const byPath = new Map(urlRows(db, site.origin).map((r) => [r.path, r]));
  assert.deepEqual([byPath.get('/private/a')?.state, byPath.get('/private/a')?.error_code, byPath.get('/private/a')?.attempts], ['failed', 'CRAWL_ROBOTS_DISALLOWED', 0]);
  assert.equal(site.hits.get('/private/a'), undefined);
  assert.deepEqual([byPath.get('/to-private')?.error_code, byPath.get('/to-private')?.attempts], ['CRAWL_ROBOTS_DISALLOWED', 1]);
  assert.equal(site.hits.get('/to-private'), 1);
  assert.equal(byPath.get('/open')?.attempts, 1);
});

test('a status from 600 to 999 is stored with its status like a 4xx, not retried as a 5xx; a robots.txt answering one allows all, as a 4xx does (999 disallowed the whole origin)', async (t) => {
  const answer = (path: string): Buffer | null => {
    switch (path) {
      case '/': return rawResponse(['Content-Type: text/html'], Buffer.from(html('home', ['/six', '/nine', '/five'])));
      case '/six': return rawResponse(['Content-Type: text/html'], Buffer.from(html('six', ['/from-six'])), '600 Custom');
      case '/nine': return rawResponse(['Content-Type: text/html'], Buffer.from(html('nine')), '999 Request denied');
      // Still a 5xx: retried, then stored with its status.
      case '/five': return rawResponse(['Content-Type: text/html'], Buffer.from(html('five')), '599 Network Connect Timeout');
      case '/from-six': return rawResponse(['Content-Type: text/html'], Buffer.from(html('from six')));
      default: return null;
    }
  };
  const site = await startRawSite(t, answer);
  // LinkedIn's answer to crawlers: 999 for every path, robots.txt included.
  const denying = await startRawSite(t, (path) => (path === '/robots.txt'
    ? rawResponse(['Content-Type: text/html'], Buffer.from(html('denied')), '999 Request denied')
    : answer(path)));
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, `${denying.origin}/`, '--db', db, '--retries', '1', '--quiet', '--timeout', '5s']);
  assert.equal(run.code, 0, run.stderr);
  for (const s of [site, denying]) {
    const stored = new Map(rows<{ path: string; status: number; state: string; attempts: number }>(db,
      `SELECT replace(u.url, ?, '') AS path, p.status, u.state, u.attempts FROM urls u JOIN pages p ON p.url_id = u.id`, s.origin).map((r) => [r.path, r]));
    assert.deepEqual([stored.get('/six')?.status, stored.get('/six')?.attempts], [600, 1], s.origin);
    assert.deepEqual([stored.get('/nine')?.status, stored.get('/nine')?.attempts], [999, 1]);
    assert.equal(s.hits.get('/six'), 1, 'not retried');
    assert.equal(s.hits.get('/nine'), 1);
    assert.deepEqual([stored.get('/five')?.status, stored.get('/five')?.attempts], [599, 2], 'a 5xx is retried');
    assert.equal(s.hits.get('/from-six'), undefined, "an error page's links are not followed");
  }
  assert.equal(denying.hits.get('/robots.txt'), 1, 'robots.txt asked once, not retried as a 5xx');
});

test('a NUL in an href is followed as browsers follow it, %EF%BF%BD (it was %00, a URL no browser asks for); tabs and newlines inside it are dropped', async (t) => {
  const site = await startRawSite(t, (path) => {
    if (path === '/') return rawResponse(['Content-Type: text/html'], Buffer.from('<title>home</title><a href="/a\0b">nul</a><a href="/wr\tap\nped\r">wrapped</a><a href="/c\x01d">control</a>', 'latin1'));
    if (path === '/a%EF%BF%BDb' || path === '/wrapped' || path === '/c%01d') return rawResponse(['Content-Type: text/html'], Buffer.from(html(path)));
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--retries', '0', '--quiet', '--timeout', '5s']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(urlRows(db, site.origin).map((r) => [r.path, r.state, r.title]), [
    ['/', 'done', 'home'],
    ['/a%EF%BF%BDb', 'done', '/a%EF%BF%BDb'],
    ['/c%01d', 'done', '/c%01d'],
    ['/wrapped', 'done', '/wrapped'],
  ]);
});
