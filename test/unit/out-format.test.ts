/** formatForOut: the export format an --out name asks for, when --format is not given. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatForOut, refuseUncompressedGz } from '../../src/export/out-format.js';

test('a name ending .csv, .warc(.gz), .jsonl or .ndjson names its format, in any letter case', () => {
  assert.equal(formatForOut('pages.csv'), 'csv');
  assert.equal(formatForOut('out/PAGES.CSV'), 'csv');
  assert.equal(formatForOut('crawl.warc.gz'), 'warc');
  assert.equal(formatForOut('crawl.warc'), 'warc');
  assert.equal(formatForOut('pages.jsonl'), 'jsonl');
  assert.equal(formatForOut('pages.ndjson'), 'jsonl');
});

test('stdout and names that say nothing leave the default', () => {
  for (const out of [undefined, '-', 'pages.json', 'pages.txt', 'pages', 'csv', 'pages.csv.bak', 'x.gz', 'pages.json.gz']) assert.equal(formatForOut(out), null, String(out));
});

test('a .gz --out is refused for every format but WARC, naming the pipe that compresses it', () => {
  assert.equal(formatForOut('pages.csv.gz'), 'csv');
  assert.equal(formatForOut('pages.jsonl.gz'), 'jsonl');
  assert.throws(() => refuseUncompressedGz('csv', 'pages.csv.gz'), {
    code: 'CRAWL_USAGE',
    message: '--out pages.csv.gz: a --format csv export is not compressed; pipe it through gzip instead: crawlite export --format csv ... | gzip > pages.csv.gz (or --out pages.csv)',
  });
  assert.throws(() => refuseUncompressedGz('links', 'edges.GZ'), { code: 'CRAWL_USAGE' });
  assert.doesNotThrow(() => refuseUncompressedGz('warc', 'crawl.warc.gz'));
  assert.doesNotThrow(() => refuseUncompressedGz('csv', 'pages.csv'));
  assert.doesNotThrow(() => refuseUncompressedGz('jsonl', undefined));
});
