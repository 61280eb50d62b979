/**
 * Review 21: a redirect hop waits for a URL whose own request is out (fetched-elsewhere.ts), at
 * most half of what is left of --timeout. Two URLs that redirect to each other (a trailing-slash
 * loop, /x -> /x/ -> /x, both linked and fetched at once) each waited for the other: no deadlock,
 * but both sat out half their timeout (15 s by default), each holding a slot of the host, before
 * failing as the loop they are. A wait that would close a circle is not taken.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFetchedElsewhereTracker } from '../../src/fetched-elsewhere.js';

test('a hop does not wait on a request whose owner waits, directly or through others, on one of its own', () => {
  const tracker = createFetchedElsewhereTracker();
  const [a, b, c] = ['http://h/x', 'http://h/x/', 'http://h/y'];
  for (const url of [a, b, c]) tracker.forUrl(url).onStart?.();
  // b's hop to a waits for a's own request.
  assert.ok(tracker.whenDone(a, b) !== null);
  // a's hop to b would wait for b, which waits for a.
  assert.equal(tracker.whenDone(b, a), null);
  // Longer circles too: c waits for b (which waits for a); a's hop to c would close it.
  assert.ok(tracker.whenDone(b, c) !== null);
  assert.equal(tracker.whenDone(c, a), null);
  // No circle: a third URL may wait on any of them.
  assert.ok(tracker.whenDone(a, 'http://h/z') !== null);
});

test('a wait is forgotten once its owner is processed: the other may wait on it again', () => {
  const tracker = createFetchedElsewhereTracker();
  const [a, b] = ['http://h/x', 'http://h/x/'];
  const own = tracker.forUrl(a);
  own.onStart?.();
  tracker.forUrl(b).onStart?.();
  assert.ok(tracker.whenDone(a, b) !== null);
  tracker.endOwned(b);
  tracker.forUrl(b).onStart?.();
  assert.ok(tracker.whenDone(b, a) !== null, 'b waits for nothing now');
  own.release();
});
