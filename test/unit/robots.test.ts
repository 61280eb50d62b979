import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRobotsPolicy, robotsText, type RobotsOptions } from '../../src/fetch/robots.js';
import { defaultPolitenessConfig } from '../../src/config/schema.js';
import type { FetchFailure, FetchResult, FrontierEntry } from '../../src/types.js';

const HOST = 'http://a.test:80';
const ENTRY: FrontierEntry = { id: 0, url: `${HOST}/robots.txt`, host: HOST, depth: 0, attempt: 0 };

function response(status: number, body = '', headers: Record<string, string> = {}): FetchResult {
  return {
    entry: ENTRY, status, headers, body: new TextEncoder().encode(body), isTruncated: false, wireBytes: body.length,
    finalUrl: ENTRY.url, redirects: [], contentType: 'text/plain', fetchedAt: 0, elapsedMs: 1,
  };
}
function failure(code: FetchFailure['code']): FetchFailure {
  return { entry: ENTRY, code, message: code, retryable: true, redirects: [] };
}

function policy(answers: Array<FetchResult | FetchFailure>, extra: Partial<RobotsOptions> & { clock?: { t: number } } = {}) {
  const calls: string[] = [];
  const clock = extra.clock ?? { t: 1_000_000 };
  const robots = createRobotsPolicy({
    userAgent: 'crawlite/0.1.0 (+https://github.com/crawlite/crawlite)',
    config: { ...defaultPolitenessConfig(), retries: 2, retryBaseMs: 1_000 },
    fetchRobots: async (url) => {
      calls.push(url);
      return answers.shift() ?? response(404);
    },
    now: () => clock.t,
    ...extra,
  });
  return { robots, calls, clock };
}

const RULES = `
User-agent: *
Disallow: /private
Allow: /private/open
Crawl-delay: 2

User-agent: crawlite
Disallow: /secret
Disallow: /*.pdf$
Allow: /secret/yes
Disallow: /tie
Allow: /tie
`;

test('our group wins over *; longest match, Allow on ties, * and $ wildcards', async () => {
  const { robots, calls } = policy([response(200, RULES)]);
  const verdict = async (path: string) => (await robots.check(`${HOST}${path}`)).kind;
  assert.equal(await verdict('/secret/x'), 'disallow');
  assert.equal(await verdict('/secret/yes/1'), 'allow', 'the longer Allow wins');
  assert.equal(await verdict('/private'), 'allow', 'the * group does not apply to us');
  assert.equal(await verdict('/doc.pdf'), 'disallow');
  assert.equal(await verdict('/doc.pdf?x=1'), 'allow', '$ anchors the end');
  assert.equal(await verdict('/tie'), 'allow', 'Allow wins a tie');
  assert.deepEqual(calls, [`${HOST}/robots.txt`], 'fetched once per origin');
});

test('the * group applies to other agents, with its Crawl-delay reported', async () => {
  const delays: Array<[string, number]> = [];
  const { robots } = policy([response(200, RULES)], { userAgent: 'otherbot/2.0', onCrawlDelay: (h, ms) => delays.push([h, ms]) });
  assert.equal((await robots.check(`${HOST}/private/x`)).kind, 'disallow');
  assert.equal((await robots.check(`${HOST}/private/open/x`)).kind, 'allow');
  assert.deepEqual(delays, [[HOST, 2_000]]);
});

/** A policy whose robots.txt answers `body` only once release() is called; counts its fetches. */
function gatedPolicy(body: string) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const counts = { fetches: 0 };
  const robots = createRobotsPolicy({
    userAgent: 'crawlite', config: defaultPolitenessConfig(),
    fetchRobots: async () => {
      counts.fetches++;
      await gate;
      return response(200, body);
    },
  });
  return { robots, release, counts };
}

test('concurrent checks of one origin share one fetch, and the origin is pending meanwhile', async () => {
  const { robots, release, counts } = gatedPolicy('User-agent: *\nDisallow: /x');
  const checks = [robots.check(`${HOST}/x`), robots.check(`${HOST}/y`), robots.check(`${HOST}/x/z`)];
  assert.ok(robots.isPending(HOST));
  assert.deepEqual(robots.pendingHosts(), [HOST]);
  release();
  assert.deepEqual((await Promise.all(checks)).map((v) => v.kind), ['disallow', 'allow', 'disallow']);
  assert.equal(counts.fetches, 1);
  assert.equal(robots.isPending(HOST), false);
});

test('4xx and too many redirects allow everything; 429, 5xx and network failures disallow and wait', async () => {
  for (const answer of [response(404), response(403), response(410), failure('CRAWL_REDIRECT_LIMIT')]) {
    const { robots } = policy([answer]);
    assert.equal((await robots.check(`${HOST}/any`)).kind, 'allow');
  }
  for (const answer of [response(500), response(503), response(429), failure('CRAWL_FETCH_TIMEOUT'), failure('CRAWL_FETCH_REFUSED')]) {
    const { robots } = policy([answer]);
    const v = await robots.check(`${HOST}/any`);
    assert.equal(v.kind, 'wait', JSON.stringify(answer).slice(0, 80));
  }
});

test('an unreachable robots.txt is fetched again after a backoff, then the origin is given up', async () => {
  const { robots, calls, clock } = policy([response(503, '', { 'retry-after': '5' }), response(500), response(500)]);
  const first = await robots.check(`${HOST}/a`);
  assert.equal(first.kind, 'wait');
  assert.equal(first.kind === 'wait' && first.untilMs, clock.t + 5_000, 'Retry-After honoured');
  assert.equal((await robots.check(`${HOST}/b`)).kind, 'wait', 'not fetched again before its time');
  assert.equal(calls.length, 1);
  clock.t += 5_000;
  assert.equal((await robots.check(`${HOST}/a`)).kind, 'wait');
  clock.t += 60_000;
  const last = await robots.check(`${HOST}/a`);
  assert.equal(last.kind, 'unavailable');
  assert.match(last.kind === 'unavailable' ? last.message : '', /unreachable \(HTTP 500\); gave up after 3 attempts/);
  assert.equal(calls.length, 3);
});

test('a 503 that recovers: the origin is crawled by the rules it then serves', async () => {
  const { robots, clock } = policy([response(503), response(200, 'User-agent: *\nDisallow: /no')]);
  assert.equal((await robots.check(`${HOST}/yes`)).kind, 'wait');
  clock.t += 120_000;
  assert.equal((await robots.check(`${HOST}/yes`)).kind, 'allow');
  assert.equal((await robots.check(`${HOST}/no`)).kind, 'disallow');
});

test('the cache lasts robotsTtlMs, then robots.txt is fetched again', async () => {
  const { robots, calls, clock } = policy([response(200, 'User-agent: *\nDisallow: /a'), response(200, '')]);
  assert.equal((await robots.check(`${HOST}/a`)).kind, 'disallow');
  clock.t += 23 * 3600_000;
  assert.equal((await robots.check(`${HOST}/a`)).kind, 'disallow');
  clock.t += 2 * 3600_000;
  assert.equal((await robots.check(`${HOST}/a`)).kind, 'allow', 'refetched after 24 h');
  assert.equal(calls.length, 2);
});

test('--ignore-robots: nothing fetched, everything allowed', async () => {
  const { robots, calls } = policy([response(200, 'User-agent: *\nDisallow: /')], {
    config: { ...defaultPolitenessConfig(), ignoreRobots: true },
  });
  assert.equal((await robots.check(`${HOST}/x`)).kind, 'allow');
  assert.equal(calls.length, 0);
});

test('robotsText keeps the first maxBytes, cut after the last whole line', () => {
  const body = new TextEncoder().encode('\uFEFFUser-agent: *\nDisallow: /a\nDisallow: /bbbbbb\n');
  assert.equal(robotsText(body, 1000), 'User-agent: *\nDisallow: /a\nDisallow: /bbbbbb\n', 'BOM dropped');
  assert.equal(robotsText(body, 35), 'User-agent: *\nDisallow: /a\n', 'a half line is not a rule');
});

test('a host that does not answer: the verdict carries the network code and says what happened; a 5xx stays CRAWL_ROBOTS_UNAVAILABLE', async () => {
  const refused = (): FetchFailure => ({ ...failure('CRAWL_FETCH_REFUSED'), message: 'connection refused: connect ECONNREFUSED 127.0.0.1:9' });
  const { robots, clock } = policy([refused(), refused(), refused()]);
  const first = await robots.check(`${HOST}/a`);
  assert.deepEqual(first.kind === 'wait' && { code: first.code, message: first.message }, {
    code: 'CRAWL_FETCH_REFUSED', message: `robots.txt ${HOST}/robots.txt: connection refused: connect ECONNREFUSED 127.0.0.1:9`,
  });
  clock.t += 120_000;
  assert.equal((await robots.check(`${HOST}/a`)).kind, 'wait');
  clock.t += 120_000;
  const last = await robots.check(`${HOST}/a`);
  assert.deepEqual(last, {
    kind: 'unavailable', code: 'CRAWL_FETCH_REFUSED',
    message: `robots.txt ${HOST}/robots.txt: connection refused: connect ECONNREFUSED 127.0.0.1:9 (after 3 attempts)`,
  });

  for (const code of ['CRAWL_FETCH_DNS', 'CRAWL_FETCH_TIMEOUT', 'CRAWL_FETCH_RESET', 'CRAWL_FETCH_NETWORK', 'CRAWL_FETCH_TLS'] as const) {
    const v = await policy([failure(code)]).robots.check(`${HOST}/a`);
    assert.equal(v.kind === 'wait' && v.code, code);
  }
  // The host answered, badly: that is robots.txt's problem, and never fails open.
  for (const answer of [response(500), response(429), failure('CRAWL_FETCH_DECODE')]) {
    const v = await policy([answer]).robots.check(`${HOST}/a`);
    assert.equal(v.kind === 'wait' && v.code, 'CRAWL_ROBOTS_UNAVAILABLE', JSON.stringify(answer).slice(0, 80));
  }
});

test('readText: one fetch serves the Sitemap: lines and the rules, as the origin\'s first load', async () => {
  const delays: number[] = [];
  const { robots, calls } = policy([response(200, '\uFEFFUser-agent: *\nDisallow: /x\nCrawl-delay: 1\nSitemap: /s.xml\n')], { onCrawlDelay: (_h, ms) => delays.push(ms) });
  assert.deepEqual(await robots.readText(HOST), { kind: 'text', text: 'User-agent: *\nDisallow: /x\nCrawl-delay: 1\nSitemap: /s.xml\n' });
  assert.equal((await robots.check(`${HOST}/x`)).kind, 'disallow');
  assert.equal((await robots.check(`${HOST}/y`)).kind, 'allow');
  assert.deepEqual(calls, [`${HOST}/robots.txt`]);
  assert.deepEqual(delays, [1_000]);
  assert.deepEqual(await robots.readText(HOST), { kind: 'notLoaded' }, 'the text is not kept; asking again fetches nothing');
  assert.equal(calls.length, 1);
});

test('readText: the text is capped like the rules; a 4xx has none', async () => {
  const { robots } = policy([response(200, 'Sitemap: /a.xml\nSitemap: /b.xml\n')], { config: { ...defaultPolitenessConfig(), robotsMaxBytes: 20 } });
  assert.deepEqual(await robots.readText(HOST), { kind: 'text', text: 'Sitemap: /a.xml\n' });
  const notFound = policy([response(404, 'Sitemap: /a.xml\n')]);
  assert.deepEqual(await notFound.robots.readText(HOST), { kind: 'none' });
  assert.equal((await notFound.robots.check(`${HOST}/any`)).kind, 'allow');
  assert.equal(notFound.calls.length, 1);
});

test('readText shares a pending fetch with check()', async () => {
  const { robots, release, counts } = gatedPolicy('User-agent: *\nDisallow: /x\n');
  const verdict = robots.check(`${HOST}/x`);
  const text = robots.readText(HOST);
  release();
  assert.equal((await verdict).kind, 'disallow');
  assert.deepEqual(await text, { kind: 'text', text: 'User-agent: *\nDisallow: /x\n' });
  assert.equal(counts.fetches, 1);
});

test('readText: a failure is the origin\'s first failure; its retries and backoff are those of check()', async () => {
  const { robots, calls, clock } = policy([response(503, '', { 'retry-after': '5' }), response(500), response(500)]);
  assert.deepEqual(await robots.readText(HOST), { kind: 'none' });
  const first = await robots.check(`${HOST}/a`);
  assert.equal(first.kind === 'wait' && first.untilMs, clock.t + 5_000, 'waits out the sitemap phase\'s Retry-After');
  assert.deepEqual(await robots.readText(HOST), { kind: 'none' }, 'not asked again before its time');
  assert.equal(calls.length, 1);
  clock.t += 5_000;
  assert.equal((await robots.check(`${HOST}/a`)).kind, 'wait');
  clock.t += 60_000;
  const last = await robots.check(`${HOST}/a`);
  assert.match(last.kind === 'unavailable' ? last.message : '', /gave up after 3 attempts/, '1 + retries 2, the sitemap phase\'s included');
  assert.equal(calls.length, 3);
});

test('readText with --ignore-robots fetches nothing and leaves robots.txt to the caller', async () => {
  const { robots, calls } = policy([response(200, 'Sitemap: /s.xml\n')], { config: { ...defaultPolitenessConfig(), ignoreRobots: true } });
  assert.deepEqual(await robots.readText(HOST), { kind: 'notLoaded' });
  assert.equal(calls.length, 0);
});

test('onLoaded: told when an origin stops being pending, whatever the outcome', async () => {
  const loaded: string[] = [];
  const { robots } = policy([response(200, RULES), failure('CRAWL_FETCH_REFUSED')], { onLoaded: (host) => loaded.push(`${host} pending=${robots.isPending(host)}`) });
  await robots.check(`${HOST}/x`);
  assert.deepEqual(loaded, [`${HOST} pending=false`]);
  const other = 'http://b.test:80';
  await robots.check(`${other}/x`);
  assert.deepEqual(loaded, [`${HOST} pending=false`, `${other} pending=false`], 'an unreachable robots.txt too');
});
