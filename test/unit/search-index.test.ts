/**
 * The full-text tables of a new file merge their segments 16 at a time (store/db.ts
 * SEARCH_AUTOMERGE); a file made with FTS5's default keeps it. Either way every page stays
 * findable however many commits (one segment each) were merged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openForWrite } from '../../src/store/db.js';
import { createSearchIndexHooks } from '../../src/search/search-index.js';
import type { PageRecord } from '../../src/types.js';
import { tempDbPath } from '../helpers/config.js';

const automerge = (db: Database.Database, table: string): unknown =>
  db.prepare(`SELECT v FROM ${table}_config WHERE k = 'automerge'`).pluck().get();

function indexPages(db: Database.Database, count: number): void {
  const hooks = createSearchIndexHooks(db);
  for (let id = 1; id <= count; id++) {
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
