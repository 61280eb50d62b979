import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { createHostLimits } from '../../src/fetch/host-limits.js';

const HOSTS = ['http://a.test:80', 'http://b.test:80', 'http://c.test:80'];

test('never more than concurrency overall nor perHost per host, and every task completes', { timeout: 10_000 }, async () => {
  const concurrency = 5;
  const perHost = 2;
  const limits = createHostLimits({ concurrency, perHost });
  let inFlight = 0;
  let maxInFlight = 0;
  const perHostNow = new Map<string, number>();
  const perHostMax = new Map<string, number>();
  let maxReported = 0;

  const tasks: Promise<number>[] = [];
  for (let i = 0; i < 90; i++) {
    const host = HOSTS[i % HOSTS.length] as string;
    tasks.push(
      limits.run(host, async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const now = (perHostNow.get(host) ?? 0) + 1;
        perHostNow.set(host, now);
        perHostMax.set(host, Math.max(perHostMax.get(host) ?? 0, now));
        maxReported = Math.max(maxReported, limits.inFlight);
        await sleep(1 + (i % 4));
        perHostNow.set(host, (perHostNow.get(host) ?? 1) - 1);
        inFlight--;
        return i;
      }),
    );
  }
  assert.equal(limits.hostCount, 3);
  assert.equal(limits.inFlight + limits.queued, 90);

  const results = await Promise.all(tasks);
  assert.deepEqual(results, Array.from({ length: 90 }, (_, i) => i));
  assert.ok(maxInFlight <= concurrency, `max in flight ${maxInFlight} > ${concurrency}`);
  // 3 hosts x 2 slots = 6 > 5, so the global limit is the one that binds, and it is reached.
  assert.equal(maxInFlight, concurrency);
  assert.ok(maxReported <= concurrency);
  for (const host of HOSTS) {
    const max = perHostMax.get(host) ?? 0;
    assert.ok(max <= perHost, `${host} reached ${max} > ${perHost}`);
    assert.equal(max, perHost);
  }
  await limits.onIdle();
  assert.equal(limits.inFlight, 0);
  assert.equal(limits.queued, 0);
  assert.equal(limits.hostCount, 0, 'idle host queues are deleted');
});

test('the per-host limit binds when it is the smaller one, and one slow host does not block the others', { timeout: 10_000 }, async () => {
  const limits = createHostLimits({ concurrency: 4, perHost: 1 });
  let slowRunning = 0;
  let slowMax = 0;
  let releaseSlow!: () => void;
  const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
  const slow = Array.from({ length: 5 }, () =>
    limits.run('http://slow.test:80', async () => {
      slowRunning++;
      slowMax = Math.max(slowMax, slowRunning);
      await slowGate;
      slowRunning--;
    }),
  );
  // While the slow host holds its one slot and queues four more, other hosts still get through.
  const fast = await Promise.all(Array.from({ length: 20 }, (_, i) => limits.run(HOSTS[i % 3] as string, async () => i)));
  assert.equal(fast.length, 20);
  assert.equal(limits.inFlight, 1);
  assert.equal(limits.queued, 4);
  releaseSlow();
  await Promise.all(slow);
  assert.equal(slowMax, 1);
  await limits.onIdle();
  assert.equal(limits.hostCount, 0);
});

test('hasRoom counts queued and running tasks of that host only', async () => {
  const limits = createHostLimits({ concurrency: 10, perHost: 2 });
  const host = 'http://a.test:80';
  assert.equal(limits.hasRoom(host), true);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const first = limits.run(host, () => gate);
  assert.equal(limits.hasRoom(host), true);
  const second = limits.run(host, () => gate);
  assert.equal(limits.hasRoom(host), false);
  assert.equal(limits.hasRoom('http://b.test:80'), true);
  release();
  await Promise.all([first, second]);
  assert.equal(limits.hasRoom(host), true);
  assert.equal(limits.hostCount, 0);
});

test('a failing task rejects its run() and frees its slots', async () => {
  const limits = createHostLimits({ concurrency: 1, perHost: 1 });
  const host = 'http://a.test:80';
  const boom = new Error('boom');
  await assert.rejects(limits.run(host, async () => Promise.reject(boom)), (err) => err === boom);
  assert.equal(await limits.run(host, async () => 'next'), 'next');
  await limits.onIdle();
  assert.equal(limits.inFlight, 0);
  assert.equal(limits.queued, 0);
  assert.equal(limits.hostCount, 0);
});

test('onIdle waits for tasks still queued on a host behind the global queue', async () => {
  const limits = createHostLimits({ concurrency: 1, perHost: 1 });
  const done: number[] = [];
  for (let i = 0; i < 6; i++) {
    void limits.run(HOSTS[i % 2] as string, async () => {
      await sleep(1);
      done.push(i);
    });
  }
  await limits.onIdle();
  assert.equal(done.length, 6);
  assert.equal(limits.hostCount, 0);
});

test('bad limits are rejected with a message naming the value', () => {
  assert.throws(() => createHostLimits({ concurrency: 0, perHost: 1 }), /`concurrency`.*`0`/);
  assert.throws(() => createHostLimits({ concurrency: 2, perHost: 1.5 }), /`perHost`.*`1.5`/);
});

test('runInHost shares the host\'s perHost slots with run() but takes no global slot; an abort leaves the queue', { timeout: 10_000 }, async () => {
  const limits = createHostLimits({ concurrency: 1, perHost: 1 });
  const [a, b] = HOSTS as [string, string];
  const order: string[] = [];
  let releaseA!: () => void;
  // A fetch of b holds the only global slot and, inside it, hops to a: it must not need a second global slot.
  const fetchB = limits.run(b, () => limits.runInHost(a, async () => {
    order.push('hop to a');
    await new Promise<void>((r) => (releaseA = r));
  }));
  await sleep(5);
  assert.equal(limits.hasRoom(a), false, 'the hop holds a slot of a');
  const controller = new AbortController();
  const aborted = limits.runInHost(a, async () => order.push('never'), controller.signal);
  controller.abort();
  await assert.rejects(aborted, { name: 'AbortError' });
  releaseA();
  await fetchB;
  await limits.run(a, async () => order.push('page of a'));
  assert.deepEqual(order, ['hop to a', 'page of a']);
  assert.equal(limits.hostCount, 0, 'no queue left behind');
  await limits.onIdle();
});
