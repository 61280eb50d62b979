import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRepeatRuns, repeatKeyOf, RUN_LENGTH } from '../../src/frontier/repeat-runs.js';

const body = (s: string): Uint8Array => new TextEncoder().encode(s);
const noResults = (n: number): Uint8Array => body(`<title>Page ${n}</title><p>No results on page ${n}.</p><a href="?page=${n - 1}">${n - 1}</a><a href="?page=${n + 1}">next</a>`);

test('a run of pages of one URL pattern, the same but for the numbers near their own, is a repeat from its RUN_LENGTH-th page on', () => {
  const runs = createRepeatRuns();
  const places = Array.from({ length: RUN_LENGTH + 2 }, (_, i) => runs.note(repeatKeyOf(`http://x.test/list?page=${i + 5}`, noResults(i + 5))!));
  assert.equal(RUN_LENGTH, 100);
  assert.deepEqual(places, [...Array(RUN_LENGTH - 1).fill(0), RUN_LENGTH, RUN_LENGTH + 1, RUN_LENGTH + 2]);
});

test('a page that differs ends the run; numbers that moved by other than the URL\'s did not move with it; pages of other patterns in between do not break a run', () => {
  const runs = createRepeatRuns(3);
  const note = (url: string, text: string): number => runs.note(repeatKeyOf(url, body(text))!);
  assert.equal(note('http://x.test/a/1', 'rows 1001 1002, next 2'), 0);
  assert.equal(note('http://x.test/a/2', 'rows 1021 1022, next 3'), 0, 'rows moved by 20, the page by 1');
  assert.equal(note('http://x.test/a/3', 'rows 1021 1022, next 4'), 0);
  assert.equal(note('http://x.test/b/3', 'other'), 0);
  assert.equal(note('http://x.test/a/4', 'rows 1021 1022, next 5'), 3, 'the third in a row, /b/ between');
  assert.equal(note('http://x.test/a/5', 'a story of its own, next 6'), 0);
  assert.equal(note('http://x.test/a/6', 'a story of its own, next 7'), 0, 'counted again from the change');
  assert.equal(note('http://x.test/a/7', 'a story of its own, next 8, and 9'), 0, 'one more number: no copy');
});

test('no key for a URL without a number after its host (a port is none), a body over 512 KiB or of over 2,000 numbers', () => {
  assert.equal(repeatKeyOf('http://127.0.0.1:8080/list?page=x', body('a')), null);
  assert.equal(repeatKeyOf('http://x.test/p/1', new Uint8Array(512 * 1024 + 1)), null);
  assert.equal(repeatKeyOf('http://x.test/p/1', body('1 '.repeat(2001))), null);
  const key = repeatKeyOf('http://127.0.0.1:8080/p/12?x=3', body('12 13 3 99 1234567890123456'));
  assert.equal(key?.pattern, 'http://127.0.0.1:8080/p/#?x=#', 'the host is read as is: its digits are no page number');
  assert.deepEqual(key?.numbers, [12, 13, 3, 99], 'a run of 16 digits is text');
  assert.deepEqual(key?.urlNumbers, [12, 3]);
});

test('shouldKey: a key is asked for only when the body is within 64 bytes of the last page of its pattern; one not asked for ends the run', () => {
  const runs = createRepeatRuns(2);
  assert.equal(runs.shouldKey('http://x.test/about', 100), false, 'no number');
  assert.equal(runs.shouldKey('http://x.test/a/1', 1000), false, 'the first of its pattern');
  assert.equal(runs.shouldKey('http://x.test/a/2', 1064), true);
  assert.equal(runs.shouldKey('http://x.test/a/3', 5000), false, 'an article of its own length');
  const note = (n: number): number => runs.note(repeatKeyOf(`http://x.test/a/${n}`, body(`page ${n}`))!);
  assert.equal(note(4), 0);
  assert.equal(note(5), 2);
  assert.equal(runs.shouldKey('http://x.test/a/6', 9000), false);
  assert.equal(note(7), 0, 'the run ended at the page not keyed');
});
