/**
 * robots.txt, per-host delays, cool-downs and retries, end to end: the real pipeline against
 * servers on 127.0.0.1 that count every request.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { runCrawl } from '../../src/crawl.js';
import { defaultPolitenessConfig, type PolitenessConfig } from '../../src/config/schema.js';
import { startSite, page, type Route } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { closedPort } from '../helpers/ports.js';
import type { CrawlDelayNotice } from '../../src/types.js';
import { logRequests, minGap, type LoggedRequest } from '../helpers/request-log.js';

/** Test-sized retry clock: retries in tens of milliseconds. */
function fast(o: Partial<PolitenessConfig> = {}): PolitenessConfig {
  return { ...defaultPolitenessConfig(), retries: 2, retryBaseMs: 20, retryMaxDelayMs: 100, retryAfterMaxMs: 3_000, ...o };
}

async function site(t: TestContext, routes: Record<string, Route>) {
  const s = await startSite(routes);
  t.after(() => s.close());
  return s;
}

test('robots.txt: disallowed paths are never requested, and recorded with CRAWL_ROBOTS_DISALLOWED', async (t) => {
  const s = await site(t, {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /private\nDisallow: /*.pdf$\n\nUser-agent: otherbot\nDisallow: /\n' },
    '/': page('home', ['/ok', '/private/x', '/doc.pdf', '/doc.pdf?v=1', '/go']),
    '/ok': page('ok'),
    '/private/x': page('secret'),
    '/doc.pdf': page('pdf'),
    '/doc.pdf?v=1': page('pdf with query'),
    '/go': { status: 302, headers: { location: '/private/y' } },
    '/private/y': page('secret by redirect'),
  });
  const config = testConfig(t, [s.url('/')], { fetch: { politeness: fast() } });
  await runCrawl(config);

  for (const path of ['/private/x', '/private/y', '/doc.pdf']) assert.equal(s.hits.get(path), undefined, `${path} never requested`);
  assert.equal(s.hits.get('/robots.txt'), 1, 'robots.txt fetched once for the run');
  assert.equal(s.hits.get('/ok'), 1);
  assert.equal(s.hits.get('/doc.pdf?v=1'), 1, '$ anchors the end');
  const failed = rows<{ url: string; error_code: string; state: string }>(config.dbPath, `SELECT url, error_code, state FROM urls WHERE error_code IS NOT NULL ORDER BY url`);
  assert.deepEqual(failed.map((r) => [r.url.slice(s.origin.length), r.error_code, r.state]), [
    ['/doc.pdf', 'CRAWL_ROBOTS_DISALLOWED', 'failed'],
    ['/go', 'CRAWL_ROBOTS_DISALLOWED', 'failed'],
    ['/private/x', 'CRAWL_ROBOTS_DISALLOWED', 'failed'],
  ]);
});

test('robots.txt rules escaping unreserved characters block the URLs they spell (RFC 9309 2.2.2); %2F stays distinct from /', async (t) => {
  const s = await site(t, {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /%7Ejoe/\nDisallow: /foo/bar/%62%61%7A\nDisallow: /a%2Fb\n' },
    '/': page('home', ['/~joe/', '/%7ejoe/page', '/foo/bar/baz', '/foo/bar/bat', '/a/b', '/a%2Fb']),
    '/foo/bar/bat': page('bat'),
    '/a/b': page('a/b'),
  });
  const config = testConfig(t, [s.url('/')], { fetch: { politeness: fast() } });
  await runCrawl(config);

  for (const path of ['/~joe/', '/~joe/page', '/%7ejoe/page', '/foo/bar/baz', '/a%2Fb']) assert.equal(s.hits.get(path), undefined, `${path} never requested`);
  assert.equal(s.hits.get('/foo/bar/bat'), 1);
  assert.equal(s.hits.get('/a/b'), 1, 'a rule with %2F does not block the path with /');
  const failed = rows<{ url: string; error_code: string }>(config.dbPath, `SELECT url, error_code FROM urls WHERE error_code IS NOT NULL ORDER BY url`);
  assert.deepEqual(failed.map((r) => [r.url.slice(s.origin.length), r.error_code]), [
    ['/a%2Fb', 'CRAWL_ROBOTS_DISALLOWED'],
    ['/foo/bar/baz', 'CRAWL_ROBOTS_DISALLOWED'],
    ['/~joe/', 'CRAWL_ROBOTS_DISALLOWED'],
    ['/~joe/page', 'CRAWL_ROBOTS_DISALLOWED'],
  ]);
});

test('--ignore-robots fetches what robots.txt forbids, and does not fetch robots.txt', async (t) => {
  const s = await site(t, {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /\n' },
    '/': page('home', ['/a']),
    '/a': page('a'),
  });
  const config = testConfig(t, [s.url('/')], { fetch: { politeness: fast({ ignoreRobots: true }) } });
  const summary = await runCrawl(config);
  assert.equal(summary.pagesStored, 2);
  assert.equal(s.hits.get('/robots.txt'), undefined);
});

test('robots.txt answering 503 stops all fetching from that host; other hosts go on; its URLs end CRAWL_ROBOTS_UNAVAILABLE', async (t) => {
  const down = await site(t, {
    '/robots.txt': { status: 503, body: 'overloaded' },
    '/': page('never', ['/a']),
    '/a': page('never either'),
  });
  const up = await site(t, { '/': page('up', ['/b']), '/b': page('b') });
  const config = testConfig(t, [down.url('/'), down.url('/a'), up.url('/')], { scope: { mode: 'any' }, fetch: { politeness: fast() } });
  const summary = await runCrawl(config);

  assert.deepEqual([...down.hits.keys()], ['/robots.txt'], 'nothing but robots.txt was requested from the host');
  assert.equal(down.hits.get('/robots.txt'), 3, 'robots.txt retried (1 + --retries 2) while its URLs waited');
  assert.equal(up.hits.get('/b'), 1);
  assert.equal(summary.pagesStored, 2);
  const downRows = rows<{ state: string; error_code: string; attempts: number }>(config.dbPath, `SELECT state, error_code, attempts FROM urls WHERE host = ?`, `${down.origin}`);
  assert.deepEqual(downRows, [
    { state: 'failed', error_code: 'CRAWL_ROBOTS_UNAVAILABLE', attempts: 0 },
    { state: 'failed', error_code: 'CRAWL_ROBOTS_UNAVAILABLE', attempts: 0 },
  ], 'waiting for robots.txt costs no attempts, nor does giving up (never requested); giving up is recorded');
});

test('a host whose robots.txt cannot be reached at all: its URLs are recorded with the network code, after the same retries', async (t) => {
  // Bound to find a free port, then closed: connections to it are refused.
  const gone = await startSite({});
  await gone.close();
  const config = testConfig(t, [gone.url('/'), gone.url('/a')], { fetch: { politeness: fast() } });
  const summary = await runCrawl(config);
  assert.deepEqual(summary.errorsByCode, { CRAWL_FETCH_REFUSED: 2 });
  const failed = rows<{ state: string; error_code: string; error_message: string; attempts: number }>(config.dbPath, 'SELECT state, error_code, error_message, attempts FROM urls ORDER BY url');
  const port = new URL(gone.origin).port;
  for (const { error_message: message, ...row } of failed) {
    assert.deepEqual(row, { state: 'failed', error_code: 'CRAWL_FETCH_REFUSED', attempts: 0 }, 'waiting for robots.txt costs no attempts: the URL was never requested');
    assert.match(message, new RegExp(`^robots\\.txt ${gone.origin}/robots\\.txt: connection refused: .*ECONNREFUSED 127\\.0\\.0\\.1:${port}.* \\(after 3 attempts\\)$`));
  }
  assert.equal(failed.length, 2);
});

test('a redirect to a host whose robots.txt answers 503: the URL waits and retries like a direct one, then fails as unavailable, not disallowed', async (t) => {
  const target = await site(t, { '/robots.txt': { status: 503, body: 'overloaded' }, '/': page('never') });
  const s = await site(t, { '/robots.txt': { status: 404 }, '/r-port': { status: 302, headers: { location: target.url('/') } } });
  const config = testConfig(t, [s.url('/r-port')], { scope: { mode: 'any' }, fetch: { politeness: fast() } });
  const summary = await runCrawl(config);
  assert.equal(target.hits.get('/robots.txt'), 3, "the target's robots.txt retried (1 + --retries 2), as for a direct URL");
  assert.equal(target.hits.get('/'), undefined, 'never fails open');
  assert.deepEqual(summary.errorsByCode, { CRAWL_ROBOTS_UNAVAILABLE: 1 });
  const [row] = rows<{ state: string; error_code: string; error_message: string }>(config.dbPath, 'SELECT state, error_code, error_message FROM urls WHERE url = ?', s.url('/r-port'));
  assert.deepEqual(row, {
    state: 'failed', error_code: 'CRAWL_ROBOTS_UNAVAILABLE',
    error_message: `redirect to ${target.url('/')}: robots.txt of ${target.origin} unreachable (HTTP 503); gave up after 3 attempts`,
  });
});

test('a redirect to a host that does not answer: the network code and a message naming its robots.txt, after the same retries', async (t) => {
  const gone = `http://127.0.0.1:${await closedPort()}`;
  const s = await site(t, { '/robots.txt': { status: 404 }, '/r-port': { status: 302, headers: { location: `${gone}/` } } });
  const config = testConfig(t, [s.url('/r-port')], { scope: { mode: 'any' }, fetch: { politeness: fast() } });
  const summary = await runCrawl(config);
  assert.deepEqual(summary.errorsByCode, { CRAWL_FETCH_REFUSED: 1 });
  assert.equal(s.hits.get('/r-port'), 3, 'fetched again each time the target robots.txt was due');
  const [row] = rows<{ state: string; error_code: string; error_message: string }>(config.dbPath, 'SELECT state, error_code, error_message FROM urls WHERE url = ?', s.url('/r-port'));
  assert.equal(row?.state, 'failed');
  assert.equal(row?.error_code, 'CRAWL_FETCH_REFUSED');
  const port = new URL(gone).port;
  assert.match(row!.error_message, new RegExp(`^redirect to ${gone}/: robots\\.txt ${gone}/robots\\.txt: connection refused: .*ECONNREFUSED 127\\.0\\.0\\.1:${port}.* \\(after 3 attempts\\)$`));
  assert.doesNotMatch(row!.error_message, /refused by its robots\.txt/);
});

test('a redirect whose target robots.txt answers 503 once: the URL waits, then the target is fetched and stored', async (t) => {
  let robotsHits = 0;
  const target = await site(t, {
    '/robots.txt': (_req, res) => {
      robotsHits++;
      if (robotsHits === 1) res.writeHead(503, { 'retry-after': '1' }).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /no\n');
    },
    '/': page('target'),
  });
  const s = await site(t, { '/robots.txt': { status: 404 }, '/r-port': { status: 302, headers: { location: target.url('/') } } });
  const config = testConfig(t, [s.url('/r-port')], { scope: { mode: 'any' }, fetch: { politeness: fast() } });
  const summary = await runCrawl(config);
  assert.equal(summary.pagesStored, 1);
  assert.equal(robotsHits, 2);
  assert.equal(target.hits.get('/'), 1);
  assert.deepEqual(rows(config.dbPath, 'SELECT final_url, status FROM pages'), [{ final_url: target.url('/'), status: 200 }]);
});

test('robots.txt 503 that recovers: the waiting URLs are fetched, not dropped', async (t) => {
  let robotsHits = 0;
  const s = await site(t, {
    '/robots.txt': (_req, res) => {
      robotsHits++;
      if (robotsHits === 1) res.writeHead(503).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /no\n');
    },
    '/': page('home', ['/a', '/no']),
    '/a': page('a'),
    '/no': page('no'),
  });
  const config = testConfig(t, [s.url('/')], { fetch: { politeness: fast() } });
  const summary = await runCrawl(config);
  assert.equal(summary.pagesStored, 2);
  assert.equal(robotsHits, 2);
  assert.equal(s.hits.get('/no'), undefined);
});

test('robots.txt 404 allows everything; a 600 KB robots.txt is parsed up to 500 KiB', async (t) => {
  const open = await site(t, { '/': page('home', ['/a']), '/a': page('a') });
  const config1 = testConfig(t, [open.url('/')], { fetch: { politeness: fast() } });
  assert.equal((await runCrawl(config1)).pagesStored, 2);
  assert.equal(open.hits.get('/robots.txt'), 1, 'the 404 was the robots.txt answer');

  const lines = ['User-agent: *', 'Disallow: /early'];
  let size = 0;
  while (size < 600 * 1024) {
    const line = `Disallow: /filler-${lines.length}-${'x'.repeat(40)}`;
    lines.push(line);
    size += line.length + 1;
  }
  lines.push('Disallow: /late'); // past 500 KiB: not read
  const big = await site(t, {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: lines.join('\n') + '\n' },
    '/': page('home', ['/early', '/late', '/filler-2-' + 'x'.repeat(40)]),
    '/early': page('early'),
    '/late': page('late'),
  });
  const config2 = testConfig(t, [big.url('/')], { fetch: { politeness: fast() } });
  await runCrawl(config2);
  assert.equal(big.hits.get('/early'), undefined, 'a rule at the top applies');
  assert.equal(big.hits.get('/filler-2-' + 'x'.repeat(40)), undefined);
  assert.equal(big.hits.get('/late'), 1, 'a rule beyond 500 KiB does not');
});

test('--delay spaces the starts of requests to one host; Crawl-delay raises it; other hosts are not held up', async (t) => {
  const slowLog: LoggedRequest[] = [];
  const slowRoutes: Record<string, Route> = {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: crawlite\nCrawl-delay: 0.4\n' },
    '/': page('home', ['/1', '/2', '/3']),
    '/1': page('1'), '/2': page('2'), '/3': page('3'),
  };
  const slow = await site(t, logRequests(slowRoutes, slowLog));
  const fastLog: LoggedRequest[] = [];
  const fastRoutes: Record<string, Route> = { '/robots.txt': { status: 404 }, '/': page('home', ['/1', '/2', '/3', '/4', '/5']) };
  for (let i = 1; i <= 5; i++) fastRoutes[`/${i}`] = page(String(i));
  const quick = await site(t, logRequests(fastRoutes, fastLog));

  const config = testConfig(t, [slow.url('/'), quick.url('/')], { scope: { mode: 'any' }, fetch: { perHost: 4, politeness: fast({ delayMs: 150 }) } });
  const summary = await runCrawl(config);
  assert.equal(summary.pagesStored, 4 + 6);
  assert.equal(slowLog.length, 5);
  // Server-side arrival times jitter on a busy machine, so the bounds leave room: without the
  // delay the gaps would be a few milliseconds.
  const slowTimes = slowLog.map((r) => r.at);
  assert.ok(minGap(slowTimes) >= 200, `Crawl-delay 0.4 s between starts, saw ${minGap(slowTimes)} ms`);
  assert.ok(Math.max(...slowTimes) - Math.min(...slowTimes) >= 4 * 400 - 100, 'five starts span four Crawl-delays');
  const fastTimes = fastLog.map((r) => r.at);
  assert.ok(minGap(fastTimes) >= 75, `--delay 0.15 s is the floor, saw ${minGap(fastTimes)} ms`);
  assert.ok(Math.max(...fastTimes) - Math.min(...fastTimes) >= 6 * 150 - 100, 'seven starts span six delays');
  const lastFast = Math.max(...fastLog.map((r) => r.at));
  const lastSlow = Math.max(...slowLog.map((r) => r.at));
  assert.ok(lastFast < lastSlow, 'the quick host finished while the slow one was still resting');
});

test('retries: 503 + Retry-After cools the whole host, then succeeds; attempts are recorded', async (t) => {
  const log: LoggedRequest[] = [];
  let flaky = 0;
  let t503 = 0;
  const routes: Record<string, Route> = {
    '/robots.txt': { status: 404 },
    '/': page('home', ['/flaky', '/x1', '/x2', '/x3', '/x4']),
    '/flaky': (_req, res) => {
      flaky++;
      if (flaky === 1) {
        t503 = Date.now();
        res.writeHead(503, { 'retry-after': '1' }).end('busy');
      } else res.writeHead(200, { 'content-type': 'text/html' }).end(page('recovered'));
    },
  };
  for (let i = 1; i <= 4; i++) routes[`/x${i}`] = { body: page(`x${i}`), delayMs: 30 };
  const s = await site(t, logRequests(routes, log));
  const config = testConfig(t, [s.url('/')], { fetch: { perHost: 1, politeness: fast() } });
  await runCrawl(config);

  const flakyRow = rows<{ state: string; attempts: number; error_code: string | null }>(config.dbPath, 'SELECT state, attempts, error_code FROM urls WHERE url = ?', s.url('/flaky'));
  assert.deepEqual(flakyRow, [{ state: 'done', attempts: 2, error_code: null }]);
  assert.equal(rows<{ status: number }>(config.dbPath, 'SELECT status FROM pages WHERE url = ?', s.url('/flaky'))[0]?.status, 200);
  const after = log.filter((r) => r.at > t503);
  assert.ok(after.length >= 1);
  for (const r of after) assert.ok(r.at - t503 >= 950, `${r.path} started ${r.at - t503} ms after the 503 with Retry-After: 1`);
});

test('while every URL waits out a Retry-After, progress says how long the crawl is idle for; working, it does not', async (t) => {
  let hits = 0;
  const s = await site(t, {
    '/robots.txt': { status: 404 },
    '/': (_req, res) => {
      hits++;
      if (hits === 1) res.writeHead(503, { 'retry-after': '2' }).end('busy');
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page('back'));
    },
  });
  const config = testConfig(t, [s.url('/')], { fetch: { politeness: fast() } });
  const seen: Array<{ waitingMs: number | null; inFlight: number; pagesStored: number }> = [];
  const summary = await runCrawl(config, {
    progressIntervalMs: 100,
    onProgress: (p) => seen.push({ waitingMs: p.waitingMs, inFlight: p.inFlight, pagesStored: p.pagesStored }),
  });
  assert.equal(summary.pagesStored, 1);
  const idle = seen.filter((p) => p.waitingMs !== null);
  assert.ok(idle.length >= 5, `about 2 s of idle snapshots, saw ${idle.length} of ${seen.length}`);
  assert.ok(idle.every((p) => p.inFlight === 0 && p.pagesStored === 0 && p.waitingMs! <= 2_000), JSON.stringify(idle));
  assert.ok(Math.max(...idle.map((p) => p.waitingMs!)) >= 1_000, 'the wait counts down from the Retry-After');
  assert.equal(summary.waitingMs, null);
});

test('retries: a 500 that stays and a connection reset end after 1 + --retries attempts, recorded', async (t) => {
  const s = await site(t, {
    '/robots.txt': { status: 404 },
    '/': page('home', ['/broken', '/reset', '/gone']),
    '/broken': { status: 500, body: 'no' },
    '/reset': (_req, res) => { res.socket?.destroy(); },
    '/gone': { status: 404 },
  });
  const config = testConfig(t, [s.url('/')], { fetch: { politeness: fast({ retries: 2 }) } });
  await runCrawl(config);
  assert.equal(s.hits.get('/broken'), 3);
  assert.equal(s.hits.get('/reset'), 3);
  assert.equal(s.hits.get('/gone'), 1, '404 is not retried');
  const r = rows<{ url: string; state: string; attempts: number; error_code: string | null; error_message: string | null }>(
    config.dbPath, 'SELECT url, state, attempts, error_code, error_message FROM urls ORDER BY url');
  const by = new Map(r.map((x) => [x.url.slice(s.origin.length), x]));
  assert.equal(by.get('/broken')!.state, 'done', 'the last 500 is stored as the page');
  assert.equal(by.get('/broken')!.attempts, 3);
  assert.equal(by.get('/reset')!.state, 'failed');
  assert.equal(by.get('/reset')!.error_code, 'CRAWL_FETCH_RESET');
  assert.equal(by.get('/reset')!.attempts, 3);
  assert.match(by.get('/reset')!.error_message!, /after 3 attempts/);
});

test('robots.txt follows 5 redirects even when --max-redirects is lower, to another path or host', async (t) => {
  const rules = await site(t, { '/rules.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /private\n' } });
  const routes: Record<string, Route> = {
    '/robots.txt': { status: 301, headers: { location: '/r1' } },
    '/r4': { status: 302, headers: { location: rules.url('/rules.txt') } },
    '/': page('home', ['/private', '/public']),
    '/private': page('private'),
    '/public': page('public'),
  };
  for (let i = 1; i < 4; i++) routes[`/r${i}`] = { status: 302, headers: { location: `/r${i + 1}` } };
  const s = await site(t, routes);
  const config = testConfig(t, [s.url('/')], { fetch: { maxRedirects: 1, politeness: fast() } });
  await runCrawl(config);
  assert.equal(rules.hits.get('/rules.txt'), 1, 'the fifth redirect was followed');
  assert.equal(s.hits.get('/private'), undefined);
  assert.equal(s.hits.get('/public'), 1);
});

test('429 without Retry-After cools the host for the backoff before anything else is sent to it', async (t) => {
  const log: LoggedRequest[] = [];
  let limited = 0;
  let t429 = 0;
  const routes: Record<string, Route> = {
    '/robots.txt': { status: 404 },
    '/': page('home', ['/limited', '/y1', '/y2', '/y3']),
    '/limited': (_req, res) => {
      limited++;
      if (limited === 1) {
        t429 = Date.now();
        res.writeHead(429).end('slow down');
      } else res.writeHead(200, { 'content-type': 'text/html' }).end(page('fine now'));
    },
  };
  for (let i = 1; i <= 3; i++) routes[`/y${i}`] = { body: page(`y${i}`), delayMs: 20 };
  const s = await site(t, logRequests(routes, log));
  const config = testConfig(t, [s.url('/')], { fetch: { perHost: 1, politeness: fast({ retryBaseMs: 500, retryMaxDelayMs: 1_000 }) } });
  await runCrawl(config);
  assert.equal(limited, 2);
  const after = log.filter((r) => r.at > t429);
  assert.ok(after.length >= 1);
  // One request at a time, so nothing was in flight beside the 429: everything after it waited.
  for (const r of after) assert.ok(r.at - t429 >= 450, `${r.path} started ${r.at - t429} ms after the 429`);
});

/**
 * A page that answers only once `others` have all been requested (or after `capMs`), and says
 * which came first: a crawler that holds the host's other URLs until it ends shows as 'cap'.
 */
function waitingPage(s: () => { hits: Map<string, number> }, others: string[], capMs: number, seen: { by?: 'others' | 'cap' }): Route {
  return async (_req, res) => {
    const until = Date.now() + capMs;
    while (Date.now() < until && !others.every((p) => s().hits.has(p))) await new Promise((r) => setTimeout(r, 20));
    seen.by = others.every((p) => s().hits.has(p)) ? 'others' : 'cap';
    res.writeHead(200, { 'content-type': 'text/html' }).end(page('slow'));
  };
}

test('with a delay, a slow page does not hold its host: the next URLs start a gap after it, not after its end', async (t) => {
  const seen: { by?: 'others' | 'cap' } = {};
  const log: LoggedRequest[] = [];
  let s: Awaited<ReturnType<typeof site>> | null = null;
  s = await site(t, logRequests({
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nCrawl-delay: 0.1\n' },
    '/': page('home', ['/slow', '/a', '/b']),
    '/slow': waitingPage(() => s!, ['/a', '/b'], 4_000, seen),
    '/a': page('a'), '/b': page('b'),
  }, log));
  const config = testConfig(t, [s.url('/')], { fetch: { politeness: fast() } });
  const summary = await runCrawl(config);
  assert.equal(summary.pagesStored, 4);
  assert.equal(seen.by, 'others', '/a and /b were requested while /slow was in flight');
  assert.ok(minGap(log.filter((r) => r.path !== '/robots.txt').map((r) => r.at)) >= 50, 'the Crawl-delay still spaces the starts');
});

test('URLs of a host waiting for its robots.txt start when it loads, not when the first URL\'s slow fetch ends', async (t) => {
  const seen: { by?: 'others' | 'cap' } = {};
  let s: Awaited<ReturnType<typeof site>> | null = null;
  s = await site(t, {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /private\n' },
    '/slow': waitingPage(() => s!, ['/a', '/b'], 4_000, seen),
    '/a': page('a'), '/b': page('b'),
  });
  const config = testConfig(t, [s.url('/slow'), s.url('/a'), s.url('/b')], { fetch: { politeness: fast() } });
  const summary = await runCrawl(config);
  assert.equal(summary.pagesStored, 3);
  assert.equal(seen.by, 'others', '/a and /b were requested while /slow was in flight');
});

test('a Crawl-delay above --delay is announced once per origin; one at or below it is not', async (t) => {
  const slow = await site(t, {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nCrawl-delay: 0.2\n' },
    '/': page('home', ['/1', '/2']), '/1': page('1'), '/2': page('2'),
  });
  const quick = await site(t, {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nCrawl-delay: 0.05\n' },
    '/': page('home', ['/1']), '/1': page('1'),
  });
  const notices: CrawlDelayNotice[] = [];
  const config = testConfig(t, [slow.url('/'), quick.url('/')], { scope: { mode: 'any' }, fetch: { politeness: fast({ delayMs: 100 }) } });
  await runCrawl(config, { onCrawlDelay: (n) => notices.push(n) });
  assert.deepEqual(notices, [{ origin: slow.origin, askedMs: 200, appliedMs: 200 }]);
});
