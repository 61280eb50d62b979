import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { collectSearchWords, searchWords } from '../../src/parse/search-words.js';

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/**
 * What the scan must give, done the plain way: the text as UTF-8 sees it (a lone surrogate is
 * U+FFFD), split at ASCII separators, ASCII capitals folded, each word once, cut at maxBytes.
 */
function reference(text: string, maxBytes: number): string {
  const seen = new Set<string>();
  let bytes = 0;
  for (const raw of Buffer.from(text, 'utf8').toString('utf8').split(/[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/)) {
    const word = raw.replace(/[A-Z]+/g, (c) => c.toLowerCase());
    if (word === '' || seen.has(word)) continue;
    const cost = Buffer.byteLength(word) + (seen.size > 0 ? 1 : 0);
    if (bytes + cost > maxBytes) break;
    bytes += cost;
    seen.add(word);
  }
  return [...seen].join(' ');
}

describe('searchWords', () => {
  it('keeps each word once, in first-seen order, with ASCII capitals lowercased', () => {
    assert.equal(searchWords('The cat saw the CAT, then the dog.', 1000), 'the cat saw then dog');
  });

  it('cuts only at ASCII separators and leaves other characters to the index', () => {
    assert.equal(searchWords('Grüße—mir 🌍 naïve_naïve x-y Grüße', 1000), 'grüße—mir 🌍 naïve x y grüße');
  });

  it('lowercases only ASCII capitals', () => {
    // 'İ'.toLowerCase() is 'i' plus a combining dot, which the tokenizer splits differently.
    assert.equal(searchWords('İstanbul The the ÉCOLE', 1000), 'İstanbul the École');
  });

  it('stops at maxBytes without cutting a word', () => {
    assert.equal(searchWords('alpha beta gamma delta', 10), 'alpha beta');
    assert.equal(searchWords('alpha beta gamma delta', 9), 'alpha');
    assert.equal(searchWords('é é', 1), '');
    assert.equal(searchWords('', 10), '');
    assert.equal(searchWords('... !!! ...', 10), '');
  });

  it("measures the whole text's UTF-8 length as Buffer.byteLength does, whatever maxBytes cuts", () => {
    // parse-page.ts stores this as contents.text_bytes instead of measuring the text again.
    const rand = random(7);
    const pieces = ['abc', ' ', 'é', '—', '🌍', '\ud800', '\udfff', '\ud83c', 'x\udc00y', '\u0000', 'İ', '\uffff', '\u0080', '\u07ff', '\u0800'];
    const texts = ['', ' ', '\ud83c\udf0d', '\udf0d\ud83c', 'word'];
    for (let t = 0; t < 200; t++) texts.push(Array.from({ length: Math.floor(rand() * 40) }, () => pieces[Math.floor(rand() * pieces.length)]).join(''));
    for (const text of texts) {
      for (const maxBytes of [0, 5, 1000]) {
        const got = collectSearchWords(text, maxBytes);
        assert.equal(got.textBytes, Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
        assert.equal(got.words, searchWords(text, maxBytes));
      }
    }
  });

  it('tells apart words that share their last 8 bytes, prefixes, and words of 7, 8 and 9 bytes', () => {
    // The scan keys a word by its last 8 units (and compares longer words in place): a plain
    // split, fold and Set is the reference.
    const vocab = ['abcdefg', 'abcdefgh', 'xabcdefgh', 'yxabcdefgh', 'Xabcdefgh', 'abcdefghi', 'abcdefgha', 'bcdefgh', 'aabcdefgh',
      'a', 'ab', 'ba', 'aaaaaaaa', 'aaaaaaaaa', 'aaaaaaa', 'é', 'éé', 'ééééé', 'xéééé', 'café', 'caféabcdefgh', '🌍🌍', '🌍🌍🌍', 'zzzzzzzzzzzzzzzzzzzz', 'zzzzzzzzzzzzzzzzzzz'];
    const rand = random(11);
    for (let t = 0; t < 300; t++) {
      const text = Array.from({ length: 1 + Math.floor(rand() * 60) }, () => vocab[Math.floor(rand() * vocab.length)]).join(rand() < 0.5 ? ' ' : '.,');
      for (const maxBytes of [7, 40, 100_000]) assert.equal(searchWords(text, maxBytes), reference(text, maxBytes), JSON.stringify(text));
    }
  });

  it('gives what the plain split gives on any UTF-16, lone surrogates and astral characters included', () => {
    // The scan reads UTF-16 code units and encodes only the words it keeps: every width of UTF-8
    // (1 to 4 bytes), a pair cut by a separator, and halves of pairs on their own.
    const rand = random(5);
    const pieces = ['Word', 'é', 'É', 'Grüße', 'мир', '—', '’', '日本語', '🌍', '😀x', '\ud800', '\udfff', '\ud83c', 'x\udc00y', '\ud83c.\udf0d',
      '\u0000', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff', '\ufffd', 'abcdefgh', 'ABCDEFGH', 'abcdéfgh', ' ', ', ', '\n'];
    const texts: string[] = [];
    for (let t = 0; t < 400; t++) texts.push(Array.from({ length: Math.floor(rand() * 60) }, () => pieces[Math.floor(rand() * pieces.length)]).join(rand() < 0.5 ? ' ' : ''));
    for (let t = 0; t < 200; t++) {
      // Any code unit at all, half of them ASCII (separators and letters).
      texts.push(String.fromCharCode(...Array.from({ length: Math.floor(rand() * 120) }, () => Math.floor(rand() * (rand() < 0.5 ? 0x80 : 0x10000)))));
    }
    for (const text of texts) {
      for (const maxBytes of [0, 9, 40, 1_000_000]) {
        const got = collectSearchWords(text, maxBytes);
        assert.equal(got.words, reference(text, maxBytes), JSON.stringify(text));
        assert.equal(got.textBytes, Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
      }
    }
  });

  it('handles more distinct words than its first table holds', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `w${i} w${i % 7}`).join(' ');
    const words = searchWords(text, 1_000_000).split(' ');
    assert.equal(words.length, 5000);
    assert.equal(new Set(words).size, 5000);
  });

  it('gives the same words whatever the calls before it left in its reused buffers', () => {
    const small = 'Rain in Spain rain SPAIN plain';
    const expected = 'rain in spain plain';
    assert.equal(searchWords(small, 1000), expected);
    // A vocabulary past the table size it keeps, then a text past the buffers it keeps.
    const many = Array.from({ length: 70_000 }, (_, i) => `v${i}`).join(' ');
    assert.equal(searchWords(many, 10_000_000).split(' ').length, 70_000);
    assert.equal(searchWords(small, 1000), expected);
    const huge = `${'ab '.repeat(2_000_000)}Zed`;
    assert.equal(searchWords(huge, 1000), 'ab zed');
    assert.equal(searchWords(small, 1000), expected);
    assert.equal(searchWords('', 1000), '');
    assert.equal(searchWords(small, 1000), expected);
  });

  for (const detail of ['none', 'column']) it(`gives the FTS5 index (detail=${detail}) the same matches as the whole text`, () => {
    const db = new Database(':memory:');
    const schema = `USING fts5(title, text, content='', contentless_delete=1, detail=${detail}, tokenize='unicode61 remove_diacritics 2')`;
    db.exec(`CREATE VIRTUAL TABLE full ${schema}; CREATE VIRTUAL TABLE words ${schema};`);
    const rand = random(3);
    const vocab = ['Café', 'cafe', 'the', 'The', 'NAÏVE', 'x_y', 'a-b', 'mir', 'мир', 'Grüße', '42', 'e.g.', 'İstanbul', 'ǅemal', '🌍', '—', 'don’t', "don't"];
    const docs: string[] = [];
    for (let id = 1; id <= 300; id++) {
      const text = Array.from({ length: 1 + Math.floor(rand() * 30) }, () => vocab[Math.floor(rand() * vocab.length)]).join(rand() < 0.5 ? ' ' : ', ');
      docs.push(text);
      db.prepare('INSERT INTO full (rowid, title, text) VALUES (?, ?, ?)').run(id, '', text);
      db.prepare('INSERT INTO words (rowid, title, text) VALUES (?, ?, ?)').run(id, '', searchWords(text, 100_000));
    }
    db.exec("CREATE VIRTUAL TABLE full_v USING fts5vocab(full, 'row')");
    const terms = db.prepare('SELECT term FROM full_v').pluck().all() as string[];
    assert.ok(terms.length > 10, `${terms.length} terms`);
    for (const term of terms) {
      const q = `"${term.replaceAll('"', '""')}"`;
      const full = db.prepare('SELECT rowid FROM full WHERE full MATCH ? ORDER BY rowid').pluck().all(q);
      const words = db.prepare('SELECT rowid FROM words WHERE words MATCH ? ORDER BY rowid').pluck().all(q);
      assert.deepEqual(words, full, `term ${term}`);
    }
  });
});
