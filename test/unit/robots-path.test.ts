import { test } from 'node:test';
import assert from 'node:assert/strict';
import robotsParserModule from 'robots-parser';
import { createRobotsMatcher } from '../../src/fetch/robots-matcher.js';
import { normalizeRobotsPath, normalizeRobotsPattern, normalizeRobotsUrlPath } from '../../src/fetch/robots-path.js';
import { normalizeUrl } from '../../src/frontier/normalize-url.js';

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
}
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => Robot;

const ROBOTS_URL = 'http://h.test/robots.txt';
const UA = 'crawlite/0.1.0 (+https://github.com/crawlite/crawlite)';

/** Whether `Disallow: <rule>` blocks `path`, the URL normalized as the frontier normalizes it. */
function blocks(rule: string, path: string): boolean {
  const matcher = createRobotsMatcher(robotsParser(ROBOTS_URL, `User-agent: *\nDisallow: ${rule}\n`), ROBOTS_URL, UA);
  const url = normalizeUrl(`http://h.test${path}`);
  assert.ok(url !== null, path);
  return matcher.isAllowed(url) === false;
}

test('normalizeRobotsPath: unreserved escapes decoded, others uppercased, non-ASCII encoded as UTF-8', () => {
  assert.equal(normalizeRobotsPath('/foo/bar/%62%61%7A'), '/foo/bar/baz');
  assert.equal(normalizeRobotsPath('/%7ejoe/%2d%2E%5F'), '/~joe/-._');
  assert.equal(normalizeRobotsPath('/a%2fb%3a%e3%83%84'), '/a%2Fb%3A%E3%83%84', 'reserved and non-ASCII escapes stay escaped');
  assert.equal(normalizeRobotsPath('/foo/bar/ツ'), '/foo/bar/%E3%83%84');
  assert.equal(normalizeRobotsPath('/a b|c[1]^'), '/a%20b%7Cc%5B1%5D%5E', 'what encodeURI escapes, as robots-parser escapes it in rules');
  assert.equal(normalizeRobotsPath('/*%2A$%24'), '/*%2A$%24', 'wildcard and anchor kept, their escapes too');
  assert.equal(normalizeRobotsPath('/a%zz%4'), '/a%zz%4', 'a broken escape is left alone');
  assert.equal(normalizeRobotsPath('/\ud800'), '/%EF%BF%BD', 'a lone surrogate does not throw');
  const plain = '/docs/a-b_c.~d?x=1&y=(2);z=@:+,$!*\'';
  assert.equal(normalizeRobotsPath(plain), plain);
});

test('a URL\'s literal * and $ are escaped; a rule keeps its wildcards and final anchor, and escapes any other $', () => {
  assert.equal(normalizeRobotsUrlPath('/path/file-with-a-*.html'), '/path/file-with-a-%2A.html');
  assert.equal(normalizeRobotsUrlPath('/path/foo-$?q=*$'), '/path/foo-%24?q=%2A%24');
  assert.equal(normalizeRobotsUrlPath('/a%2a%7e'), '/a%2A~', 'still the shared form otherwise');
  assert.equal(normalizeRobotsPattern('/*.pdf$'), '/*.pdf$');
  assert.equal(normalizeRobotsPattern('/a$b$'), '/a%24b$', 'only the last $ is an anchor');
  assert.equal(normalizeRobotsPattern('/a$*'), '/a%24*');
  assert.equal(normalizeRobotsPattern('/path/foo-%24'), '/path/foo-%24');
  assert.equal(normalizeRobotsPattern('$'), '$');
});

test('RFC 9309 2.2.3 examples: an escaped * or $ in a rule matches the literal character in the URL', () => {
  assert.ok(blocks('/path/file-with-a-%2A.html', '/path/file-with-a-*.html'));
  assert.ok(blocks('/path/file-with-a-%2A.html', '/path/file-with-a-%2A.html'), 'and the URL that escapes it');
  assert.ok(blocks('/path/file-with-a-%2a.html', '/path/file-with-a-%2a.html'));
  assert.ok(!blocks('/path/file-with-a-%2A.html', '/path/file-with-a-x.html'), 'still no wildcard');
  assert.ok(blocks('/path/foo-%24', '/path/foo-$'));
  assert.ok(blocks('/path/foo-%24', '/path/foo-%24'));
  assert.ok(!blocks('/path/foo-%24', '/path/foo-'), 'still no anchor');
  // The unescaped forms keep their meaning: a wildcard spans the URL's `*`, an anchor is no `$`.
  assert.ok(blocks('/path/file-with-a-*.html', '/path/file-with-a-*.html'));
  assert.ok(blocks('/path/foo-$', '/path/foo-'));
  assert.ok(!blocks('/path/foo-$', '/path/foo-$'));
  assert.ok(blocks('/a$b', '/a$b'), 'a $ before the end is a literal dollar sign');
  assert.ok(blocks('/a$b', '/a%24b'));
});

test('RFC 9309 2.2.2 examples: a rule matches the path to match', () => {
  // The RFC's table: path in robots.txt, path to match (the URL's, as crawlite normalizes it).
  assert.ok(blocks('/foo/bar?baz=quz', '/foo/bar?baz=quz'));
  assert.ok(blocks('/foo/bar/ツ', '/foo/bar/%E3%83%84'));
  assert.ok(blocks('/foo/bar/ツ', '/foo/bar/ツ'), 'the URL written unencoded is the same URL');
  assert.ok(blocks('/foo/bar/%E3%83%84', '/foo/bar/%E3%83%84'));
  assert.ok(blocks('/foo/bar/%e3%83%84', '/foo/bar/ツ'), 'escape case does not matter');
  assert.ok(blocks('/foo/bar/%62%61%7A', '/foo/bar/baz'));
  assert.ok(blocks('/%7Ejoe/', '/~joe/index.html'));
  assert.ok(blocks('/%7ejoe/', '/%7Ejoe/index.html'));
  assert.ok(blocks('/~joe/', '/%7ejoe/index.html'));
  // The table's second row (`/foo/bar?baz=https://foo.bar` against `https%3A%2F%2Ffoo.bar`) would
  // fold reserved characters with their escapes, which its own text and Google's reference parser
  // do not: `:` and `/` are reserved, so written either way they only match themselves.
  assert.ok(blocks('/foo/bar?baz=https%3A%2F%2Ffoo.bar', '/foo/bar?baz=https%3a%2f%2ffoo.bar'));
  assert.ok(blocks('/foo/bar?baz=https://foo.bar', '/foo/bar?baz=https://foo.bar'));
  assert.ok(!blocks('/foo/bar?baz=https://foo.bar', '/foo/bar?baz=https%3A%2F%2Ffoo.bar'));
});

test('an escaped reserved character stays distinct from the character itself', () => {
  assert.ok(!blocks('/a%2Fb', '/a/b'));
  assert.ok(!blocks('/a/b', '/a%2Fb'));
  assert.ok(blocks('/a%2fb', '/a%2Fb'));
  assert.ok(!blocks('/a%3Fb', '/a?b'));
  assert.ok(!blocks('/x%2A', '/xyz'), '%2A is a literal asterisk, not a wildcard');
  assert.ok(!blocks('/x%24', '/x'), '%24 is a literal dollar sign, not an anchor');
});

test('wildcards and anchors work in rules with escapes, and the longest rule is measured normalized', () => {
  assert.ok(blocks('/%62*%7A$', '/bxyz'));
  assert.ok(!blocks('/%62*%7A$', '/bxyz/more'));
  assert.ok(blocks('/*/%7Ejoe', '/home/~joe/x'));
  const text = 'User-agent: *\nDisallow: /%7Ejoe/\nAllow: /~joe/pub\n';
  const matcher = createRobotsMatcher(robotsParser(ROBOTS_URL, text), ROBOTS_URL, UA);
  assert.equal(matcher.isAllowed('http://h.test/~joe/pub/a'), true, 'the longer Allow wins');
  assert.equal(matcher.isAllowed('http://h.test/~joe/private'), false);
  assert.equal(matcher.isAllowed('http://h.test/%7Ejoe/private'), false, 'an unnormalized URL too');
});

test('a literal [ or | in a rule matches the URL that has it (WHATWG leaves them unescaped in paths)', () => {
  assert.ok(blocks('/a[1]', '/a[1]'));
  assert.ok(blocks('/a|b', '/a|b'));
});
