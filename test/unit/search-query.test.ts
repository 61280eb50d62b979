import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearchQuery } from '../../src/search/query.js';
import { makeSnippet } from '../../src/search/snippet.js';

test('parseSearchQuery: words ANDed, OR, -word, prefix*, phrases as all their words, punctuation harmless', () => {
  assert.equal(parseSearchQuery('Sqlite WAL').match, '"sqlite" "wal"');
  assert.equal(parseSearchQuery('cats OR dogs').match, '"cats" OR "dogs"');
  assert.equal(parseSearchQuery('-robots crawl*').match, '"crawl"* NOT "robots"');
  assert.equal(parseSearchQuery('"hold hands" e-mail').match, '("hold" AND "hands") ("e" AND "mail")');
  assert.equal(parseSearchQuery('OR a OR OR b OR').match, '"a" OR "b"');
  assert.equal(parseSearchQuery('a"b (c) NEAR: ^d').match, '("a" AND "b") "c" "near" "d"', 'FTS5 syntax in a query is only words');
  assert.deepEqual(parseSearchQuery('Café crawl* -x').terms, [{ word: 'café', isPrefix: false }, { word: 'crawl', isPrefix: true }]);
  assert.throws(() => parseSearchQuery('  '), { code: 'CRAWL_USAGE' });
  assert.throws(() => parseSearchQuery('-only -excluded'), { code: 'CRAWL_USAGE' });
});

test('makeSnippet: cut around the words, at word boundaries, with ellipses and match offsets', () => {
  const text = `${'intro '.repeat(100)}the quick brown fox jumps${' outro'.repeat(100)}`;
  const s = makeSnippet(text, [{ word: 'fox', isPrefix: false }, { word: 'qui', isPrefix: true }], 60);
  assert.ok(s.text.startsWith('…') && s.text.endsWith('…'));
  assert.match(s.text, /the quick brown fox jumps/);
  assert.deepEqual(s.matches.map(([a, b]) => s.text.slice(a, b)), ['quick', 'fox']);
  assert.equal(makeSnippet('short text', [{ word: 'nothing', isPrefix: false }]).text, 'short text', 'no match: the start');
  assert.deepEqual(makeSnippet('foxes and a fox', [{ word: 'fox', isPrefix: false }]).matches, [[12, 15]], 'whole words only');
});
