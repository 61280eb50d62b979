import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFetchedElsewhereTracker } from '../../src/fetched-elsewhere.js';

test('a URL is fetched elsewhere while another request\'s response for it is on its way, and once it is stored under another URL', () => {
  const t = createFetchedElsewhereTracker();
  const docs = t.forUrl('http://a.test/docs/');
  assert.equal(docs.isFetched(), false);
  const r = t.forUrl('http://a.test/r');
  r.onFetched('http://a.test/docs/');
  assert.equal(docs.isFetched(), true, 'arriving');
  r.release();
  assert.equal(docs.isFetched(), false, 'not stored (a 5xx to be retried): asked again later');
  r.onFetched('http://a.test/docs/');
  t.noteStored('http://a.test/r', 'http://a.test/docs/');
  r.release();
  assert.equal(docs.isFetched(), true, 'stored under /r\'s request');
  t.noteStored('http://a.test/x', 'http://a.test/x');
  assert.equal(t.forUrl('http://a.test/x').isFetched(), false, 'a page stored under its own URL was its own request');
});

test('two responses landing on one URL at once are counted; the landed set is bounded, oldest forgotten first', () => {
  const t = createFetchedElsewhereTracker(2);
  const a = t.forUrl('http://a.test/a');
  const b = t.forUrl('http://a.test/b');
  a.onFetched('http://a.test/p');
  b.onFetched('http://a.test/p');
  a.release();
  assert.equal(t.forUrl('http://a.test/p').isFetched(), true, 'the second is still on its way');
  b.release();
  assert.equal(t.forUrl('http://a.test/p').isFetched(), false);
  for (const n of [1, 2, 3]) t.noteStored('http://a.test/r', `http://a.test/${n}`);
  assert.deepEqual([1, 2, 3].map((n) => t.forUrl(`http://a.test/${n}`).isFetched()), [false, true, true]);
});
