// Regressions found by bench/fuzz-21.mjs (seeded mutation fuzzing of what reads hostile bytes).
// The defects were time quadratic in the input; these inputs are sized so that the old code
// takes minutes, and each test's timeout (far above what the fixed code needs, on a loaded
// machine too) turns that hang into a failure. The results are asserted as well.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalRobotsKeys } from '../../src/fetch/robots-keys.js';
import type { Socket } from 'node:net';
import { mergeContentLengths, mergeContentLengthsOn } from '../../src/fetch/content-length-lines.js';
import { repairHeaderLines } from '../../src/fetch/header-lines.js';
import { normalizeUrl } from '../../src/frontier/normalize-url.js';

const HANG = { timeout: 30_000 };

test('a robots.txt line with a long run of blanks before its colon is read in linear time', HANG, () => {
  // Minimized from the fuzzer's find: a splice put a 70 KB run of spaces inside a key; 10 s then.
  const blanks = ' '.repeat(300_000);
  const text = `User-agent: *\nCrawl<a href="${blanks}">t</a>-delay: 2\nDissallow${blanks}: /a\n${blanks}\nDisallow: /b\n`;
  const out = canonicalRobotsKeys(text);
  // The typo'd key is still read as disallow, its blanks before the colon kept; the rest as it was.
  assert.equal(out, `User-agent: *\nCrawl<a href="${blanks}">t</a>-delay: 2\ndisallow${blanks}: /a\n${blanks}\nDisallow: /b\n`);
  assert.equal(canonicalRobotsKeys(`\tUser agent \t: x\n   :\n`), `\tuser-agent \t: x\n   :\n`);
});

test('a head of many Content-Length lines that agree is merged in linear time', HANG, () => {
  // Minimized from the fuzzer's find: Content-Length lines repeated; each was looked up in the
  // list of all of them: 0.4 s on the main thread for a 256 KB head, the most the lenient path
  // holds (17,000 lines), growing with their count squared (200,000 lines: 45 s).
  const lines = Array.from({ length: 600_000 }, (_, i) => (i % 2 === 0 ? 'Content-Length: 5' : `X-${i}: y`));
  const merged = mergeContentLengths(`HTTP/1.1 200 OK\r\n${lines.join('\r\n')}\r\n`);
  const kept = lines.filter((line, i) => i === 0 || !line.startsWith('Content-Length'));
  assert.equal(merged, `HTTP/1.1 200 OK\r\n${kept.join('\r\n')}\r\n`);
});

test('a header line with a long run of blanks in its name is dropped in linear time', HANG, () => {
  // Minimized from the fuzzer's find: a name with 70 KB of blanks in it (no token: dropped, as
  // Chromium skips it) held the lenient path seconds; 300 KB held it minutes.
  const head = `HTTP/1.1 200 OK\r\nContent-Lengt<link>${' '.repeat(300_000)}</link>h: 3\r\nX-A : b\r\n`;
  assert.equal(repairHeaderLines(head), 'HTTP/1.1 200 OK\r\nX-A: b\r\n');
});

test('thousands of Content-Length lines that are no number are all dropped in linear time', HANG, () => {
  const head = `HTTP/1.1 200 OK\r\n${'Content-Length: x\r\nA: b\r\n'.repeat(200_000)}`;
  assert.equal(repairHeaderLines(head), `HTTP/1.1 200 OK\r\n${'A: b\r\n'.repeat(200_000)}`);
});

test('a host of many dots keeps its inner ones and loses its trailing ones in linear time', HANG, () => {
  // Found while reading the fuzzer's finds: /\.+$/ on "a.....b." cost 130 ms for an 8 KB href
  // (MAX_HREF_CHARS), so a page of such links held a worker for minutes.
  const dots = '.'.repeat(200_000);
  assert.equal(normalizeUrl(`http://a${dots}b.${dots}/p`), `http://a${dots}b/p`);
  assert.equal(normalizeUrl('http://a.example.../x'), 'http://a.example/x');
});

test('a read of 40,000 interim heads is passed on whole, one head after another, without running out of stack', HANG, () => {
  // Minimized from the fuzzer's find: each interim head called the reader again on the rest of
  // the read (and copied it): 4,000 heads in one read threw RangeError (Maximum call stack size
  // exceeded) out of the socket's push, on the main thread.
  const interim = 'HTTP/1.1 100 Continue\r\n\r\n'.repeat(40_000);
  const bytes = Buffer.from(`${interim}HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello`);
  const pushed: Buffer[] = [];
  let destroyed: unknown = null;
  const socket = { push: (chunk: Buffer | null) => (chunk !== null && pushed.push(chunk), true), destroy: (err: unknown) => { destroyed = err; } };
  mergeContentLengthsOn(socket as unknown as Socket);
  socket.push(bytes);
  assert.equal(destroyed, null);
  assert.equal(pushed.length, 40_001);
  assert.equal(Buffer.concat(pushed).toString('latin1'), `${interim}HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello`);
});
