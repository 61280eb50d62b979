/**
 * A redirect to a page already stored is not followed: `/about` -> `/about/`, `http` -> `https`
 * and tracking parameters are common on real sites, and following them cost a request, a
 * download and a parse for a page the writer then dropped as a duplicate. The rows and counts
 * stay what that duplicate left; only the request is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runCrawl, type CrawlEvent } from '../../src/crawl.js';
import { readStats } from '../../src/export/stats.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { defaultPolitenessConfig } from '../../src/config/schema.js';

interface UrlRow {
  state: string;
  redirect_to: string | null;
}

const urlRow = (dbPath: string, url: string): UrlRow | undefined =>
  rows<UrlRow>(dbPath, 'SELECT state, redirect_to FROM urls WHERE url = ?', url)[0];

const runRow = (dbPath: string, id: number) =>
  rows<{ pages: number; duplicates: number; failures: number }>(dbPath, 'SELECT pages, duplicates, failures FROM runs WHERE id = ?', id)[0];

test('a redirect to a page stored earlier in the crawl is not requested again; the rows are those a duplicate left', async (t) => {
  const site = await startSite({
    '/robots.txt': { status: 404 },
    '/': page('home', ['/a', '/b/']),
    // Slow, so that /b/ is stored before /a's link to /b is found.
    '/a': { body: page('a', ['/b']), delayMs: 500 },
    '/b': { status: 301, headers: { location: '/b/' } },
    '/b/': page('b'),
  });
  t.after(() => site.close());
  const events: CrawlEvent[] = [];
  const config = testConfig(t, [site.url('/')]);
  const summary = await runCrawl(config, { onEvent: (e) => events.push(e) });
  assert.equal(summary.status, 'done');

  assert.equal(site.hits.get('/b'), 1);
  assert.equal(site.hits.get('/b/'), 1, 'the stored /b/ was requested once, on its own');
  assert.deepEqual(urlRow(config.dbPath, site.url('/b')), { state: 'redirected', redirect_to: site.url('/b/') });
  assert.deepEqual(urlRow(config.dbPath, site.url('/b/')), { state: 'done', redirect_to: null });
  assert.deepEqual(rows(config.dbPath, 'SELECT url, title FROM pages WHERE final_url = ?', site.url('/b/')), [{ url: site.url('/b/'), title: 'b' }]);
  assert.equal(rows(config.dbPath, 'SELECT id FROM pages').length, 3);

  // Counted as the duplicate it was before: the summary and the run row agree.
  assert.deepEqual([summary.pagesStored, summary.duplicates, summary.failures], [3, 1, 0]);
  assert.deepEqual(runRow(config.dbPath, summary.runId), { pages: 3, duplicates: 1, failures: 0 });
  const event = events.find((e) => e.url === site.url('/b'));
  assert.deepEqual(event && event.type === 'page' ? [event.finalUrl, event.status, event.bytes] : event, [site.url('/b/'), 301, 0]);
});

test('a later run: a seed redirecting to a page stored by an earlier run does not request it; earlier hops are still followed', async (t) => {
  const site = await startSite({
    '/robots.txt': { status: 404 },
    '/b': { status: 301, headers: { location: '/b/' } },
    '/c': { status: 302, headers: { location: '/d' } },
    '/d': { status: 301, headers: { location: '/b/' } },
    '/b/': page('b'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/b/')]);
  assert.equal((await runCrawl(config)).pagesStored, 1);
  assert.equal(site.hits.get('/b/'), 1);

  const second = await runCrawl({ ...config, seeds: [site.url('/b'), site.url('/c')] });
  assert.equal(second.status, 'done');
  assert.equal(site.hits.get('/b/'), 1, 'not requested by the second run');
  assert.deepEqual([site.hits.get('/b'), site.hits.get('/c'), site.hits.get('/d')], [1, 1, 1], 'the hops before it were');
  assert.deepEqual(urlRow(config.dbPath, site.url('/b')), { state: 'redirected', redirect_to: site.url('/b/') });
  assert.deepEqual(urlRow(config.dbPath, site.url('/c')), { state: 'redirected', redirect_to: site.url('/b/') });
  assert.equal(rows(config.dbPath, 'SELECT id FROM pages').length, 1);
  assert.deepEqual(runRow(config.dbPath, second.runId), { pages: 0, duplicates: 2, failures: 0 });
  assert.equal(second.outcome.answered, 2, 'a redirect to a stored page is an answer, for the exit code');
});

/** /new answers If-None-Match with a 304; the requests it gets are logged with their validator. */
function recrawlSite(opts: { isMoved: () => boolean; oldDelayMs?: number; newDelayMs?: number; asked: string[] }) {
  return {
    '/robots.txt': { status: 404 },
    '/old': async (_req: IncomingMessage, res: ServerResponse) => {
      if (!opts.isMoved()) return void res.writeHead(200, { 'content-type': 'text/html' }).end(page('old'));
      if (opts.oldDelayMs) await new Promise((r) => setTimeout(r, opts.oldDelayMs));
      res.writeHead(301, { location: '/new' }).end();
    },
    '/new': async (req: IncomingMessage, res: ServerResponse) => {
      const isConditional = req.headers['if-none-match'] !== undefined;
      opts.asked.push(isConditional ? 'conditional' : 'plain');
      if (opts.isMoved() && opts.newDelayMs) await new Promise((r) => setTimeout(r, opts.newDelayMs));
      if (req.headers['if-none-match'] === '"1"') return void res.writeHead(304, { etag: '"1"' }).end();
      res.writeHead(200, { 'content-type': 'text/html', etag: '"1"' }).end(page('new'));
    },
  };
}

test('--recrawl: a URL that now redirects to a page already recrawled in this pass does not request it again', async (t) => {
  let isMoved = false;
  const asked: string[] = [];
  // /new before /old in the home page: recrawled first, and /old's 301 comes late.
  const site = await startSite({ '/': page('home', ['/new', '/old']), ...recrawlSite({ isMoved: () => isMoved, oldDelayMs: 500, asked }) });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  isMoved = true;
  asked.length = 0;
  const summary = await runCrawl({ ...config, recrawl: true });
  assert.equal(summary.status, 'done');

  assert.deepEqual(asked, ['conditional'], '/new asked once, by its own recrawl (a 304), not through /old');
  assert.deepEqual(urlRow(config.dbPath, site.url('/old')), { state: 'redirected', redirect_to: site.url('/new') });
  // As when the target was fetched through the redirect: /old's own row is kept, marked gone, and becomes the redirect.
  const old = rows(config.dbPath, 'SELECT title, status, redirects, recrawl_id, recrawl_status FROM pages WHERE url_id = (SELECT id FROM urls WHERE url = ?)', site.url('/old'));
  assert.deepEqual(old, [{ title: null, status: 301, redirects: JSON.stringify([{ url: site.url('/old'), status: 301 }]), recrawl_id: 1, recrawl_status: 'gone' }]);
  const stats = readStats(config.dbPath).recrawl;
  assert.deepEqual([stats?.gone, stats?.unchanged, stats?.pending], [1, 2, 0]);
  assert.equal(runRow(config.dbPath, summary.runId)?.duplicates, 1);
});

test('--recrawl: a redirect to a stored page still due in this pass is followed, not taken for stored', async (t) => {
  let isMoved = false;
  const asked: string[] = [];
  // /old before /new: its 301 arrives while /new, queued by the recrawl, is not recrawled yet.
  const site = await startSite({ '/': page('home', ['/old', '/new']), ...recrawlSite({ isMoved: () => isMoved, newDelayMs: 300, asked }) });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { fetch: { perHost: 1 } });
  await runCrawl(config);
  isMoved = true;
  asked.length = 0;
  const summary = await runCrawl({ ...config, recrawl: true });
  assert.equal(summary.status, 'done');

  // A redirect hop sends no validators, so the plain request is /old's hop.
  assert.ok(asked.includes('plain'), `the hop to /new was requested (${asked.join(', ')})`);
  assert.deepEqual(urlRow(config.dbPath, site.url('/old')), { state: 'redirected', redirect_to: site.url('/new') });
  assert.equal(rows(config.dbPath, 'SELECT id FROM pages WHERE final_url = ?', site.url('/new')).length, 1);
  // The hop's copy met /new's stored row as a duplicate; /new itself is still recrawled in this pass.
  assert.ok(asked.includes('conditional'), `/new recrawled by its own request (${asked.join(', ')})`);
  assert.deepEqual(rows(config.dbPath, 'SELECT recrawl_id FROM pages WHERE final_url = ?', site.url('/new')), [{ recrawl_id: 1 }]);
  assert.equal(readStats(config.dbPath).recrawl?.pending, 0);
});

test('a URL waiting in the claimed window is not requested once another URL\'s redirect has stored its page', async (t) => {
  const site = await startSite({
    '/robots.txt': { status: 404 },
    // /r and /docs/ are claimed together; with one request at a time /r goes first, and its hop
    // fetches /docs/ (claimed, not stored yet) and stores it.
    '/': page('home', ['/r', '/docs/']),
    '/r': { status: 302, headers: { location: '/docs/' } },
    '/docs/': page('docs'),
  });
  t.after(() => site.close());
  const events: CrawlEvent[] = [];
  const config = testConfig(t, [site.url('/')], { fetch: { concurrency: 1, perHost: 1 } });
  const summary = await runCrawl(config, { onEvent: (e) => events.push(e) });
  assert.equal(summary.status, 'done');

  assert.equal(site.hits.get('/r'), 1);
  assert.equal(site.hits.get('/docs/'), 1, 'requested once, through the hop');
  assert.deepEqual(urlRow(config.dbPath, site.url('/r')), { state: 'redirected', redirect_to: site.url('/docs/') });
  assert.deepEqual(urlRow(config.dbPath, site.url('/docs/')), { state: 'done', redirect_to: null });
  assert.deepEqual([summary.pagesStored, summary.duplicates, summary.failures], [2, 0, 0]);
  assert.deepEqual(runRow(config.dbPath, summary.runId), { pages: 2, duplicates: 0, failures: 0 });
  assert.equal(rows(config.dbPath, "SELECT id FROM urls WHERE state NOT IN ('done', 'redirected')").length, 0, 'nothing left queued or fetching');
});

test('a claimed URL whose page a redirect fetched as a 503 (to be retried) is not lost: it is fetched on its own', async (t) => {
  let docsTries = 0;
  let rTries = 0;
  const site = await startSite({
    '/robots.txt': { status: 404 },
    '/': page('home', ['/r', '/docs/']),
    // Redirects once, then is a page of its own: only /docs/'s own claim can store /docs/.
    '/r': (_req: IncomingMessage, res: ServerResponse) => {
      rTries += 1;
      if (rTries === 1) res.writeHead(302, { location: '/docs/' }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page('r'));
    },
    '/docs/': (_req: IncomingMessage, res: ServerResponse) => {
      docsTries += 1;
      if (docsTries === 1) res.writeHead(503, { 'retry-after': '0' }).end('busy');
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page('docs'));
    },
  });
  t.after(() => site.close());
  const politeness = { ...defaultPolitenessConfig(), retryBaseMs: 20, retryMaxDelayMs: 50 };
  const config = testConfig(t, [site.url('/')], { fetch: { concurrency: 1, perHost: 1, politeness } });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  const path = (url: string) => url.slice(site.origin.length);
  assert.deepEqual(rows<{ url: string; state: string }>(config.dbPath, 'SELECT url, state FROM urls ORDER BY url').map((r) => [path(r.url), r.state]), [
    ['/', 'done'], ['/docs/', 'done'], ['/r', 'done'],
  ]);
  assert.deepEqual(rows<{ url: string; status: number }>(config.dbPath, 'SELECT url, status FROM pages ORDER BY url').map((r) => [path(r.url), r.status]), [
    ['/', 200], ['/docs/', 200], ['/r', 200],
  ]);
});
