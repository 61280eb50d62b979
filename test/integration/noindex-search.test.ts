/**
 * What `crawlite search` and `crawlite export` show of pages the site asked not to index, and of
 * a recrawled page that now redirects: crawled from a real local site and read through the CLI.
 */
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { crawlite } from '../helpers/cli.js';
import { rows } from '../helpers/db.js';

async function crawl(db: string, seed: string, ...flags: string[]): Promise<void> {
  const run = await crawlite(['crawl', seed, '--db', db, '--no-progress', '--retries', '0', ...flags]);
  assert.equal(run.code, 0, run.stderr);
}

/** The paths `crawlite search` returns for `query`. */
async function searchPaths(db: string, query: string): Promise<string[]> {
  const run = await crawlite(['search', query, '--db', db, '--json']);
  assert.equal(run.code, 0, `${query}: ${run.stderr}`);
  return run.stdout.split('\n').filter((l) => l !== '').map((l) => new URL((JSON.parse(l) as { url: string }).url).pathname).sort();
}

/** `crawlite export` rows (JSON lines) with `flags`. */
async function exported(db: string, ...flags: string[]): Promise<Array<Record<string, unknown>>> {
  const run = await crawlite(['export', '--db', db, '--format', 'jsonl', ...flags]);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('noindex (meta robots noindex, X-Robots-Tag none): the row is kept, nothing of the page is searchable, its title neither, nor archived', async (t) => {
  const gzipped = (body: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipSync(body));
  };
  const site = await startSite({
    '/': page('Home', ['/meta', '/header', '/open', '/zipped-noindex', '/zipped']),
    '/zipped-noindex': gzipped(page('Zipped hidden', [], '<meta name="robots" content="noindex"><p>wombatzip words</p>')),
    '/zipped': gzipped(page('Zipped open', [], '<p>wombatzipopen</p>')),
    '/meta': page('Quokka title', [], '<meta name="robots" content="noindex"><p>wombatmeta words</p>'),
    '/header': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'x-robots-tag': 'none' }).end(page('Numbat title', [], '<p>wombatheader words</p>'));
    },
    '/open': page('Open page', [], '<p>wombatopen words</p>'),
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  await crawl(db, site.url('/'), '--archive');

  assert.deepEqual(await searchPaths(db, 'wombatmeta'), []);
  assert.deepEqual(await searchPaths(db, 'wombatzip'), []);
  assert.deepEqual(await searchPaths(db, 'wombatzipopen'), ['/zipped']);
  // --archive keeps the body as received; not a noindex page's, whose content is not kept.
  const archived = rows<{ url: string }>(db, 'SELECT p.final_url AS url FROM archive a JOIN pages p ON p.id = a.page_id');
  assert.deepEqual(archived.map((r) => new URL(r.url).pathname), ['/zipped']);
  assert.deepEqual(await searchPaths(db, 'wombatheader'), []);
  assert.deepEqual(await searchPaths(db, 'quokka'), [], 'a noindex page is not found by its title either');
  assert.deepEqual(await searchPaths(db, 'numbat'), []);
  assert.deepEqual(await searchPaths(db, 'words'), ['/open'], 'an indexable page on the same site still is');
  // The row stays, as the README says: status, robots, title; no content.
  const kept = rows<{ path: string; status: number; robots: string; title: string; content_hash: string | null }>(
    db, "SELECT substr(final_url, instr(substr(final_url, 8), '/') + 7) AS path, status, robots, title, content_hash FROM pages WHERE robots IS NOT NULL ORDER BY path",
  );
  assert.deepEqual(kept, [
    { path: '/header', status: 200, robots: 'noindex,nofollow', title: 'Numbat title', content_hash: null },
    { path: '/meta', status: 200, robots: 'noindex', title: 'Quokka title', content_hash: null },
    { path: '/zipped-noindex', status: 200, robots: 'noindex', title: 'Zipped hidden', content_hash: null },
  ]);

  // A file crawled by an earlier version, whose index holds a noindex page's words: the next crawl
  // on it takes them out (once; a meta key records it).
  const old = new Database(db);
  const metaId = (old.prepare('SELECT id FROM pages WHERE final_url = ?').get(site.url('/meta')) as { id: number }).id;
  old.prepare('INSERT INTO page_words (rowid, words) VALUES (?, ?)').run(metaId, 'quokka title wombatmeta words');
  old.prepare('INSERT INTO page_titles (rowid, title) VALUES (?, ?)').run(metaId, 'Quokka title');
  old.prepare("DELETE FROM meta WHERE key = 'noindex_unindexed'").run();
  old.close();
  assert.deepEqual(await searchPaths(db, 'wombatmeta'), ['/meta'], 'the older file as it was');
  await crawl(db, site.url('/'));
  assert.deepEqual(await searchPaths(db, 'wombatmeta'), []);
  assert.deepEqual(await searchPaths(db, 'quokka'), []);
  assert.deepEqual(await searchPaths(db, 'words'), ['/open']);
});

test('--recrawl: a page turned noindex leaves the search index; one that now redirects takes the redirect and leaves search and 2xx exports', async (t) => {
  let version = 1;
  const site = await startSite({
    '/': page('Home', ['/b', '/c']),
    '/b': (_req, res) => {
      const robots = version === 2 ? '<meta name="robots" content="noindex">' : '';
      res.writeHead(200, { 'content-type': 'text/html' }).end(page('B', [], `${robots}<p>betaword</p>`));
    },
    '/c': (_req, res) => {
      if (version === 2) res.writeHead(301, { location: '/c-moved' }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page('Gamma title', ['/c-link'], '<p>gammaword</p>'));
    },
    '/c-link': page('linked from c'),
    '/c-moved': page('Moved here', [], '<p>deltaword</p>'),
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  await crawl(db, site.url('/'));
  assert.deepEqual(await searchPaths(db, 'betaword'), ['/b']);
  assert.deepEqual(await searchPaths(db, 'gammaword'), ['/c']);

  version = 2;
  await crawl(db, site.url('/'), '--recrawl');
  assert.deepEqual(await searchPaths(db, 'betaword'), [], 'turned noindex: out of the index');
  assert.deepEqual(await searchPaths(db, 'gammaword'), [], 'now a redirect: out of the index');
  assert.deepEqual(await searchPaths(db, 'gamma'), [], 'its old title neither');
  // The redirect's target, new to the crawl, is crawled and searchable.
  assert.deepEqual(await searchPaths(db, 'deltaword'), ['/c-moved']);

  const all = await exported(db, '--fields', 'url,final_url,status,title,redirects');
  // pages.url is the URL requested (the target, new, was reached through /c); final_url tells them apart.
  const byFinal = new Map(all.map((r) => [r.final_url, r]));
  // A fresh crawl has /c 'redirected' to its target; its recrawled row, kept to count it gone, is the redirect.
  assert.deepEqual({ ...byFinal.get(site.url('/c')) }, {
    url: site.url('/c'), final_url: site.url('/c'), status: 301, title: null, redirects: [{ url: site.url('/c'), status: 301 }],
  });
  assert.equal(byFinal.get(site.url('/c-moved'))?.title, 'Moved here');
  const twoxx = await exported(db, '--status', '2xx', '--fields', 'final_url');
  assert.ok(!twoxx.some((r) => r.final_url === site.url('/c')), 'the old 200 of /c is not listed under 2xx');
  assert.ok(twoxx.some((r) => r.final_url === site.url('/c-moved')));
  const cRow = rows<{ id: number; content_hash: string | null; recrawl_status: string }>(db, 'SELECT id, content_hash, recrawl_status FROM pages WHERE url_id = (SELECT id FROM urls WHERE url = ?)', site.url('/c'))[0]!;
  assert.equal(cRow.content_hash, null);
  assert.equal(cRow.recrawl_status, 'gone');
  assert.deepEqual(rows(db, 'SELECT to_url_id FROM links WHERE page_id = ?', cRow.id), [], 'the old page\'s links go with it');
  assert.deepEqual(rows(db, 'SELECT state, redirect_to FROM urls WHERE url = ?', site.url('/c')), [{ state: 'redirected', redirect_to: site.url('/c-moved') }]);
  assert.equal(byFinal.get(site.url('/b'))?.title, 'B', 'a noindex page keeps its title in its row');
});
