/**
 * Hostile-web QA, round 19. Each test starts its own server on 127.0.0.1 and runs the real crawl
 * (the CLI) on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { rawResponse, startRawSite, type RawAnswer } from '../helpers/raw-site.js';

const html = (body: string): Buffer => rawResponse(['Content-Type: text/html'], Buffer.from(body));

type UrlRow = { url: string; state: string; attempts: number; error_code: string | null; error_message: string | null };

const urlRows = (db: string): Map<string, UrlRow> =>
  new Map(rows<UrlRow>(db, 'SELECT url, state, attempts, error_code, error_message FROM urls').map((r) => [r.url, r]));

/** A head announcing `length` body bytes, then only `sent` of them; the connection is left open. */
const stallAfter = (headLines: string[], length: number, sent: Buffer): RawAnswer => (socket) => {
  socket.write(Buffer.concat([rawResponse([...headLines, `Content-Length: ${length}`], Buffer.alloc(0)), sent]));
};

/** robots.txt of `lines`, preceded by enough varied comment lines that gzip writes several blocks. */
const longRobots = (...lines: string[]): Buffer => Buffer.from([
  'User-agent: *',
  ...Array.from({ length: 2000 }, (_, i) => `# ${i.toString(36)} ${(i * 7919).toString(16)} rule notes ${(i * 104729) % 9973}`),
  ...lines,
  '',
].join('\n'));

test('robots.txt cut short is a server error, not rules: one that stalls short of its Content-Length fails at the silence as CRAWL_FETCH_STALLED (it waited for --timeout); a gzip\'d one whose stream stops early disallows its origin (its part, read as whole, allowed every URL its cut `Disallow: /` closed)', async (t) => {
  const full = Buffer.from('User-agent: *\nDisallow: /private/\n');
  const stalled = await startRawSite(t, (path) => {
    if (path === '/robots.txt') return stallAfter(['Content-Type: text/plain'], full.length + 20, full);
    return html('<title>stalled home</title>');
  });
  const gz = gzipSync(longRobots('Disallow: /'));
  const cut = gz.subarray(0, Math.floor(gz.length / 2));
  const gzipped = await startRawSite(t, (path) => {
    // A cut file served whole: its Content-Length is that of the part.
    if (path === '/robots.txt') return rawResponse(['Content-Type: text/plain', 'Content-Encoding: gzip'], cut);
    return html('<title>closed home</title><a href="/page">page</a>');
  });
  const db = tempDbPath(t);
  // A --timeout past the stall (10 s): were the stall not seen, the fetch would fail as a timeout.
  const run = await crawlite(['crawl', `${stalled.origin}/`, `${gzipped.origin}/`, '--db', db, '--retries', '0', '--timeout', '40s', '--workers', '0']);
  assert.equal(run.code, 1, run.stderr); // nothing fetched: both origins given up
  const urls = urlRows(db);
  const home = urls.get(`${stalled.origin}/`);
  assert.equal(home?.state, 'failed');
  assert.equal(home?.error_code, 'CRAWL_ROBOTS_UNAVAILABLE', home?.error_message ?? '');
  assert.match(home!.error_message!, /CRAWL_FETCH_STALLED: the server sent 34 of the 54 bytes of its Content-Length, then nothing for 10 s/);
  assert.equal(stalled.hits.get('/'), undefined, 'no page asked while robots.txt is not whole');
  const gzHome = urls.get(`${gzipped.origin}/`);
  assert.deepEqual([gzHome?.state, gzHome?.error_code], ['failed', 'CRAWL_ROBOTS_UNAVAILABLE'], gzHome?.error_message ?? '');
  assert.match(gzHome!.error_message!, /HTTP 200, its body cut short/);
  assert.equal(gzipped.hits.get('/'), undefined, 'the origin its cut rules would have opened is not crawled');
});

test('--sitemaps: an XML sitemap cut short is read to its last whole entry and named as read in part: stalled short of its Content-Length (it waited for --timeout), closed short of it (CRAWL_FETCH_RESET), a .xml.gz cut mid-member and served whole, one read to the close that falls silent mid-member (each was skipped, every URL lost)', async (t) => {
  let origin = '';
  const entries = (...paths: string[]): string => paths.map((p) => `<url><loc>${origin}${p}</loc><lastmod>2026-01-01</lastmod></url>\n`).join('');
  const xml = (...paths: string[]): Buffer => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries(...paths)}</urlset>\n`);
  /** The file up to `cut` characters into the entry of `path` (mid-URL). */
  const upTo = (file: Buffer, path: string): Buffer => file.subarray(0, file.indexOf(`${origin}${path}`) + origin.length + 3);
  /** A gzip file of the entries plus 100 more, cut a little past the middle. */
  const gzCut = (prefix: string): Buffer => {
    const file = gzipSync(xml(`/${prefix}-1`, `/${prefix}-2`, ...Array.from({ length: 100 }, (_, i) => `/${prefix}-more-${i.toString(36)}-${(i * 7919).toString(16)}`)));
    return file.subarray(0, Math.floor(file.length * 0.6));
  };
  // Made once the origin is known.
  const stalled = (): Buffer => xml('/stalled-1', '/stalled-2', '/stalled-cut');
  const closed = (): Buffer => xml('/closed-1', '/closed-cut');
  const site = await startRawSite(t, (path) => {
    switch (path) {
      case '/robots.txt':
        return rawResponse(['Content-Type: text/plain'], Buffer.from(['stalled.xml', 'closed.xml', 'served.xml.gz', 'silent.xml.gz'].map((s) => `Sitemap: ${origin}/${s}\n`).join('')));
      case '/stalled.xml':
        return stallAfter(['Content-Type: application/xml'], stalled().length, upTo(stalled(), '/stalled-cut'));
      case '/closed.xml':
        return rawResponse(['Content-Type: application/xml', `Content-Length: ${closed().length}`, 'Connection: close'], upTo(closed(), '/closed-cut'));
      case '/served.xml.gz':
        return rawResponse(['Content-Type: application/x-gzip'], gzCut('served'));
      case '/silent.xml.gz':
        return (socket) => socket.write(Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\nContent-Type: application/x-gzip\r\n\r\n'), gzCut('silent')]));
      default:
        return /^\/(?:|[a-z]+-\d)$/.test(path) ? html(`<title>${path}</title>`) : null;
    }
  });
  origin = site.origin;
  const db = tempDbPath(t);
  // A --timeout past the stall (10 s): were the stall not seen, the fetch would fail as a timeout.
  const run = await crawlite(['crawl', `${origin}/`, '--sitemaps', '--db', db, '--retries', '0', '--timeout', '40s', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  const whole = ['/stalled-1', '/stalled-2', '/closed-1', '/served-1', '/served-2', '/silent-1', '/silent-2'];
  assert.deepEqual(whole.map((p) => site.hits.get(p)), whole.map(() => 1), run.stderr);
  assert.deepEqual(['/stalled-cut', '/closed-cut'].map((p) => site.hits.get(p)), [undefined, undefined], 'the cut entry is not read');
  const urls = rows<{ url: string }>(db, 'SELECT url FROM urls').map((r) => r.url);
  assert.ok(!urls.some((u) => /-cut|\/sta$|\/clo$/.test(u)), `no URL cut short is queued: ${urls.filter((u) => /cut/.test(u)).join(' ')}`);
  assert.match(run.stderr, /sitemaps: 4 read, \d[\d,]* URLs queued; read in part:\n/);
  assert.match(run.stderr, new RegExp(`\\n  ${origin}/stalled\\.xml: cut short after \\d+ B \\(its server fell silent\\); read to its last whole entry \\(2 entries\\)`));
  assert.match(run.stderr, new RegExp(`\\n  ${origin}/closed\\.xml: cut short after \\d+ B \\(its connection closed\\); read to its last whole entry \\(1 entry\\)`));
  assert.match(run.stderr, new RegExp(`\\n  ${origin}/served\\.xml\\.gz: its gzip stream is cut short; read to its last whole entry \\(\\d+ entries\\)`));
  assert.match(run.stderr, new RegExp(`\\n  ${origin}/silent\\.xml\\.gz: its gzip stream is cut short \\(its server fell silent\\); read to its last whole entry \\(\\d+ entries\\)`));
  assert.doesNotMatch(run.stderr, /skipped:|CRAWL_FETCH_(?:TIMEOUT|RESET|STALLED)/);
});

test('a redirect whose body never ends (an HTTP/1.0 302 without a Content-Length from a server that keeps the connection open, or a Content-Length never sent) is followed on its head, as browsers follow it (it waited for --timeout and failed as CRAWL_FETCH_TIMEOUT)', async (t) => {
  const site = await startRawSite(t, (path) => {
    switch (path) {
      case '/':
        return html('<title>home</title><a href="/unframed">a</a> <a href="/short">b</a> <a href="/plain">c</a>');
      case '/unframed':
        return (socket) => socket.write('HTTP/1.0 302 Found\r\nLocation: /to-unframed\r\nContent-Type: text/html\r\n\r\n<a href="/to-unframed">moved</a>');
      case '/short':
        return (socket) => socket.write('HTTP/1.1 302 Found\r\nLocation: /to-short\r\nContent-Length: 100\r\n\r\nmoved');
      case '/plain':
        return rawResponse(['Location: /to-plain'], Buffer.from('moved'), '302 Found');
      default:
        return path.startsWith('/to-') ? html(`<title>${path}</title>`) : null;
    }
  });
  const db = tempDbPath(t);
  // A --timeout the body would have run into: were the redirect waiting for it, the URLs would fail.
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--retries', '0', '--timeout', '30s', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  const urls = urlRows(db);
  for (const name of ['unframed', 'short', 'plain']) {
    const row = urls.get(`${site.origin}/${name}`);
    assert.equal(row?.state, 'redirected', `${name}: ${row?.error_code ?? ''} ${row?.error_message ?? ''}`);
    assert.equal(urls.get(`${site.origin}/to-${name}`)?.state, 'done', name);
  }
  assert.doesNotMatch(run.stderr, /CRAWL_FETCH_TIMEOUT/);
});

test('--sitemaps: a sitemap still arriving at --timeout (a large one on a slow link) is read to its last whole entry, "(--timeout)", not skipped', async (t) => {
  let origin = '';
  const entry = (i: number): string => `<url><loc>${origin}/slow-${i}</loc></url>\n`;
  const site = await startRawSite(t, (path) => {
    if (path === '/robots.txt') return rawResponse(['Content-Type: text/plain'], Buffer.from(`Sitemap: ${origin}/slow.xml\n`));
    if (path === '/slow.xml') {
      return (socket) => {
        const head = '<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n';
        // 600 entries announced, one sent every 100 ms: a minute's worth, past any --timeout here.
        const length = head.length + Array.from({ length: 600 }, (_, i) => entry(i).length).reduce((a, b) => a + b, 0) + '</urlset>\n'.length;
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: ${length}\r\n\r\n${head}`);
        let i = 0;
        const timer = setInterval(() => (socket.destroyed || i >= 600 ? clearInterval(timer) : socket.write(entry(i++))), 100);
        socket.on('close', () => clearInterval(timer));
      };
    }
    return /^\/(?:|slow-\d+)$/.test(path) ? html(`<title>${path}</title>`) : null;
  });
  origin = site.origin;
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${origin}/`, '--sitemaps', '--db', db, '--retries', '0', '--timeout', '3s', '--workers', '0', '--max-pages', '5']);
  assert.equal(run.code, 0, run.stderr);
  const found = /\/slow\.xml: cut short after [\d.]+ (?:B|KiB) \(--timeout\); read to its last whole entry \((\d+) entr(?:y|ies)\)/.exec(run.stderr);
  assert.ok(found !== null, run.stderr);
  const listed = Number(found[1]);
  assert.ok(listed > 0 && listed < 600, `${listed} entries`);
  const queued = rows<{ n: number }>(db, "SELECT count(*) AS n FROM urls WHERE url LIKE '%/slow-%'")[0]!.n;
  assert.equal(queued, listed);
});
