import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTrapCheck } from '../../src/frontier/traps.js';
import { defaultTrapConfig } from '../../src/config/schema.js';

test('URL length, path depth and repeated segments have caps', () => {
  const check = createTrapCheck(defaultTrapConfig());
  assert.equal(check('https://a.test/ok/page?x=1'), null);
  assert.equal(check('https://a.test/' + 'x'.repeat(2100)), 'CRAWL_TRAP_URL_LENGTH');
  assert.equal(check('https://a.test/' + Array.from({ length: 33 }, (_, i) => `d${i}`).join('/')), 'CRAWL_TRAP_PATH_DEPTH');
  assert.equal(check('https://a.test/' + Array.from({ length: 32 }, (_, i) => `d${i}`).join('/')), null);
  assert.equal(check('https://a.test/a/b/a/b/a/b/c'), null, 'three times is allowed');
  assert.equal(check('https://a.test/a/b/a/b/a/b/a/b'), 'CRAWL_TRAP_REPEATED_SEGMENT');
});

test('distinct query strings per path are capped; repeats of a seen one are not counted', () => {
  const check = createTrapCheck({ ...defaultTrapConfig(), maxQueriesPerPath: 3 });
  const cal = (m: number) => `https://a.test/calendar?month=${m}`;
  assert.deepEqual([1, 2, 3].map((m) => check(cal(m))), [null, null, null]);
  assert.equal(check(cal(4)), 'CRAWL_TRAP_QUERY_VARIANTS');
  assert.equal(check(cal(2)), null, 'an already-admitted variant stays admitted');
  assert.equal(check('https://a.test/other?month=4'), null, 'per path');
  assert.equal(check('https://a.test/calendar'), null, 'the bare path is not a variant');
});

test('memory stays bounded over a million distinct paths and queries', () => {
  const check = createTrapCheck({ ...defaultTrapConfig(), maxQueriesPerPath: 2 });
  for (let i = 0; i < 200_000; i++) check(`https://a.test/p${i}?q=${i}`);
  // Only the most recent paths are remembered: an old path's count starts again.
  assert.equal(check('https://a.test/p0?q=other'), null);
});
