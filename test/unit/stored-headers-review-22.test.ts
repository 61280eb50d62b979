import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundHeaders, CUT_KEY, MAX_STORED_CHARS } from '../../src/store/stored-headers.js';

const storedChars = (h: Record<string, string>): number => Object.entries(h).reduce((n, [k, v]) => n + k.length + v.length, 0);

test('boundHeaders: a field whose name is long (a head may be 256 KiB) is dropped before the short fields users query, and its name does not carry the row past the bound', () => {
  const longName = `x-${'n'.repeat(40_000)}`;
  const out = boundHeaders({ 'content-type': 'text/html', etag: '"abc"', [longName]: 'v' });
  assert.equal(out['content-type'], 'text/html', 'a short field kept');
  assert.equal(out.etag, '"abc"');
  assert.equal(out[longName], undefined);
  // The note included: what is stored is the row's headers, note and all.
  assert.ok(storedChars(out) <= MAX_STORED_CHARS, String(storedChars(out)));
  assert.match(out[CUT_KEY]!, /^x-n+… \(40002 characters\): dropped/);
});

test('boundHeaders: twenty noted fields with long names keep the note itself bounded', () => {
  const headers: Record<string, string> = { 'content-type': 'text/html' };
  for (let i = 0; i < 30; i++) headers[`x-${i}-${'n'.repeat(3_000)}`] = 'v'.repeat(2_000);
  const out = boundHeaders(headers);
  assert.equal(out['content-type'], 'text/html');
  assert.ok(storedChars(out) <= MAX_STORED_CHARS, String(storedChars(out)));
});

test('boundHeaders: a row bounded before and bounded again (a recrawl\'s validators merged in) keeps its note once, bounded, however often it is done', () => {
  const headers: Record<string, string> = { 'content-type': 'text/html' };
  for (let i = 0; i < 60; i++) headers[`x-${i}`] = 'v'.repeat(2_000);
  let row = boundHeaders(headers);
  const first = row[CUT_KEY]!;
  assert.match(first, /and \d+ more fields$/);
  for (let run = 0; run < 5; run++) row = boundHeaders({ ...row, etag: `"${run}${'e'.repeat(20_000)}"` });
  assert.ok(storedChars(row) <= MAX_STORED_CHARS, String(storedChars(row)));
  assert.equal(row['content-type'], 'text/html');
  const entries = row[CUT_KEY]!.split('; ');
  assert.equal(entries.filter((e) => e.startsWith('etag: ')).length, 1, 'the field cut again is named once');
  assert.ok(entries.length <= 21, String(entries.length));
});
