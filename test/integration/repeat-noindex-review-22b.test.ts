/**
 * Review 22b: an endless pagination whose "No results" pages say `<meta name="robots"
 * content="noindex, follow">` (SEO plugins mark empty or paginated archives so) ran on: a noindex
 * page keeps no content, and the writer took only pages with content for copies, so a repeat's
 * links were followed. The repeat rule needs no stored content: such a chain ends as any other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { rawResponse, startRawSite } from '../helpers/raw-site.js';

const html = (body: string): Buffer => rawResponse(['Content-Type: text/html'], Buffer.from(body));

test('an endless pagination of noindex,follow pages stops after --max-repeat-run pages, as one without noindex does', async (t) => {
  const site = await startRawSite(t, (path) => {
    const u = new URL(path, 'http://x');
    if (path === '/') return html('<title>home</title><a href="/search?page=1">search</a> <a href="/list?page=1">list</a>');
    const n = Number(u.searchParams.get('page'));
    const robots = u.pathname === '/search' ? '<meta name="robots" content="noindex, follow">' : '';
    if (u.pathname === '/search' || u.pathname === '/list') {
      return html(`<!doctype html><html><head>${robots}<title>Results, page ${n}</title></head><body><p>No results on page ${n}.</p><a href="?page=${n + 1}">Next</a></body></html>`);
    }
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--max-repeat-run', '5', '--max-pages', '80', '--workers', '1', '--retries', '0']);
  assert.equal(run.code, 0, run.stderr);
  const stored = (prefix: string): number => rows<{ n: number }>(db, 'SELECT count(*) AS n FROM pages WHERE url LIKE ?', `${site.origin}${prefix}%`)[0]!.n;
  const list = stored('/list');
  assert.ok(list >= 6 && list <= 8, `/list pages stored: ${list}`);
  assert.equal(stored('/search'), list, 'the noindex chain ends where the other does');
  const skipped = rows<{ n: number }>(db, "SELECT count(*) AS n FROM urls WHERE url LIKE ? AND error_code = 'CRAWL_TRAP_DUPLICATE_CONTENT'", `${site.origin}/search%`)[0]!.n;
  assert.equal(skipped, 1, 'its next page skipped as a copy');
});
