/**
 * Read side on big files (round 18): `crawlite stats` and `crawlite report` read the pages table
 * once, not once per list, and still count what the rows say. These databases are small; the
 * figures are in docs/performance.md (the read side at 1,000,000 pages).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readStats } from '../../src/export/stats.js';
import { readReport, TOP_VALUES } from '../../src/report/read-report.js';
import { openForWrite } from '../../src/store/db.js';
import { tempDir } from '../helpers/config.js';

const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);

/** Deterministic, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/**
 * 3,000 pages varied where stats and report group: 9 statuses, content types with parameters,
 * upper case, spaces and none, depths 0 to 40 (past the report's single-depth columns), parse
 * errors with different messages, two runs (the second unended), and urls failed and skipped.
 */
function buildVaried(t: TestContext): string {
  const path = join(tempDir(t, 'crawlite-scale18-'), 'crawl.db');
  const db = openForWrite(path);
  const rand = lcg(18);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  db.prepare("INSERT INTO runs (started_at, ended_at, status, options, pages, failures) VALUES (?, ?, 'done', '{}', 1500, 10)").run(T0, T0 + 600_000);
  // As a crawl killed mid-way leaves it: the counts of its last commit.
  db.prepare("INSERT INTO runs (started_at, status, options, pages, failures) VALUES (?, 'running', '{}', 1500, 90)").run(T0 + 3_600_000);
  const addUrl = db.prepare(
    "INSERT INTO urls (url, host, depth, state, error_code, error_message, discovered_at, updated_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const addPage = db.prepare(
    `INSERT INTO pages (url_id, url, final_url, status, content_type, headers, fetched_at, elapsed_ms, depth, raw_bytes, wire_bytes, stored_bytes, error_code, error_message, run_id)
     VALUES (?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
  );
  const types = ['text/html', 'text/html; charset=utf-8', 'TEXT/HTML;charset=ISO-8859-1', ' text/plain ', 'application/pdf', '', 'image/png', 'Application/JSON; q=1'];
  const statuses = [200, 200, 200, 200, 404, 500, 301, 206, 410, 999];
  const pageErrors = [null, null, null, null, null, null, null, null, 'CRAWL_PARSE_FAILED', 'CRAWL_FETCH_ENCODING'] as const;
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) {
      const host = `https://h${i % 7}.test`;
      const url = `${host}/p/${i}`;
      const depth = Math.floor(rand() ** 2 * 41);
      const run = i < 1500 ? 1 : 2;
      const at = run === 1 ? T0 + i * 300 : T0 + 3_600_000 + (i - 1500) * 700;
      const urlId = Number(addUrl.run(url, host, depth, 'done', null, null, at, at, run).lastInsertRowid);
      const code = pick(pageErrors);
      addPage.run(urlId, url, url, pick(statuses), pick(types), at, 5 + (i % 13) * 11, depth, Math.floor(rand() * 90_000), Math.floor(rand() * 40_000), code, code && `${code} on page ${i % 17}`, run);
    }
    for (let i = 0; i < 400; i++) {
      const state = pick(['failed', 'failed', 'skipped', 'queued', 'fetching', 'redirected'] as const);
      const code = state === 'failed' ? pick(['CRAWL_FETCH_TIMEOUT', 'CRAWL_FETCH_DNS', 'CRAWL_FETCH_RESET']) : state === 'skipped' ? pick(['CRAWL_SCOPE_OUT', 'CRAWL_DEPTH_LIMIT']) : null;
      addUrl.run(`https://x.test/u/${i}`, 'https://x.test', 1, state, code, code && `${code} #${i % 5}`, T0, T0, 2);
    }
    const addContent = db.prepare("INSERT INTO contents (hash, codec, html_bytes, text_bytes, data) VALUES (?, 'none', 1, 0, ?)");
    for (let i = 0; i < 50; i++) addContent.run(`h${i}`, Buffer.alloc(100 + i * 37, i));
  })();
  db.close();
  return path;
}

/** Runs `fn` while recording the SQL text of every statement prepared, on any connection. */
function preparedSql<T>(fn: () => T): { result: T; sql: string[] } {
  const sql: string[] = [];
  const proto = Database.prototype as unknown as { prepare: (text: string) => unknown };
  const original = proto.prepare;
  proto.prepare = function (this: unknown, text: string) {
    sql.push(text);
    return original.call(this, text);
  };
  try {
    return { result: fn(), sql };
  } finally {
    proto.prepare = original;
  }
}

/** Full reads of the pages or contents table (not through an index) in the plans of `sqls`. */
function pageTableScans(dbPath: string, sqls: string[]): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    const scans: string[] = [];
    for (const sql of sqls) {
      if (/^\s*(PRAGMA|BEGIN|COMMIT|ROLLBACK)/i.test(sql)) continue;
      const n = (sql.match(/\?/g) ?? []).length;
      const named = [...new Set(sql.match(/@\w+/g) ?? [])].map((p) => p.slice(1));
      const params: unknown[] = named.length > 0 ? [Object.fromEntries(named.map((k) => [k, null]))] : Array.from({ length: n }, () => null);
      const steps = db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...params);
      // "SCAN pages" or "SCAN p": the table's rows one by one; "SCAN pages USING ... INDEX" is not.
      // contents is the biggest table: its bytes come from the contents_bytes index.
      for (const s of steps) if (/^SCAN (pages|p|contents)\b(?! USING (COVERING )?INDEX)/.test(s.detail)) scans.push(`${s.detail} in: ${sql.trim().slice(0, 80)}`);
    }
    return scans;
  } finally {
    db.close();
  }
}

test('stats on varied rows: every count and list agrees with its own SQL count, from one read of the pages table', (t) => {
  const path = buildVaried(t);
  const { result: stats, sql } = preparedSql(() => readStats(path));

  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  const ct = "lower(trim(CASE WHEN instr(content_type, ';') > 0 THEN substr(content_type, 1, instr(content_type, ';') - 1) ELSE content_type END))";
  const totals = db.prepare('SELECT COUNT(*) AS n, SUM(raw_bytes) AS raw, SUM(wire_bytes) AS wire FROM pages').get() as { n: number; raw: number; wire: number };
  assert.equal(stats.pages, 3000);
  assert.equal(stats.pages, totals.n);
  assert.equal(stats.bytes.raw, totals.raw);
  assert.equal(stats.bytes.wire, totals.wire);
  assert.equal(stats.bytes.stored, (db.prepare('SELECT SUM(length(data)) AS n FROM contents NOT INDEXED').get() as { n: number }).n);
  assert.deepEqual(stats.byStatus, db.prepare('SELECT status, COUNT(*) AS count FROM pages GROUP BY status ORDER BY status').all());
  assert.deepEqual(stats.byContentType, db.prepare(`SELECT ${ct} AS contentType, COUNT(*) AS count FROM pages GROUP BY 1 ORDER BY count DESC, contentType`).all());
  assert.deepEqual(stats.byDepth, db.prepare('SELECT depth, COUNT(*) AS count FROM pages GROUP BY depth ORDER BY depth').all());
  assert.deepEqual(
    stats.errors,
    db.prepare(
      `SELECT error_code AS code, 'url' AS source, state, COUNT(*) AS count, MIN(error_message) AS sampleMessage FROM urls WHERE error_code IS NOT NULL GROUP BY 1, 3
       UNION ALL SELECT error_code, 'page', NULL, COUNT(*), MIN(error_message) FROM pages WHERE error_code IS NOT NULL GROUP BY 1
       ORDER BY count DESC, code, source, state`,
    ).all(),
  );
  // And in plain numbers, so the test does not only compare one SQL with another.
  assert.equal(stats.byStatus.reduce((n, r) => n + r.count, 0), 3000);
  assert.equal(stats.byContentType.reduce((n, r) => n + r.count, 0), 3000);
  assert.equal(stats.byDepth.reduce((n, r) => n + r.count, 0), 3000);
  assert.ok(stats.byContentType.some((r) => r.contentType === '') && stats.byContentType.some((r) => r.contentType === 'text/plain'));
  assert.equal(stats.byContentType.find((r) => r.contentType === 'text/html')?.count, (db.prepare("SELECT COUNT(*) AS n FROM pages WHERE content_type LIKE 'text/html%'").get() as { n: number }).n);
  // The unended run lasts to its newest page: 1499 * 700 ms; the first, its 600 s.
  assert.equal(stats.timing.durationMs, 600_000 + 1499 * 700);

  assert.deepEqual(pageTableScans(path, sql).length, 1, `one read of the pages table:\n${pageTableScans(path, sql).join('\n')}`);
});

test('report on varied rows: totals, top values, depth and time columns and failures agree with SQL counts, reading the pages table at most 3 times', (t) => {
  const path = buildVaried(t);
  const { result: r, sql } = preparedSql(() => readReport(path));
  const db = new Database(path, { readonly: true });
  t.after(() => db.close());

  assert.equal(r.stats.pages, 3000);
  const byStatus = db.prepare('SELECT status AS key, COUNT(*) AS count FROM pages GROUP BY status ORDER BY count DESC, key').all() as Array<{ key: number; count: number }>;
  assert.deepEqual(r.byStatus.top, byStatus.slice(0, TOP_VALUES));
  assert.deepEqual(r.byStatus.rest, { values: Math.max(0, byStatus.length - TOP_VALUES), count: byStatus.slice(TOP_VALUES).reduce((n, s) => n + s.count, 0) });
  assert.equal(r.byContentType.top.reduce((n, s) => n + s.count, 0) + r.byContentType.rest.count, 3000);
  assert.equal(r.byDepth.reduce((n, b) => n + b.count, 0), 3000, 'every page in one depth column');
  const deep = db.prepare('SELECT COUNT(*) AS n, MAX(depth) AS deepest FROM pages WHERE depth >= 20').get() as { n: number; deepest: number };
  assert.deepEqual(r.byDepth.find((b) => b.from === 20), { from: 20, to: 49, count: deep.n, deepest: deep.deepest });
  assert.equal(r.overTime.buckets.reduce((n, b) => n + b.pages, 0), 3000, 'every page in one time bucket');
  // The hour between the runs has no page.
  assert.ok(r.overTime.buckets.some((b) => b.pages === 0));
  const failures = db
    .prepare(
      `SELECT code, SUM(n) AS count FROM (
         SELECT error_code AS code, COUNT(*) AS n FROM urls WHERE state = 'failed' AND error_code IS NOT NULL GROUP BY 1
         UNION ALL SELECT error_code, COUNT(*) FROM pages WHERE error_code IS NOT NULL GROUP BY 1) GROUP BY code ORDER BY count DESC, code`,
    )
    .all();
  assert.deepEqual(r.failures.map((f) => ({ code: f.code, count: f.count })), failures);
  const parse = r.failures.find((f) => f.code === 'CRAWL_PARSE_FAILED')!;
  assert.equal(parse.sampleMessage, 'CRAWL_PARSE_FAILED on page 0');
  assert.equal(parse.sampleUrl, (db.prepare("SELECT MIN(url) AS u FROM pages WHERE error_code = 'CRAWL_PARSE_FAILED'").get() as { u: string }).u);

  const scans = pageTableScans(path, sql);
  assert.ok(scans.length <= 3, `the pages table read at most 3 times (the grouped pass, the largest pages, the slowest hosts):\n${scans.join('\n')}`);
});
