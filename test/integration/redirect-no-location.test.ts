/**
 * A 3xx without a Location (or a 300) is no redirect the crawler can follow: a browser, like
 * curl -L, shows its body. crawlite stores it as a page with its status and follows its links
 * as a 200's, since they are the way on; an error page's links stay unfollowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { crawlite } from '../helpers/cli.js';

test('links on a 3xx page without a Location are followed like a 200\'s; an error page\'s are not', async (t) => {
  const site = await startSite({
    '/': page('home', ['/moved', '/choices', '/missing']),
    '/moved': { status: 301, body: page('Moved', ['/new-home']) },
    '/choices': { status: 300, body: page('Pick one', ['/en', '/fr'], '<meta http-equiv="refresh" content="5; url=/refreshed">') },
    '/missing': { status: 404, body: page('Not here', ['/from-404']) },
    '/new-home': page('new home'),
    '/en': page('en'),
    '/fr': page('fr'),
    '/refreshed': page('refreshed'),
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--ignore-robots']);
  assert.equal(run.code, 0, run.stderr);
  const reader = new Database(db, { readonly: true });
  t.after(() => reader.close());
  const rows = reader.prepare(`SELECT replace(u.url, ?, '') AS path, u.state, u.error_code AS code, p.status
    FROM urls u LEFT JOIN pages p ON p.url_id = u.id ORDER BY u.url`).all(site.origin) as Array<{ path: string; state: string; code: string | null; status: number | null }>;
  assert.deepEqual(rows, [
    { path: '/', state: 'done', code: null, status: 200 },
    { path: '/choices', state: 'done', code: null, status: 300 },
    { path: '/en', state: 'done', code: null, status: 200 },
    { path: '/fr', state: 'done', code: null, status: 200 },
    { path: '/from-404', state: 'skipped', code: 'CRAWL_NOT_FOLLOWED', status: null },
    { path: '/missing', state: 'done', code: null, status: 404 },
    { path: '/moved', state: 'done', code: null, status: 301 },
    { path: '/new-home', state: 'done', code: null, status: 200 },
    { path: '/refreshed', state: 'done', code: null, status: 200 },
  ]);
});
