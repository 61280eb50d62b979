import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAttachment } from '../../src/parse/content-disposition.js';
import { boundHeaders, CUT_KEY, MAX_STORED_CHARS } from '../../src/store/stored-headers.js';
import { createFetchedElsewhereTracker } from '../../src/fetched-elsewhere.js';

test('isAttachment reads the disposition type as Chromium does: attachment or an unknown token is a download; none, inline, a bare parameter or no token is shown', () => {
  for (const value of ['attachment', 'Attachment; filename="a.html"', ' attachment ;filename=a', 'x-download']) assert.equal(isAttachment(value), true, value);
  for (const value of [undefined, '', 'inline', 'INLINE; filename="a.html"', 'filename="a.html"', '"attachment"', 'attachment, inline']) assert.equal(isAttachment(value), false, String(value));
});

test('boundHeaders keeps a head up to 32 KiB as it is; past that it cuts long fields to whole lines, then drops the longest fields, and says so under crawlite:cut', () => {
  const small = { 'content-type': 'text/html', 'content-security-policy': 'x'.repeat(30_000) };
  assert.equal(boundHeaders(small), small);
  const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x-h${i}`, String(i).repeat(7_000)]));
  const cookies = Array.from({ length: 100 }, (_, i) => `c${i}=${'v'.repeat(100)}`);
  const out = boundHeaders({ 'content-type': 'text/html', 'set-cookie': cookies.join('\n'), ...many, 'x-cookies': cookies.slice(0, 50).join('\n') });
  const size = Object.entries(out).filter(([k]) => k !== CUT_KEY).reduce((n, [k, v]) => n + k.length + v.length, 0);
  assert.ok(size <= MAX_STORED_CHARS, String(size));
  assert.equal(out['content-type'], 'text/html');
  // Cut to 8 KiB of whole lines, the longest left, it is dropped first; then the 7,000-character fields.
  assert.equal(out['set-cookie'], undefined);
  assert.equal(out['x-cookies'], cookies.slice(0, 50).join('\n'), 'a shorter field kept whole');
  assert.match(out[CUT_KEY]!, /^set-cookie: dropped, 10\.\d KiB; x-h\d: dropped, 6\.8 KiB/);
});

test('in-flight requests: a hop waits on a URL\'s own request until its owner is processed; a URL a hop is requesting counts as fetched elsewhere', async () => {
  const tracker = createFetchedElsewhereTracker();
  const docs = tracker.forUrl('http://a/docs/');
  assert.equal(tracker.whenDone('http://a/docs/'), null);
  docs.onStart?.();
  const pending = tracker.whenDone('http://a/docs/');
  assert.ok(pending !== null);
  let isSettled = false;
  void pending.then(() => (isSettled = true));
  await Promise.resolve();
  assert.equal(isSettled, false);
  docs.release();
  await pending;
  assert.equal(tracker.whenDone('http://a/docs/'), null);
  // The other way round: /r's hop requests /x while /x is claimed.
  const x = tracker.forUrl('http://a/x');
  tracker.begin('http://a/x', 'http://a/r');
  assert.equal(x.isFetched(), true);
  tracker.endOwned('http://a/r');
  assert.equal(x.isFetched(), false);
});

test('a cool-down tells a busy host from one broken URL: busyState says whether 429/503 came for more than one URL since it began, and ends with an answer of another status', async () => {
  const { createHostSchedule } = await import('../../src/fetch/politeness.js');
  const schedule = createHostSchedule({ delayMs: 0, maxCrawlDelayMs: 30_000 });
  const host = 'http://a:80';
  assert.equal(schedule.busyState(host), null);
  schedule.hold(host, Date.now() + 1_000);
  schedule.noteOverload(host, 'http://a/p0');
  schedule.noteOverload(host, 'http://a/p0');
  assert.equal(schedule.busyState(host)?.isManyUrls, false, 'the same URL again');
  schedule.start(host);
  schedule.end(host, 429);
  schedule.noteOverload(host, 'http://a/p1');
  assert.deepEqual({ ...schedule.busyState(host), since: 0 }, { since: 0, overloads: 1, isManyUrls: true });
  schedule.start(host);
  schedule.end(host, 200);
  assert.equal(schedule.busyState(host), null, 'answered: the cool-down is over');
  schedule.hold(host, Date.now() + 1_000);
  assert.equal(schedule.busyState(host)?.isManyUrls, false, 'a new cool-down starts over');
});
