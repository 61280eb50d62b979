/**
 * A crawl database as an endless /deep/N chain leaves it when crawled without --max-depth: one
 * page per depth, written row by row as the writer would, without serving a site 100,000 times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { openForWrite } from '../../src/store/db.js';

export interface DeepCrawl {
  /** Distinct depths: pages at depths 0 to depths - 1, one each. */
  depths: number;
  /** A distinct status code for each of the first pages (100, 101, ...), at most 900. */
  statuses?: number;
  /** A distinct content type for each of the first pages. */
  contentTypes?: number;
}

export function buildDeepCrawl(t: TestContext, o: DeepCrawl): string {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-deep-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'crawl.db');
  const db = openForWrite(path);
  const t0 = Date.UTC(2024, 4, 1, 12, 0, 0);
  db.prepare("INSERT INTO runs (started_at, ended_at, status, options, pages, failures) VALUES (?, ?, 'done', '{}', ?, 0)").run(t0, t0 + o.depths * 10, o.depths);
  const addUrl = db.prepare("INSERT INTO urls (url, host, depth, state, discovered_at, updated_at, run_id) VALUES (?, 'https://deep.test', ?, 'done', ?, ?, 1)");
  const addPage = db.prepare(
    `INSERT INTO pages (url_id, url, final_url, status, content_type, headers, fetched_at, elapsed_ms, depth, raw_bytes, wire_bytes, stored_bytes, run_id)
     VALUES (?, ?, ?, ?, ?, '{}', ?, 5, ?, 100, 100, 0, 1)`,
  );
  db.transaction(() => {
    for (let depth = 0; depth < o.depths; depth++) {
      const url = `https://deep.test/deep/${depth}`;
      const at = t0 + depth * 10;
      const urlId = Number(addUrl.run(url, depth, at, at).lastInsertRowid);
      const status = depth < Math.min(o.statuses ?? 0, 900) ? 100 + depth : 200;
      const type = depth < (o.contentTypes ?? 0) ? `application/x-type-${depth}` : 'text/html; charset=utf-8';
      addPage.run(urlId, url, url, status, type, at, depth);
    }
  })();
  db.close();
  return path;
}
