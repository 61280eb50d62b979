/**
 * One crawl of a real-shaped site (real-sites.ts, real-sites-20.ts) with crawlite's defaults, and
 * what the sites tests read back: the stored pages as `<status> <path>`, sorted, and the URLs
 * left undone by their state and code.
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { RealSite } from './real-sites.js';
import { tempDbPath } from './config.js';
import { rows } from './db.js';
import { crawlite } from './cli.js';

export interface RealSiteCrawl {
  site: RealSite;
  db: string;
  stored: string[];
  origin: string;
}

export async function crawlRealSite(t: TestContext, start: () => Promise<RealSite>, flags: string[] = []): Promise<RealSiteCrawl> {
  const site = await start();
  t.after(() => site.close());
  const db = tempDbPath(t);
  // The largest sites (1,021 pages on round 20's news site, 510 on the calendar) took 3-13 s
  // here and 51 s on a host loaded 8 times over: the bound is for a hang.
  const run = await crawlite(['crawl', site.seed, '--db', db, '--no-progress', '-q', ...flags], { timeoutMs: 150_000 });
  assert.equal(run.code, 0, run.stderr);
  const origin = `http://127.0.0.1:${site.port}`;
  const stored = rows<{ final_url: string; status: number }>(db, 'SELECT final_url, status FROM pages')
    .map((p) => `${p.status} ${p.final_url.replace(origin, '')}`)
    .sort();
  return { site, db, stored, origin };
}

/** URLs not done nor redirected, counted by `<state> <error code>`. */
export const undoneCodes = (db: string): Record<string, number> =>
  Object.fromEntries(rows<{ c: string; n: number }>(db, "SELECT state || ' ' || coalesce(error_code, '') AS c, count(*) AS n FROM urls WHERE state NOT IN ('done', 'redirected') GROUP BY 1").map((r) => [r.c.trim(), r.n]));
