import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openForWrite } from '../../src/store/db.js';
import { Writer } from '../../src/store/writer.js';
import { Frontier, type FrontierStore } from '../../src/frontier/frontier.js';
import type { FrontierEntry } from '../../src/types.js';
import { tempDbPath } from '../helpers/config.js';
import { LEGACY_META, LEGACY_URLS } from '../helpers/legacy-db.js';

const HOST = 'http://site.test:80';
const url = (path: string) => ({ url: `http://site.test${path}`, host: HOST, depth: 0, skipCode: null });

test('a deferred URL is not claimed before its due time, keeps its attempt, and survives a reopen', (t) => {
  const path = tempDbPath(t);
  let db = openForWrite(path);
  let writer = new Writer(db, { batchSize: 10, flushIntervalMs: 60_000 });
  writer.startRun({});
  writer.addUrls([url('/a'), url('/b')]);
  const [a, b] = writer.claim(10, []);
  assert.ok(a && b);
  const due = Date.now() + 60_000;
  writer.defer(a, due, { isAttempt: true, code: 'CRAWL_FETCH_RESET', message: 'retry 1 of 3' });
  writer.defer(b, due, { isAttempt: false, code: 'CRAWL_ROBOTS_UNAVAILABLE', message: 'robots.txt unreachable; waiting' });
  assert.deepEqual(writer.claim(10, []), [], 'nothing is due yet');
  assert.equal(writer.hasQueued(), true, 'the crawl is not over while URLs wait');
  assert.equal(writer.nextDueAt(), due);
  writer.close();
  db.close();

  db = openForWrite(path);
  t.after(() => db.close());
  const rows = db.prepare('SELECT url, state, attempts, due_at, error_code FROM urls ORDER BY url').all();
  assert.deepEqual(rows, [
    { url: 'http://site.test/a', state: 'queued', attempts: 1, due_at: due, error_code: 'CRAWL_FETCH_RESET' },
    { url: 'http://site.test/b', state: 'queued', attempts: 0, due_at: due, error_code: 'CRAWL_ROBOTS_UNAVAILABLE' },
  ]);
  db.prepare('UPDATE urls SET due_at = ?').run(Date.now() - 1);
  writer = new Writer(db, { batchSize: 10, flushIntervalMs: 60_000 });
  const again = writer.claim(10, []);
  assert.deepEqual(again.map((e) => [e.url, e.attempt]), [['http://site.test/a', 1], ['http://site.test/b', 0]]);
  writer.close();
});

test('a database made before these columns gets them on open', (t) => {
  const path = tempDbPath(t);
  const old = new Database(path);
  old.exec(LEGACY_META + LEGACY_URLS);
  old.close();
  const db = openForWrite(path);
  t.after(() => db.close());
  const cols = (db.prepare(`SELECT name FROM pragma_table_info('urls')`).all() as Array<{ name: string }>).map((c) => c.name);
  assert.ok(cols.includes('due_at'));
  const pageCols = (db.prepare(`SELECT name FROM pragma_table_info('pages')`).all() as Array<{ name: string }>).map((c) => c.name);
  for (const c of ['robots', 'refresh_url', 'is_links_capped']) assert.ok(pageCols.includes(c), c);
});

test("the frontier gives back a resting host's URLs when they fill the window, and claims around it", () => {
  const entry = (id: number, host: string): FrontierEntry => ({ id, url: `${host}/${id}`, host, depth: 0, attempt: 0 });
  const queue = [...Array.from({ length: 4 }, (_, i) => entry(i, 'http://a.test:80')), entry(10, 'http://b.test:80')];
  const requeued: number[] = [];
  const excluded: string[][] = [];
  const store: FrontierStore = {
    addUrls: () => {},
    addSeeds: () => {},
    skipClaimed: () => {},
    hasQueued: () => queue.length > 0,
    requeue: (e) => {
      requeued.push(e.id);
      queue.push(e);
    },
    claim: (limit, exclude) => {
      excluded.push(exclude);
      const out: FrontierEntry[] = [];
      for (let i = 0; i < queue.length && out.length < limit; ) {
        if (exclude.includes(queue[i]!.host)) i++;
        else out.push(queue.splice(i, 1)[0]!);
      }
      return out;
    },
  };
  const frontier = new Frontier(store, { scope: () => null, maxDepth: null, maxPages: null, windowSize: 4 });
  const isA = (h: string) => h === 'http://a.test:80';
  // a.test is busy (at its per-host bound): the first claim fills the window with its URLs.
  assert.equal(frontier.next((h) => !isA(h)), null);
  assert.equal(frontier.windowed, 4);
  // Then it rests (a cool-down): its URLs go back, and b.test's are claimed.
  const next = frontier.next((h) => !isA(h), () => ['http://a.test:80']);
  assert.equal(next?.host, 'http://b.test:80', 'b.test is not starved');
  assert.deepEqual(requeued, [0, 1, 2, 3]);
  assert.ok(excluded.at(-1)!.includes('http://a.test:80'), 'the resting host is not claimed again');
});
