/**
 * One hostile site on 127.0.0.1, crawled whole: broken redirects, drips, lies, bombs, traps,
 * monstrous HTML, strange encodings and directives. The crawl must end by itself, in bounded time,
 * within the per-host bound, with every URL that was not stored recorded with the right code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { runCrawl } from '../../src/crawl.js';
import { defaultPolitenessConfig, defaultTrapConfig } from '../../src/config/schema.js';
import { startSite, page, type Route } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

const bytes = (...parts: Array<string | number[] | Buffer>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p as number[]))));
// "Привет" in windows-1251 and "日本語" in Shift_JIS (Node has no encoder for either).
const PRIVET_1251 = [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2];
const NIHONGO_SJIS = [0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea];

function hostileRoutes(): Record<string, Route> {
  const html = (body: string | Buffer, headers: Record<string, string> = {}): Route => ({ headers: { 'content-type': 'text/html', ...headers }, body });
  const routes: Record<string, Route> = {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /forbidden\n' },
    '/': page('hostile home', [
      '/loop-a', '/to-js', '/to-file', '/chain/0', '/drip', '/silent', '/lying-length', '/reset-mid-body', '/bad-gzip',
      '/bomb', '/nesting', '/big-attribute', '/nul', '/binary', '/many-links', '/cp1251', '/sjis', '/utf16', '/doc.pdf',
      '/data.json', '/noindex', '/x-nofollow', '/refresh', '/cal?m=0', '/deep/1', '/a/', '/forbidden/x', '/to-forbidden',
      '/' + 'long-'.repeat(500),
    ], '<a rel="nofollow" href="/nofollowed">nofollow</a>'),
    '/loop-a': { status: 302, headers: { location: '/loop-b' } },
    '/loop-b': { status: 301, headers: { location: '/loop-a' } },
    '/to-js': { status: 302, headers: { location: 'javascript:alert(1)' } },
    '/to-file': { status: 302, headers: { location: 'file:///etc/passwd' } },
    '/to-forbidden': { status: 302, headers: { location: '/forbidden/y' } },
    '/drip': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const timer = setInterval(() => res.write('x'), 200);
      res.on('close', () => clearInterval(timer));
    },
    '/silent': () => {}, // headers never come
    '/lying-length': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '100000' });
      res.end('<title>short</title>');
    },
    '/reset-mid-body': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<title>half</title>' + 'x'.repeat(5000), () => res.socket?.destroy());
    },
    '/bad-gzip': html('<title>not gzip at all</title>', { 'content-encoding': 'gzip' }),
    '/bomb': html(zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)), { 'content-encoding': 'gzip' }),
    '/nesting': html('<title>deep</title>' + '<div>'.repeat(20_000) + 'bottom' + '</div>'.repeat(20_000)),
    '/big-attribute': html(`<title>attr</title><div data-x="${'a'.repeat(1024 * 1024)}">after</div><a href="/after-attr">x</a>`),
    '/nul': html('<title>nul\u0000title</title><p>a\u0000b</p>'),
    '/binary': html(Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919) % 256))),
    '/many-links': html('<title>link farm</title>' + Array.from({ length: 100_000 }, (_, i) => `<a href=//f.invalid/${i}>x</a>`).join('')),
    '/cp1251': html(bytes('<title>', PRIVET_1251, '</title>'), { 'content-type': 'text/html; charset=windows-1251' }),
    '/sjis': html(bytes('<html><head><meta charset="shift_jis"><title>', NIHONGO_SJIS, '</title></head></html>'), { 'content-type': 'text/html' }),
    '/utf16': html(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<title>Ελληνικά</title>', 'utf16le')])),
    '/doc.pdf': { headers: { 'content-type': 'application/pdf' }, body: Buffer.from('%PDF-1.4 <a href="/in-pdf">') },
    '/data.json': { headers: { 'content-type': 'application/json' }, body: '{"href":"/in-json"}' },
    '/noindex': page('hidden from the index', ['/via-noindex'], '<meta name="robots" content="noindex">'),
    '/via-noindex': page('followed from a noindex page'),
    '/x-nofollow': { headers: { 'content-type': 'text/html', 'x-robots-tag': 'nofollow' }, body: page('x nofollow', ['/only-via-x-nofollow']) },
    '/refresh': page('refreshing', [], '<meta http-equiv="refresh" content="0; url=/refreshed">'),
    '/refreshed': page('refreshed'),
    '/after-attr': page('after attribute'),
  };
  for (let i = 0; i < 12; i++) routes[`/chain/${i}`] = { status: 302, headers: { location: `/chain/${i + 1}` } };
  return routes;
}

/** Routes that generate their pages: an endless calendar and ever-deeper paths. */
function generated(path: string): string | null {
  const cal = /^\/cal\?m=(\d+)$/.exec(path);
  if (cal) return page(`month ${cal[1]}`, [`/cal?m=${Number(cal[1]) + 1}`]);
  if (path.startsWith('/deep/')) return page(`deep ${path}`, [`${path}/${path.split('/').length}`]);
  if (path.startsWith('/a/')) return page(`again ${path}`, [`${path}a/`]);
  return null;
}

test('the whole hostile site ends by itself, within bounds, every failure recorded with its code', async (t) => {
  const routes = hostileRoutes();
  const site = await startSite(new Proxy(routes, {
    get: (target, path: string) => {
      if (path in target) return target[path];
      const body = generated(path);
      return body === null ? undefined : body;
    },
  }));
  t.after(() => site.close());

  const config = testConfig(t, [site.url('/')], {
    fetch: {
      perHost: 3, timeoutMs: 1_500, maxBodyBytes: 4 * 1024 * 1024,
      politeness: { ...defaultPolitenessConfig(), retries: 1, retryBaseMs: 20, retryMaxDelayMs: 50 },
    },
    parse: { maxLinksPerPage: 500 },
    traps: { ...defaultTrapConfig(), maxQueriesPerPath: 15, maxPathDepth: 10 },
  });
  const started = Date.now();
  const summary = await runCrawl(config);
  const elapsedMs = Date.now() - started;
  assert.equal(summary.status, 'done');
  assert.ok(elapsedMs < 45_000, `bounded time: ${elapsedMs} ms`);
  assert.ok(site.gauge.max <= 3, `never more than --per-host connections at once, saw ${site.gauge.max}`);
  assert.ok(process.memoryUsage().rss < 1024 ** 3, 'bounded memory');

  // Never requested: what robots.txt forbids, rel=nofollow links, links of an X-Robots-Tag nofollow page.
  for (const path of ['/forbidden/x', '/forbidden/y', '/nofollowed', '/only-via-x-nofollow', '/in-pdf', '/in-json']) {
    assert.equal(site.hits.get(path), undefined, `${path} was requested`);
  }

  const urls = rows<{ url: string; state: string; error_code: string | null; error_message: string | null }>(
    config.dbPath, 'SELECT url, state, error_code, error_message FROM urls');
  const code = (path: string) => urls.find((u) => u.url === site.url(path))?.error_code;
  const expected: Record<string, string> = {
    '/loop-a': 'CRAWL_REDIRECT_LOOP',
    '/to-js': 'CRAWL_REDIRECT_INVALID',
    '/to-file': 'CRAWL_REDIRECT_INVALID',
    '/chain/0': 'CRAWL_REDIRECT_LIMIT',
    '/drip': 'CRAWL_FETCH_TIMEOUT',
    '/silent': 'CRAWL_FETCH_TIMEOUT',
    '/lying-length': 'CRAWL_FETCH_RESET',
    '/reset-mid-body': 'CRAWL_FETCH_RESET',
    '/bad-gzip': 'CRAWL_FETCH_DECODE',
    '/forbidden/x': 'CRAWL_ROBOTS_DISALLOWED',
    '/to-forbidden': 'CRAWL_ROBOTS_DISALLOWED',
    ['/' + 'long-'.repeat(500)]: 'CRAWL_TRAP_URL_LENGTH',
  };
  for (const [path, c] of Object.entries(expected)) assert.equal(code(path), c, path);
  const loop = urls.find((u) => u.url === site.url('/loop-a'))!;
  assert.match(loop.error_message!, /loop-a -> .*loop-b -> .*loop-a/, 'the loop is recorded with its chain');

  const trapCodes = new Set(urls.map((u) => u.error_code).filter((c) => c?.startsWith('CRAWL_TRAP_')));
  assert.deepEqual([...trapCodes].sort(), ['CRAWL_TRAP_PATH_DEPTH', 'CRAWL_TRAP_QUERY_VARIANTS', 'CRAWL_TRAP_REPEATED_SEGMENT', 'CRAWL_TRAP_URL_LENGTH']);
  assert.ok([...site.hits.keys()].filter((p) => p.startsWith('/cal')).length <= 16, 'the endless calendar ended');

  // Every failure is data: each URL not stored has a code and a message.
  const unexplained = urls.filter((u) => !['done', 'redirected'].includes(u.state) && (u.error_code === null || !u.error_message));
  assert.deepEqual(unexplained, []);
  assert.equal(urls.filter((u) => u.state === 'queued' || u.state === 'fetching').length, 0);

  const pages = rows<{ url: string; title: string | null; encoding: string | null; is_truncated: number; links_found: number;
    is_links_capped: number; content_hash: string | null; robots: string | null; refresh_url: string | null; content_type: string; raw_bytes: number }>(
    config.dbPath, 'SELECT url, title, encoding, is_truncated, links_found, is_links_capped, content_hash, robots, refresh_url, content_type, raw_bytes FROM pages');
  const pageAt = (path: string) => {
    const p = pages.find((x) => x.url === site.url(path));
    assert.ok(p, `${path} stored`);
    return p;
  };
  assert.equal(pageAt('/cp1251').title, 'Привет');
  assert.equal(pageAt('/cp1251').encoding, 'windows-1251');
  assert.equal(pageAt('/sjis').title, '日本語');
  assert.equal(pageAt('/sjis').encoding, 'shift_jis');
  assert.equal(pageAt('/utf16').title, 'Ελληνικά');
  assert.equal(pageAt('/bomb').is_truncated, 1, 'a gzip bomb stops at --max-bytes, recorded as truncated');
  assert.equal(pageAt("/bomb").raw_bytes, 4 * 1024 * 1024);
  assert.equal(pageAt('/nesting').title, 'deep');
  assert.equal(pageAt('/big-attribute').title, 'attr');
  assert.equal(site.hits.get('/after-attr'), 1, 'a link after a 1 MB attribute is found');
  assert.ok(pageAt('/nul').title?.startsWith('nul'));
  pageAt('/binary');
  const farm = pageAt('/many-links');
  assert.equal(farm.links_found, 100_000);
  assert.equal(farm.is_links_capped, 1, 'the link cap hit is recorded');
  assert.equal(rows<{ n: number }>(config.dbPath, 'SELECT count(*) AS n FROM links JOIN pages ON pages.id = links.page_id WHERE pages.url = ?', site.url('/many-links'))[0]!.n, 500);
  assert.equal(pageAt('/doc.pdf').content_type, 'application/pdf');
  assert.equal(pageAt('/doc.pdf').content_hash, null, 'non-HTML: metadata only by default');
  assert.equal(pageAt('/doc.pdf').raw_bytes, 27);
  pageAt('/data.json');
  assert.equal(pageAt('/noindex').robots, 'noindex');
  assert.equal(pageAt('/noindex').content_hash, null, 'noindex: content not stored');
  assert.equal(pageAt('/noindex').title, 'hidden from the index');
  assert.equal(site.hits.get('/via-noindex'), 1, 'noindex alone still follows links');
  assert.equal(pageAt('/x-nofollow').robots, 'nofollow');
  assert.equal(pageAt('/refresh').refresh_url, site.url('/refreshed'));
  assert.equal(site.hits.get('/refreshed'), 1, 'meta refresh followed');
  const nofollowLink = rows<{ is_nofollow: number }>(config.dbPath, 'SELECT is_nofollow FROM link_edges WHERE to_url = ?', site.url('/nofollowed'));
  assert.deepEqual(nofollowLink, [{ is_nofollow: 1 }], 'a rel=nofollow link is kept in the link graph');
});

test('--follow-nofollow follows rel=nofollow links; --store-non-html keeps non-HTML bodies', async (t) => {
  const site = await startSite({
    '/': page('home', ['/doc.pdf'], '<a rel="nofollow" href="/nofollowed">n</a>'),
    '/nofollowed': page('followed anyway'),
    '/doc.pdf': { headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.4' },
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { scope: { followNofollow: true }, parse: { storeNonHtml: true } });
  await runCrawl(config);
  assert.equal(site.hits.get('/nofollowed'), 1);
  const pdf = rows<{ content_hash: string | null }>(config.dbPath, 'SELECT content_hash FROM pages WHERE url = ?', site.url('/doc.pdf'));
  assert.notEqual(pdf[0]?.content_hash, null);
});

test('a chain of meta refreshes goes one level deeper per page, so --max-depth ends it', async (t) => {
  // /rp/N refreshes to /rp/N+1: an endless chain as far as the crawler can tell. /rp/1 is also
  // nofollow, which a refresh ignores (the page itself points there, no link does).
  const routes: Record<string, Route> = {};
  for (let n = 0; n < 50; n++) {
    const nofollow = n === 1 ? '<meta name="robots" content="nofollow">' : '';
    routes[`/rp/${n}`] = page(`rp${n}`, [], `${nofollow}<meta http-equiv="refresh" content="0; url=/rp/${n + 1}">`);
  }
  const site = await startSite(routes);
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/rp/0')], { maxDepth: 3 });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  const stored = rows<{ url: string; depth: number }>(config.dbPath, 'SELECT url, depth FROM pages ORDER BY depth');
  assert.deepEqual(stored.map((p) => [p.url.slice(site.origin.length), p.depth]), [['/rp/0', 0], ['/rp/1', 1], ['/rp/2', 2], ['/rp/3', 3]]);
  assert.deepEqual(rows(config.dbPath, 'SELECT depth, state, error_code FROM urls WHERE url = ?', site.url('/rp/4')),
    [{ depth: 4, state: 'skipped', error_code: 'CRAWL_DEPTH_LIMIT' }], 'the target past --max-depth is recorded, not fetched');
  assert.equal(site.hits.get('/rp/4'), undefined);
});
