import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultPolitenessConfig } from '../../src/config/schema.js';
import { createHostLimits } from '../../src/fetch/host-limits.js';
import { createPoliteFetch } from '../../src/fetch/polite-fetch.js';
import { createHostSchedule } from '../../src/fetch/politeness.js';
import type { Fetcher } from '../../src/fetch/fetcher.js';
import type { RobotsPolicy } from '../../src/fetch/robots.js';
import type { FetchResult, FrontierEntry } from '../../src/types.js';

const host = 'http://a:80';
const entry = (path: string, attempt: number): FrontierEntry => ({ id: path.length, url: `http://a${path}`, host, depth: 1, attempt });

function answer(e: FrontierEntry, status: number): FetchResult {
  return {
    entry: e, status, headers: {}, body: new Uint8Array(0), isTruncated: false, wireBytes: 0, finalUrl: e.url,
    redirects: [], contentType: 'text/html', fetchedAt: Date.now(), elapsedMs: 1,
  } as FetchResult;
}

/**
 * One host through the real politeness rules (--per-host 1, --retries 1, short backoffs), its
 * answers from `statusOf`; `run` takes a URL when the host's cool-down is over, as the scheduler would.
 */
function politeHost(statusOf: (e: FrontierEntry) => number) {
  const requested: string[] = [];
  const fetcher = { fetchPage: async (e: FrontierEntry) => { requested.push(e.url); return answer(e, statusOf(e)); } } as unknown as Fetcher;
  const robots = { check: async () => ({ kind: 'allow' }) } as unknown as RobotsPolicy;
  const schedule = createHostSchedule({ delayMs: 0, maxCrawlDelayMs: 30_000 });
  const config = { ...defaultPolitenessConfig(), retries: 1, retryBaseMs: 20, retryMaxDelayMs: 40 };
  const politeFetch = createPoliteFetch({ fetcher, limits: createHostLimits({ concurrency: 4, perHost: 1 }), schedule, robots, config, signal: new AbortController().signal });
  const run = async (e: FrontierEntry) => {
    await sleep(Math.max(0, schedule.heldUntil(host) - Date.now()) + 5);
    schedule.take(host);
    return politeFetch(e);
  };
  return { requested, run };
}

// CI (1472 s, a loaded host) woke the scheduler late: the URL whose 429 began the cool-down was
// due beside the others, the frontier took it first (by depth and id), it probed alone, and its
// second 429 counted, so with --retries 1 it was stored as a 429 while the others were fetched.
test('the URL whose 429 began a cool-down steps aside once when it comes back first: another URL probes, and the first URL\'s own probe is then free while the host stays busy', async () => {
  let status = 429;
  const { requested, run } = politeHost(() => status);

  const first = await run(entry('/p0', 0));
  assert.equal(first.kind === 'deferred' && first.isAttempt, true, JSON.stringify(first));
  // Late: /p0 is back before any other URL of the host was asked.
  const back = await run(entry('/p0', 1));
  assert.deepEqual([back.kind, back.kind === 'deferred' && back.isAttempt], ['deferred', false], JSON.stringify(back));
  assert.deepEqual(requested, ['http://a/p0'], 'stepping aside makes no request');
  const other = await run(entry('/p1', 0));
  assert.deepEqual([other.kind, other.kind === 'deferred' && other.isAttempt], ['deferred', false], `${JSON.stringify(other)}: a probe of a host busy for more than one URL is free`);
  const again = await run(entry('/p0', 1));
  assert.deepEqual([again.kind, again.kind === 'deferred' && again.isAttempt], ['deferred', false], `${JSON.stringify(again)}: its probe is free now`);
  status = 200;
  const done = await run(entry('/p0', 1));
  assert.equal(done.kind === 'fetched' && done.result.status, 200, JSON.stringify(done));
  assert.deepEqual(requested, ['http://a/p0', 'http://a/p1', 'http://a/p0', 'http://a/p0']);
});

test('a URL broken on its own (503 while the host\'s other URLs answer) steps aside once, then its retries count as any 5xx\'s', async () => {
  const { requested, run } = politeHost((e) => (e.url.endsWith('/bad') ? 503 : 200));
  assert.equal((await run(entry('/bad', 0))).kind, 'deferred');
  const aside = await run(entry('/bad', 1));
  assert.deepEqual([aside.kind, aside.kind === 'deferred' && aside.isAttempt], ['deferred', false]);
  // With no other URL to probe, it comes back and probes itself: counted, its last try.
  const last = await run(entry('/bad', 1));
  assert.equal(last.kind === 'fetched' && last.result.status, 503, JSON.stringify(last));
  assert.deepEqual(requested, ['http://a/bad', 'http://a/bad']);
});
