import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRepeatRuns, repeatKeyOf, RUN_LENGTH } from '../../src/frontier/repeat-runs.js';

const body = (s: string): Uint8Array => new TextEncoder().encode(s);
const noResults = (n: number): Uint8Array => body(`<title>Page ${n}</title><p>No results on page ${n}.</p><a href="?page=${n - 1}">${n - 1}</a><a href="?page=${n + 1}">next</a>`);

test('a run of pages of one URL pattern, the same but for the numbers near their own, is a repeat from its RUN_LENGTH-th page on', () => {
  const runs = createRepeatRuns();
  const places = Array.from({ length: 12 }, (_, i) => runs.note(repeatKeyOf(`http://x.test/list?page=${i + 5}`, noResults(i + 5))!));
  assert.equal(RUN_LENGTH, 8);
  assert.deepEqual(places, [0, 0, 0, 0, 0, 0, 0, 8, 9, 10, 11, 12]);
});

test('a page that differs ends the run; numbers far from the URL\'s count; pages of other patterns in between do not', () => {
  const runs = createRepeatRuns(3);
  const note = (url: string, text: string): number => runs.note(repeatKeyOf(url, body(text))!);
  assert.equal(note('http://x.test/a/1', 'rows 1001 1002'), 0);
  assert.equal(note('http://x.test/a/2', 'rows 1021 1022'), 0, 'far numbers differ');
  assert.equal(note('http://x.test/a/3', 'rows 1021 1022'), 0);
  assert.equal(note('http://x.test/b/3', 'other'), 0);
  assert.equal(note('http://x.test/a/4', 'rows 1021 1022'), 3, 'the third in a row, /b/ between');
  assert.equal(note('http://x.test/a/5', 'a story of its own'), 0);
  assert.equal(note('http://x.test/a/6', 'a story of its own'), 0, 'counted again from the change');
});

test('no key for a URL without a number after its host (a port is none) or a body over 512 KiB', () => {
  assert.equal(repeatKeyOf('http://127.0.0.1:8080/list?page=x', body('a')), null);
  assert.equal(repeatKeyOf('http://x.test/p/1', new Uint8Array(512 * 1024 + 1)), null);
  const key = repeatKeyOf('http://127.0.0.1:8080/p/12?x=3', body('12 13 3 99'));
  assert.equal(key?.pattern, 'http://127.0.0.1:8080/p/#?x=#', 'the host is read as is: its digits are no page number');
});
