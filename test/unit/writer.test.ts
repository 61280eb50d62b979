import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openForWrite, openReadOnly, type Db } from '../../src/store/db.js';
import { BATCH_BYTES, Writer } from '../../src/store/writer.js';
import type { FrontierEntry, LinkRecord, PageRecord, ParsedPage } from '../../src/types.js';
import { tempDbPath } from '../helpers/config.js';
import type { TestContext } from 'node:test';

const HOST = 'http://site.test:80';

function open(t: TestContext, batchSize = 10): { db: Db; writer: Writer; path: string } {
  const path = tempDbPath(t);
  const db = openForWrite(path);
  t.after(() => db.close());
  const writer = new Writer(db, { batchSize, flushIntervalMs: 60_000 });
  writer.startRun({ test: true });
  return { db, writer, path };
}

function parsed(title: string): ParsedPage {
  return {
    ok: true, title, description: null, canonical: null, language: 'en', encoding: 'utf-8', links: [], linksFound: 0,
    textBytes: 5, htmlBytes: 20, content: new Uint8Array([1, 2, 3]), codec: 'none', contentHash: `hash-${title}`,
  };
}

function record(entry: FrontierEntry, finalUrl = entry.url, title = entry.url): PageRecord {
  return {
    entry,
    fetch: {
      status: 200, headers: { 'content-type': 'text/html' }, isTruncated: false, wireBytes: 20, finalUrl,
      redirects: finalUrl === entry.url ? [] : [{ url: entry.url, status: 301 }], contentType: 'text/html', fetchedAt: Date.now(), elapsedMs: 3,
    },
    parsed: parsed(title),
    error: null,
  };
}

const seed = (url: string, depth = 0) => ({ url: `http://site.test${url}`, host: HOST, depth, skipCode: null });
const link = (url: string, depth = 1, skipCode: LinkRecord['skipCode'] = null): LinkRecord => ({
  ...seed(url, depth), skipCode, text: `to ${url}`, isNofollow: false, isInScope: skipCode !== 'CRAWL_SCOPE_OUT',
});

test('claims shallowest first and moves URLs to fetching; recoverInterrupted requeues them', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/deep', 2), seed('/a', 0), seed('/b', 1), seed('/c', 0)]);
  const claimed = writer.claim(3, []);
  assert.deepEqual(claimed.map((e) => e.url.slice(16)), ['/a', '/c', '/b']);
  const states = db.prepare(`SELECT state, count(*) AS n FROM urls GROUP BY state ORDER BY state`).all();
  assert.deepEqual(states, [{ state: 'fetching', n: 3 }, { state: 'queued', n: 1 }]);
  assert.equal(writer.recoverInterrupted(), 3);
  assert.equal(writer.claim(10, []).length, 4);
});

/** Commits in the WAL since its last reset: frames whose salt is the header's and whose commit field (db size) is set. */
function walCommits(path: string): number {
  const wal = readFileSync(`${path}-wal`);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== wal.readUInt32BE(16) || wal.readUInt32BE(at + 12) !== wal.readUInt32BE(20)) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}

test('a claim with writes buffered commits them and marks its rows in one transaction, and sees them', (t) => {
  const { writer, path } = open(t);
  writer.addUrls([seed('/a')]);
  const [entry] = writer.claim(10, []);
  assert.ok(entry);
  writer.storePage(record(entry), [link('/x'), link('/y')]);
  const before = walCommits(path);
  assert.deepEqual(writer.claim(10, []).map((e) => e.url.slice(16)), ['/x', '/y']);
  assert.equal(walCommits(path) - before, 1);
  const reader = openReadOnly(path);
  t.after(() => reader.close());
  const states = reader.prepare(`SELECT url, state FROM urls ORDER BY id`).all();
  assert.deepEqual(states, [
    { url: 'http://site.test/a', state: 'done' },
    { url: 'http://site.test/x', state: 'fetching' },
    { url: 'http://site.test/y', state: 'fetching' },
  ]);
  // With nothing buffered, a claim is a transaction of its own, as before.
  writer.addUrls([seed('/z')]);
  const beforeAlone = walCommits(path);
  assert.deepEqual(writer.claim(10, []).map((e) => e.url.slice(16)), ['/z']);
  assert.equal(walCommits(path) - beforeAlone, 1);
});

test('claim skips excluded hosts', (t) => {
  const { writer } = open(t);
  writer.addUrls([seed('/a'), { url: 'http://other.test/x', host: 'http://other.test:80', depth: 0, skipCode: null }]);
  assert.deepEqual(writer.claim(10, [HOST]).map((e) => e.url), ['http://other.test/x']);
});

test('commits N pages in at most ceil(N / batchSize) transactions', (t) => {
  const { db, writer } = open(t, 10);
  const urls = Array.from({ length: 35 }, (_, i) => seed(`/p${i}`));
  writer.addUrls(urls);
  const entries = writer.claim(100, []);
  const before = writer.counts.transactions;
  for (const e of entries) writer.storePage(record(e), []);
  writer.flush();
  assert.equal((db.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n, 35);
  assert.ok(writer.counts.transactions - before <= Math.ceil(35 / 10), `${writer.counts.transactions - before} transactions`);
});

test('a batch of large bodies commits when their bytes reach BATCH_BYTES, before its count', (t) => {
  const { writer } = open(t, 16);
  writer.addUrls(Array.from({ length: 6 }, (_, i) => seed(`/big${i}`)));
  const entries = writer.claim(10, []);
  const before = writer.counts.transactions;
  // Four bodies fill the bound (incompressible ones under --store-non-html come back this size).
  const quarter = BATCH_BYTES / 4;
  const buffered: number[] = [];
  for (const [i, e] of entries.entries()) {
    const r = record(e);
    r.parsed = { ...parsed(e.url), content: new Uint8Array(quarter), contentHash: `big-${i}` };
    writer.storePage(r, []);
    buffered.push(writer.buffered);
  }
  assert.deepEqual(buffered, [1, 2, 3, 0, 1, 2]);
  assert.equal(writer.counts.transactions - before, 1);
  // --archive's wire copy counts too.
  const wired = writer.counts.transactions;
  writer.flush();
  writer.addUrls([seed('/wire')]);
  const [w] = writer.claim(1, []);
  assert.ok(w);
  const r = record(w);
  r.fetch = { ...r.fetch, wireBody: new Uint8Array(BATCH_BYTES) };
  writer.storePage(r, []);
  assert.equal(writer.buffered, 0);
  assert.equal(writer.counts.transactions - wired, 2);
});

test('a page reached directly and through a redirect is stored once', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/old'), seed('/new')]);
  const [oldEntry, newEntry] = writer.claim(10, []);
  writer.storePage(record(oldEntry!, newEntry!.url, 'via redirect'), []);
  writer.storePage(record(newEntry!, newEntry!.url, 'direct'), []);
  writer.flush();
  const pages = db.prepare('SELECT url, final_url, title FROM pages').all() as Array<{ final_url: string; title: string }>;
  assert.equal(pages.length, 1);
  assert.equal(pages[0]!.final_url, 'http://site.test/new');
  assert.equal(writer.counts.duplicates, 1);
  // The copy not kept brought its own (different) body: it is not left behind, unreferenced.
  assert.deepEqual(db.prepare('SELECT hash FROM contents').all(), [{ hash: 'hash-via redirect' }]);
  const old = db.prepare(`SELECT state, redirect_to FROM urls WHERE url = 'http://site.test/old'`).get();
  assert.deepEqual(old, { state: 'redirected', redirect_to: 'http://site.test/new' });
  const fresh = db.prepare(`SELECT state FROM urls WHERE url = 'http://site.test/new'`).get();
  assert.deepEqual(fresh, { state: 'done' });
});

test('a redirect onto a stored page queued again (a recrawl) leaves that page queued for its own request', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/old'), seed('/new')]);
  const [oldEntry, newEntry] = writer.claim(10, []);
  writer.storePage(record(newEntry!, newEntry!.url, 'new'), []);
  writer.flush();
  // As a recrawl's requeue leaves it: /new has its page, and is queued to be fetched again.
  db.prepare(`UPDATE urls SET state = 'queued' WHERE url = 'http://site.test/new'`).run();
  writer.storePage(record(oldEntry!, newEntry!.url, 'new via /old'), []);
  writer.flush();
  assert.deepEqual(db.prepare(`SELECT state FROM urls WHERE url = 'http://site.test/new'`).get(), { state: 'queued' });
  assert.deepEqual(db.prepare(`SELECT state, redirect_to FROM urls WHERE url = 'http://site.test/old'`).get(), { state: 'redirected', redirect_to: 'http://site.test/new' });
  assert.deepEqual(writer.claim(10, []).map((e) => e.url), ['http://site.test/new']);
});

test('a redirect to a URL not yet known creates it as done, so it is never fetched again', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/old')]);
  const [entry] = writer.claim(10, []);
  writer.storePage(record(entry!, 'http://site.test/moved'), [link('/moved', 1)]);
  writer.flush();
  assert.deepEqual(db.prepare(`SELECT state FROM urls WHERE url = 'http://site.test/moved'`).get(), { state: 'done' });
  assert.equal(writer.claim(10, []).length, 0);
});

test('isStored: only a done row, or one a buffered page will leave done; recordRedirect leaves what a duplicate page leaves', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/a'), seed('/b'), seed('/failed')]);
  const [a, b, failed] = writer.claim(10, []);
  writer.addUrls([seed('/queued')]);
  const url = (path: string) => `http://site.test${path}`;
  assert.equal(writer.isStored(url('/b')), false, 'fetching');
  assert.equal(writer.isStored(url('/queued')), false, 'queued');
  assert.equal(writer.isStored(url('/unknown')), false, 'not in the frontier');
  writer.recordFailure(failed!, 'CRAWL_FETCH_REFUSED', 'refused');
  writer.storePage(record(b!), []);
  assert.equal(writer.isStored(url('/b')), true, 'buffered, not committed yet');
  writer.flush();
  assert.equal(writer.isStored(url('/b')), true, 'committed');
  assert.equal(writer.isStored(url('/failed')), false, 'failed');

  writer.recordRedirect(a!, url('/b'));
  writer.flush();
  assert.deepEqual(db.prepare(`SELECT state, redirect_to, error_code FROM urls WHERE url = ?`).get(url('/a')), { state: 'redirected', redirect_to: url('/b'), error_code: null });
  assert.equal(writer.isStored(url('/a')), false, 'a redirected URL has no page of its own');
  assert.equal((db.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n, 1);
  assert.deepEqual({ ...writer.counts, transactions: 0 }, { pagesStored: 1, duplicates: 1, failures: 1, transactions: 0, trapSkips: {} });
});

test('identical bodies are stored once in contents', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/a'), seed('/b')]);
  const [a, b] = writer.claim(10, []);
  const same = (e: FrontierEntry) => ({ ...record(e), parsed: { ...parsed('same'), contentHash: 'h1' } });
  writer.storePage(same(a!), []);
  writer.storePage(same(b!), []);
  writer.flush();
  assert.equal((db.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n, 2);
  assert.equal((db.prepare('SELECT count(*) AS n FROM contents').get() as { n: number }).n, 1);
});

test('failures and skips are recorded with their codes', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/a'), { ...seed('/out'), skipCode: 'CRAWL_SCOPE_OUT' }]);
  const [a] = writer.claim(10, []);
  writer.recordFailure(a!, 'CRAWL_FETCH_TIMEOUT', 'no response in 30 s');
  writer.flush();
  const rows = db.prepare('SELECT url, state, error_code FROM urls ORDER BY url').all();
  assert.deepEqual(rows, [
    { url: 'http://site.test/a', state: 'failed', error_code: 'CRAWL_FETCH_TIMEOUT' },
    { url: 'http://site.test/out', state: 'skipped', error_code: 'CRAWL_SCOPE_OUT' },
  ]);
});

test('a second live writer on the same file is refused with CRAWL_STORE_LOCKED; a dead one is taken over', (t) => {
  const { db, writer, path } = open(t);
  // The parent of this test process is alive, so its pid stands for another running crawl.
  db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('writer_pid', ?)`).run(String(process.ppid));
  assert.throws(() => writer.acquireLock(path), (err: Error & { code?: string }) => err.code === 'CRAWL_STORE_LOCKED' && /in use by another crawl/.test(err.message));
  db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('writer_pid', ?)`).run('2147483646');
  writer.acquireLock(path);
  assert.deepEqual(db.prepare(`SELECT value FROM meta WHERE key = 'writer_pid'`).get(), { value: String(process.pid) });
});

test('links point at urls rows; a target skipped for depth or not-followed is queued by a later followable link', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/a'), seed('/b')]);
  const [a, b] = writer.claim(10, []);
  writer.storePage(record(a!), [link('/x', 1, 'CRAWL_DEPTH_LIMIT'), link('/y', 1, 'CRAWL_NOT_FOLLOWED'), link('/out', 1, 'CRAWL_SCOPE_OUT'), link('/b')]);
  writer.flush();
  const state = (u: string) => db.prepare('SELECT state, error_code FROM urls WHERE url = ?').get(`http://site.test${u}`);
  assert.deepEqual(state('/x'), { state: 'skipped', error_code: 'CRAWL_DEPTH_LIMIT' });
  assert.deepEqual(state('/y'), { state: 'skipped', error_code: 'CRAWL_NOT_FOLLOWED' });
  assert.deepEqual(state('/b'), { state: 'fetching', error_code: null }, 'a link never demotes a claimed URL');
  writer.storePage(record(b!), [link('/x'), link('/y'), link('/out', 1, 'CRAWL_SCOPE_OUT'), link('/a')]);
  writer.flush();
  assert.deepEqual(state('/x'), { state: 'queued', error_code: null });
  assert.deepEqual(state('/y'), { state: 'queued', error_code: null });
  assert.deepEqual(state('/out'), { state: 'skipped', error_code: 'CRAWL_SCOPE_OUT' });
  const edges = db.prepare('SELECT from_url, to_url, anchor, in_scope FROM link_edges ORDER BY from_url, to_url').all() as Array<{ from_url: string; to_url: string; in_scope: number }>;
  assert.equal(edges.length, 8);
  assert.deepEqual(edges.filter((e) => e.from_url.endsWith('/a')).map((e) => e.to_url.slice(16)), ['/b', '/out', '/x', '/y']);
  assert.equal(edges.find((e) => e.to_url.endsWith('/out'))!.in_scope, 0);
  const urlRows = (db.prepare('SELECT count(*) AS n FROM urls').get() as { n: number }).n;
  assert.equal(urlRows, 5, 'each URL has one row however many pages link to it');
});

test('a queued URL found again by a shorter path takes the shorter depth; fetched ones keep theirs', (t) => {
  const { db, writer } = open(t);
  writer.addUrls([seed('/a', 1), seed('/b', 1), seed('/c', 2)]);
  const [a, b, c] = writer.claim(10, []);
  writer.storePage(record(c!), [link('/f', 3), link('/x', 3), link('/z', 3), link('/y', 4, 'CRAWL_DEPTH_LIMIT')]);
  const [f] = writer.claim(1, []);
  assert.equal(f!.url, 'http://site.test/f');
  writer.storePage(record(f!), []);
  writer.flush();
  const row = (u: string) => db.prepare('SELECT state, depth, (SELECT url FROM urls p WHERE p.id = urls.parent_id) AS parent FROM urls WHERE url = ?')
    .get(`http://site.test${u}`) as { state: string; depth: number; parent: string };
  assert.deepEqual(row('/x'), { state: 'queued', depth: 3, parent: c!.url });

  // The writer has /x and /f in its url-id cache from c's links: a cache hit must still shorten.
  writer.storePage(record(a!), [link('/x', 2), link('/f', 2), link('/y', 3)]);
  writer.flush();
  assert.deepEqual(row('/x'), { state: 'queued', depth: 2, parent: a!.url });
  assert.deepEqual(row('/f'), { state: 'done', depth: 3, parent: c!.url }, 'a fetched page keeps its depth');
  assert.deepEqual(row('/y'), { state: 'queued', depth: 3, parent: a!.url }, 'skipped for depth, then found within reach');

  // A writer that has not seen /z (a resumed crawl) finds it through SQL alone.
  const fresh = new Writer(db, { batchSize: 10, flushIntervalMs: 60_000 });
  fresh.storePage(record(b!), [link('/z', 2), link('/x', 4)]);
  fresh.flush();
  assert.deepEqual(row('/z'), { state: 'queued', depth: 2, parent: b!.url });
  assert.deepEqual(row('/x'), { state: 'queued', depth: 2, parent: a!.url }, 'a longer path changes nothing');
  assert.deepEqual(writer.claim(10, []).map((e) => [e.url.slice(16), e.depth]), [['/x', 2], ['/z', 2], ['/y', 3]]);
});

test('a batch that fails to commit adds nothing to the counts, so the run row matches the pages table', (t) => {
  const { db, writer } = open(t, 100);
  writer.addUrls([seed('/a'), seed('/b'), seed('/c'), seed('/d')]);
  const [a, b, c, d] = writer.claim(4, []);
  writer.storePage(record(a!), []);
  writer.flush();
  const errors: string[] = [];
  writer.onError((err) => errors.push(err.code));
  writer.storePage(record(b!), []);
  writer.storePage(record(c!), []);
  writer.recordFailure(d!, 'CRAWL_FETCH_TIMEOUT', 'timed out');
  // As a full disk does at COMMIT: the whole batch is rolled back.
  writer.enqueue(() => {
    throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  });
  writer.flush();
  assert.deepEqual(errors, ['CRAWL_STORE_WRITE']);
  assert.equal(writer.counts.pagesStored, 1);
  assert.equal(writer.counts.failures, 0);
  writer.endRun('failed');
  const stored = (db.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n;
  assert.equal(stored, 1);
  assert.deepEqual(db.prepare('SELECT status, pages, failures FROM runs').get(), { status: 'failed', pages: 1, failures: 0 });
});

test('recoverInterrupted gives back the attempt each claim counted, never going below 0', (t) => {
  const { db, path, writer } = open(t);
  writer.addUrls([seed('/fresh'), seed('/retried'), seed('/zero')]);
  writer.claim(10, []);
  const retried = db.prepare(`SELECT id, url, host, depth, attempts AS attempt FROM urls WHERE url LIKE '%/retried'`).get() as FrontierEntry;
  // One attempt made and counted (a 503 deferred for a retry), then claimed again before the kill.
  writer.defer(retried, 0, { isAttempt: true, code: null, message: '503' });
  writer.flush();
  writer.claim(10, []);
  db.prepare(`UPDATE urls SET attempts = 0 WHERE url LIKE '%/zero'`).run();
  db.close(); // a kill: nothing requeued, every claim left 'fetching'

  const again = openForWrite(path);
  t.after(() => again.close());
  const next = new Writer(again, { batchSize: 10, flushIntervalMs: 60_000 });
  assert.equal(next.recoverInterrupted(), 3);
  const attempts = again.prepare(`SELECT substr(url, 17) AS path, state, attempts FROM urls ORDER BY id`).all();
  assert.deepEqual(attempts, [
    { path: '/fresh', state: 'queued', attempts: 0 },
    { path: '/retried', state: 'queued', attempts: 1 },
    { path: '/zero', state: 'queued', attempts: 0 },
  ]);
  assert.deepEqual(next.claim(10, []).map((e) => e.attempt), [0, 1, 0]);
});
