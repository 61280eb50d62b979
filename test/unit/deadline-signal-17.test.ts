import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { request } from 'undici';
import { startDeadline } from '../../src/fetch/deadline.js';

test('a deadline\'s signal reads like an AbortSignal: listeners run once on the abort with `aborted` and `reason` set, removed or late ones never', () => {
  const deadline = startDeadline(60_000, undefined);
  const { signal } = deadline;
  const calls: string[] = [];
  const seen = (name: string) => (event: Event) => calls.push(`${name}:${event.type}:${String(signal.aborted)}`);
  const a = seen('a');
  const removed = seen('removed');
  signal.addEventListener('abort', a);
  signal.addEventListener('abort', a, { once: true }); // the same listener again: still once, as on an EventTarget
  signal.addEventListener('abort', removed);
  signal.removeEventListener('abort', removed);
  signal.addEventListener('abort', seen('b'), { once: true });
  assert.equal(signal.aborted, false);
  assert.equal(signal.reason, undefined);
  signal.throwIfAborted();
  const err = new Error('stop');
  deadline.abortWith(err);
  assert.deepEqual(calls, ['a:abort:true', 'b:abort:true']);
  assert.equal(signal.aborted, true);
  assert.equal(signal.reason, err);
  assert.throws(() => signal.throwIfAborted(), (thrown) => thrown === err);
  signal.addEventListener('abort', seen('late'));
  deadline.abortWith(new Error('again'));
  assert.deepEqual(calls, ['a:abort:true', 'b:abort:true'], 'no second abort, and a listener added after it never runs');
  deadline.dispose();
});

test('a listener that throws does not keep the others from running; its error is thrown again on the next tick (an uncaught exception, as an EventTarget\'s would be)', () => {
  const deadline = startDeadline(60_000, undefined);
  const boom = new Error('listener failed');
  let isSecondRun = false;
  deadline.signal.addEventListener('abort', () => {
    throw boom;
  });
  deadline.signal.addEventListener('abort', () => {
    isSecondRun = true;
  });
  // The tick is caught here rather than left to crash the test runner.
  const deferred: Array<() => void> = [];
  const nextTick = process.nextTick;
  process.nextTick = ((fn: () => void) => deferred.push(fn)) as typeof process.nextTick;
  try {
    deadline.abortWith(new Error('stop'));
  } finally {
    process.nextTick = nextTick;
  }
  assert.equal(isSecondRun, true);
  assert.equal(deferred.length, 1);
  assert.throws(() => deferred[0]!(), (thrown) => thrown === boom);
  deadline.dispose();
});

test('the caller\'s abort and the timeout reach undici\'s request() through the signal: a hanging response ends with their reason', async (t) => {
  const server = createServer(() => {}); // never answers
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}/`;

  const timed = startDeadline(150, undefined);
  await assert.rejects(request(url, { signal: timed.signal }), (err: Error) => err.name === 'TimeoutError' && /within 150 ms/.test(err.message));
  assert.equal(timed.isTimedOut(), true);
  timed.dispose();

  const stop = new AbortController();
  const stopped = startDeadline(60_000, stop.signal);
  const pending = request(url, { signal: stopped.signal });
  setTimeout(() => stop.abort(new Error('crawl stopped')), 50);
  await assert.rejects(pending, /crawl stopped/);
  assert.equal(stopped.isCallerAborted(), true);
  stopped.dispose();
});
