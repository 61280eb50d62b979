/**
 * The database and its exports read by their consumers (round 19): extraction fields that never
 * hold half a surrogate pair.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { runCrawl } from '../../src/crawl.js';
import { startSite } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { exportBytes } from '../helpers/export.js';
import { rows } from '../helpers/db.js';

/** Half of a surrogate pair without its other half, as a string or as a JSON escape. */
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_ESCAPE = /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i;

const FIELDS = {
  price: { selector: '.price', attr: null, many: false },
  tags: { selector: '.tag', many: true, attr: null },
  pic: { selector: 'img.pic', attr: 'src', many: false },
};

/** An emoji whose two halves straddle the 10,000th character of each field's value. */
const LONG = `${'x'.repeat(9_999)}😀tail`;

async function crawlFieldsSite(t: import('node:test').TestContext) {
  const site = await startSite({
    '/': `<html><head><title>Fields</title></head><body><a href="/plain">plain</a><p class="price">${LONG}</p>
      <span class="tag">${LONG}</span><span class="tag">short 😀</span><img class="pic" src="${LONG}"></body></html>`,
    '/plain': '<html><head><title>Plain</title></head><body><p class="price">£9.99</p><a href="/">home</a></body></html>',
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { parse: { fields: FIELDS } });
  await runCrawl(config);
  return { site, dbPath: config.dbPath };
}

test('a field value cut at 10,000 characters keeps whole characters: no lone surrogate in SQLite, JSON Lines or CSV', async (t) => {
  const { site, dbPath } = await crawlFieldsSite(t);
  const [stored] = rows<{ fields: string; price: Buffer }>(dbPath, "SELECT fields, CAST(fields ->> '$.price' AS BLOB) AS price FROM pages WHERE url = ?", site.url('/'));
  assert.ok(stored, 'the page is stored');
  // It was cut between the halves: the JSON held "\ud83d", which jq refuses and ->> turned into
  // bytes that are not UTF-8.
  assert.doesNotMatch(stored.fields, LONE_ESCAPE);
  assert.equal(new TextDecoder('utf-8', { fatal: true }).decode(stored.price), 'x'.repeat(9_999));

  const jsonl = (await exportBytes({ dbPath, format: 'jsonl', fields: 'url,field.price,field.tags,field.pic' })).toString('utf8');
  assert.doesNotMatch(jsonl, LONE_ESCAPE);
  const home = jsonl.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((r) => r.url === site.url('/'))!;
  assert.equal(home['field.price'], 'x'.repeat(9_999));
  assert.deepEqual(home['field.tags'], ['x'.repeat(9_999), 'short 😀'], 'a pair inside the limit is kept');
  assert.equal(home['field.pic'], 'x'.repeat(9_999));

  const csv = (await exportBytes({ dbPath, format: 'csv', fields: 'url,field.price,field.tags' })).toString('utf8');
  assert.ok(!csv.includes('\ufffd'), 'no replacement character for a half pair in the CSV');
});

test('a lone surrogate an earlier crawlite stored in pages.fields is exported as U+FFFD, so jq can read the line', async (t) => {
  const { site, dbPath } = await crawlFieldsSite(t);
  const db = new Database(dbPath);
  // As the cut at 10,000 characters wrote it before: the escape of the high half, alone.
  db.prepare('UPDATE pages SET fields = ? WHERE url = ?').run('{"price":"ab\\ud83d","tags":["\\ud83dc","d\\ude00"],"pic":null}', site.url('/'));
  db.close();
  const jsonl = (await exportBytes({ dbPath, format: 'jsonl', fields: 'url,field.price,field.tags' })).toString('utf8');
  assert.doesNotMatch(jsonl, LONE_ESCAPE);
  const home = jsonl.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((r) => r.url === site.url('/'))!;
  assert.equal(home['field.price'], 'ab\ufffd');
  assert.deepEqual(home['field.tags'], ['\ufffdc', 'd\ufffd']);
  for (const value of [home['field.price'], ...(home['field.tags'] as string[])]) assert.doesNotMatch(value as string, LONE);
});
