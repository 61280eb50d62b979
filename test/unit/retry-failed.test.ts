/**
 * store/retry-failed.ts on a real file and the real writer: which URLs go back to the queue, what
 * is reset and what is kept, in one transaction; and the count the hint gives.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { openForWrite, type Db } from '../../src/store/db.js';
import { Writer } from '../../src/store/writer.js';
import { readEarlierFailures, requeueFailed } from '../../src/store/retry-failed.js';
import type { FrontierEntry, PageRecord } from '../../src/types.js';
import { tempDbPath } from '../helpers/config.js';

const HOST = 'http://site.test:80';
const url = (path: string) => `http://site.test${path}`;

function open(t: TestContext): { db: Db; writer: Writer; runId: number } {
  const db = openForWrite(tempDbPath(t));
  t.after(() => db.close());
  const writer = new Writer(db, { batchSize: 100, flushIntervalMs: 60_000 });
  return { db, writer, runId: writer.startRun({ test: true }) };
}

function record(entry: FrontierEntry): PageRecord {
  return {
    entry,
    fetch: {
      status: 200, headers: { 'content-type': 'text/html' }, isTruncated: false, wireBytes: 20, finalUrl: entry.url, redirects: [],
      contentType: 'text/html', fetchedAt: Date.now(), elapsedMs: 3,
    },
    parsed: {
      ok: true, title: entry.url, description: null, canonical: null, language: 'en', encoding: 'utf-8', links: [], linksFound: 0,
      textBytes: 5, htmlBytes: 20, content: new Uint8Array([1, 2, 3]), codec: 'none', contentHash: `hash-${entry.url}`,
    },
    error: null,
  };
}

interface UrlRow {
  url: string;
  state: string;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  redirect_to: string | null;
  due_at: number | null;
  depth: number;
  parent_id: number | null;
  discovered_at: number;
  updated_at: number;
  run_id: number | null;
}

/**
 * One URL per case, all claimed in an earlier run and ended as named: failed with a network code
 * (two attempts, a redirect target), failed waiting on robots.txt, disallowed by robots.txt, a
 * recrawl's failed fetch of a stored page, stored, skipped out of scope, and still queued.
 */
function seedEarlierRun(db: Db, writer: Writer): void {
  writer.addUrls([
    { url: url('/refused'), host: HOST, depth: 0, skipCode: null },
    { url: url('/robots-down'), host: HOST, depth: 0, skipCode: null },
    { url: url('/disallowed'), host: HOST, depth: 0, skipCode: null },
    { url: url('/recrawl-failed'), host: HOST, depth: 0, skipCode: null },
    { url: url('/done'), host: HOST, depth: 0, skipCode: null },
    { url: url('/out'), host: HOST, depth: 0, skipCode: 'CRAWL_SCOPE_OUT' },
  ]);
  const claimed = new Map(writer.claim(10, []).map((e) => [e.url.slice(16), e]));
  writer.storePage(record(claimed.get('/done')!), []);
  writer.storePage(record(claimed.get('/recrawl-failed')!), []);
  writer.recordFailure(claimed.get('/refused')!, 'CRAWL_FETCH_REFUSED', 'connection refused (after 2 attempts)', url('/elsewhere'));
  writer.recordFailure(claimed.get('/robots-down')!, 'CRAWL_ROBOTS_UNAVAILABLE', 'robots.txt: HTTP 503');
  writer.recordFailure(claimed.get('/disallowed')!, 'CRAWL_ROBOTS_DISALLOWED', 'disallowed by robots.txt');
  writer.flush();
  // As a recrawl leaves it: its new fetch failed, the stored page stays. A second attempt, and a
  // child with a parent, depth and a due time, to see what is kept and what is reset.
  db.prepare(`UPDATE urls SET state = 'failed', error_code = 'CRAWL_FETCH_TIMEOUT' WHERE url = ?`).run(url('/recrawl-failed'));
  db.prepare(`UPDATE urls SET attempts = 2, due_at = 12345, depth = 3, parent_id = 5, discovered_at = 1000, run_id = 99 WHERE url = ?`).run(url('/refused'));
  writer.addUrls([{ url: url('/queued'), host: HOST, depth: 1, skipCode: null }]);
}

const byUrl = (db: Db) => new Map(db.prepare<[], UrlRow>('SELECT * FROM urls').all().map((r) => [r.url.slice(16), r]));

test('requeues failed URLs without a stored page, robots refusals excepted, as fresh URLs, in one transaction', (t) => {
  const { db, writer, runId } = open(t);
  seedEarlierRun(db, writer);
  const before = byUrl(db);
  assert.deepEqual(readEarlierFailures(db), { count: 2, topCode: 'CRAWL_FETCH_REFUSED' });

  const transactions = writer.counts.transactions;
  const queued = requeueFailed(db, writer, runId);
  assert.equal(queued, 2);
  assert.equal(writer.counts.transactions - transactions, 1, 'one committed write');
  assert.equal(writer.buffered, 0, 'committed before returning');

  const after = byUrl(db);
  const refused = after.get('/refused')!;
  assert.equal(refused.state, 'queued');
  assert.deepEqual(
    [refused.attempts, refused.error_code, refused.error_message, refused.redirect_to, refused.due_at, refused.run_id],
    [0, null, null, null, null, runId],
    'a fresh attempt, marked with this run',
  );
  assert.deepEqual([refused.depth, refused.parent_id, refused.discovered_at], [3, 5, 1000], 'where and when it was found stays');
  assert.ok(refused.discovered_at <= refused.updated_at);
  assert.equal(after.get('/robots-down')!.state, 'queued');
  assert.equal(after.get('/robots-down')!.error_code, null);
  for (const path of ['/disallowed', '/recrawl-failed', '/done', '/out', '/queued']) {
    assert.deepEqual(after.get(path), before.get(path), `${path} untouched`);
  }
  assert.equal(readEarlierFailures(db), null, 'nothing left for the hint');

  // Claimed and stored like any URL: done, one page row each.
  const entries = writer.claim(10, []).filter((e) => e.url !== url('/queued'));
  assert.deepEqual(entries.map((e) => [e.url.slice(16), e.attempt]).sort(), [['/refused', 0], ['/robots-down', 0]]);
  for (const e of entries) writer.storePage(record(e), []);
  writer.flush();
  assert.deepEqual(db.prepare(`SELECT u.state, count(p.id) AS pages FROM urls u LEFT JOIN pages p ON p.url_id = u.id WHERE u.url IN (?, ?) GROUP BY u.id`)
    .all(url('/refused'), url('/robots-down')), [{ state: 'done', pages: 1 }, { state: 'done', pages: 1 }]);
  assert.equal(writer.counts.duplicates, 0);
});

test('nothing failed: 0 requeued, and no hint', (t) => {
  const { db, writer, runId } = open(t);
  writer.addUrls([{ url: url('/'), host: HOST, depth: 0, skipCode: null }]);
  assert.equal(readEarlierFailures(db), null);
  assert.equal(requeueFailed(db, writer, runId), 0);
  assert.equal(db.prepare<[], { state: string }>('SELECT state FROM urls').get()!.state, 'queued');
});

test('a failed write is thrown, and nothing is requeued', (t) => {
  const { db, writer, runId } = open(t);
  seedEarlierRun(db, writer);
  // A trigger makes the UPDATE fail after the first row, as a full disk would midway.
  db.exec(`CREATE TEMP TRIGGER fail_second BEFORE UPDATE OF state ON urls WHEN NEW.url = '${url('/robots-down')}' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
  let reported = 0;
  writer.onError(() => (reported += 1));
  assert.throws(() => requeueFailed(db, writer, runId), { code: 'CRAWL_STORE_WRITE' });
  assert.equal(reported, 1);
  assert.deepEqual(db.prepare(`SELECT state, count(*) AS n FROM urls WHERE state = 'failed' GROUP BY state`).all(), [{ state: 'failed', n: 4 }], 'rolled back whole');
});
