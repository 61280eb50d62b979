/**
 * Recrawls of URLs whose answer involves a redirect, where the recrawl cannot simply store a
 * page: a URL that redirected in the first crawl (it has no page of its own) and now answers 5xx,
 * and a stored page that now redirects somewhere the crawl does not go (QA).
 */
import { test } from 'node:test';
import type { IncomingMessage, ServerResponse } from 'node:http';
import assert from 'node:assert/strict';
import { runCrawl } from '../../src/crawl.js';
import { readStats } from '../../src/export/stats.js';
import { searchPages } from '../../src/search/search.js';
import { defaultPolitenessConfig } from '../../src/config/schema.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

const quickRetries = { ...defaultPolitenessConfig(), retries: 1, retryBaseMs: 10, retryMaxDelayMs: 20 };

/**
 * A site whose seed, http://localhost:<port>/, answers as `root` says (it first redirects to the
 * same server's /home as 127.0.0.1, another host, which widens the scope); /a links /new once the
 * seed stops redirecting. The first crawl is run.
 */
async function crawledRedirectingSeed(
  t: import('node:test').TestContext,
  root: (req: IncomingMessage, res: ServerResponse, home: string) => void,
  isRedirecting: () => boolean,
) {
  let port = 0;
  const site = await startSite({
    '/': (req, res) => root(req, res, `http://127.0.0.1:${port}/home`),
    '/home': page('home', ['/a']),
    '/a': (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(page('a', isRedirecting() ? [] : ['/new'])),
    '/new': page('new'),
  });
  t.after(() => site.close());
  port = Number(new URL(site.origin).port);
  const seed = `http://localhost:${port}/`;
  const target = (path: string) => `http://127.0.0.1:${port}${path}`;
  const config = testConfig(t, [seed], { fetch: { politeness: quickRetries } });
  await runCrawl(config);
  return { seed, target, config };
}

test('a seed that redirected in the first crawl and answers 5xx in a recrawl keeps its redirect (and the scope it widened); the next --recrawl asks again', async (t) => {
  let answer: 'redirect' | 'down' | 'page' = 'redirect';
  const { seed, target, config } = await crawledRedirectingSeed(t, (_req, res, home) => {
    if (answer === 'redirect') res.writeHead(301, { location: home }).end();
    else if (answer === 'down') res.writeHead(503, { 'content-type': 'text/html' }).end('<title>down</title>');
    else res.writeHead(200, { 'content-type': 'text/html' }).end(page('seed itself'));
  }, () => answer === 'redirect');
  const seedRow = () => rows<{ state: string; error_code: string | null; error_message: string | null; redirect_to: string | null }>(
    config.dbPath, 'SELECT state, error_code, error_message, redirect_to FROM urls WHERE url = ?', seed,
  )[0];
  assert.deepEqual(seedRow(), { state: 'redirected', error_code: null, error_message: null, redirect_to: target('/home') });

  answer = 'down';
  await runCrawl({ ...config, recrawl: true });
  // It has no page, so no stored page can be kept: the message says what is kept instead.
  assert.deepEqual(seedRow(), {
    state: 'failed', error_code: 'CRAWL_RECRAWL_UNAVAILABLE', redirect_to: target('/home'),
    error_message: `HTTP 503 (after 2 attempts); it redirected to ${target('/home')} when last fetched, which stays recorded`,
  });
  assert.equal(readStats(config.dbPath).recrawl?.failed, 1);
  // A later run (no --recrawl) still has the widened scope: /new, first linked from /a in the
  // recrawl, is on the target's host.
  assert.deepEqual(rows(config.dbPath, 'SELECT state FROM urls WHERE url = ?', target('/new')), [{ state: 'done' }]);
  await runCrawl(config);
  assert.deepEqual(readStats(config.dbPath).urls.byState.skipped, 0, 'nothing judged out of scope');
  // --retry-failed leaves it to the next --recrawl, which asks it again.
  const retried = await runCrawl({ ...config, retryFailed: true });
  assert.equal(retried.retriedFailed, 0);
  answer = 'page';
  await runCrawl({ ...config, recrawl: true });
  assert.deepEqual(seedRow(), { state: 'done', error_code: null, error_message: null, redirect_to: null });
  assert.deepEqual(rows(config.dbPath, 'SELECT title, recrawl_status FROM pages WHERE url = ?', seed), [{ title: 'seed itself', recrawl_status: 'changed' }]);
});

test('a seed that redirected in the first crawl and gets no answer in a recrawl (connection reset) keeps its redirect too (QA)', async (t) => {
  let answer: 'redirect' | 'reset' = 'redirect';
  const { seed, target, config } = await crawledRedirectingSeed(t, (req, res, home) => {
    if (answer === 'reset') req.socket.destroy();
    else res.writeHead(301, { location: home }).end();
  }, () => answer === 'redirect');

  answer = 'reset';
  const summary = await runCrawl({ ...config, recrawl: true });
  assert.equal(summary.errorsByCode.CRAWL_FETCH_RESET, 1, 'the summary counts the real cause');
  const [row] = rows<{ state: string; error_code: string; error_message: string; redirect_to: string }>(
    config.dbPath, 'SELECT state, error_code, error_message, redirect_to FROM urls WHERE url = ?', seed,
  );
  assert.deepEqual({ ...row, error_message: undefined }, { state: 'failed', error_code: 'CRAWL_RECRAWL_UNAVAILABLE', redirect_to: target('/home'), error_message: undefined });
  assert.match(row!.error_message, new RegExp(`^CRAWL_FETCH_RESET: .*\\(after 2 attempts\\); it redirected to ${target('/home').replace(/\./g, '\\.')} when last fetched, which stays recorded$`));
  // The next run keeps the widened scope, and --retry-failed leaves the seed to the next --recrawl.
  assert.equal((await runCrawl({ ...config, retryFailed: true })).retriedFailed, 0);
  assert.deepEqual(rows(config.dbPath, 'SELECT state FROM urls WHERE url = ?', target('/new')), [{ state: 'done' }]);
  assert.equal(readStats(config.dbPath).urls.byState.skipped, 0, 'nothing judged out of scope');
  answer = 'redirect';
  await runCrawl({ ...config, recrawl: true });
  assert.deepEqual(rows(config.dbPath, 'SELECT state, error_code FROM urls WHERE url = ?', seed), [{ state: 'redirected', error_code: null }]);
});

test('a stored page that now redirects out of scope stops being that page: its row becomes the redirect, marked gone', async (t) => {
  let isMoved = false;
  const site = await startSite({
    '/': page('home', ['/old', '/kept']),
    '/old': (_req, res) => {
      if (isMoved) res.writeHead(301, { location: 'http://elsewhere.invalid/old' }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page('old', ['/kept'], '<p>vanishing quokka</p>'));
    },
    '/kept': page('kept'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  assert.equal(searchPages({ dbPath: config.dbPath, query: 'quokka' }).length, 1);

  isMoved = true;
  await runCrawl({ ...config, recrawl: true });
  // Recorded as a fresh crawl records such a redirect...
  assert.deepEqual(rows(config.dbPath, 'SELECT state, error_code, redirect_to FROM urls WHERE url = ?', site.url('/old')), [
    { state: 'failed', error_code: 'CRAWL_REDIRECT_OUT_OF_SCOPE', redirect_to: 'http://elsewhere.invalid/old' },
  ]);
  // ...and nothing of the old page is served as current: the row is the redirect, as for an in-scope one.
  assert.deepEqual(rows(config.dbPath, 'SELECT status, title, content_hash, redirects, recrawl_status FROM pages WHERE url = ?', site.url('/old')), [
    { status: 301, title: null, content_hash: null, redirects: JSON.stringify([{ url: site.url('/old'), status: 301 }]), recrawl_status: 'gone' },
  ]);
  assert.equal(searchPages({ dbPath: config.dbPath, query: 'quokka' }).length, 0, 'out of the search index');
  assert.deepEqual(rows(config.dbPath, 'SELECT count(*) AS n FROM links WHERE page_id = (SELECT id FROM pages WHERE url = ?)', site.url('/old')), [{ n: 0 }]);
  const stats = readStats(config.dbPath).recrawl;
  assert.deepEqual({ gone: stats?.gone, failed: stats?.failed, unchanged: stats?.unchanged }, { gone: 1, failed: 0, unchanged: 2 }, 'counted once, as gone');

  // Back to serving a page: the next --recrawl replaces the row.
  isMoved = false;
  await runCrawl({ ...config, recrawl: true });
  assert.deepEqual(rows(config.dbPath, 'SELECT status, title FROM pages WHERE url = ?', site.url('/old')), [{ status: 200, title: 'old' }]);
  assert.equal(searchPages({ dbPath: config.dbPath, query: 'quokka' }).length, 1);
});
