import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createInterimLimit, INTERIM_HEAD_BYTES } from '../../src/fetch/interim-responses.js';
import { startDeadline } from '../../src/fetch/deadline.js';
import type { FetchError } from '../../src/errors.js';

test('interim heads count together, fields and a floor for each head, and fail once past the limit', () => {
  const failures: FetchError[] = [];
  const onInfo = createInterimLimit((err) => failures.push(err), 200);
  onInfo({ statusCode: 103, headers: { link: '</a.css>; rel=preload' } }); // 32 + 4 + 21 + 4 = 61
  onInfo({ statusCode: 102, headers: {} }); // 32: an empty head still counts
  onInfo({ statusCode: 103, headers: { link: ['</b.css>', '</c.css>'] } }); // 32 + 2 * (4 + 8 + 4) = 64
  assert.equal(failures.length, 0, '157 bytes so far');
  onInfo({ statusCode: 103, headers: { 'x-pad': 'y'.repeat(10) } }); // 32 + 5 + 10 + 4 = 51: 208
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.code, 'CRAWL_FETCH_TOO_LARGE');
  assert.equal(failures[0]!.retryable, false);
  assert.equal(failures[0]!.message, 'response headers too large: 4 interim (1xx) responses, more than 200 B of heads, before any final one');
  onInfo({ statusCode: 103, headers: {} });
  assert.equal(failures.length, 1, 'said once');
  assert.equal(INTERIM_HEAD_BYTES, 32);
});

test('deadline.abortWith ends the fetch with that error, not as a timeout; a later timeout or second error changes nothing', () => {
  const deadline = startDeadline(10_000, undefined);
  const err = new Error('too many interim responses');
  deadline.abortWith(err);
  deadline.abortWith(new Error('second'));
  assert.equal(deadline.signal.aborted, true);
  assert.equal(deadline.signal.reason, err);
  assert.equal(deadline.isTimedOut(), false);
  assert.equal(deadline.isCallerAborted(), false);
  deadline.dispose();
});
