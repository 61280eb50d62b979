/**
 * A page whose body copies a page above it on its origin, found on a page with that same body,
 * adds no new URL to the frontier (store/writer.ts #applyPage): the catch-all spider trap. Trap
 * skips are counted per code.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { openForWrite, type Db } from '../../src/store/db.js';
import { Writer } from '../../src/store/writer.js';
import type { Discovered, FrontierEntry, LinkRecord, PageRecord } from '../../src/types.js';
import { tempDbPath } from '../helpers/config.js';

const HOST = 'http://site.test:80';

function open(t: TestContext): { db: Db; writer: Writer } {
  const db = openForWrite(tempDbPath(t));
  t.after(() => db.close());
  const writer = new Writer(db, { batchSize: 100, flushIntervalMs: 60_000 });
  writer.startRun({ test: true });
  return { db, writer };
}

/** A page whose body hashes to `hash`; `content: false` stores no content (noindex). */
function record(entry: FrontierEntry, hash: string, opts: { content?: boolean; recrawl?: PageRecord['recrawl'] } = {}): PageRecord {
  return {
    entry,
    fetch: {
      status: 200, headers: {}, isTruncated: false, wireBytes: 20, finalUrl: entry.url, redirects: [],
      contentType: 'text/html', fetchedAt: Date.now(), elapsedMs: 3,
    },
    parsed: {
      ok: true, title: 't', description: null, canonical: null, language: 'en', encoding: 'utf-8', links: [], linksFound: 0,
      textBytes: 5, htmlBytes: 20, content: opts.content === false ? new Uint8Array(0) : new Uint8Array([1, 2, 3]), codec: 'none', contentHash: hash,
    },
    error: null,
    ...(opts.recrawl ? { recrawl: opts.recrawl } : {}),
  };
}

const url = (path: string) => `http://site.test${path}`;
const seed = (path: string): Discovered => ({ url: url(path), host: HOST, depth: 0, skipCode: null });
const link = (path: string, skipCode: LinkRecord['skipCode'] = null): LinkRecord => ({
  url: url(path), host: HOST, depth: 1, skipCode, text: path, isNofollow: false, isInScope: true,
});

function stateOf(db: Db, path: string): { state: string; error_code: string | null } | undefined {
  return db.prepare('SELECT state, error_code FROM urls WHERE url = ?').get(url(path)) as { state: string; error_code: string | null } | undefined;
}

test('a page identical to a stored one: links to new URLs are skipped as CRAWL_TRAP_DUPLICATE_CONTENT, links to known URLs recorded as ever', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/')]);
  const [home] = writer.claim(10, []);
  writer.storePage(record(home!, 'same'), [link('/about/'), link('/blog/'), link('/contact')]);
  writer.flush();
  const [about] = writer.claim(1, []);
  assert.equal(about!.url, url('/about/'), 'found on the home page, whose body it copies');
  writer.storePage(record(about!, 'same'), [link('/about/about/'), link('/about/blog/'), link('/contact'), link('/elsewhere', 'CRAWL_SCOPE_OUT')],
    [{ url: url('/about/refresh'), host: HOST, depth: 1, skipCode: null }]);
  assert.deepEqual(writer.counts.trapSkips, {}, 'counted only once the batch commits');
  writer.flush();

  assert.deepEqual(stateOf(db, '/about/about/'), { state: 'skipped', error_code: 'CRAWL_TRAP_DUPLICATE_CONTENT' });
  assert.deepEqual(stateOf(db, '/about/blog/'), { state: 'skipped', error_code: 'CRAWL_TRAP_DUPLICATE_CONTENT' });
  assert.deepEqual(stateOf(db, '/about/refresh'), { state: 'skipped', error_code: 'CRAWL_TRAP_DUPLICATE_CONTENT' }, 'a meta refresh target too');
  assert.deepEqual(stateOf(db, '/elsewhere'), { state: 'skipped', error_code: 'CRAWL_SCOPE_OUT' }, 'a link skipped for its own reason keeps it');
  assert.deepEqual(stateOf(db, '/contact'), { state: 'queued', error_code: null });
  assert.deepEqual(stateOf(db, '/blog/'), { state: 'queued', error_code: null });
  const message = db.prepare('SELECT error_message AS m FROM urls WHERE url = ?').get(url('/about/blog/')) as { m: string };
  assert.equal(message.m, 'spider trap: found on a catch-all copy of a page above it');
  const linksOfAbout = db.prepare(`SELECT count(*) AS n FROM links WHERE page_id = (SELECT id FROM pages WHERE url = ?)`).get(url('/about/')) as { n: number };
  assert.equal(linksOfAbout.n, 4, 'every link of the duplicate page is in links');
  assert.deepEqual(writer.counts.trapSkips, { CRAWL_TRAP_DUPLICATE_CONTENT: 3 });
  assert.equal(writer.counts.pagesStored, 2, 'the duplicate page itself is stored');
});

test('a URL a duplicate page skipped is queued by a later link from a distinct page, not from another duplicate', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/a'), seed('/x')]);
  const [a, x] = writer.claim(10, []);
  writer.storePage(record(a!, 'same'), [link('/rel'), link('/two/b'), link('/three/c')]);
  writer.flush();
  const claimed = writer.claim(10, []);
  const [b, c] = [url('/two/b'), url('/three/c')].map((u) => claimed.find((e) => e.url === u));
  writer.storePage(record(b!, 'same'), [link('/two/rel')]);
  writer.flush();
  assert.deepEqual(stateOf(db, '/two/rel'), { state: 'skipped', error_code: 'CRAWL_TRAP_DUPLICATE_CONTENT' });
  writer.storePage(record(c!, 'same'), [link('/two/rel')]);
  writer.flush();
  assert.deepEqual(stateOf(db, '/two/rel'), { state: 'skipped', error_code: 'CRAWL_TRAP_DUPLICATE_CONTENT' }, 'the trap does not lift itself');
  writer.storePage(record(x!, 'distinct'), [link('/two/rel')]);
  writer.flush();
  assert.deepEqual(stateOf(db, '/two/rel'), { state: 'queued', error_code: null });
});

test('shared bodies that are no trap lose nothing: other hosts, sibling folders, a copy above one whose links were not followed', (t) => {
  const { db, writer } = open(t);
  const other = (path: string): Discovered => ({ url: `http://other.test${path}`, host: 'http://other.test:80', depth: 0, skipCode: null });
  writer.addUrls([seed('/proj1/'), seed('/proj2/'), other('/'), seed('/x/y/broken'), seed('/')]);
  const [p1, p2, o, broken, home] = writer.claim(10, []);
  // Sibling folders with the same stub, and another host with the same home page.
  writer.storePage(record(p1!, 'stub'), [link('/proj1/start.html')]);
  writer.storePage(record(p2!, 'stub'), [link('/proj2/start.html')]);
  writer.storePage(record(o!, 'stub'), [{ ...link('/'), url: 'http://other.test/about', host: 'http://other.test:80' }]);
  // A 404 page that is a copy of the home page, met first: its links were never followed.
  writer.storePage({ ...record(broken!, 'index'), fetch: { ...record(broken!, 'index').fetch, status: 404 } }, [link('/x/y/b')]);
  writer.storePage(record(home!, 'index'), [link('/b'), link('/about/')]);
  writer.flush();
  for (const path of ['/proj1/start.html', '/proj2/start.html', '/b']) assert.deepEqual(stateOf(db, path), { state: 'queued', error_code: null }, path);
  assert.deepEqual(db.prepare('SELECT state FROM urls WHERE url = ?').get('http://other.test/about'), { state: 'queued' });
  // The home page, 200 and above the rest, is now the copy a catch-all's pages fall below.
  const about = writer.claim(10, []).find((e) => e.url === url('/about/'));
  writer.storePage(record(about!, 'index'), [link('/about/blog/')]);
  writer.flush();
  assert.deepEqual(stateOf(db, '/about/blog/'), { state: 'skipped', error_code: 'CRAWL_TRAP_DUPLICATE_CONTENT' });
});

test('a copy found on a distinct page (a "latest" alias) is crawled; its own copies, found on it, are the trap', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/')]);
  const [home] = writer.claim(10, []);
  writer.storePage(record(home!, 'home'), [link('/docs/'), link('/docs/v2/')]);
  writer.flush();
  const [docs, v2] = writer.claim(10, []);
  assert.deepEqual([docs!.url, v2!.url], [url('/docs/'), url('/docs/v2/')]);
  writer.storePage(record(docs!, 'docs index'), [link('/docs/intro.html')]);
  writer.storePage(record(v2!, 'docs index'), [link('/docs/v2/intro.html'), link('/docs/v2/v2/')]);
  writer.flush();
  assert.deepEqual(stateOf(db, '/docs/v2/intro.html'), { state: 'queued', error_code: null }, 'the alias copy\'s links are followed');
  assert.deepEqual(stateOf(db, '/docs/v2/v2/'), { state: 'queued', error_code: null });
  // Had the same bytes been served at /docs/v2/v2/ too, that copy was found on a copy: a trap.
  const claimed = writer.claim(10, []);
  const v2v2 = claimed.find((e) => e.url === url('/docs/v2/v2/'));
  writer.storePage(record(v2v2!, 'docs index'), [link('/docs/v2/v2/intro.html')]);
  writer.flush();
  assert.deepEqual(stateOf(db, '/docs/v2/v2/intro.html'), { state: 'skipped', error_code: 'CRAWL_TRAP_DUPLICATE_CONTENT' });
  assert.deepEqual(writer.counts.trapSkips, { CRAWL_TRAP_DUPLICATE_CONTENT: 1 });
});

test('a recrawl storing its own hash again, and pages without stored content, are not duplicates', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/a'), seed('/b'), seed('/c')]);
  const [a, b, c] = writer.claim(10, []);
  writer.storePage(record(a!, 'same'), []);
  writer.flush();
  // As store/recrawl.ts does before the new row: the old page row of /a is gone, its content stays.
  db.prepare('DELETE FROM pages WHERE url = ?').run(url('/a'));
  writer.storePage(record(a!, 'same', { recrawl: { id: 1, status: 'unchanged' } }), [link('/from-recrawl')]);
  writer.storePage(record(b!, 'same', { content: false }), [link('/from-noindex')]);
  writer.storePage(record(c!, 'other'), [link('/from-distinct')]);
  writer.flush();
  for (const path of ['/from-recrawl', '/from-noindex', '/from-distinct']) assert.deepEqual(stateOf(db, path), { state: 'queued', error_code: null }, path);
  assert.deepEqual(writer.counts.trapSkips, {});
});

test('trap skips from addUrls (sitemap URLs) and from links are counted per code, new rows only', (t) => {
  const { writer } = open(t);
  writer.addUrls([seed('/'), { ...seed('/long'), skipCode: 'CRAWL_TRAP_URL_LENGTH' }, { ...seed('/out'), skipCode: 'CRAWL_SCOPE_OUT' }]);
  writer.addUrls([{ ...seed('/long'), skipCode: 'CRAWL_TRAP_URL_LENGTH' }]);
  const [home] = writer.claim(10, []);
  writer.storePage(record(home!, 'h'), [link('/cal?m=9', 'CRAWL_TRAP_QUERY_VARIANTS'), link('/cal?m=9', 'CRAWL_TRAP_QUERY_VARIANTS'), link('/long', 'CRAWL_TRAP_URL_LENGTH')]);
  writer.flush();
  assert.deepEqual(writer.counts.trapSkips, { CRAWL_TRAP_URL_LENGTH: 1, CRAWL_TRAP_QUERY_VARIANTS: 1 });
});

test('trap skips of a batch that fails to commit are not counted', (t) => {
  const { writer } = open(t);
  writer.addUrls([seed('/')]);
  const [home] = writer.claim(10, []);
  writer.onError(() => {});
  writer.storePage(record(home!, 'h'), [link('/cal?m=9', 'CRAWL_TRAP_QUERY_VARIANTS')]);
  writer.enqueue(() => {
    throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  });
  writer.flush();
  assert.ok(writer.failure);
  assert.deepEqual(writer.counts.trapSkips, {});
});
