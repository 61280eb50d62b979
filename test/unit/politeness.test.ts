import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHostSchedule } from '../../src/fetch/politeness.js';

const A = 'http://a.test:80';
const B = 'http://b.test:80';

test('without a delay only holds matter; hosts are independent', () => {
  const s = createHostSchedule({ delayMs: 0, maxCrawlDelayMs: 30_000 });
  s.take(A);
  s.take(A);
  assert.ok(s.isReady(A, 1_000), 'no gap: several URLs of a host may be taken');
  s.start(A, 1_000);
  s.start(A, 1_000);
  s.end(A, 200);
  s.hold(A, 5_000);
  assert.equal(s.isReady(A, 4_999), false);
  assert.ok(s.isReady(B, 4_999), 'another host goes on');
  assert.equal(s.isReady(A, 5_000), false, 'its request in flight is still out');
  assert.deepEqual(s.notReadyHosts(2_000), [A]);
  assert.equal(s.nextReadyAt(2_000), 5_000);
  s.end(A, 429);
  assert.ok(s.isReady(A, 5_000));
});

test('after a cool-down, one request at a time until one is answered with no 429 or 503', () => {
  let freed = 0;
  const s = createHostSchedule({ delayMs: 0, maxCrawlDelayMs: 30_000, onTurnFreed: () => freed++ });
  s.hold(A, 1_000);
  assert.equal(s.isReady(A, 999), false);
  assert.ok(s.isReady(A, 1_000));
  s.take(A);
  assert.equal(s.isReady(A, 1_000), false, 'one taken: no other');
  s.start(A, 1_000);
  assert.equal(s.isReady(A, 1_000), false, 'the probe is out');
  assert.ok(s.isProbeBusy(A));
  s.end(A); // a network failure says nothing of the host's load
  assert.ok(s.isReady(A, 1_000));
  s.take(A);
  s.start(A, 1_000);
  s.end(A, 503);
  s.take(A);
  s.start(A, 1_000);
  assert.equal(s.isProbeBusy(A), true);
  s.end(A, 200);
  assert.equal(s.isProbeBusy(A), false);
  s.take(A);
  s.take(A);
  assert.ok(s.isReady(A, 1_000), 'answered: several at once again');
  assert.ok(freed >= 3, 'each probe\'s end wakes the scheduler');
  assert.equal(s.isProbeBusy(B), false);
});

test('with a delay, one URL per host is pending and starts are a gap apart', () => {
  const s = createHostSchedule({ delayMs: 1_000, maxCrawlDelayMs: 30_000 });
  assert.ok(s.isReady(A, 0));
  s.take(A);
  assert.equal(s.isReady(A, 0), false, 'one pending start at a time');
  s.start(A, 10_000);
  assert.equal(s.isReady(A, 10_999), false);
  assert.ok(s.isReady(A, 11_000));
  assert.equal(s.nextReadyAt(10_500), 11_000);
  s.take(A);
  s.cancel(A);
  assert.ok(s.isReady(A, 11_000), 'a cancelled take frees the host');
});

test('Crawl-delay raises the gap above --delay, capped at maxCrawlDelayMs', () => {
  const s = createHostSchedule({ delayMs: 100, maxCrawlDelayMs: 2_000 });
  s.setCrawlDelay(A, 60_000);
  s.touch(A, 0);
  assert.equal(s.isReady(A, 1_999), false);
  assert.ok(s.isReady(A, 2_000), 'capped at 2 s');
  s.touch(B, 0);
  assert.ok(s.isReady(B, 100), 'B keeps the --delay floor');
});

test('turn() waits for the gap and ends early on abort', async () => {
  const s = createHostSchedule({ delayMs: 60_000, maxCrawlDelayMs: 30_000 });
  s.touch(A);
  const stop = new AbortController();
  const turn = s.turn(A, stop.signal);
  stop.abort();
  await turn; // would take a minute without the abort
  await s.turn(B); // unknown host: at once
});

test('hosts with nothing to remember are forgotten', () => {
  const s = createHostSchedule({ delayMs: 10, maxCrawlDelayMs: 30_000 });
  for (let i = 0; i < 1000; i++) s.touch(`http://h${i}.test:80`, 0);
  assert.equal(s.notReadyHosts(5).length, 1000);
  assert.equal(s.notReadyHosts(100).length, 0);
  assert.equal(s.nextReadyAt(100), null);
});

test('redirect hops: each waits for the gap after the last start, in turn; a cool-down or a turn too far off is refused', async () => {
  const s = createHostSchedule({ delayMs: 150, maxCrawlDelayMs: 30_000 });
  const startedAt: number[] = [];
  const hop = async () => {
    const refusal = await s.hopTurn(A, 5_000);
    assert.equal(refusal, null);
    s.touch(A);
    startedAt.push(Date.now());
  };
  s.touch(A);
  const first = Date.now();
  await Promise.all([hop(), hop()]);
  // Timers may fire late on a loaded machine, never early: the bounds only check the order of turns.
  assert.ok(startedAt[0]! - first >= 140, `first hop after one gap, at +${startedAt[0]! - first} ms`);
  assert.ok(startedAt[1]! - startedAt[0]! >= 140, `the second a gap after the first, +${startedAt[1]! - startedAt[0]!} ms`);
  assert.equal(s.isReady(A), false, 'the scheduler sees the hops\' starts too');

  const far = await s.hopTurn(A, 10);
  assert.ok(far !== null && far > Date.now() + 10, 'a turn further off than maxWaitMs comes back as a time');
  const until = Date.now() + 60_000;
  s.hold(A, until);
  assert.equal(await s.hopTurn(A, 120_000), until, 'a host cooling down is not waited for inside a fetch');
  assert.ok(s.gapReadyAt(A) >= until);
});

test('onTurnFreed: a pending URL that starts or is cancelled is announced, since the host has no ready time while it waits', () => {
  let freed = 0;
  const s = createHostSchedule({ delayMs: 1_000, maxCrawlDelayMs: 30_000, onTurnFreed: () => freed++ });
  s.take(A);
  assert.equal(s.nextReadyAt(0), null, 'pending: not ready, and no time to wake at');
  s.start(A, 0);
  assert.equal(freed, 1, 'the start is told: the host is ready a gap later');
  assert.equal(s.nextReadyAt(0), 1_000);
  s.take(A);
  s.cancel(A);
  assert.equal(freed, 2);
  s.touch(A, 2_000);
  s.start(B, 2_000);
  assert.equal(freed, 2, 'a start that was never taken (robots.txt, a hop) frees no turn');
  const none = createHostSchedule({ delayMs: 0, maxCrawlDelayMs: 30_000, onTurnFreed: () => freed++ });
  none.take(A);
  none.start(A, 0);
  assert.equal(freed, 2, 'without a gap a pending URL holds nothing: no call');
});
