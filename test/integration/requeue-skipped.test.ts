/**
 * QA report (stranded frontier): a run with a tighter --max-depth or --include/--exclude marked
 * URLs skipped; the pages linking to them were already fetched, so a later run without the limit
 * on the same --db found nothing to do (0 pages stored, exit 0) and never reached them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { crawlite } from '../helpers/cli.js';
import { startSite, page } from '../helpers/site.js';

const ROUTES = {
  '/': page('home', ['/a']),
  '/a': page('a', ['/b']),
  '/b': page('b', ['/c']),
  '/c': page('c'),
};

function storedPaths(db: string): string[] {
  const reader = new Database(db, { readonly: true });
  try {
    return (reader.prepare('SELECT url FROM pages ORDER BY url').pluck().all() as string[]).map((u) => new URL(u).pathname);
  } finally {
    reader.close();
  }
}

async function setup(t: import('node:test').TestContext) {
  const site = await startSite(ROUTES);
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-requeue-'));
  t.after(async () => {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const db = join(dir, 'c.db');
  const crawl = async (...extra: string[]) => {
    const run = await crawlite(['crawl', site.url('/'), '--db', db, '-q', '--workers', '0', ...extra]);
    assert.equal(run.code, 0, run.stderr);
  };
  return { db, crawl };
}

test('a resume with --max-depth 0 skips the queue; the next run without a limit fetches it', async (t) => {
  const { db, crawl } = await setup(t);
  await crawl('--max-pages', '1');
  assert.deepEqual(storedPaths(db), ['/']);
  await crawl('--max-depth', '0');
  assert.deepEqual(storedPaths(db), ['/'], '/a is skipped as too deep');
  await crawl();
  assert.deepEqual(storedPaths(db), ['/', '/a', '/b', '/c']);
});

test('URLs skipped as too deep are queued again only within the later run\'s own --max-depth', async (t) => {
  const { db, crawl } = await setup(t);
  await crawl('--max-depth', '1');
  assert.deepEqual(storedPaths(db), ['/', '/a']);
  await crawl('--max-depth', '1');
  assert.deepEqual(storedPaths(db), ['/', '/a'], 'the same limit fetches nothing more');
  await crawl('--max-depth', '2');
  assert.deepEqual(storedPaths(db), ['/', '/a', '/b']);
  await crawl();
  assert.deepEqual(storedPaths(db), ['/', '/a', '/b', '/c']);
});

test('URLs skipped by --exclude are queued again by a later run that does not exclude them', async (t) => {
  const { db, crawl } = await setup(t);
  await crawl('--exclude', '/a$');
  assert.deepEqual(storedPaths(db), ['/']);
  await crawl('--exclude', '/a$');
  assert.deepEqual(storedPaths(db), ['/'], 'still excluded');
  await crawl();
  assert.deepEqual(storedPaths(db), ['/', '/a', '/b', '/c']);
});

test('--recrawl with a tighter --max-depth or --exclude leaves the stored pages it excludes as they were; a later run does not fetch them as new (QA)', async (t) => {
  const site = await startSite(ROUTES);
  t.after(() => site.close());
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-recrawl-limits-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'crawl.db');
  const states = () => {
    const reader = new Database(db, { readonly: true });
    try {
      return Object.fromEntries((reader.prepare('SELECT url, state FROM urls ORDER BY id').all() as Array<{ url: string; state: string }>).map((r) => [new URL(r.url).pathname, r.state]));
    } finally {
      reader.close();
    }
  };
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '-q'])).code, 0);
  assert.deepEqual(storedPaths(db), ['/', '/a', '/b', '/c']);
  const before = new Map(site.hits);

  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '-q', '--recrawl', '--max-depth', '1', '--exclude', '/b$'])).code, 0);
  // /b (excluded) and /c (too deep) were not asked again, and are still the stored pages they were.
  for (const path of ['/b', '/c']) assert.equal(site.hits.get(path), before.get(path), path);
  assert.deepEqual(states(), { '/': 'done', '/a': 'done', '/b': 'done', '/c': 'done' });

  // A later run without the limits has nothing new to fetch; it neither refetches them nor counts duplicates.
  const hits = new Map(site.hits);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--log-format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual([...site.hits], [...hits], 'no request');
  const reader = new Database(db, { readonly: true });
  t.after(() => reader.close());
  assert.deepEqual(reader.prepare('SELECT status, pages, duplicates FROM runs ORDER BY id DESC LIMIT 1').get(), { status: 'done', pages: 0, duplicates: 0 });
});

test('a run with a seed on another host finishes the first host\'s queue; running the first host again crawls the links that run found out of its scope (QA)', async (t) => {
  const site = await startSite({
    '/': page('home', ['/a', '/b']),
    '/a': page('a', ['/c']),
    '/b': page('b', ['/d', 'http://external.invalid/x']),
    '/c': page('c', ['/e']),
    '/d': page('d'),
    '/e': page('e'),
    '/other': page('other'),
  });
  t.after(() => site.close());
  const port = new URL(site.origin).port;
  const first = (path: string) => `http://127.0.0.1:${port}${path}`;
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-scope-out-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'crawl.db');
  const crawlOk = async (args: string[]) => assert.equal((await crawlite(['crawl', ...args, '--db', db, '-q', '--workers', '0'])).code, 0);

  await crawlOk([first('/'), '--max-pages', '1']);
  // Another host (localhost, on the same server): /a and /b, queued by the first run, are fetched;
  // their links are outside this run's scope.
  await crawlOk([`http://localhost:${port}/other`]);
  assert.deepEqual(storedPaths(db), ['/', '/a', '/b', '/other']);

  await crawlOk([first('/')]);
  assert.deepEqual(storedPaths(db), ['/', '/a', '/b', '/c', '/d', '/e', '/other']);
  const reader = new Database(db, { readonly: true });
  t.after(() => reader.close());
  assert.deepEqual(reader.prepare(`SELECT state, error_code FROM urls WHERE url = 'http://external.invalid/x'`).get(), { state: 'skipped', error_code: 'CRAWL_SCOPE_OUT' }, 'still out of scope');
});
