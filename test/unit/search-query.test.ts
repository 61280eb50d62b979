import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { parseSearchQuery } from '../../src/search/query.js';
import { makeSnippet } from '../../src/search/snippet.js';

test('parseSearchQuery: words ANDed, OR, -word, prefix*, phrases as all their words, punctuation harmless', () => {
  assert.equal(parseSearchQuery('Sqlite WAL').match, '"sqlite" AND "wal"');
  assert.equal(parseSearchQuery('cats OR dogs').match, '"cats" OR "dogs"');
  assert.equal(parseSearchQuery('-robots crawl*').match, '"crawl"* NOT "robots"');
  assert.equal(parseSearchQuery('"hold hands" e-mail').match, '("hold" AND "hands") AND ("e" AND "mail")');
  assert.equal(parseSearchQuery('OR a OR OR b OR').match, '"a" OR "b"');
  assert.equal(parseSearchQuery('a"b (c) NEAR: ^d').match, '("a" AND "b") AND "c" AND "near" AND "d"', 'FTS5 syntax in a query is only words');
  assert.equal(parseSearchQuery('NEAR(x y)').match, '("near" AND "x") AND "y"');
  assert.deepEqual(parseSearchQuery('Café crawl* -x').terms, [{ word: 'café', isPrefix: false }, { word: 'crawl', isPrefix: true }]);
  assert.throws(() => parseSearchQuery('  '), { code: 'CRAWL_USAGE' });
  assert.throws(() => parseSearchQuery('-only -excluded'), { code: 'CRAWL_USAGE' });
  assert.throws(() => parseSearchQuery('OR -only'), { code: 'CRAWL_USAGE' });
});

test('parseSearchQuery: a query with nothing to find says why: only exclusions, only OR, or no letters or digits at all', () => {
  const excluded = /: give at least one word that is not excluded$/;
  assert.throws(() => parseSearchQuery('-only -excluded'), { code: 'CRAWL_USAGE', message: excluded });
  assert.throws(() => parseSearchQuery('😀 -robots'), { code: 'CRAWL_USAGE', message: excluded });
  assert.throws(() => parseSearchQuery('OR'), { code: 'CRAWL_USAGE', message: "nothing to search for in 'OR': OR goes between two words" });
  // QA: these said "give at least one word that is not excluded", though nothing was excluded.
  for (const query of ['😀', '!!!', '-😀', '"…"', '*']) {
    assert.throws(() => parseSearchQuery(query), { code: 'CRAWL_USAGE', message: `'${query}' has no searchable words (letters or digits)` });
  }
});

test('parseSearchQuery: a group beside a word is ANDed explicitly (FTS5 rejects an implicit AND next to parentheses)', () => {
  assert.equal(parseSearchQuery('"sqlite wal" hello').match, '("sqlite" AND "wal") AND "hello"');
  assert.equal(parseSearchQuery('hello "sqlite wal"').match, '"hello" AND ("sqlite" AND "wal")');
  assert.equal(parseSearchQuery('hello sqlite-wal*').match, '"hello" AND ("sqlite" AND "wal"*)');
  assert.equal(parseSearchQuery('a b OR c').match, '("a" AND "b") OR "c"', 'AND binds tighter than OR');
});

test('parseSearchQuery: exclusions apply to every OR branch', () => {
  assert.equal(parseSearchQuery('world OR lorem -hello').match, '("world" OR "lorem") NOT "hello"');
  assert.equal(parseSearchQuery('-a x -b-c OR y').match, '("x" OR "y") NOT ("a" OR ("b" AND "c"))');
  assert.equal(parseSearchQuery('x y -z').match, '("x" AND "y") NOT "z"');
});

// The expressions run against tables made as store/db.ts makes them (detail=none), and as files
// made before 0.2 have them (detail=column): every one is valid FTS5 and finds the right pages.
const DOCS = ['hello world', 'lorem ipsum', 'hello lorem', 'sqlite wal hello', 'wal sqlite', 'e mail here', 'crawler robots', 'crawling'];
for (const detail of ['none', 'column']) {
  test(`parseSearchQuery: each expression runs on an FTS5 table (detail=${detail}) and matches the right rows`, (t) => {
    const db = new Database(':memory:');
    t.after(() => db.close());
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(words, content='', contentless_delete=1, detail=${detail}, tokenize='unicode61 remove_diacritics 2')`);
    const insert = db.prepare('INSERT INTO t (rowid, words) VALUES (?, ?)');
    DOCS.forEach((d, i) => insert.run(i + 1, d));
    const find = (query: string): string[] =>
      db.prepare<[string], { rowid: number }>('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid').all(parseSearchQuery(query).match).map((r) => DOCS[r.rowid - 1]!);
    assert.deepEqual(find('"sqlite wal" hello'), ['sqlite wal hello']);
    assert.deepEqual(find('hello "sqlite wal"'), ['sqlite wal hello']);
    assert.deepEqual(find('hello sqlite-wal'), ['sqlite wal hello']);
    assert.deepEqual(find('"wal sqlite"'), ['sqlite wal hello', 'wal sqlite'], 'a phrase matches its words in any order');
    assert.deepEqual(find('NEAR(sqlite wal)'), []);
    assert.deepEqual(find('world OR lorem -hello'), ['lorem ipsum']);
    assert.deepEqual(find('hello OR wal -world -sqlite-wal'), ['hello lorem']);
    assert.deepEqual(find('hello -lorem OR ipsum'), ['hello world', 'sqlite wal hello']);
    assert.deepEqual(find('crawl* -robots'), ['crawling']);
    assert.deepEqual(find('e-mail'), ['e mail here']);
    assert.deepEqual(find('hello NOT world'), [], 'NOT typed in a query is a word to find');
    assert.deepEqual(find('(hello) ^world: "'), ['hello world']);
  });
}

test('makeSnippet: cut around the words, at word boundaries, with ellipses and match offsets', () => {
  const text = `${'intro '.repeat(100)}the quick brown fox jumps${' outro'.repeat(100)}`;
  const s = makeSnippet(text, [{ word: 'fox', isPrefix: false }, { word: 'qui', isPrefix: true }], 60);
  assert.ok(s.text.startsWith('…') && s.text.endsWith('…'));
  assert.match(s.text, /the quick brown fox jumps/);
  assert.deepEqual(s.matches.map(([a, b]) => s.text.slice(a, b)), ['quick', 'fox']);
  assert.equal(makeSnippet('short text', [{ word: 'nothing', isPrefix: false }]).text, 'short text', 'no match: the start');
  assert.deepEqual(makeSnippet('foxes and a fox', [{ word: 'fox', isPrefix: false }]).matches, [[12, 15]], 'whole words only');
});

test('makeSnippet: never cut between the halves of a surrogate pair (emoji, 𠮷), which search --json wrote as an escape jq refuses', () => {
  const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  const walrus = [{ word: 'walrus', isPrefix: false }];
  // Text without spaces to snap to past the word: the cut fell inside an emoji.
  const emoji = makeSnippet(`${'😀'.repeat(150)} walrus ${'😀'.repeat(150)}`, walrus);
  assert.doesNotMatch(emoji.text, lone);
  assert.match(emoji.text, /^…walrus (?:😀)+…$/u);
  for (let width = 40; width <= 240; width++) {
    for (const text of [`${'𠮷'.repeat(60)} walrus ${'𠮷野家'.repeat(80)}`, `${'a😀'.repeat(90)} walrus${'😀b'.repeat(90)}`]) {
      assert.doesNotMatch(makeSnippet(text, walrus, width).text, lone, `width ${width}`);
    }
  }
});

test('parseSearchQuery: a repeated word, group or branch is searched once (2,000 times w* read its match list 2,000 times)', () => {
  assert.deepEqual(parseSearchQuery(Array(2000).fill('w*').join(' ')), { match: '"w"*', terms: [{ word: 'w', isPrefix: true }] });
  assert.equal(parseSearchQuery('a b a "a b" b').match, '"a" AND "b" AND ("a" AND "b")');
  assert.equal(parseSearchQuery('a b OR c OR a b OR c').match, '("a" AND "b") OR "c"');
  assert.equal(parseSearchQuery('x -y -y -y').match, '"x" NOT "y"');
  // A word and its prefix are different terms, as before.
  assert.deepEqual(parseSearchQuery('wal wal* wal').terms, [{ word: 'wal', isPrefix: false }, { word: 'wal', isPrefix: true }]);
});

test('parseSearchQuery: more than 64 different words, or an expression of more than 256 once repeats are dropped, is one CRAWL_USAGE line', () => {
  const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`);
  assert.equal(parseSearchQuery(words(64).join(' ')).terms.length, 64);
  assert.throws(() => parseSearchQuery(words(65).join(' ')), { code: 'CRAWL_USAGE', message: 'the query holds more than 64 different words; search for fewer' });
  assert.throws(() => parseSearchQuery(`a ${words(64).map((w) => `-${w}`).join(' ')}`), { code: 'CRAWL_USAGE', message: /more than 64 different words/ }, 'excluded words count');
  // 16 words, 129 different pairs of them: 258 words in the expression.
  const pairs = words(16).flatMap((a) => words(16).map((b) => `"${a} ${b}"`)).filter((_, i) => i % 17 !== 0).slice(0, 129);
  assert.throws(() => parseSearchQuery(pairs.join(' OR ')), { code: 'CRAWL_USAGE', message: 'the query is too long: 258 words once repeats are left out, at most 256; search for fewer' });
  assert.doesNotThrow(() => parseSearchQuery(pairs.slice(0, 128).join(' OR ')));
});
