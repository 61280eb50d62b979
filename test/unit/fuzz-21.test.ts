// Regressions found by bench/fuzz-21.mjs (seeded mutation fuzzing of what reads hostile bytes).
// The defects were time quadratic in the input; these inputs are sized so that the old code
// takes minutes, and each test's timeout (far above what the fixed code needs, on a loaded
// machine too) turns that hang into a failure. The results are asserted as well.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalRobotsKeys } from '../../src/fetch/robots-keys.js';
import { mergeContentLengths } from '../../src/fetch/content-length-lines.js';

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
  // list of all of them (40,000 lines: 0.4 s, growing with their count squared).
  const lines = Array.from({ length: 200_000 }, (_, i) => (i % 2 === 0 ? 'Content-Length: 5' : `X-${i}: y`));
  const merged = mergeContentLengths(`HTTP/1.1 200 OK\r\n${lines.join('\r\n')}\r\n`);
  const kept = lines.filter((line, i) => i === 0 || !line.startsWith('Content-Length'));
  assert.equal(merged, `HTTP/1.1 200 OK\r\n${kept.join('\r\n')}\r\n`);
});
