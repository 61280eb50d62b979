/**
 * Review 22b: --max-repeat-run 1 (which the option takes: 0 to 1,000,000) made every keyed page a
 * repeat, a page that is no copy of anything too: its run of one was "long enough". A page is a
 * repeat only as a moved copy of the one before it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRepeatRuns, repeatKeyOf } from '../../src/frontier/repeat-runs.js';

const body = (s: string): Uint8Array => new TextEncoder().encode(s);

test('--max-repeat-run 1: pages that differ are never repeats; a moved copy of the page before is', () => {
  const runs = createRepeatRuns(1);
  const note = (n: number, text: string): number => runs.note(repeatKeyOf(`http://x.test/story/${n}`, body(text))!);
  assert.equal(note(1, 'A story of its own about cats.'), 0);
  assert.equal(note(2, 'Another story, about dogs now.'), 0);
  assert.equal(note(3, 'A third one: birds, and 3 more.'), 0);
  assert.equal(note(4, 'A third one: birds, and 4 more.'), 2, 'the same but for the number that moved with its URL');
});
