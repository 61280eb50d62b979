/**
 * The search index's segments merged at the end of a crawl (search-index.ts mergeSearchSegments):
 * fewer segments, the same pages found by every query, a bounded amount of work however large the
 * index, and a file that a kill during the merge leaves whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openForWrite } from '../../src/store/db.js';
import { createSearchIndexHooks, mergeSearchSegments } from '../../src/search/search-index.js';
import type { PageRecord } from '../../src/types.js';
import { tempDbPath } from '../helpers/config.js';
import { segmentsByLevel } from '../helpers/fts-segments.js';

/** `count` pages, each indexed in a transaction of its own (one segment each, as a crawl's commits make), with `wordsEach` words. */
function indexPages(db: Database.Database, count: number, wordsEach: number): void {
  const hooks = createSearchIndexHooks(db);
  for (let id = 1; id <= count; id++) {
    const own = Array.from({ length: wordsEach }, (_, k) => `w${id}x${k}`).join(' ');
    const record = { parsed: { title: `page t${id % 5}`, searchWords: `common m${id % 7} ${own}` } } as unknown as PageRecord;
    db.transaction(() => hooks.afterInsert!(id, record, 0))();
  }
}

/** The pages each of a few queries finds, in both tables. */
function answers(db: Database.Database): unknown {
  const words = db.prepare('SELECT rowid FROM page_words WHERE page_words MATCH ? ORDER BY rowid').pluck();
  const titles = db.prepare('SELECT rowid FROM page_titles WHERE page_titles MATCH ? ORDER BY rowid').pluck();
  return {
    common: words.all('common').length,
    m3: words.all('m3'),
    w17x2: words.all('w17x2'),
    last: words.all('w299x0'),
    prefix: words.all('w29*').length,
    t4: titles.all('t4'),
    none: words.all('zzz'),
  };
}

const levels = (db: Database.Database) => ({ words: segmentsByLevel(db, 'page_words'), titles: segmentsByLevel(db, 'page_titles') });
const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);

test('the merge leaves no level of either index with 4 segments or more, and every query finds the same pages', (t) => {
  const db = openForWrite(tempDbPath(t));
  t.after(() => db.close());
  indexPages(db, 300, 3);
  const before = levels(db);
  const found = answers(db);
  assert.ok(before.words.some((n) => n >= 4), `a level to merge: ${JSON.stringify(before)}`);
  const steps = mergeSearchSegments(db);
  const after = levels(db);
  assert.ok(after.words.every((n) => n < 4) && after.titles.every((n) => n < 4), JSON.stringify(after));
  assert.ok(total(after.words) < total(before.words) && total(after.titles) < total(before.titles));
  assert.deepEqual(answers(db), found);
  assert.ok(steps >= 3, `steps: ${steps}`);
  // Merged already: one statement a table finds nothing to do.
  assert.equal(mergeSearchSegments(db), 2);
  assert.deepEqual(levels(db), after);
});

test('the merge is bounded: a budget of one step a table leaves the rest to a later merge, the index whole', (t) => {
  const db = openForWrite(tempDbPath(t));
  t.after(() => db.close());
  // ~500 KB of index: the whole merge takes more than one step of 32 leaves (~128 KB).
  indexPages(db, 300, 300);
  const found = answers(db);
  assert.equal(mergeSearchSegments(db, 1), 2);
  assert.deepEqual(answers(db), found);
  const rest = mergeSearchSegments(db);
  assert.ok(rest > 3, `work was left for the second merge: ${rest} steps`);
  assert.deepEqual(answers(db), found);
  assert.ok(levels(db).words.every((n) => n < 4));
});

test('a process killed during the merge leaves the file whole: same answers, and the next merge completes', async (t) => {
  const path = tempDbPath(t);
  const db = openForWrite(path);
  indexPages(db, 300, 300);
  const found = answers(db);
  const before = levels(db);
  db.close();
  const module = fileURLToPath(new URL('../../src/search/search-index.js', import.meta.url));
  const betterSqlite = fileURLToPath(import.meta.resolve('better-sqlite3'));
  // The merge runs steps synchronously after the line, so the kill lands within (or just after) it.
  const script = `const { default: Database } = await import(${JSON.stringify(betterSqlite)});
const { mergeSearchSegments } = await import(${JSON.stringify(module)});
const db = new Database(${JSON.stringify(path)});
process.stdout.write('merging\\n');
for (;;) mergeSearchSegments(db, 1);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the merge process ended by itself (${code}): ${stderr}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;

  const reopened = openForWrite(path);
  t.after(() => reopened.close());
  assert.equal(reopened.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(answers(reopened), found);
  mergeSearchSegments(reopened, 1000);
  assert.deepEqual(answers(reopened), found);
  const after = levels(reopened);
  assert.ok(after.words.every((n) => n < 4) && total(after.words) < total(before.words), JSON.stringify(after));
});

test('a file with the one-table index of before 0.2 (page_search) is merged the same way', (t) => {
  const db = openForWrite(tempDbPath(t));
  t.after(() => db.close());
  db.exec(`DROP TABLE page_words; DROP TABLE page_titles;
    CREATE VIRTUAL TABLE page_search USING fts5(title, text, content='', contentless_delete=1, detail=column, tokenize='unicode61 remove_diacritics 2');`);
  indexPages(db, 300, 3);
  const match = db.prepare('SELECT rowid FROM page_search WHERE page_search MATCH ? ORDER BY rowid').pluck();
  const found = ['common', 'm3', 'w17x2', 'title:t4'].map((q) => match.all(q));
  assert.ok(segmentsByLevel(db, 'page_search').some((n) => n >= 4));
  assert.ok(mergeSearchSegments(db) >= 2);
  assert.ok(segmentsByLevel(db, 'page_search').every((n) => n < 4), JSON.stringify(segmentsByLevel(db, 'page_search')));
  assert.deepEqual(['common', 'm3', 'w17x2', 'title:t4'].map((q) => match.all(q)), found);
});
