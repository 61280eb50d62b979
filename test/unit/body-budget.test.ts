/**
 * The bound on fetched bodies held at once (body-budget.ts), the buffer a body is read into
 * (body-sink.ts), and the deadline's clock stopped while a read is held back (deadline.ts).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BodyBudget } from '../../src/fetch/body-budget.js';
import { BodySink, expectedLength } from '../../src/fetch/body-sink.js';
import { startDeadline } from '../../src/fetch/deadline.js';

test('readers read on below the bound and pause at it; the oldest goes on once nothing waits downstream', () => {
  const budget = new BodyBudget(100);
  const first = budget.open();
  const second = budget.open();
  assert.equal(first.add(40), null);
  assert.equal(second.add(40), null);
  // 100 reached: the younger reader pauses, the oldest does not (someone must finish).
  const paused = second.add(20);
  assert.ok(paused instanceof Promise);
  assert.equal(first.add(50), null);
  assert.equal(budget.paused, 1);
  assert.equal(budget.readingBytes, 150);
  let resumed = false;
  void paused.then(() => (resumed = true));
  // The oldest finishes: the other becomes the oldest and reads on.
  first.close();
  assert.equal(budget.readingBytes, 60);
  assert.equal(budget.paused, 0);
  return Promise.resolve().then(() => assert.equal(resumed, true));
});

test('bodies waiting downstream count, and hold every reader back until they go on', async () => {
  let waiting = 90;
  const budget = new BodyBudget(100, () => waiting);
  const oldest = budget.open();
  const younger = budget.open();
  const held = oldest.add(20);
  const alsoHeld = younger.add(5);
  // Not even the oldest reads past the bound while bodies wait downstream.
  assert.ok(held instanceof Promise && alsoHeld instanceof Promise);
  assert.equal(budget.paused, 2);
  waiting = 0;
  budget.wake();
  await Promise.all([held, alsoHeld]);
  assert.equal(budget.paused, 0);
  oldest.close();
  younger.close();
  assert.equal(budget.readingBytes, 0);
});

test('a paused reader that is closed (its fetch aborted) is released and frees its bytes', async () => {
  const budget = new BodyBudget(10, () => 5);
  const reader = budget.open();
  const held = reader.add(20);
  assert.ok(held instanceof Promise);
  reader.close();
  await held;
  assert.equal(budget.readingBytes, 0);
  assert.equal(budget.paused, 0);
  reader.close(); // twice is harmless
  assert.equal(budget.readingBytes, 0);
});

test('room asked for a buffer is counted only once granted, and waits while it would pass the bound', async () => {
  const budget = new BodyBudget(100);
  const first = budget.open();
  const second = budget.open();
  assert.equal(first.reserve(60), null);
  const asked = second.reserve(60);
  assert.ok(asked instanceof Promise, '60 + 60 would pass 100');
  assert.equal(budget.readingBytes, 60, 'not counted while not granted');
  first.close();
  await asked;
  assert.equal(budget.readingBytes, 60);
  second.close();
  assert.equal(budget.readingBytes, 0);
});

test('a body with a length announced is read into one buffer of that length, which it owns', () => {
  const sink = new BodySink(expectedLength('6', 100));
  sink.push(Buffer.from('abc'));
  sink.push(Buffer.from('def'));
  const body = sink.take();
  assert.deepEqual(Buffer.from(body).toString(), 'abcdef');
  assert.equal(body.byteOffset, 0);
  assert.equal(body.buffer.byteLength, 6);
});

test('a body longer or shorter than announced is kept whole, in a buffer of its own', () => {
  const longer = new BodySink(4);
  for (const part of ['abc', 'def', 'g']) longer.push(Buffer.from(part));
  const l = longer.take();
  assert.equal(Buffer.from(l).toString(), 'abcdefg');
  assert.equal(l.buffer.byteLength, 7);
  const shorter = new BodySink(10);
  shorter.push(Buffer.from('abc'));
  const s = shorter.take();
  assert.equal(Buffer.from(s).toString(), 'abc');
  assert.equal(s.buffer.byteLength, 3);
  const unknown = new BodySink(null);
  unknown.push(Buffer.from('xy'));
  unknown.push(Buffer.from('z'));
  assert.equal(Buffer.from(unknown.take()).toString(), 'xyz');
});

test('only a plain decimal Content-Length is trusted, and never past the cap', () => {
  assert.equal(expectedLength('1234', 10_000), 1234);
  assert.equal(expectedLength('99999999', 10_000), 10_000);
  assert.equal(expectedLength(undefined, 10_000), null);
  assert.equal(expectedLength(['5', '5'], 10_000), null);
  assert.equal(expectedLength('5, 5', 10_000), null);
  assert.equal(expectedLength('-1', 10_000), null);
  assert.equal(expectedLength('1e3', 10_000), null);
});

test('a held deadline does not fire; released, the time left runs on', async () => {
  const deadline = startDeadline(100, undefined);
  const release = deadline.hold();
  await sleep(250);
  assert.equal(deadline.signal.aborted, false);
  release();
  await once(deadline.signal, 'abort');
  assert.equal(deadline.isTimedOut(), true);
  deadline.dispose();
});

test('a held deadline still ends when the caller aborts', () => {
  const caller = new AbortController();
  const deadline = startDeadline(60_000, caller.signal);
  const release = deadline.hold();
  caller.abort();
  assert.equal(deadline.signal.aborted, true);
  assert.equal(deadline.isCallerAborted(), true);
  release();
  deadline.dispose();
});
