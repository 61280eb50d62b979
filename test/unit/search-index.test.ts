/**
 * The full-text tables of a new file merge their segments 16 at a time (store/db.ts
 * SEARCH_AUTOMERGE), in steps: a level is merged at once only at 64 segments (SEARCH_CRISISMERGE),
 * which a file made with automerge 16 alone gets from the next crawl (spreadSearchMerges); a file
 * made with FTS5's default keeps it. Either way every page stays findable however many commits
 * (one segment each) were merged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openForWrite } from '../../src/store/db.js';
import { createSearchIndexHooks, spreadSearchMerges } from '../../src/search/search-index.js';
import type { PageRecord } from '../../src/types.js';
import { tempDbPath } from '../helpers/config.js';
import { segmentsByLevel } from '../helpers/fts-segments.js';

const setting = (db: Database.Database, table: string, key: string): unknown =>
  db.prepare(`SELECT v FROM ${table}_config WHERE k = ?`).pluck().get(key);
const automerge = (db: Database.Database, table: string): unknown => setting(db, table, 'automerge');

function indexPages(db: Database.Database, count: number, firstId = 1): void {
  const hooks = createSearchIndexHooks(db);
  for (let id = firstId; id < firstId + count; id++) {
    const record = { parsed: { title: `page ${id}`, searchWords: `common w${id} w${id % 7}x` } } as unknown as PageRecord;
    // One transaction a page: one new segment each, so FTS5 merges many times over.
    db.transaction(() => hooks.afterInsert!(id, record, 0))();
  }
}

test('a new file merges its search segments 16 at a time, and finds every page after the merges', (t) => {
  const db = openForWrite(tempDbPath(t));
  t.after(() => db.close());
  assert.equal(automerge(db, 'page_words'), 16);
  assert.equal(automerge(db, 'page_titles'), 16);
  indexPages(db, 300);
  const match = db.prepare('SELECT count(*) FROM page_words WHERE page_words MATCH ?').pluck();
  assert.equal(match.get('common'), 300);
  assert.equal(match.get('w299'), 1);
  assert.equal(match.get('w3x'), 43);
  assert.equal(db.prepare("SELECT count(*) FROM page_titles WHERE page_titles MATCH 'page'").pluck().get(), 300);
});

test('a file whose search tables were made with the default merge keeps it when a crawl opens it', (t) => {
  const path = tempDbPath(t);
  const first = openForWrite(path);
  // The tables as a file made before the setting has them: FTS5's default, no row of its own.
  first.exec(`DROP TABLE page_words; DROP TABLE page_titles;
    CREATE VIRTUAL TABLE page_words USING fts5(words, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE page_titles USING fts5(title, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 2');`);
  first.close();
  const db = openForWrite(path);
  t.after(() => db.close());
  assert.equal(automerge(db, 'page_words'), undefined);
  indexPages(db, 40);
  assert.equal(db.prepare("SELECT count(*) FROM page_words WHERE page_words MATCH 'common'").pluck().get(), 40);
});

test('a new file merges a full level in steps, not all at once in the commit that fills it', (t) => {
  const db = openForWrite(tempDbPath(t));
  t.after(() => db.close());
  assert.equal(setting(db, 'page_words', 'crisismerge'), 64);
  assert.equal(setting(db, 'page_titles', 'crisismerge'), 64);
  // 16 commits of one segment each fill level 0. FTS5's default crisis point (16) merged it
  // whole in the 16th commit, leaving it empty; here the 16 wait for automerge's steps, which
  // start after more is written.
  indexPages(db, 16);
  assert.equal(segmentsByLevel(db, 'page_words')[0], 16);
  indexPages(db, 400, 17);
  const match = db.prepare('SELECT count(*) FROM page_words WHERE page_words MATCH ?').pluck();
  assert.equal(match.get('common'), 416);
  assert.equal(match.get('w416'), 1);
  assert.ok(segmentsByLevel(db, 'page_words').every((n) => n < 64));
});

test('a file made with automerge 16 alone is given the step-wise merge by the next crawl; one with the default is left as it is', (t) => {
  const path = tempDbPath(t);
  const first = openForWrite(path);
  // As files made on 2026-12-06 and 07 have them: automerge 16, no crisismerge row.
  first.exec(`DROP TABLE page_words; DROP TABLE page_titles;
    CREATE VIRTUAL TABLE page_words USING fts5(words, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE page_titles USING fts5(title, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 2');
    INSERT INTO page_words (page_words, rank) VALUES ('automerge', 16);
    INSERT INTO page_titles (page_titles, rank) VALUES ('automerge', 16);`);
  first.close();
  const db = openForWrite(path);
  t.after(() => db.close());
  assert.equal(setting(db, 'page_words', 'crisismerge'), undefined);
  // Without the setting the 16th commit merged level 0 whole.
  indexPages(db, 16, 1001);
  assert.ok(segmentsByLevel(db, 'page_words')[0]! < 16);
  spreadSearchMerges(db);
  assert.equal(setting(db, 'page_words', 'crisismerge'), 64);
  assert.equal(setting(db, 'page_titles', 'crisismerge'), 64);
  assert.equal(automerge(db, 'page_words'), 16);
  indexPages(db, 40);
  assert.equal(db.prepare("SELECT count(*) FROM page_words WHERE page_words MATCH 'common'").pluck().get(), 56);

  const otherPath = tempDbPath(t);
  const other = openForWrite(otherPath);
  other.exec(`DROP TABLE page_words; DROP TABLE page_titles;
    CREATE VIRTUAL TABLE page_words USING fts5(words, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE page_titles USING fts5(title, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 2');`);
  spreadSearchMerges(other);
  assert.equal(setting(other, 'page_words', 'crisismerge'), undefined);
  assert.equal(setting(other, 'page_words', 'automerge'), undefined);
  other.close();
});
