/**
 * The recrawl, search and export commands as a user runs them, in child processes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { crawlite } from '../helpers/cli.js';

test('crawl, crawl --recrawl, stats, search, export --format links|warc with filters', async (t) => {
  const site = await startSite({
    '/': { headers: { etag: '"home"' }, body: page('Home', ['/a']) },
    '/a': { headers: { etag: '"a"' }, body: page('Walrus facts', ['/'], '<p>The walrus uses its tusks to haul out onto ice.</p>') },
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const common = ['--db', db, '--no-progress', '--workers', '0'];
  assert.equal((await crawlite(['crawl', site.url('/'), ...common])).code, 0);
  const recrawl = await crawlite(['crawl', site.url('/'), '--recrawl', ...common]);
  assert.equal(recrawl.code, 0, recrawl.stderr);

  const stats = await crawlite(['stats', '--db', db]);
  assert.match(stats.stdout, /latest recrawl +#1 ended \S+: 2 unchanged, 0 changed, 0 gone, 0 failed/);
  const json = JSON.parse((await crawlite(['stats', '--db', db, '--json'])).stdout) as { recrawl: { unchanged: number } };
  assert.equal(json.recrawl.unchanged, 2);

  const text = await crawlite(['search', 'walrus tusks', '--db', db]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^1\. Walrus facts\n {3}http:\/\/127\.0\.0\.1:\d+\/a\n {3}.*The walrus uses its tusks/);
  const hits = (await crawlite(['search', 'walrus', '--db', db, '--json', '--limit', '1'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { url: string; rank: number });
  assert.deepEqual(hits.map((h) => [h.rank, h.url]), [[1, site.url('/a')]]);
  assert.equal((await crawlite(['search', 'narwhal', '--db', db])).stdout, 'no matches\n');

  const links = await crawlite(['export', '--db', db, '--format', 'links', '--status', '2xx']);
  assert.equal(links.code, 0, links.stderr);
  assert.equal(links.stdout.split('\r\n')[0], 'from_url,to_url,anchor,in_scope,nofollow');
  assert.equal(links.stdout.trim().split('\r\n').length, 3);

  const warc = join(dirname(db), 'out.warc.gz');
  const exported = await crawlite(['export', '--db', db, '--format', 'warc', '--out', warc, '--content-type', 'text/html', '--since', '2000-01-01']);
  assert.equal(exported.code, 0, exported.stderr);
  assert.deepEqual([...readFileSync(warc).subarray(0, 2)], [0x1f, 0x8b]);

  const bad = await crawlite(['export', '--db', db, '--status', 'ok']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^crawlite: invalid --status 'ok'.* \[CRAWL_USAGE\]\n$/);
});
