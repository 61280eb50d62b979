/**
 * A database is set up in one transaction (a new one under a temporary name, linked into place once
 * whole: store/db-temps.ts), so another process that opens the file at the same
 * moment sees it either empty or whole, never stamped as crawlite's with its tables still missing
 * (it said "cannot use database: no such table: meta" where "in use by another crawl" was due).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { openForWrite } from '../../src/store/db.js';
import { APPLICATION_ID } from '../../src/store/db-identity.js';
import { tempDbPath } from '../helpers/config.js';

/** The commits in a WAL file: frames whose header gives the database size after a commit (SQLite's WAL format). */
function walCommits(walPath: string): number {
  const wal = readFileSync(walPath);
  if (wal.length < 32) return 0; // no header yet: nothing written since the file was opened
  const pageSize = wal.readUInt32BE(8);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}

test('a new file is set up whole before it has its name: stamped, its schema in place, nothing in its WAL, no temporary file left', (t) => {
  const path = tempDbPath(t);
  const db = openForWrite(path);
  try {
    assert.equal(walCommits(`${path}-wal`), 0, 'set up under its temporary name, then linked');
    assert.deepEqual(readdirSync(dirname(path)).filter((name) => name.endsWith('.tmp')), []);
    const reader = new Database(path, { readonly: true });
    try {
      assert.equal(reader.pragma('application_id', { simple: true }), APPLICATION_ID);
      assert.equal(reader.pragma('page_size', { simple: true }), 2048);
      const tables = new Set(reader.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'").all().map((r) => r.name));
      for (const name of ['meta', 'urls', 'pages', 'runs', 'page_words']) assert.ok(tables.has(name), name);
    } finally {
      reader.close();
    }
  } finally {
    db.close();
  }
});

test('an empty file is stamped and given its whole schema in one commit', (t) => {
  const path = tempDbPath(t);
  writeFileSync(path, '');
  const db = openForWrite(path);
  try {
    // Read while the writer is open: closing it checkpoints the WAL away.
    assert.equal(walCommits(`${path}-wal`), 1, 'the setup is a single transaction');
    const reader = new Database(path, { readonly: true });
    try {
      assert.equal(reader.pragma('application_id', { simple: true }), APPLICATION_ID);
      const tables = new Set(reader.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'").all().map((r) => r.name));
      for (const name of ['meta', 'urls', 'pages', 'runs']) assert.ok(tables.has(name), name);
    } finally {
      reader.close();
    }
  } finally {
    db.close();
  }
});

test('opening a file that is already set up commits nothing', (t) => {
  const path = tempDbPath(t);
  openForWrite(path).close();
  const db = openForWrite(path);
  try {
    const before = walCommits(`${path}-wal`);
    assert.equal(before, 0, 'a second open writes no transaction of its own');
  } finally {
    db.close();
  }
});
