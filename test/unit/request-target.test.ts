/**
 * requestTarget gives what undici's request(url) dispatches (the URL's origin, and its pathname
 * plus a non-empty search), or null: checked against the URL parser on chosen and random URLs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestTarget } from '../../src/fetch/request-target.js';

/** What undici's request(url) computes from a string (index.js makeDispatcher, util.parseURL). */
function undiciTarget(url: string): { origin: string; path: string } {
  const u = new URL(url);
  return { origin: u.origin, path: u.search ? `${u.pathname}${u.search}` : u.pathname };
}

test('plain hrefs are split without a parse, as undici would split them', () => {
  for (const url of [
    'http://127.0.0.1:8080/',
    'http://127.0.0.1:8080/site/page-1.html',
    'https://example.org/a/b?x=1&y=%20z',
    'http://example.org/a?',
    'http://example.org/a?#top',
    'http://example.org/a#x?y',
    'http://example.org/search?q=/../x',
    'http://example.org:80/a',
    'https://example.org:443/a',
    'http://[::1]:3000/a;jsessionid=1',
    'http://xn--bcher-kva.example/%C3%BC?%',
    'http://example.org/a/.b/..c/',
  ]) {
    assert.deepEqual(requestTarget(url), undiciTarget(url), url);
  }
});

test('URLs the parser would rewrite are left to it (null)', () => {
  for (const url of [
    'HTTP://example.org/a', // scheme case
    'http://Example.org/a', // host case
    'http://user:pw@example.org/a', // userinfo
    'http://example.org/a b', // escaped
    "http://example.org/a?'", // escaped in a special query
    'http://example.org/a/../b',
    'http://example.org/a/%2E%2e/b',
    'http://example.org/./b',
    'http://example.org/a/..',
    'http://example.org\\a',
    'http://example.org/a\\b',
    'http://example.org/a\tb',
    'http://example.org/ü',
    'http://example.org', // no path
    'ftp://example.org/a',
    'http://example.org:99999/a', // no URL at all: request() throws the parser's error
  ]) {
    assert.equal(requestTarget(url), null, url);
  }
});

test('random URLs: every split matches the parser', () => {
  let seed = 12345;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const prefixes = ['http://a.example', 'https://a.example', 'http://a.example:80', 'https://a.example:8443', 'http://127.0.0.1:1', 'http://[::1]', 'http://0x7f.1', 'http://a.example:', 'http://A.example'];
  const pieces = ['/', '/', 'a', 'Z', '0', '.', '..', '%2e', '%2E', '%', '%41', '?', '#', ' ', "'", '"', '\\', '~', '-', '_', '!', '$', '&', '(', ')', '*', '+', ',', ';', '=', ':', '@', '[', ']', '{', '}', '|', '^', '`', '<', '>', '\t', 'é'];
  let split = 0;
  for (let i = 0; i < 20_000; i++) {
    let url = prefixes[next(prefixes.length)] as string;
    const length = 1 + next(12);
    url += '/';
    for (let j = 0; j < length; j++) url += pieces[next(pieces.length)] as string;
    const got = requestTarget(url);
    if (got === null) continue;
    split++;
    assert.deepEqual(got, undiciTarget(url), url);
  }
  assert.ok(split > 2_000, `only ${split} of 20,000 random URLs were split`);
});
