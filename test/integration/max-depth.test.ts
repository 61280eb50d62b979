/**
 * QA report item 2: --max-depth used the depth at which a URL was first found, so a page reached
 * first by a long path stayed deep when a shorter path turned up, and its links fell past the
 * limit. The README defines depth as link distance from a seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page, type Route } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

const FILLERS = 200;

test('a queued URL found again by a shorter path is crawled at the shorter depth, and so are its links', async (t) => {
  // / -> /a, /b; /b -> /c and many fillers; /c -> /x; /a -> /x; /x -> /y. /a answers only once
  // the fillers are under way: by then /c has linked /x at depth 3, and /x waits in the queue
  // behind the fillers (depth 2). /a then links it at depth 2, so /y is at depth 3, within the limit.
  let releaseA!: () => void;
  const fillersUnderWay = new Promise<void>((resolve) => (releaseA = resolve));
  const fillers = Array.from({ length: FILLERS }, (_, i) => `/f${i}`);
  const routes: Record<string, Route> = {
    '/': page('home', ['/a', '/b']),
    '/a': async (_req: IncomingMessage, res: ServerResponse) => {
      await fillersUnderWay;
      res.writeHead(200, { 'content-type': 'text/html' }).end('<title>a</title><a href="/x">x</a>');
    },
    '/b': page('b', ['/c', ...fillers]),
    '/c': page('c', ['/x']),
    '/x': page('x', ['/y']),
    '/y': page('y'),
  };
  for (const [i, path] of fillers.entries()) {
    routes[path] = i === FILLERS / 2
      ? (_req, res) => {
        releaseA();
        res.writeHead(200, { 'content-type': 'text/html' }).end('<title>filler</title>');
      }
      : { body: '<title>filler</title>', delayMs: 5 };
  }
  const site = await startSite(routes);
  t.after(() => site.close());

  const config = testConfig(t, [site.url('/')], { maxDepth: 3, fetch: { concurrency: 2 } });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');

  const byPath = new Map(rows<{ url: string; state: string; depth: number; error_code: string | null }>(
    config.dbPath, 'SELECT url, state, depth, error_code FROM urls',
  ).map((r) => [r.url.slice(site.origin.length), r]));
  const at = (path: string) => ({ state: byPath.get(path)?.state, depth: byPath.get(path)?.depth });
  assert.deepEqual(at('/x'), { state: 'done', depth: 2 }, 'the shorter path /, /a, /x');
  assert.deepEqual(at('/y'), { state: 'done', depth: 3 }, `within --max-depth 3: ${JSON.stringify(byPath.get('/y'))}`);
  assert.equal(site.hits.get('/y'), 1);
  const pageDepth = rows<{ depth: number }>(config.dbPath, 'SELECT depth FROM pages WHERE url = ?', site.url('/x'));
  assert.deepEqual(pageDepth, [{ depth: 2 }]);
});

test('a redirect that lands on a URL in flight at a shorter depth stores the page at that depth, and its links within the limit are crawled (QA)', async (t) => {
  // / -> /a, /docs/; /a -> /docs (301 to /docs/). /docs/ answers its first request (the direct
  // one, depth 1) late, so the redirect's request (from /docs, depth 2) stores the page first.
  // /docs/ -> /docs/intro is then at depth 2, within --max-depth 2, not 3.
  let docsRequests = 0;
  let releaseFirst!: () => void;
  const redirectDone = new Promise<void>((resolve) => (releaseFirst = resolve));
  const site = await startSite({
    '/': page('home', ['/a', '/docs/']),
    '/a': page('a', ['/docs']),
    '/docs': { status: 301, headers: { location: '/docs/' } },
    '/docs/': async (_req: IncomingMessage, res: ServerResponse) => {
      docsRequests += 1;
      if (docsRequests === 1) await Promise.race([redirectDone, new Promise((r) => setTimeout(r, 3_000))]);
      else setTimeout(releaseFirst, 300);
      res.writeHead(200, { 'content-type': 'text/html' }).end(page('docs', ['/docs/intro']));
    },
    '/docs/intro': page('intro'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { maxDepth: 2 });
  assert.equal((await runCrawl(config)).status, 'done');
  assert.equal(docsRequests, 2, 'both paths requested /docs/');
  const pages = rows<{ final_url: string; depth: number }>(config.dbPath, 'SELECT final_url, depth FROM pages ORDER BY depth, final_url')
    .map((r) => `${r.final_url.slice(site.origin.length)}@${r.depth}`);
  assert.deepEqual(pages, ['/@0', '/a@1', '/docs/@1', '/docs/intro@2']);
  assert.deepEqual(rows(config.dbPath, 'SELECT state, depth FROM urls WHERE url = ?', site.url('/docs/intro')), [{ state: 'done', depth: 2 }]);
});
