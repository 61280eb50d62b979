import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { packContent } from '../../src/content-frame.js';
import { formatStats, readStats } from '../../src/export/stats.js';
import { openForWrite, type Db } from '../../src/store/db.js';
import { tempDir } from '../helpers/config.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

let nextUrl = 0;
function addUrl(db: Db, state: string, code: string | null = null, message: string | null = null): number {
  const url = `https://a.test/${nextUrl++}`;
  return Number(
    db
      .prepare("INSERT INTO urls (url, host, depth, state, error_code, error_message, discovered_at, updated_at) VALUES (?, 'https://a.test', 0, ?, ?, ?, ?, ?)")
      .run(url, state, code, message, T0, T0).lastInsertRowid,
  );
}

interface PageInput {
  status: number;
  contentType: string;
  depth: number;
  rawBytes: number;
  wireBytes: number;
  fetchedAt: number;
  runId: number;
  hash?: string;
  errorCode?: string;
}

function addPage(db: Db, p: PageInput): void {
  const urlId = addUrl(db, 'done');
  db.prepare(
    `INSERT INTO pages (url_id, url, final_url, status, content_type, headers, fetched_at, elapsed_ms, depth, raw_bytes, wire_bytes,
       stored_bytes, content_hash, error_code, error_message, run_id)
     VALUES (?, 'u', 'u', ?, ?, '{}', ?, 5, ?, ?, ?, 0, ?, ?, ?, ?)`,
  ).run(urlId, p.status, p.contentType, p.fetchedAt, p.depth, p.rawBytes, p.wireBytes, p.hash ?? null, p.errorCode ?? null, p.errorCode ? 'bad markup' : null, p.runId);
}

/**
 * Two runs: #1 done after 10 s, #2 still running with its last page 4 s after its start, so the
 * crawl time is 14 s. Five pages; contents of 30 + 12 stored bytes, one body shared by two pages.
 */
function buildFixture(t: TestContext): string {
  const path = join(tempDir(t, 'crawlite-stats-'), 'crawl.db');
  const db = openForWrite(path);
  db.prepare("INSERT INTO runs (started_at, ended_at, status, options, pages, failures) VALUES (?, ?, 'done', '{}', 3, 2)").run(T0, T0 + 10_000);
  db.prepare("INSERT INTO runs (started_at, status, options) VALUES (?, 'running', '{}')").run(T0 + 100_000);
  // Held by a live crawl: this process.
  db.prepare(`INSERT INTO meta (key, value) VALUES ('writer_pid', ?), ('writer_host', ?)`).run(String(process.pid), hostname());
  for (const [hash, html] of [['h1', 'x'.repeat(25)], ['h2', 'y'.repeat(10)]] as const) {
    const { data, textBytes } = packContent(Buffer.from(html), 'hello', { codec: 'none', level: 0 });
    db.prepare("INSERT INTO contents (hash, codec, html_bytes, text_bytes, data) VALUES (?, 'none', ?, ?, ?)").run(hash, html.length, textBytes, data);
  }
  addPage(db, { status: 200, contentType: 'text/html; charset=utf-8', depth: 0, rawBytes: 100, wireBytes: 40, fetchedAt: T0 + 1000, runId: 1, hash: 'h1' });
  addPage(db, { status: 200, contentType: 'TEXT/HTML', depth: 1, rawBytes: 200, wireBytes: 80, fetchedAt: T0 + 2000, runId: 1, hash: 'h1' });
  addPage(db, { status: 404, contentType: 'text/html;charset=iso-8859-1', depth: 1, rawBytes: 300, wireBytes: 120, fetchedAt: T0 + 3000, runId: 1, hash: 'h2' });
  addPage(db, { status: 200, contentType: 'image/png', depth: 2, rawBytes: 400, wireBytes: 400, fetchedAt: T0 + 101_000, runId: 2, errorCode: 'CRAWL_PARSE_FAILED' });
  addPage(db, { status: 500, contentType: '', depth: 2, rawBytes: 0, wireBytes: 0, fetchedAt: T0 + 104_000, runId: 2 });
  addUrl(db, 'failed', 'CRAWL_FETCH_TIMEOUT', 'timeout after 10000 ms (b)');
  addUrl(db, 'failed', 'CRAWL_FETCH_TIMEOUT', 'timeout after 10000 ms (a)');
  addUrl(db, 'failed', 'CRAWL_FETCH_DNS', 'getaddrinfo ENOTFOUND nowhere.test');
  addUrl(db, 'skipped', 'CRAWL_SCOPE_OUT', 'https://b.test/ is outside the scope');
  addUrl(db, 'queued');
  addUrl(db, 'redirected');
  db.close();
  return path;
}

test('counts a known database', (t) => {
  const path = buildFixture(t);
  const stats = readStats(path);
  assert.equal(stats.dbPath, path);
  assert.equal(stats.pages, 5);
  assert.deepEqual(stats.urls, { total: 11, byState: { queued: 1, fetching: 0, done: 5, failed: 3, skipped: 1, redirected: 1 } });
  assert.deepEqual(stats.byStatus, [{ status: 200, count: 3 }, { status: 404, count: 1 }, { status: 500, count: 1 }]);
  assert.deepEqual(stats.byContentType, [
    { contentType: 'text/html', count: 3 },
    { contentType: '', count: 1 },
    { contentType: 'image/png', count: 1 },
  ]);
  assert.deepEqual(stats.byDepth, [{ depth: 0, count: 1 }, { depth: 1, count: 2 }, { depth: 2, count: 2 }]);
  assert.deepEqual(stats.errors, [
    { code: 'CRAWL_FETCH_TIMEOUT', source: 'url', state: 'failed', count: 2, sampleMessage: 'timeout after 10000 ms (a)' },
    { code: 'CRAWL_FETCH_DNS', source: 'url', state: 'failed', count: 1, sampleMessage: 'getaddrinfo ENOTFOUND nowhere.test' },
    { code: 'CRAWL_PARSE_FAILED', source: 'page', state: null, count: 1, sampleMessage: 'bad markup' },
    { code: 'CRAWL_SCOPE_OUT', source: 'url', state: 'skipped', count: 1, sampleMessage: 'https://b.test/ is outside the scope' },
  ]);
  assert.equal(stats.bytes.raw, 1000);
  assert.equal(stats.bytes.wire, 640);
  assert.equal(stats.bytes.stored, 30 + 15, 'each distinct body once: 25 + 5 and 10 + 5 bytes');
  assert.equal(stats.bytes.dbFile, statSync(path).size);
  assert.ok(stats.bytes.dbFile > 0);
  assert.deepEqual(stats.timing, {
    firstFetchedAt: '2024-05-01T12:00:01.000Z',
    lastFetchedAt: '2024-05-01T12:01:44.000Z',
    durationMs: 14_000,
    pagesPerSecond: 5 / 14,
  });
  assert.equal(stats.runs, 2);
  // Its row has no counts (as a crawlite that wrote them only at the end left it): its rows are counted.
  assert.deepEqual(stats.latestRun, { id: 2, status: 'running', startedAt: '2024-05-01T12:01:40.000Z', endedAt: null, pages: 2, failures: 0 });
  assert.deepEqual(JSON.parse(JSON.stringify(stats)), stats, 'plain JSON');
});

test("a run that never ended is 'running' while a live crawl holds the lock, 'crashed' once its process is gone", (t) => {
  const path = buildFixture(t);
  const setLock = (pid: number | null): void => {
    const db = new Database(path);
    db.prepare(`DELETE FROM meta WHERE key LIKE 'writer%'`).run();
    if (pid !== null) db.prepare(`INSERT INTO meta (key, value) VALUES ('writer_pid', ?), ('writer_host', ?)`).run(String(pid), hostname());
    db.close();
  };
  setLock(process.pid);
  assert.equal(readStats(path).latestRun?.status, 'running', 'this process holds the lock');
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  setLock(Number(child.stdout));
  assert.equal(readStats(path).latestRun?.status, 'crashed', 'the lock of an exited process');
  setLock(null);
  assert.equal(readStats(path).latestRun?.status, 'crashed', 'no lock at all');
});

test('the latest run\'s pages and failures: as its commits wrote them while it runs, when it crashed, and at its end', (t) => {
  const path = buildFixture(t);
  const latest = (sql: string) => {
    const db = new Database(path);
    db.exec(sql);
    db.close();
    return formatStats(readStats(path)).split('\n').find((line) => line.startsWith('latest run'));
  };
  assert.equal(latest('UPDATE runs SET pages = 1234, failures = 5 WHERE id = 2'),
    'latest run  #2 running, started 2024-05-01T12:01:40.000Z: 1,234 pages, 5 failed so far (2 runs in all)', 'its counts, not its rows');
  assert.equal(latest("DELETE FROM meta WHERE key LIKE 'writer%'"),
    'latest run  #2 crashed, started 2024-05-01T12:01:40.000Z: 1,234 pages, 5 failed (2 runs in all)', 'no live crawl holds the lock');
  assert.equal(latest('DELETE FROM runs WHERE id = 2'),
    'latest run  #1 done, started 2024-05-01T12:00:00.000Z, ended 2024-05-01T12:00:10.000Z: 3 pages, 2 failed (1 run in all)');
});

test('formats an aligned text block', (t) => {
  const stats = readStats(buildFixture(t));
  const text = formatStats(stats);
  const [first, ...rest] = text.split('\n');
  assert.match(first!, /^database {4}\/.*crawl\.db \(\d+\.\d KiB(, WAL \d+\.\d KiB)?\)$/);
  assert.equal(
    rest.join('\n'),
    [
      'latest run  #2 running, started 2024-05-01T12:01:40.000Z: 2 pages, 0 failed so far (2 runs in all)',
      'pages       5',
      'urls        11',
      'crawl time  14.0s, 0.4 pages/s',
      'bytes       1000 B raw, 640 B on the wire, 45 B stored',
      '',
      'url states',
      '  queued      1',
      '  fetching    0',
      '  done        5',
      '  failed      3',
      '  skipped     1',
      '  redirected  1',
      '',
      'status',
      '  200  3',
      '  404  1',
      '  500  1',
      '',
      'content type',
      '  text/html  3',
      '  (none)     1',
      '  image/png  1',
      '',
      'depth',
      '  0  1',
      '  1  2',
      '  2  2',
      '',
      'errors',
      '  CRAWL_FETCH_TIMEOUT  url failed   2  timeout after 10000 ms (a)',
      '  CRAWL_FETCH_DNS      url failed   1  getaddrinfo ENOTFOUND nowhere.test',
      '  CRAWL_PARSE_FAILED   page         1  bad markup',
      '  CRAWL_SCOPE_OUT      url skipped  1  https://b.test/ is outside the scope',
      `  list the 3 failed URLs: crawlite export --db ${stats.dbPath} --failed --out failed.csv`,
      '',
    ].join('\n'),
  );
  // Big numbers get separators and stay right-aligned; long lists are cut with a count of the rest.
  const wide = formatStats({
    ...stats,
    byStatus: [{ status: 200, count: 1_234_567 }, { status: 404, count: 8 }],
    byDepth: Array.from({ length: 20 }, (_, depth) => ({ depth, count: 1 })),
  });
  assert.match(wide, /\nstatus\n {2}200 {2}1,234,567\n {2}404 {10}8\n/);
  assert.match(wide, /\n {2}14 {2}1\n {2}… 5 more\n/);
});

test('an empty database gives zeros, not errors', (t) => {
  const path = join(tempDir(t, 'crawlite-stats-'), 'empty.db');
  openForWrite(path).close();
  const stats = readStats(path);
  assert.equal(stats.pages, 0);
  assert.equal(stats.urls.total, 0);
  assert.deepEqual([stats.byStatus, stats.errors], [[], []]);
  assert.deepEqual(stats.bytes.raw + stats.bytes.wire + stats.bytes.stored, 0);
  assert.deepEqual(stats.timing, { firstFetchedAt: null, lastFetchedAt: null, durationMs: null, pagesPerSecond: null });
  assert.equal(stats.latestRun, null);
  assert.match(formatStats(stats), /^pages {5}0$/m);
});

test('reads a consistent snapshot while a write connection holds an open transaction (WAL)', (t) => {
  const path = buildFixture(t);
  const writer = openForWrite(path);
  t.after(() => writer.close());
  writer.exec('BEGIN IMMEDIATE');
  addPage(writer, { status: 200, contentType: 'text/html', depth: 3, rawBytes: 1, wireBytes: 1, fetchedAt: T0 + 105_000, runId: 2 });
  const during = readStats(path);
  assert.equal(during.pages, 5);
  assert.equal(during.urls.byState.done, 5);
  writer.exec('COMMIT');
  const afterCommit = readStats(path);
  assert.equal(afterCommit.pages, 6);
  assert.equal(afterCommit.urls.byState.done, 6);
  assert.ok(afterCommit.bytes.walFile > 0, 'the commit sits in the WAL until a checkpoint');
});

test('a missing database is CRAWL_STORE_MISSING; a foreign file is CRAWL_STORE_OPEN', (t) => {
  const dir = tempDir(t, 'crawlite-stats-');
  assert.throws(() => readStats(join(dir, 'nope.db')), { code: 'CRAWL_STORE_MISSING' });
  const other = join(dir, 'other.db');
  writeFileSync(other, '');
  assert.throws(() => readStats(other), { code: 'CRAWL_STORE_OPEN', message: /other\.db/ });
});
