/**
 * Recrawl against a server that answers conditional requests: ETag on some pages,
 * Last-Modified on others, one page that ignores validators and resends the same body, pages
 * that change between runs and pages that disappear.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Database from 'better-sqlite3';
import { runCrawl } from '../../src/crawl.js';
import { readStats } from '../../src/export/stats.js';
import { formatSummary } from '../../src/cli/summary.js';
import { searchPages } from '../../src/search/search.js';
import { startSite, page, type Route } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { defaultPolitenessConfig } from '../../src/config/schema.js';

interface Versioned {
  body: string;
  version: number;
  validator: 'etag' | 'last-modified' | 'none';
  gone?: boolean;
}

const LAST_MODIFIED = (v: number): string => new Date(Date.UTC(2024, 0, v)).toUTCString();

function serve(doc: Versioned, conditional: string[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if ((req.headers['if-none-match'] ?? req.headers['if-modified-since']) !== undefined) conditional.push(req.url ?? '');
    if (doc.gone) {
      res.writeHead(410, { 'content-type': 'text/html' }).end('<title>gone</title>');
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
    if (doc.validator === 'etag') headers.etag = `"v${doc.version}"`;
    if (doc.validator === 'last-modified') headers['last-modified'] = LAST_MODIFIED(doc.version);
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const isFresh =
      (doc.validator === 'etag' && inm === headers.etag) ||
      (doc.validator === 'last-modified' && ims !== undefined && Date.parse(ims) >= Date.parse(headers['last-modified']!));
    if (isFresh) {
      res.writeHead(304, { etag: headers.etag ?? '', 'cache-control': 'max-age=60' }).end();
      return;
    }
    res.writeHead(200, headers).end(doc.body);
  };
}

function query<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

test('--recrawl: 304 keeps content and links, changed pages are replaced, gone pages counted; one row per URL', async (t) => {
  const docs: Record<string, Versioned> = {
    '/': { body: page('home', ['/etag-same', '/etag-changes', '/lm-same', '/lm-changes', '/no-validator', '/vanishes']), version: 1, validator: 'etag' },
    '/etag-same': { body: page('etag same', ['/'], '<p>steady aardvark</p>'), version: 1, validator: 'etag' },
    '/etag-changes': { body: page('etag changes', ['/'], '<p>old wombat</p>'), version: 1, validator: 'etag' },
    '/lm-same': { body: page('lm same', ['/']), version: 1, validator: 'last-modified' },
    '/lm-changes': { body: page('lm changes', ['/', '/etag-same']), version: 1, validator: 'last-modified' },
    '/no-validator': { body: page('no validator', ['/']), version: 1, validator: 'none' },
    '/vanishes': { body: page('vanishes', ['/']), version: 1, validator: 'etag' },
  };
  const conditional: string[] = [];
  const routes: Record<string, Route> = Object.fromEntries(Object.entries(docs).map(([path, doc]) => [path, serve(doc, conditional)]));
  const site = await startSite(routes);
  t.after(() => site.close());

  const config = testConfig(t, [site.url('/')]);
  const crawled = await runCrawl(config);
  assert.equal(crawled.status, 'done');
  assert.equal(crawled.recrawl, undefined, 'a crawl that recrawls nothing has no recrawl line');
  assert.equal(conditional.length, 0, 'a first crawl sends no validators');
  const before = query<{ url: string; fetched_at: number; id: number }>(config.dbPath, 'SELECT url, fetched_at, id FROM pages');
  assert.equal(before.length, 7);

  // Between the runs: two pages change, one disappears.
  docs['/etag-changes']!.body = page('etag changed', ['/', '/new-page'], '<p>new quokka</p>');
  docs['/etag-changes']!.version = 2;
  docs['/lm-changes']!.body = page('lm changed', ['/']);
  docs['/lm-changes']!.version = 2;
  docs['/vanishes']!.gone = true;
  routes['/new-page'] = page('brand new');
  await new Promise((r) => setTimeout(r, 5)); // fetched_at is in ms: make "later" observable

  const summary = await runCrawl({ ...config, recrawl: true });
  assert.equal(summary.status, 'done');
  assert.deepEqual(
    [...conditional].sort(),
    ['/', '/etag-changes', '/etag-same', '/lm-changes', '/lm-same', '/vanishes'],
    'every stored page with a validator is asked for conditionally',
  );

  const pages = query<{ url: string; title: string; status: number; recrawl_status: string | null; fetched_at: number }>(
    config.dbPath,
    'SELECT url, title, status, recrawl_status, fetched_at FROM pages ORDER BY url',
  );
  const byPath = new Map(pages.map((p) => [p.url.slice(site.origin.length), p]));
  assert.equal(pages.length, 8, 'one row per URL: seven recrawled and the new page');
  assert.equal(byPath.get('/etag-same')!.recrawl_status, 'unchanged');
  assert.equal(byPath.get('/lm-same')!.recrawl_status, 'unchanged');
  assert.equal(byPath.get('/no-validator')!.recrawl_status, 'unchanged', 'same body resent with 200 is unchanged');
  assert.equal(byPath.get('/etag-changes')!.recrawl_status, 'changed');
  assert.equal(byPath.get('/etag-changes')!.title, 'etag changed');
  assert.equal(byPath.get('/lm-changes')!.recrawl_status, 'changed');
  assert.equal(byPath.get('/vanishes')!.recrawl_status, 'gone');
  assert.equal(byPath.get('/vanishes')!.status, 410);
  assert.equal(byPath.get('/new-page')!.recrawl_status, null, 'a page found by the recrawl is a new page');
  const oldTime = new Map(before.map((p) => [p.url, p.fetched_at]));
  assert.ok(byPath.get('/etag-same')!.fetched_at > oldTime.get(site.url('/etag-same'))!, 'a 304 updates the fetch time');

  // A 304 keeps the stored links; a changed page's links are replaced.
  const linksOf = (path: string) =>
    query<{ to_url: string }>(config.dbPath, 'SELECT to_url FROM link_edges JOIN pages ON pages.id = link_edges.page_id WHERE pages.url = ? ORDER BY to_url', site.url(path)).map((l) => l.to_url.slice(site.origin.length));
  assert.equal(linksOf('/').length, 6);
  assert.deepEqual(linksOf('/etag-changes'), ['/', '/new-page']);
  assert.deepEqual(linksOf('/lm-changes'), ['/']);
  const orphans = query<{ n: number }>(config.dbPath, 'SELECT count(*) AS n FROM links WHERE page_id NOT IN (SELECT id FROM pages)');
  assert.equal(orphans[0]!.n, 0, 'no links left pointing at a replaced row');

  // The search index follows: the old text is gone, the new one found, unchanged pages kept.
  assert.equal(searchPages({ dbPath: config.dbPath, query: 'wombat' }).length, 0);
  assert.deepEqual(searchPages({ dbPath: config.dbPath, query: 'quokka' }).map((h) => h.url), [site.url('/etag-changes')]);
  assert.deepEqual(searchPages({ dbPath: config.dbPath, query: 'aardvark' }).map((h) => h.url), [site.url('/etag-same')]);

  // The run's summary says what the recrawl found, as stats does (QA: "8 pages stored" alone).
  assert.deepEqual(
    { unchanged: summary.recrawl?.unchanged, changed: summary.recrawl?.changed, gone: summary.recrawl?.gone, failed: summary.recrawl?.failed, pending: summary.recrawl?.pending },
    { unchanged: 4, changed: 2, gone: 1, failed: 0, pending: 0 },
  );
  assert.match(formatSummary(summary), /\nrecrawl #1: 4 unchanged, 2 changed, 1 gone, 0 failed\n/);
  const stats = readStats(config.dbPath);
  assert.equal(stats.recrawl?.unchanged, 4, '/, /etag-same, /lm-same, /no-validator');
  assert.equal(stats.recrawl?.changed, 2);
  assert.equal(stats.recrawl?.gone, 1);
  assert.equal(stats.recrawl?.pending, 0);
  assert.notEqual(stats.recrawl?.endedAt, null, 'the recrawl is closed once nothing is left');
  const states = query<{ state: string; n: number }>(config.dbPath, "SELECT state, count(*) AS n FROM urls WHERE state NOT IN ('done', 'skipped') GROUP BY state");
  assert.deepEqual(states, [], 'every URL is back to done');
});

test('an interrupted recrawl is continued by the next run, without requeueing what it already did', async (t) => {
  const conditional: string[] = [];
  const routes: Record<string, ReturnType<typeof serve>> = {};
  const links = Array.from({ length: 12 }, (_, i) => `/p${i}`);
  routes['/'] = serve({ body: page('home', links), version: 1, validator: 'etag' }, conditional);
  for (const l of links) routes[l] = serve({ body: page(`page ${l}`, ['/']), version: 1, validator: 'etag' }, conditional);
  const site = await startSite(routes);
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { fetch: { concurrency: 1, perHost: 1 } });
  await runCrawl(config);

  // A --max-pages stop stands in for Ctrl+C: five of thirteen pages recrawled.
  const first = await runCrawl({ ...config, recrawl: true, maxPages: 5 });
  assert.equal(first.status, 'done');
  let stats = readStats(config.dbPath);
  assert.equal(stats.recrawl?.unchanged, 5);
  assert.equal(stats.recrawl?.pending, 8);
  assert.equal(stats.recrawl?.endedAt, null);
  assert.match(formatSummary(first), /\nrecrawl #1: 5 unchanged, 0 changed, 0 gone, 0 failed, 8 left for the next run\n/);

  // The next run (even without --recrawl) carries on with the same recrawl, and says so.
  const continued = await runCrawl(config);
  assert.equal(continued.recrawl?.unchanged, 13);
  stats = readStats(config.dbPath);
  assert.equal(stats.recrawl?.id, 1);
  assert.equal(stats.recrawl?.unchanged, 13);
  assert.equal(stats.recrawl?.pending, 0);
  assert.notEqual(stats.recrawl?.endedAt, null);
  assert.equal(conditional.length, 13, 'each page asked for exactly once in the recrawl');

  // A new --recrawl starts a second pass; its 304s count as the run's pages.
  const second = await runCrawl({ ...config, recrawl: true });
  assert.equal(second.pagesStored, 13);
  const run = query<{ pages: number }>(config.dbPath, 'SELECT pages FROM runs ORDER BY id DESC LIMIT 1');
  assert.equal(run[0]!.pages, 13);
  stats = readStats(config.dbPath);
  assert.equal(stats.recrawl?.id, 2);
  assert.equal(stats.recrawl?.unchanged, 13);
  assert.equal(query<{ n: number }>(config.dbPath, 'SELECT count(*) AS n FROM pages')[0]!.n, 13);
});

test('a recrawled URL that now redirects: its row is marked gone and becomes the redirect, the target is stored as a new page', async (t) => {
  let isMoved = false;
  const site = await startSite({
    '/': page('home', ['/old', '/missing']),
    '/old': (_req, res) => {
      if (isMoved) res.writeHead(301, { location: '/new' }).end();
      else res.writeHead(200, { 'content-type': 'text/html', etag: '"1"' }).end(page('old'));
    },
    '/new': page('new home of old'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  isMoved = true;
  await runCrawl({ ...config, recrawl: true });
  // /old keeps its row (now the redirect), so the target's row is named by its own URL: no two
  // rows share a url.
  const rows = query<{ url: string; recrawl_status: string | null; title: string | null; status: number; redirects: string | null; content_hash: string | null }>(
    config.dbPath, 'SELECT final_url AS url, recrawl_status, title, status, redirects, content_hash FROM pages ORDER BY id',
  );
  assert.deepEqual(query<{ url: string }>(config.dbPath, 'SELECT url FROM pages WHERE url <> final_url'), [], 'every row named by the URL it was served from');
  assert.equal(query<{ n: number }>(config.dbPath, 'SELECT count(DISTINCT url) AS n FROM pages')[0]!.n, rows.length);
  const byPath = new Map(rows.map((r) => [r.url.slice(site.origin.length), r]));
  // The old row becomes the redirect: its status and hops, nothing left of the old page.
  assert.deepEqual({ ...byPath.get('/old')! }, {
    url: site.url('/old'), recrawl_status: 'gone', title: null, status: 301, redirects: JSON.stringify([{ url: site.url('/old'), status: 301 }]), content_hash: null,
  });
  assert.equal(rows.filter((r) => r.title === 'new home of old').length, 1);
  const old = query<{ state: string; redirect_to: string }>(config.dbPath, 'SELECT state, redirect_to FROM urls WHERE url = ?', site.url('/old'));
  assert.deepEqual(old, [{ state: 'redirected', redirect_to: site.url('/new') }]);
  assert.equal(readStats(config.dbPath).recrawl?.gone, 1);
  assert.equal(byPath.get('/missing')!.recrawl_status, 'unchanged', 'a 404 that is still a 404 is not gone again');
});

test('a recrawl stopped mid-flight (Ctrl+C) requeues what was in flight, and the next run finishes it', async (t) => {
  const conditional: string[] = [];
  const links = Array.from({ length: 20 }, (_, i) => `/p${i}`);
  const routes: Record<string, Route> = { '/': serve({ body: page('home', links), version: 1, validator: 'etag' }, conditional) };
  for (const l of links) routes[l] = serve({ body: page(`page ${l}`), version: 1, validator: 'last-modified' }, conditional);
  const site = await startSite(routes);
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { fetch: { concurrency: 4, perHost: 4 } });
  await runCrawl(config);

  const stop = new AbortController();
  let events = 0;
  const first = await runCrawl({ ...config, recrawl: true }, { signal: stop.signal, onEvent: () => ++events === 5 && stop.abort() });
  assert.equal(first.status, 'interrupted');
  let stats = readStats(config.dbPath);
  assert.ok(stats.recrawl!.pending > 0, 'something was left to do');
  assert.equal(stats.urls.byState.fetching, 0, 'nothing left in flight');

  await runCrawl(config);
  stats = readStats(config.dbPath);
  assert.equal(stats.recrawl?.unchanged, 21);
  assert.equal(stats.recrawl?.pending, 0);
  assert.notEqual(stats.recrawl?.endedAt, null);
  const asked = new Map<string, number>();
  for (const path of conditional) asked.set(path, (asked.get(path) ?? 0) + 1);
  assert.equal(asked.size, 21, 'every page asked for conditionally');
  assert.ok([...asked.values()].every((n) => n <= 2), 'at most twice: once more only if abandoned in flight');
  assert.equal(query<{ n: number }>(config.dbPath, 'SELECT count(*) AS n FROM pages')[0]!.n, 21);
});

test('a recrawl answered 5xx after every retry keeps the stored page, counts it failed, and the next --recrawl updates it', async (t) => {
  let answer: 'ok' | 'down' | 'back' = 'ok';
  let asked = 0;
  const site = await startSite({
    '/': page('home', ['/c9', '/locked']),
    '/c9': (_req, res) => {
      asked += 1;
      if (answer === 'down') res.writeHead(503, { 'content-type': 'text/html' }).end('<title>down</title>');
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page(answer === 'ok' ? 'c9' : 'c9 back', [], answer === 'ok' ? '<p>steady narwhal</p>' : '<p>fresh ibex</p>'));
    },
    // A 403 over a good copy refuses the crawler, not the page: failed too, the copy kept (hostile-web-14).
    '/locked': (_req, res) => {
      if (answer !== 'down') res.writeHead(200, { 'content-type': 'text/html' }).end(page('locked'));
      else res.writeHead(403, { 'content-type': 'text/html' }).end('<title>forbidden</title>');
    },
  });
  t.after(() => site.close());
  const politeness = { ...defaultPolitenessConfig(), retries: 2, retryBaseMs: 10, retryMaxDelayMs: 20 };
  const config = testConfig(t, [site.url('/')], { fetch: { politeness } });
  await runCrawl(config);
  const c9 = () => query<{ status: number; title: string; recrawl_id: number | null }>(config.dbPath, 'SELECT status, title, recrawl_id FROM pages WHERE url = ?', site.url('/c9'))[0];

  answer = 'down';
  asked = 0;
  assert.equal((await runCrawl({ ...config, recrawl: true })).status, 'done');
  assert.equal(asked, 3, 'asked once and retried twice');
  assert.deepEqual(c9(), { status: 200, title: 'c9', recrawl_id: null }, 'the stored page is untouched');
  assert.deepEqual(searchPages({ dbPath: config.dbPath, query: 'narwhal' }).map((h) => h.url), [site.url('/c9')], 'its text is still searchable');
  const url = query<{ state: string; error_code: string; error_message: string }>(config.dbPath, 'SELECT state, error_code, error_message FROM urls WHERE url = ?', site.url('/c9'));
  assert.deepEqual(url, [{ state: 'failed', error_code: 'CRAWL_RECRAWL_UNAVAILABLE', error_message: 'HTTP 503 (after 3 attempts); the stored page is kept' }]);
  let stats = readStats(config.dbPath);
  assert.equal(stats.recrawl?.failed, 2, '/c9, and /locked, now a 403');
  assert.equal(stats.recrawl?.changed, 0);
  assert.equal(stats.recrawl?.unchanged, 1, '/');
  const locked = query<{ status: number; recrawl_status: string | null }>(config.dbPath, 'SELECT status, recrawl_status FROM pages WHERE url = ?', site.url('/locked'));
  assert.deepEqual(locked, [{ status: 200, recrawl_status: null }]);

  answer = 'back';
  await runCrawl({ ...config, recrawl: true });
  assert.deepEqual(c9(), { status: 200, title: 'c9 back', recrawl_id: 2 }, 'the next --recrawl fetches it again and replaces it');
  assert.equal(searchPages({ dbPath: config.dbPath, query: 'narwhal' }).length, 0);
  assert.deepEqual(searchPages({ dbPath: config.dbPath, query: 'ibex' }).map((h) => h.url), [site.url('/c9')]);
  stats = readStats(config.dbPath);
  assert.equal(stats.recrawl?.failed, 0);
  assert.equal(stats.recrawl?.changed, 1);
});

test('a URL that redirected in one recrawl is recrawled by the next: gone again while it redirects, replaced once it serves a page', async (t) => {
  let mode: 'page' | 'moved' | 'back' = 'page';
  const asked: Record<string, number> = {};
  const count = (path: string) => (asked[path] = (asked[path] ?? 0) + 1);
  const site = await startSite({
    '/': page('home', ['/c4']),
    '/c4': (_req, res) => {
      count('/c4');
      if (mode === 'moved') res.writeHead(301, { location: '/c5' }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page(mode === 'page' ? 'c4' : 'c4 back', [], mode === 'page' ? '<p>old marmot</p>' : '<p>new pangolin</p>'));
    },
    '/c5': (_req, res) => {
      count('/c5');
      res.writeHead(200, { 'content-type': 'text/html' }).end(page('c5'));
    },
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  const c4 = () => ({
    url: query<{ state: string; recrawl_id: number | null }>(config.dbPath, 'SELECT state, recrawl_id FROM urls WHERE url = ?', site.url('/c4'))[0],
    page: query<{ title: string | null; recrawl_id: number; recrawl_status: string }>(config.dbPath, 'SELECT title, recrawl_id, recrawl_status FROM pages WHERE url_id = (SELECT id FROM urls WHERE url = ?)', site.url('/c4'))[0],
  });

  mode = 'moved';
  await runCrawl({ ...config, recrawl: true });
  assert.deepEqual(c4(), { url: { state: 'redirected', recrawl_id: 1 }, page: { title: null, recrawl_id: 1, recrawl_status: 'gone' } });
  assert.equal(searchPages({ dbPath: config.dbPath, query: 'marmot' }).length, 0, 'a page that now redirects leaves the index');

  // Still redirecting: asked again, and gone again in this recrawl; /c5 (now a stored page) is not stored twice.
  for (const k of Object.keys(asked)) delete asked[k];
  await runCrawl({ ...config, recrawl: true });
  assert.equal(asked['/c4'], 1);
  assert.ok((asked['/c5'] ?? 0) <= 2, 'at most once through the redirect and once on its own');
  assert.deepEqual(c4(), { url: { state: 'redirected', recrawl_id: 2 }, page: { title: null, recrawl_id: 2, recrawl_status: 'gone' } });
  assert.equal(query<{ n: number }>(config.dbPath, 'SELECT count(*) AS n FROM pages WHERE final_url = ?', site.url('/c5'))[0]!.n, 1);
  assert.equal(readStats(config.dbPath).recrawl?.pending, 0);

  // Serving its own page again: fetched and replaced.
  mode = 'back';
  for (const k of Object.keys(asked)) delete asked[k];
  await runCrawl({ ...config, recrawl: true });
  assert.equal(asked['/c4'], 1);
  assert.deepEqual(c4(), { url: { state: 'done', recrawl_id: 3 }, page: { title: 'c4 back', recrawl_id: 3, recrawl_status: 'changed' } });
  assert.deepEqual(searchPages({ dbPath: config.dbPath, query: 'pangolin' }).map((h) => h.url), [site.url('/c4')]);
  assert.equal(searchPages({ dbPath: config.dbPath, query: 'marmot' }).length, 0);
  const redirectTo = query<{ redirect_to: string | null }>(config.dbPath, 'SELECT redirect_to FROM urls WHERE url = ?', site.url('/c4'));
  assert.deepEqual(redirectTo, [{ redirect_to: null }]);
  const stats = readStats(config.dbPath);
  assert.equal(stats.recrawl?.changed, 1);
  assert.equal(stats.recrawl?.pending, 0);
});

test('a URL that redirected in the first crawl is asked again by --recrawl, and stored once it serves its own page (QA)', async (t) => {
  let isMoved = true;
  const asked: Record<string, number> = {};
  const count = (path: string) => (asked[path] = (asked[path] ?? 0) + 1);
  const site = await startSite({
    '/': page('home', ['/e', '/f']),
    '/e': (_req, res) => {
      count('/e');
      if (isMoved) res.writeHead(301, { location: '/e2' }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page('e itself', [], '<p>original okapi</p>'));
    },
    '/e2': page('e2'),
    // Redirects to a page stored under its own URL, every time.
    '/f': (_req, res) => {
      count('/f');
      res.writeHead(302, { location: '/' }).end();
    },
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  const state = (path: string) => query<{ state: string; redirect_to: string | null }>(config.dbPath, 'SELECT state, redirect_to FROM urls WHERE url = ?', site.url(path))[0];
  assert.deepEqual(state('/e'), { state: 'redirected', redirect_to: site.url('/e2') });

  isMoved = false;
  for (const k of Object.keys(asked)) delete asked[k];
  await runCrawl({ ...config, recrawl: true });
  assert.equal(asked['/e'], 1, 'the first crawl\'s redirect is asked again');
  assert.equal(asked['/f'], 1);
  assert.deepEqual(state('/e'), { state: 'done', redirect_to: null });
  assert.deepEqual(state('/f'), { state: 'redirected', redirect_to: site.url('/') }, 'still redirecting: still the redirect');
  const pages = query<{ url: string; title: string; recrawl_status: string | null }>(config.dbPath, 'SELECT url, title, recrawl_status FROM pages WHERE url IN (?, ?)', site.url('/e'), site.url('/f'));
  assert.deepEqual(pages, [{ url: site.url('/e'), title: 'e itself', recrawl_status: 'changed' }], 'its own page, counted as a change; none for the redirect');
  assert.deepEqual(searchPages({ dbPath: config.dbPath, query: 'okapi' }).map((h) => h.url), [site.url('/e')]);
  const stats = readStats(config.dbPath).recrawl;
  assert.equal(stats?.changed, 1);
  assert.equal(stats?.pending, 0);
});

test('a recrawl tells unchanged from changed on pages whose body is not kept (noindex, a PDF)', async (t) => {
  let version = 1;
  const noindex = () => `<html><head><meta name="robots" content="noindex"><title>hidden</title></head><body>v${version}</body></html>`;
  const site = await startSite({
    '/': page('home', ['/hidden', '/doc.pdf', '/same.pdf']),
    '/hidden': (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(noindex()),
    '/doc.pdf': (_req, res) => void res.writeHead(200, { 'content-type': 'application/pdf' }).end(`%PDF-1.4 v${version}`),
    '/same.pdf': (_req, res) => void res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4 same'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  const statuses = () => Object.fromEntries(query<{ url: string; recrawl_status: string; content_hash: string | null }>(
    config.dbPath, 'SELECT url, recrawl_status, content_hash FROM pages',
  ).map((r) => [r.url.slice(site.origin.length), r.content_hash === null ? r.recrawl_status : `${r.recrawl_status} (kept)`]));

  await runCrawl({ ...config, recrawl: true });
  assert.deepEqual(statuses(), { '/': 'unchanged (kept)', '/hidden': 'unchanged', '/doc.pdf': 'unchanged', '/same.pdf': 'unchanged' });
  version = 2;
  await runCrawl({ ...config, recrawl: true });
  assert.deepEqual(statuses(), { '/': 'unchanged (kept)', '/hidden': 'changed', '/doc.pdf': 'changed', '/same.pdf': 'unchanged' });
});
