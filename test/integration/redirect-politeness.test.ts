/**
 * Redirect hops obey the politeness of the host they land on, not only of the host that
 * redirected: its delay between request starts, and its cool-down after a 429/503. (QA pass 3:
 * three origins redirecting to one host got requests to it 100 ms apart under --delay 2, and
 * two more requests right after its 429 with Retry-After: 10.)
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { runCrawl } from '../../src/crawl.js';
import { defaultPolitenessConfig, type PolitenessConfig } from '../../src/config/schema.js';
import { startSite, page, type Route, type TestSite } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { logRequests, minGap, type LoggedRequest } from '../helpers/request-log.js';

function politeness(o: Partial<PolitenessConfig> = {}): PolitenessConfig {
  return { ...defaultPolitenessConfig(), retries: 2, retryBaseMs: 20, retryMaxDelayMs: 100, retryAfterMaxMs: 3_000, ...o };
}

/** Origins whose root links /x/0 .. /x/(pages-1), each redirecting to `target`'s /t/<i>. */
async function redirectors(t: TestContext, target: TestSite, count: number, pages: number): Promise<TestSite[]> {
  const sites: TestSite[] = [];
  for (let n = 0; n < count; n++) {
    const routes: Record<string, Route> = { '/': page(`redirector ${n}`, Array.from({ length: pages }, (_, i) => `/x/${i}`)) };
    for (let i = 0; i < pages; i++) routes[`/x/${i}`] = { status: 302, headers: { location: target.url(`/t/${i}`) } };
    const s = await startSite(routes);
    t.after(() => s.close());
    sites.push(s);
  }
  return sites;
}

test('--delay holds between requests to a host reached through redirects from several others', async (t) => {
  const log: LoggedRequest[] = [];
  const routes: Record<string, Route> = { '/robots.txt': { status: 404 }, '/t/0': page('t0'), '/t/1': page('t1') };
  const target = await startSite(logRequests(routes, log));
  t.after(() => target.close());
  const sources = await redirectors(t, target, 3, 2);
  const config = testConfig(t, sources.map((s) => s.url('/')), {
    scope: { mode: 'any' },
    fetch: { perHost: 1, politeness: politeness({ delayMs: 400 }) },
  });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');

  assert.ok(log.length >= 3, `the target was reached (${log.length} requests)`);
  const times = log.map((r) => r.at);
  // Without the gate the hops arrived a few milliseconds apart; the margin is for a loaded machine.
  assert.ok(minGap(times) >= 300, `--delay 0.4 s between the target's request starts, saw ${minGap(times)} ms: ${times.map((at) => at - times[0]!).join(', ')}`);
  const redirected = rows<{ url: string; state: string }>(config.dbPath, `SELECT url, state FROM urls WHERE url LIKE '%/x/%'`);
  assert.equal(redirected.length, 6);
  for (const r of redirected) assert.equal(r.state, 'redirected', r.url);
  assert.deepEqual(rows(config.dbPath, 'SELECT final_url FROM pages WHERE final_url LIKE ? ORDER BY final_url', `${target.origin}/%`),
    [{ final_url: target.url('/t/0') }, { final_url: target.url('/t/1') }]);
});

test('a 429 with Retry-After from a redirect target cools that host down, for every origin redirecting to it', async (t) => {
  const log: LoggedRequest[] = [];
  let t429 = 0;
  const answer: Route = (_req, res) => {
    if (t429 === 0) {
      t429 = Date.now();
      res.writeHead(429, { 'retry-after': '2' }).end('slow down');
    } else res.writeHead(200, { 'content-type': 'text/html' }).end(page('fine now'));
  };
  const target = await startSite(logRequests({ '/robots.txt': { status: 404 }, '/t/0': answer, '/t/1': answer }, log));
  t.after(() => target.close());
  const sources = await redirectors(t, target, 3, 2);
  const config = testConfig(t, sources.map((s) => s.url('/')), { scope: { mode: 'any' }, fetch: { perHost: 1, politeness: politeness() } });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');

  assert.ok(t429 > 0, 'the target answered 429');
  const after = log.filter((r) => r.at > t429);
  assert.ok(after.length >= 2, 'the target was asked again after its cool-down');
  for (const r of after) assert.ok(r.at - t429 >= 1_800, `${r.path} requested ${r.at - t429} ms after the 429 with Retry-After: 2`);
  assert.deepEqual(rows(config.dbPath, `SELECT count(*) AS n FROM urls WHERE url LIKE '%/x/%' AND state = 'redirected'`), [{ n: 6 }]);
});
