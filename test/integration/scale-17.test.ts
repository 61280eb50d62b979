/**
 * Read-side commands on big files (round 17): what they do must not grow with the crawl before
 * the first row comes out. These databases are small; the figures are in docs/ (data.md, performance.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { runCrawl } from '../../src/crawl.js';
import type { ExportOptions } from '../../src/export/export.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { exportBytes } from '../helpers/export.js';

/** Runs `fn` while recording the SQL text of every statement prepared, on any connection. */
async function preparedSql(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const proto = Database.prototype as unknown as { prepare: (sql: string) => unknown };
  const original = proto.prepare;
  proto.prepare = function (this: unknown, sql: string) {
    seen.push(sql);
    return original.call(this, sql);
  };
  try {
    await fn();
  } finally {
    proto.prepare = original;
  }
  return seen;
}

async function collect(opts: ExportOptions): Promise<string> {
  const bytes = await exportBytes(opts);
  // Multi-member gzip (one member a WARC record): gunzipSync reads them all.
  return (opts.format === 'warc' ? gunzipSync(bytes) : bytes).toString('utf8');
}


function plan(dbPath: string, sql: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    // Parameters are only bound, never looked at, by EXPLAIN QUERY PLAN: nulls will do.
    const stmt = db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`);
    const params = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => null);
    return stmt.all(...params).map((r) => r.detail);
  } finally {
    db.close();
  }
}

test('--format links streams edges in (page, target) order without sorting all of them first', async (t) => {
  const paths = ['/', '/a', '/b', '/c'];
  const site = await startSite(Object.fromEntries(paths.map((p) => [p, page(`page ${p}`, [...paths].reverse())])));
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);

  for (const filter of [{}, { status: '2xx' }]) {
    let csv = '';
    const sql = await preparedSql(async () => {
      csv = await collect({ dbPath: config.dbPath, format: 'links', filter });
    });
    const edges = sql.filter((s) => /\blinks l\b/.test(s));
    assert.equal(edges.length, 1, 'one query reads the edges');
    // A temporary b-tree for ORDER BY holds every edge (2.1 M on a 60,000-page crawl) before the
    // first one is written: 3 s before the first byte there, and memory growing with the crawl.
    const steps = plan(config.dbPath, edges[0]!);
    assert.ok(!steps.some((s) => /TEMP B-TREE/.test(s)), `no sort of all the edges: ${steps.join(' | ')}`);
    const lines = csv.trim().split('\n').slice(1);
    assert.equal(lines.length, paths.length * paths.length, 'every page links every page');
    const from = lines.map((l) => l.split(',')[0]);
    const runs = from.filter((f, i) => i === 0 || f !== from[i - 1]);
    assert.equal(runs.length, paths.length, `each page's edges together: ${from.join(' ')}`);
  }
});

test('--since with --until: every format reads the window in id order, not sorting its rows (bodies too) first', async (t) => {
  const paths = ['/', '/a', '/b'];
  const site = await startSite(Object.fromEntries(paths.map((p) => [p, page(`page ${p}`, paths)])));
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { parse: { storeNonHtml: true } });
  await runCrawl(config);
  const filter = { since: '2000-01-01', until: '2100-01-01' };

  for (const opts of [{ format: 'jsonl', with: 'text,html' }, { format: 'warc' }, { format: 'links' }] as const) {
    let out = '';
    const sql = await preparedSql(async () => {
      out = await collect({ dbPath: config.dbPath, ...opts, filter });
    });
    const reads = sql.filter((s) => /\bFROM pages p\b/.test(s) && /fetched_at/.test(s));
    assert.equal(reads.length, 1, `${opts.format}: one query reads the pages`);
    const steps = plan(config.dbPath, reads[0]!);
    assert.ok(!steps.some((s) => /TEMP B-TREE/.test(s)), `${opts.format}: no sort of the window: ${steps.join(' | ')}`);
    for (const p of paths) assert.ok(out.includes(site.url(p)), `${opts.format}: ${p} is in the window`);
  }
  const none = await collect({ dbPath: config.dbPath, format: 'jsonl', filter: { since: '2100-01-01', until: '2100-01-02' } });
  assert.equal(none, '', 'a window with no page gives no rows');
});
