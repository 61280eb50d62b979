import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTrapCheck } from '../../src/frontier/traps.js';
import { Frontier, type FrontierStore } from '../../src/frontier/frontier.js';
import { defaultTrapConfig } from '../../src/config/schema.js';
import type { ExtractedLink, FrontierEntry } from '../../src/types.js';

test('URL length, path depth and repeated segments have caps', () => {
  const { checkUrl } = createTrapCheck(defaultTrapConfig());
  assert.equal(checkUrl('https://a.test/ok/page?x=1'), null);
  assert.equal(checkUrl('https://a.test/' + 'x'.repeat(2100)), 'CRAWL_TRAP_URL_LENGTH');
  assert.equal(checkUrl('https://a.test/' + Array.from({ length: 33 }, (_, i) => `d${i}`).join('/')), 'CRAWL_TRAP_PATH_DEPTH');
  assert.equal(checkUrl('https://a.test/' + Array.from({ length: 32 }, (_, i) => `d${i}`).join('/')), null);
  assert.equal(checkUrl('https://a.test/a/b/a/b/a/b/c'), null, 'three times is allowed');
  assert.equal(checkUrl('https://a.test/a/b/a/b/a/b/a/b'), 'CRAWL_TRAP_REPEATED_SEGMENT');
});

test('empty segments do not count, and the query is not part of the path', () => {
  const { checkUrl } = createTrapCheck({ ...defaultTrapConfig(), maxPathDepth: 3, maxRepeatedSegment: 2 });
  assert.equal(checkUrl('https://a.test//x///y//z/'), null, 'three segments, however many slashes');
  assert.equal(checkUrl('https://a.test/x/y/z/w'), 'CRAWL_TRAP_PATH_DEPTH');
  assert.equal(checkUrl('https://a.test/x/y?/a/b/c/d/e'), null, 'slashes in the query');
  assert.equal(checkUrl('https://a.test/x//x/x'), 'CRAWL_TRAP_REPEATED_SEGMENT');
  assert.equal(checkUrl('https://a.test/x/x?x/x'), null);
  assert.equal(checkUrl('https://a.test'), null);
});

test('distinct query strings per path are capped when the path links itself; repeats of a seen one are not counted', () => {
  const { checkQueryVariant } = createTrapCheck({ ...defaultTrapConfig(), maxQueriesPerPath: 3 });
  const cal = (m: number) => `https://a.test/calendar?month=${m}`;
  assert.deepEqual([1, 2, 3].map((m) => checkQueryVariant(cal(m), cal(m - 1))), [null, null, null]);
  assert.equal(checkQueryVariant(cal(4), cal(3)), 'CRAWL_TRAP_QUERY_VARIANTS');
  assert.equal(checkQueryVariant(cal(2), cal(3)), null, 'an already-admitted variant stays admitted');
  assert.equal(checkQueryVariant(cal(5), 'https://a.test/calendar'), 'CRAWL_TRAP_QUERY_VARIANTS', 'the bare path is the same path');
  assert.equal(checkQueryVariant('https://a.test/other?month=4', 'https://a.test/other?month=3'), null, 'per path');
  assert.equal(checkQueryVariant('https://a.test/calendar', cal(3)), null, 'the bare path is not a variant');
  assert.equal(checkQueryVariant('https://b.test/calendar?month=9', cal(3)), null, 'another host is another path');
  assert.equal(checkQueryVariant('https://a.test/calendar2?month=9', cal(3)), null, 'a longer path is another path');
});

test('siblings linked from another path are never capped: a forum index lists 1,500 topics', () => {
  const { checkQueryVariant } = createTrapCheck({ ...defaultTrapConfig(), maxQueriesPerPath: 3 });
  for (let t = 1; t <= 1500; t++) {
    assert.equal(checkQueryVariant(`https://a.test/viewtopic.php?t=${t}`, 'https://a.test/forum'), null);
  }
  assert.equal(checkQueryVariant('https://a.test/viewtopic.php?t=9999', 'https://a.test/forum?page=2'), null);
});

test('an active chain stays tracked while many other paths pass by (least recently used is forgotten)', () => {
  const { checkQueryVariant } = createTrapCheck({ ...defaultTrapConfig(), maxQueriesPerPath: 20 });
  const cal = (m: number) => `https://a.test/cal4?m=${m}`;
  let stoppedAt: number | null = null;
  for (let m = 1; m <= 100 && stoppedAt === null; m++) {
    // Each month 150 other paths chain once: 2,048 (MAX_TRACKED_PATHS) of them pass by within 14
    // months, which forgot the calendar when the oldest-inserted path went first.
    for (let d = 0; d < 150; d++) checkQueryVariant(`https://a.test/ev4/${m}-${d}?from=cal&x=1`, `https://a.test/ev4/${m}-${d}?from=cal`);
    if (checkQueryVariant(cal(m), cal(m - 1)) !== null) stoppedAt = m;
  }
  assert.equal(stoppedAt, 21);
});

test('memory stays bounded over a million distinct paths and queries', () => {
  const { checkQueryVariant } = createTrapCheck({ ...defaultTrapConfig(), maxQueriesPerPath: 2 });
  for (let i = 0; i < 200_000; i++) checkQueryVariant(`https://a.test/p${i}?q=${i}`, `https://a.test/p${i}`);
  // Only the most recently counted paths are remembered: an old path's count starts again.
  assert.equal(checkQueryVariant('https://a.test/p0?q=other', 'https://a.test/p0'), null);
});

const noStore: FrontierStore = {
  addUrls: () => {}, addSeeds: () => {}, skipClaimed: () => {}, hasQueued: () => false, requeue: () => {}, claim: () => [],
};
const at = (url: string, depth = 0): FrontierEntry => ({ id: 1, url, host: 'https://a.test:443', depth, attempt: 0 });
const links = (urls: string[], isNofollow = false): ExtractedLink[] => urls.map((url) => ({ url, text: '', isNofollow }));

test('discover(): siblings from another path are all queued; a self-linking path stops at the cap', () => {
  const frontier = new Frontier(noStore, {
    scope: () => null, maxDepth: null, maxPages: null, windowSize: 4,
    trap: createTrapCheck({ ...defaultTrapConfig(), maxQueriesPerPath: 5 }),
  });
  const topics = Array.from({ length: 1500 }, (_, i) => `https://a.test/viewtopic.php?t=${i + 1}`);
  const found = frontier.discover(at('https://a.test/forum'), links(topics), true);
  assert.equal(found.filter((l) => l.skipCode === null).length, 1500);

  const codes: Array<string | null> = [];
  for (let m = 0; m < 8; m++) {
    const [next] = frontier.discover(at(`https://a.test/cal?m=${m}`), links([`https://a.test/cal?m=${m + 1}`]), true);
    codes.push(next!.skipCode);
  }
  assert.deepEqual(codes, [null, null, null, null, null, 'CRAWL_TRAP_QUERY_VARIANTS', 'CRAWL_TRAP_QUERY_VARIANTS', 'CRAWL_TRAP_QUERY_VARIANTS']);
});

test('discover(): links not followed anyway (nofollow, too deep, error pages) use up no query variants', () => {
  const frontier = new Frontier(noStore, {
    scope: () => null, maxDepth: 3, maxPages: null, windowSize: 4,
    trap: createTrapCheck({ ...defaultTrapConfig(), maxQueriesPerPath: 2 }),
  });
  const variants = (n: number) => Array.from({ length: n }, (_, i) => `https://a.test/list?p=${i + 10}`);
  const nofollow = frontier.discover(at('https://a.test/list'), links(variants(10), true), true);
  assert.ok(nofollow.every((l) => l.skipCode === 'CRAWL_NOT_FOLLOWED'));
  const deep = frontier.discover(at('https://a.test/list', 3), links(variants(10)), true);
  assert.ok(deep.every((l) => l.skipCode === 'CRAWL_DEPTH_LIMIT'));
  const errorPage = frontier.discover(at('https://a.test/list'), links(variants(10)), false);
  assert.ok(errorPage.every((l) => l.skipCode === 'CRAWL_NOT_FOLLOWED'));
  const followed = frontier.discover(at('https://a.test/list'), links(variants(3)), true);
  assert.deepEqual(followed.map((l) => l.skipCode), [null, null, 'CRAWL_TRAP_QUERY_VARIANTS'], 'the cap is whole for the first followed links');
});
