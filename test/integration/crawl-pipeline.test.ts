/**
 * The pipeline under load and under faults: a 1,000-page generated site crawled completely and
 * exported back, a page that breaks its parse worker, and readers working while the crawl writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { runCrawl } from '../../src/crawl.js';
import { startSiteServer } from '../../src/bench/serve-site.js';
import { exportPages } from '../../src/export/export.js';
import { readStats } from '../../src/export/stats.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';

function collect(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return Object.assign(sink, { text: () => Buffer.concat(chunks).toString('utf8') });
}

test('a 1,000-page site is crawled completely, each page stored once, and exports back whole', async (t) => {
  const site = await startSiteServer({ pages: 1000, pageBytes: 8_000 });
  t.after(() => site.close());
  const config = testConfig(t, [site.url], { fetch: { concurrency: 16, perHost: 16 } });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  assert.equal(summary.pagesStored, 1000);

  const db = new Database(config.dbPath, { readonly: true });
  t.after(() => db.close());
  const distinct = db.prepare('SELECT count(DISTINCT final_url) AS urls, count(*) AS pages FROM pages').get();
  assert.deepEqual(distinct, { urls: 1000, pages: 1000 });
  assert.equal((db.prepare(`SELECT count(*) AS n FROM pages WHERE status = 200 AND title LIKE 'Article %'`).get() as { n: number }).n, 1000);
  assert.equal((db.prepare(`SELECT count(*) AS n FROM urls WHERE state IN ('queued', 'fetching')`).get() as { n: number }).n, 0);
  const offsite = db.prepare(`SELECT count(*) AS n FROM urls WHERE state = 'skipped' AND error_code = 'CRAWL_SCOPE_OUT'`).get() as { n: number };
  assert.ok(offsite.n > 0, 'off-site links are recorded as out of scope');
  const served = await site.stats();
  assert.ok(served.requests <= 1000 + 5, `each page requested about once (${served.requests} requests)`);

  const out = collect();
  const { rows } = await exportPages({ dbPath: config.dbPath, format: 'jsonl', fields: 'final_url,title', with: 'text' }, out);
  assert.equal(rows, 1000);
  const exported = out.text().trim().split('\n').map((l) => JSON.parse(l) as { final_url: string; title: string; text: string });
  assert.equal(new Set(exported.map((e) => e.final_url)).size, 1000);
  const first = exported.find((e) => e.final_url === site.url)!;
  assert.match(first.title, /^Article 0/);
  assert.ok(first.text.length > 1000, 'the visible text comes back decompressed');
});

test('a page that crashes, throws in or hangs its parse worker costs that page only', async (t) => {
  const site = await startSite({
    '/': page('home', ['/throw', '/exit', '/hang', '/ok1', '/ok2']),
    '/throw': page('throws', ['/after-throw'], 'FAULT:THROW'),
    '/exit': page('exits', [], 'FAULT:EXIT'),
    '/hang': page('hangs', [], 'FAULT:HANG'),
    '/ok1': page('fine 1', ['/ok3']),
    '/ok2': page('fine 2'),
    '/ok3': page('fine 3'),
  });
  t.after(() => site.close());
  const workerUrl = new URL('../fixtures/faulty-worker.js', import.meta.url);
  const config = testConfig(t, [site.url('/')], { parse: { workers: 2, workerUrl, taskTimeoutMs: 5_000 } });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');

  const db = new Database(config.dbPath, { readonly: true });
  t.after(() => db.close());
  const rows = db.prepare('SELECT final_url, title, error_code FROM pages ORDER BY final_url').all() as Array<{ final_url: string; title: string | null; error_code: string | null }>;
  const byPath = Object.fromEntries(rows.map((r) => [r.final_url.slice(site.origin.length), r]));
  assert.equal(byPath['/throw']!.error_code, 'CRAWL_PARSE_CRASHED');
  assert.equal(byPath['/exit']!.error_code, 'CRAWL_PARSE_CRASHED');
  assert.equal(byPath['/hang']!.error_code, 'CRAWL_PARSE_TIMEOUT');
  for (const ok of ['/', '/ok1', '/ok2', '/ok3']) {
    assert.equal(byPath[ok]!.error_code, null, ok);
    assert.ok(byPath[ok]!.title, `${ok} was parsed`);
  }
  assert.equal(byPath['/after-throw'], undefined, 'links of a page that failed to parse are not known');
});

test('stats and export read the database while a crawl is writing it', async (t) => {
  const routes: Record<string, string> = {};
  for (let i = 0; i < 80; i++) routes[`/p${i}`] = page(`page ${i}`, [`/p${i + 1}`]);
  const site = await startSite(routes, { delayMs: 15 });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/p0')], { store: { batchSize: 4, flushIntervalMs: 20 } });
  const crawl = runCrawl(config);

  let midStats: ReturnType<typeof readStats> | null = null;
  let midRows = 0;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    try {
      const stats = readStats(config.dbPath);
      if (stats.pages >= 10) {
        midStats = stats;
        const out = collect();
        midRows = (await exportPages({ dbPath: config.dbPath, format: 'csv', fields: 'url,title' }, out)).rows;
        assert.equal(out.text().split('\r\n').filter(Boolean).length, midRows + 1, 'header plus one line per row');
        break;
      }
    } catch (err) {
      // Before the crawl creates its tables the file may not be a crawl database yet.
      if ((err as { code?: string }).code !== 'CRAWL_STORE_MISSING' && (err as { code?: string }).code !== 'CRAWL_STORE_OPEN') throw err;
    }
  }
  const summary = await crawl;
  assert.ok(midStats, 'stats answered during the crawl');
  assert.ok(midStats.pages < 81, `mid-crawl stats saw a partial crawl (${midStats.pages})`);
  assert.ok(midRows >= 10 && midRows < 81, `mid-crawl export saw a partial crawl (${midRows})`);
  assert.equal(midStats.latestRun?.status, 'running');
  assert.equal(midStats.latestRun?.pages, midStats.pages, 'the running run\'s pages so far: its commit writes them with the pages');
  assert.equal(summary.pagesStored, 81, '80 pages and the 404 at the end of the chain');
  assert.equal(readStats(config.dbPath).latestRun?.status, 'done');
});
