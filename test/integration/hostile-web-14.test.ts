/**
 * Hostile-web QA, round 14: a recrawl met by an auth wall, status lines of the wrong version,
 * bodies that never end. Each test starts its own server on 127.0.0.1 and runs the real crawl
 * (the CLI) on a fresh SQLite file.
 */
import net, { type AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { page, startSite } from '../helpers/site.js';
import { rawResponse, startRawSite } from '../helpers/raw-site.js';

interface RecrawlFigures {
  unchanged: number;
  changed: number;
  gone: number;
  failed: number;
}

async function recrawlFigures(db: string): Promise<RecrawlFigures> {
  const stats = await crawlite(['stats', '--db', db, '--json']);
  assert.equal(stats.code, 0, stats.stderr);
  const { recrawl } = JSON.parse(stats.stdout) as { recrawl: RecrawlFigures };
  return { unchanged: recrawl.unchanged, changed: recrawl.changed, gone: recrawl.gone, failed: recrawl.failed };
}

test('--recrawl: a 401 or 403 keeps the stored good copy and is counted failed (CRAWL_RECRAWL_DENIED); a 404/410 is still gone, a stored 403 still a 403', async (t) => {
  let phase: 'first' | 'walled' | 'open' = 'first';
  const html = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'text/html', ...headers }).end(body);
  };
  const site = await startSite({
    '/': page('home', ['/members', '/admin', '/locked-before', '/retired', '/news', '/moved']),
    // It redirected when first crawled: no page of its own, its redirect is what is kept.
    '/moved': (_req, res) => {
      if (phase === 'walled') html(res, 403, '<title>Access denied</title>');
      else res.writeHead(301, { location: '/news' }).end();
    },
    // A login wall put in front of a members' page after the first crawl.
    '/members': (_req, res) => {
      if (phase === 'walled') html(res, 401, '<title>Log in</title><form>password</form>', { 'www-authenticate': 'Basic realm="members"' });
      else html(res, 200, page(phase === 'first' ? 'Members' : 'Members again', [], phase === 'first' ? '<p>secret otter</p>' : '<p>open heron</p>'));
    },
    // A WAF's block page.
    '/admin': (_req, res) => {
      if (phase === 'walled') html(res, 403, '<title>Access denied</title><p>Request blocked</p>');
      else html(res, 200, page('Admin', [], '<p>quiet lynx</p>'));
    },
    // Forbidden from the start: there is no good copy to keep, and the same 403 is unchanged.
    '/locked-before': (_req, res) => html(res, 403, '<title>Forbidden</title>'),
    '/retired': (_req, res) => html(res, phase === 'first' ? 200 : 410, phase === 'first' ? page('Retired') : '<title>Gone</title>'),
    '/news': (_req, res) => html(res, 200, page('News', [], phase === 'first' ? '<p>old</p>' : '<p>new</p>')),
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const common = ['--db', db, '--retries', '0', '--quiet'];
  const first = await crawlite(['crawl', site.url('/'), ...common]);
  assert.equal(first.code, 0, first.stderr);

  phase = 'walled';
  const walled = await crawlite(['crawl', site.url('/'), '--recrawl', ...common]);
  assert.equal(walled.code, 0, walled.stderr);
  const pages = () => rows<{ path: string; status: number; title: string | null }>(db,
    `SELECT replace(url, ?, '') AS path, status, title FROM pages WHERE url <> ? ORDER BY url`, site.origin, site.url('/'));
  assert.deepEqual(pages(), [
    { path: '/admin', status: 200, title: 'Admin' },
    { path: '/locked-before', status: 403, title: 'Forbidden' },
    { path: '/members', status: 200, title: 'Members' },
    { path: '/news', status: 200, title: 'News' },
    { path: '/retired', status: 410, title: 'Gone' },
  ], 'the walled pages keep their good copy; gone is gone');
  const failures = () => rows<{ path: string; state: string; error_code: string | null; error_message: string | null; redirect_to: string | null }>(db,
    `SELECT replace(url, ?, '') AS path, state, error_code, error_message, redirect_to FROM urls WHERE state IN ('failed', 'redirected') ORDER BY url`, site.origin);
  assert.deepEqual(failures(), [
    { path: '/admin', state: 'failed', error_code: 'CRAWL_RECRAWL_DENIED', error_message: 'HTTP 403; the stored page is kept', redirect_to: null },
    { path: '/members', state: 'failed', error_code: 'CRAWL_RECRAWL_DENIED', error_message: 'HTTP 401; the stored page is kept', redirect_to: null },
    {
      path: '/moved', state: 'failed', error_code: 'CRAWL_RECRAWL_DENIED', redirect_to: site.url('/news'),
      error_message: `HTTP 403; it redirected to ${site.url('/news')} when last fetched, which stays recorded`,
    },
  ]);
  const search = await crawlite(['search', 'otter', '--db', db, '--json']);
  assert.match(search.stdout, /\/members/, 'its text is still searchable');
  assert.deepEqual(await recrawlFigures(db), { unchanged: 2, changed: 1, gone: 1, failed: 3 }, '/ and /locked-before unchanged, /news changed, /retired gone');

  // The wall is lifted: the next --recrawl asks again and replaces the copy.
  phase = 'open';
  const open = await crawlite(['crawl', site.url('/'), '--recrawl', ...common]);
  assert.equal(open.code, 0, open.stderr);
  assert.deepEqual(pages().find((p) => p.path === '/members'), { path: '/members', status: 200, title: 'Members again' });
  assert.deepEqual(failures(), [{ path: '/moved', state: 'redirected', error_code: null, error_message: null, redirect_to: site.url('/news') }], 'asked again, and a redirect again');
  assert.equal((await recrawlFigures(db)).failed, 0);
});

test('a status line with a dotless version over HTTP/1.1 (HTTP/2 200 OK, as misconfigured proxies write it) is read as Chromium reads it; one that is no status line still fails', async (t) => {
  const html = (title: string) => `<html><title>${title}</title><p>body of ${title}</p></html>`;
  const answer = (statusLine: string, headLines: string[], body: string) => Buffer.from(`${[statusLine, ...headLines].join('\r\n')}\r\n\r\n${body}`, 'latin1');
  const pages: Record<string, () => Buffer> = {
    '/h2': () => answer('HTTP/2 200 OK', ['Content-Type: text/html', `Content-Length: ${html('h2').length}`], html('h2')),
    '/h2-bare': () => answer('HTTP/2 200', ['Content-Type: text/html', `Content-Length: ${html('h2 bare').length}`], html('h2 bare')),
    '/h2-chunked': () => {
      const body = html('h2 chunked');
      return answer('HTTP/2 200 OK', ['Content-Type: text/html', 'Transfer-Encoding: chunked'], `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    },
    // No length: read to the close, which the server makes.
    '/h2-close': () => answer('HTTP/2 200 OK', ['Content-Type: text/html', 'Connection: close'], html('h2 close')),
    '/h1': () => answer('HTTP/1 200 OK', ['Content-Type: text/html', `Content-Length: ${html('h1').length}`], html('h1')),
    '/h2-missing': () => answer('HTTP/2 404 Not Found', ['Content-Type: text/html', 'Content-Length: 0'], ''),
    '/h20': () => answer('HTTP/2.0 200', ['Content-Type: text/html', `Content-Length: ${html('h20').length}`], html('h20')),
    '/junk': () => answer('HTTP/x 200 OK', ['Content-Type: text/html', 'Content-Length: 4'], 'junk'),
  };
  const site = await startRawSite(t, (path) => {
    if (path !== '/') return pages[path]?.() ?? null;
    const home = Object.keys(pages).map((p) => `<a href="${p}">${p}</a>`).join('');
    return answer('HTTP/1.1 200 OK', ['Content-Type: text/html', `Content-Length: ${home.length}`], home);
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--retries', '0', '--quiet', '--timeout', '5s']);
  assert.equal(run.code, 0, run.stderr);
  const byPath = new Map(rows<{ path: string; state: string; error_code: string | null; error_message: string | null; status: number | null; title: string | null }>(db,
    `SELECT replace(u.url, ?, '') AS path, u.state, u.error_code, u.error_message, p.status, p.title FROM urls u LEFT JOIN pages p ON p.url_id = u.id`, site.origin)
    .map((r) => [r.path, r]));
  for (const [path, title] of [['/h2', 'h2'], ['/h2-bare', 'h2 bare'], ['/h2-chunked', 'h2 chunked'], ['/h2-close', 'h2 close'], ['/h1', 'h1'], ['/h20', 'h20']] as const) {
    const row = byPath.get(path);
    assert.deepEqual([row?.state, row?.status, row?.title], ['done', 200, title], `${path}: ${row?.error_code} ${row?.error_message}`);
  }
  assert.deepEqual([byPath.get('/h2-missing')?.state, byPath.get('/h2-missing')?.status], ['done', 404]);
  const junk = byPath.get('/junk');
  assert.deepEqual([junk?.state, junk?.error_code], ['failed', 'CRAWL_FETCH_PROTOCOL']);
  assert.match(junk?.error_message ?? '', /does not match the HTTP\/1\.1 protocol/);
});

/**
 * Like raw-site.ts, but no connection is ever closed by the server, even when the request asks
 * for the close (Node's client does on the lenient path): the server that never hangs up.
 */
async function startOpenSite(t: TestContext, answer: (path: string) => Buffer | null): Promise<{ origin: string }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // the crawler drops connections it gives up on
    let buffered = '';
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const path = buffered.slice(0, end).split(' ')[1] ?? '/';
        buffered = buffered.slice(end + 4);
        const robots = path === '/robots.txt' ? rawResponse(['Content-Type: text/plain'], Buffer.from('User-agent: *\nAllow: /\n')) : null;
        socket.write(answer(path) ?? robots ?? rawResponse(['Content-Type: text/html'], Buffer.from('<title>Not found</title>'), '404 Not Found'));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test('a body with no Content-Length and no chunking whose server never closes: kept whole when the document is (</html> seen, then silence), CRAWL_FETCH_STALLED when it is not; both long before --timeout', async (t) => {
  const http10 = (body: Buffer, headLines: string[] = []) =>
    Buffer.concat([Buffer.from(`${['HTTP/1.0 200 OK', 'Content-Type: text/html', ...headLines].join('\r\n')}\r\n\r\n`, 'latin1'), body]);
  const doc = (title: string) => `<!doctype html><html><head><title>${title}</title></head><body><p>all of ${title}</p><a href="/linked">next</a></body></html>`;
  const pages: Record<string, () => Buffer> = {
    '/whole': () => http10(Buffer.from(doc('whole'))),
    // A cache plugin's comment after </html>, and the final newline.
    '/whole-comment': () => http10(Buffer.from(`${doc('whole comment')}\n<!-- served from cache in 0.2 s -->\n`)),
    '/whole-gzip': () => http10(zlib.gzipSync(doc('whole gzip')), ['Content-Encoding: gzip']),
    // The server stops mid-document and goes silent, the connection open.
    '/cut': () => http10(Buffer.from('<!doctype html><html><head><title>cut</title></head><body><p>the first half')),
    '/nothing': () => http10(Buffer.alloc(0)),
    // Read by the lenient parser (a head undici refuses): the silence is watched there too, and
    // the failure is the stall, not undici's refusal of a head Node then read.
    '/lenient-whole': () => Buffer.from(`HTTP/1.0 200 OK\nContent-Type: text/html\n\n${doc('lenient whole')}`, 'latin1'),
    '/lenient-cut': () => Buffer.from('HTTP/2 200 OK\r\nContent-Type: text/html\r\n\r\n<title>lenient cut</title><p>the first', 'latin1'),
    '/linked': () => rawResponse(['Content-Type: text/html'], Buffer.from('<title>linked</title>')),
  };
  const site = await startOpenSite(t, (path) => {
    if (path !== '/') return pages[path]?.() ?? null;
    return rawResponse(['Content-Type: text/html'], Buffer.from(Object.keys(pages).map((p) => `<a href="${p}">${p}</a>`).join('')));
  });
  const db = tempDbPath(t);
  const startedAt = Date.now();
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--retries', '0', '--quiet', '--timeout', '40s']);
  const elapsedMs = Date.now() - startedAt;
  assert.equal(run.code, 0, run.stderr);
  const byPath = new Map(rows<{ path: string; state: string; error_code: string | null; error_message: string | null; title: string | null; is_truncated: number | null }>(db,
    `SELECT replace(u.url, ?, '') AS path, u.state, u.error_code, u.error_message, p.title, p.is_truncated FROM urls u LEFT JOIN pages p ON p.url_id = u.id`, site.origin)
    .map((r) => [r.path, r]));
  for (const [path, title] of [['/whole', 'whole'], ['/whole-comment', 'whole comment'], ['/whole-gzip', 'whole gzip'], ['/lenient-whole', 'lenient whole'], ['/linked', 'linked']]) {
    const row = byPath.get(path!);
    assert.deepEqual([row?.state, row?.title, row?.is_truncated], ['done', title, 0], `${path}: ${row?.error_code} ${row?.error_message}`);
  }
  for (const [path, bytes] of [['/cut', 75], ['/nothing', 0], ['/lenient-cut', 38]] as const) {
    const row = byPath.get(path);
    assert.deepEqual([row?.state, row?.error_code, row?.title], ['failed', 'CRAWL_FETCH_STALLED', null], `${path}: ${row?.error_message}`);
    assert.match(row?.error_message ?? '', new RegExp(`^the server sent ${bytes} bytes of a body with neither a Content-Length nor chunked framing, then nothing for 10 s`));
  }
  assert.ok(elapsedMs < 35_000, `the crawl ended on the silences, not on --timeout (${elapsedMs} ms)`);
});

test('stacked codings as Chromium reads them: gzip, gzip on a body gzipped twice is read, on a body gzipped once is CRAWL_FETCH_DECODE; gzip bytes labelled HTML with no coding are kept as non-HTML', async (t) => {
  const doc = (title: string) => Buffer.from(`<!doctype html><html><title>${title}</title><a href="/behind-${title}">next</a></html>`);
  const answer = (headLines: string[], body: Buffer) => rawResponse(['Content-Type: text/html; charset=utf-8', ...headLines], body);
  const chunked = (body: Buffer) => Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
  const pages: Record<string, () => Buffer> = {
    '/gzip-gzip': () => answer(['Content-Encoding: gzip, gzip'], zlib.gzipSync(zlib.gzipSync(doc('gzip-gzip')))),
    '/gzip-lines': () => answer(['Content-Encoding: gzip', 'Content-Encoding: gzip'], zlib.gzipSync(zlib.gzipSync(doc('gzip-lines')))),
    '/te-and-ce': () => answer(['Content-Encoding: gzip', 'Transfer-Encoding: gzip, chunked'], chunked(zlib.gzipSync(zlib.gzipSync(doc('te-and-ce'))))),
    // Labelled twice, compressed once: Chromium's second gzip filter meets no gzip header and
    // fails the page (ERR_CONTENT_DECODING_FAILED); so does crawlite, retrying nothing.
    '/gzip-once': () => answer(['Content-Encoding: gzip, gzip'], zlib.gzipSync(doc('gzip-once'))),
    // No Content-Encoding: a browser shows the compressed bytes as text; crawlite keeps them as a
    // gzip file (binary-signature.ts), no garbage text or words, rather than guess a coding.
    '/gzip-unlabelled': () => answer([], zlib.gzipSync(doc('gzip-unlabelled'))),
  };
  const site = await startRawSite(t, (path) => {
    if (path === '/') return answer([], Buffer.from(Object.keys(pages).map((p) => `<a href="${p}">${p}</a>`).join('')));
    return pages[path]?.() ?? (path.startsWith('/behind-') ? answer([], Buffer.from(`<title>${path}</title>`)) : null);
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--retries', '0', '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const byPath = new Map(rows<{ path: string; state: string; error_code: string | null; title: string | null; content_hash: string | null; body_hash: string | null }>(db,
    `SELECT replace(u.url, ?, '') AS path, u.state, u.error_code, p.title, p.content_hash, p.body_hash FROM urls u LEFT JOIN pages p ON p.url_id = u.id`, site.origin)
    .map((r) => [r.path, r]));
  for (const name of ['gzip-gzip', 'gzip-lines', 'te-and-ce']) {
    assert.deepEqual([byPath.get(`/${name}`)?.state, byPath.get(`/${name}`)?.title], ['done', name], name);
    assert.equal(site.hits.get(`/behind-${name}`), 1, `the link behind ${name} is followed`);
  }
  assert.deepEqual([byPath.get('/gzip-once')?.state, byPath.get('/gzip-once')?.error_code], ['failed', 'CRAWL_FETCH_DECODE']);
  const unlabelled = byPath.get('/gzip-unlabelled');
  assert.deepEqual([unlabelled?.state, unlabelled?.title, unlabelled?.content_hash], ['done', null, null], 'stored, not parsed as HTML');
  assert.notEqual(unlabelled?.body_hash, null);
  assert.equal(site.hits.get('/behind-gzip-unlabelled') ?? 0, 0);
});
