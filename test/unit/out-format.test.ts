/** formatForOut: the export format an --out name asks for, when --format is not given. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatForOut } from '../../src/export/out-format.js';

test('a name ending .csv, .warc(.gz), .jsonl or .ndjson names its format, in any letter case', () => {
  assert.equal(formatForOut('pages.csv'), 'csv');
  assert.equal(formatForOut('out/PAGES.CSV'), 'csv');
  assert.equal(formatForOut('crawl.warc.gz'), 'warc');
  assert.equal(formatForOut('crawl.warc'), 'warc');
  assert.equal(formatForOut('pages.jsonl'), 'jsonl');
  assert.equal(formatForOut('pages.ndjson'), 'jsonl');
});

test('stdout and names that say nothing leave the default', () => {
  for (const out of [undefined, '-', 'pages.json', 'pages.txt', 'pages', 'csv', 'pages.csv.bak', 'x.gz']) assert.equal(formatForOut(out), null, String(out));
});
