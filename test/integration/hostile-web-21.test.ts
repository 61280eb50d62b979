/**
 * Hostile-web QA, round 21. Each test starts its own server on 127.0.0.1 and runs the real crawl
 * (the CLI) on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { rawResponse, startRawSite } from '../helpers/raw-site.js';

const html = (body: string): Buffer => rawResponse(['Content-Type: text/html'], Buffer.from(body));

type UrlRow = { url: string; state: string; attempts: number; error_code: string | null; error_message: string | null; redirect_to: string | null };

const urlsByPath = (db: string, origin: string): Map<string, UrlRow> => new Map(
  rows<UrlRow>(db, 'SELECT url, state, attempts, error_code, error_message, redirect_to FROM urls ORDER BY id').map((u) => [u.url.slice(origin.length), u]),
);

type PageRow = { url: string; status: number; title: string | null; links_found: number; headers: string; raw_bytes: number };

const pagesByPath = (db: string, origin: string): Map<string, PageRow> => new Map(
  rows<PageRow>(db, 'SELECT url, status, title, links_found, headers, raw_bytes FROM pages').map((p) => [p.url.slice(origin.length), p]),
);

/** Writes `text` a piece at a time, `gapMs` apart, then closes the connection. */
function drip(socket: net.Socket, pieces: string[], gapMs: number): void {
  let i = 0;
  const next = (): void => {
    if (socket.destroyed) return;
    if (i === pieces.length) {
      socket.end();
      return;
    }
    socket.write(pieces[i++]!);
    setTimeout(next, gapMs);
  };
  next();
}

test('a GET answered like a HEAD (its head and Content-Length, then no body, the connection left open) fails 10 s into the silence as CRAWL_FETCH_STALLED, saying so, not at --timeout as a plain timeout; a body dripped slowly past those 10 s, and a chunked body whose script flushed its head and then worked 11 s, are stored whole', async (t) => {
  const body = '<title>drip</title>';
  const site = await startRawSite(t, (path) => {
    if (path === '/') return html('<title>home</title><a href="/head-like">a</a> <a href="/drip">b</a> <a href="/flushed">c</a>');
    if (path === '/head-like') return (socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1234\r\n\r\n');
    // 19 bytes, one every 0.8 s: 15 s in all, no gap of 10 s.
    if (path === '/drip') {
      return (socket) => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
        drip(socket, body.split(''), 800);
      };
    }
    if (path === '/flushed') {
      return (socket) => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
        const chunk = '<title>flushed</title>';
        setTimeout(() => socket.end(`${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`), 11_000);
      };
    }
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--retries', '0', '--timeout', '60s', '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const urls = urlsByPath(db, site.origin);
  const headLike = urls.get('/head-like');
  assert.equal(headLike?.error_code, 'CRAWL_FETCH_STALLED', headLike?.error_message ?? '');
  assert.match(headLike?.error_message ?? '', /a head with a Content-Length of 1234 bytes, then none of its body for 10 s .*HEAD/);
  const pages = pagesByPath(db, site.origin);
  assert.equal(pages.get('/drip')?.title, 'drip', urls.get('/drip')?.error_message ?? '');
  assert.equal(pages.get('/flushed')?.title, 'flushed', urls.get('/flushed')?.error_message ?? '');
});

test('HTML served with Content-Disposition: attachment is a download, as browsers take it (wget parses it): kept as non-HTML, its links not followed; inline, or a filename with no type, is a page', async (t) => {
  const page = (name: string): Buffer => Buffer.from(`<title>${name}</title><a href="/from-${name}">x</a>`);
  const site = await startRawSite(t, (path) => {
    if (path === '/') return html('<title>home</title><a href="/export">a</a> <a href="/upload">b</a> <a href="/inline">c</a> <a href="/named">d</a>');
    if (path === '/export') return rawResponse(['Content-Type: text/html; charset=utf-8', 'Content-Disposition: attachment; filename="report.html"'], page('export'));
    // An unknown type is a download too (RFC 6266 4.2), in any case.
    if (path === '/upload') return rawResponse(['Content-Type: text/html', 'Content-Disposition: ATTACHMENT'], page('upload'));
    if (path === '/inline') return rawResponse(['Content-Type: text/html', 'Content-Disposition: inline; filename="page.html"'], page('inline'));
    if (path === '/named') return rawResponse(['Content-Type: text/html', 'Content-Disposition: filename="page.html"'], page('named'));
    if (path.startsWith('/from-')) return html(`<title>${path}</title>`);
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const pages = pagesByPath(db, site.origin);
  for (const path of ['/export', '/upload']) {
    const p = pages.get(path);
    assert.deepEqual([p?.status, p?.title, p?.links_found], [200, null, 0], path);
    assert.match(JSON.parse(p!.headers)['content-disposition'], /attachment/i);
  }
  assert.equal(pages.get('/inline')?.title, 'inline');
  assert.equal(pages.get('/named')?.title, 'named');
  const urls = urlsByPath(db, site.origin);
  assert.ok(!urls.has('/from-export') && !urls.has('/from-upload'), [...urls.keys()].join(' '));
  assert.equal(urls.get('/from-inline')?.state, 'done');
  assert.equal(urls.get('/from-named')?.state, 'done');
});

test('stored headers are bounded: a Set-Cookie storm (1,000 cookies, ~200 KB a response) keeps its first cookies within 8 KiB and says what was cut under crawlite:cut, the other headers kept whole; a head under 32 KiB (a 20 KB Content-Security-Policy) is stored as sent; directives after the storm still count', async (t) => {
  const cookies = Array.from({ length: 1000 }, (_, i) => `Set-Cookie: ab_test_${i}=${'v'.repeat(180)}; Path=/; Max-Age=3600`);
  const csp = `default-src 'self'; script-src ${Array.from({ length: 800 }, (_, i) => `https://cdn${i}.example`).join(' ')}`;
  const site = await startRawSite(t, (path) => {
    if (path === '/') return html('<title>home</title><a href="/storm">a</a> <a href="/csp">b</a>');
    if (path === '/storm') return rawResponse(['Content-Type: text/html', 'ETag: "v1"', ...cookies, 'X-Robots-Tag: nofollow'], Buffer.from('<title>storm</title><a href="/from-storm">x</a>'));
    if (path === '/csp') return rawResponse(['Content-Type: text/html', `Content-Security-Policy: ${csp}`], Buffer.from('<title>csp</title>'));
    if (path.startsWith('/from-')) return html(`<title>${path}</title>`);
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const pages = pagesByPath(db, site.origin);
  const storm = pages.get('/storm');
  assert.equal(storm?.title, 'storm');
  assert.ok(storm!.headers.length < 34 * 1024, `stored headers: ${storm!.headers.length} characters`);
  const headers = JSON.parse(storm!.headers) as Record<string, string>;
  assert.equal(headers['content-type'], 'text/html');
  assert.equal(headers.etag, '"v1"');
  assert.equal(headers['x-robots-tag'], 'nofollow');
  const kept = headers['set-cookie']!.split('\n');
  assert.ok(kept.length >= 30 && kept.length < 1000, `${kept.length} cookies kept`);
  assert.equal(kept[0], cookies[0]!.slice('Set-Cookie: '.length), 'whole cookies, from the first');
  assert.match(headers['crawlite:cut'] ?? '', new RegExp(`^set-cookie: ${kept.length} of 1000 lines kept, \\d\\.\\d KiB of 2\\d\\d\\.\\d KiB$`));
  assert.equal(site.hits.get('/from-storm'), undefined, 'the X-Robots-Tag after the storm is obeyed');
  const cspHeaders = JSON.parse(pages.get('/csp')!.headers) as Record<string, string>;
  assert.equal(cspHeaders['content-security-policy'], csp);
  assert.equal(cspHeaders['crawlite:cut'], undefined);
  // WARC export rebuilds the head from the stored headers: the note is no header of the response.
  const warc = await crawlite(['export', '--db', db, '--format', 'warc', '--out', `${db}.warc`]);
  assert.equal(warc.code, 0, warc.stderr);
  const { readFileSync } = await import('node:fs');
  const { gunzipSync } = await import('node:zlib');
  const raw = readFileSync(`${db}.warc`);
  const text = (raw[0] === 0x1f ? gunzipSync(raw) : raw).toString('latin1');
  assert.ok(text.includes('Set-Cookie: ab_test_0='), 'the kept cookies are exported');
  assert.ok(!/crawlite:cut/i.test(text), 'the note is not exported as a header');
});

test('a redirect to a URL whose own request is in flight waits for it and is not requested again (/r -> /docs/ while /docs/ is being downloaded): one request for /docs/, where there were two', async (t) => {
  const site = await startRawSite(t, (path) => {
    if (path === '/') return html('<title>home</title><a href="/docs/">docs</a> <a href="/r">r</a>');
    if (path === '/r') return rawResponse(['Location: /docs/', 'Content-Type: text/html'], Buffer.alloc(0), '301 Moved Permanently');
    // Slow to answer: /r's hop comes while this request is out.
    if (path === '/docs/') {
      return (socket) => setTimeout(() => socket.end(rawResponse(['Content-Type: text/html', 'Connection: close'], Buffer.from('<title>docs</title>'))), 1_500);
    }
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--per-host', '4', '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(site.hits.get('/docs/'), 1, `requests for /docs/: ${site.hits.get('/docs/')}`);
  assert.equal(site.hits.get('/r'), 1);
  const urls = urlsByPath(db, site.origin);
  assert.deepEqual([urls.get('/r')?.state, urls.get('/r')?.redirect_to], ['redirected', `${site.origin}/docs/`]);
  assert.equal(pagesByPath(db, site.origin).get('/docs/')?.title, 'docs');
});

test('a host busy for a while (429, Retry-After: 1, for 6 s) costs the URL that probes it no attempts: with --retries 1 every page is fetched once the host recovers, where the probing URL spent its retries and was stored as a 429', async (t) => {
  let busyUntil = 0;
  const pages = ['/p0', '/p1', '/p2', '/p3'];
  const site = await startRawSite(t, (path) => {
    if (path === '/') {
      busyUntil = Date.now() + 6_000;
      return html(`<title>home</title>${pages.map((p) => `<a href="${p}">${p}</a>`).join(' ')}`);
    }
    if (!pages.includes(path)) return null;
    if (Date.now() < busyUntil) return rawResponse(['Content-Type: text/html', 'Retry-After: 1'], Buffer.from('slow down'), '429 Too Many Requests');
    return html(`<title>${path}</title>`);
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--per-host', '1', '--retries', '1', '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const stored = pagesByPath(db, site.origin);
  for (const path of pages) assert.equal(stored.get(path)?.status, 200, `${path}: ${JSON.stringify(urlsByPath(db, site.origin).get(path))}`);
  const urls = urlsByPath(db, site.origin);
  // The first URL's first 429 came before the cool-down: an attempt. The probes' were not.
  for (const path of pages) assert.ok((urls.get(path)?.attempts ?? 0) <= 2, `${path}: ${urls.get(path)?.attempts} attempts`);
});

test('a 101 Switching Protocols with an Upgrade header answering a plain GET (a WebSocket server on every path) is a malformed response, CRAWL_FETCH_PROTOCOL, retried once: it read as a connection reset ("bad upgrade") and was retried --retries times', async (t) => {
  const site = await startRawSite(t, (path) => {
    if (path === '/') return html('<title>home</title><a href="/ws">ws</a>');
    if (path === '/ws') return (socket) => socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--retries', '3', '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const ws = urlsByPath(db, site.origin).get('/ws');
  assert.equal(ws?.error_code, 'CRAWL_FETCH_PROTOCOL', ws?.error_message ?? '');
  assert.match(ws?.error_message ?? '', /status 101 as the final response/);
  assert.equal(ws?.attempts, 2);
});
