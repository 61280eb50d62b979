import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalRobotsKeys } from '../../src/fetch/robots-keys.js';
import { parseRobotsSitemaps } from '../../src/frontier/sitemaps.js';

test('keys Google\'s parser reads (its typos, longer keys that start with a name, any case) are written as robots-parser reads them', () => {
  assert.equal(canonicalRobotsKeys('User agent: *\nDissallow: /a\nDISALOW: /b\n'), 'user-agent: *\ndisallow: /a\ndisallow: /b\n');
  assert.equal(canonicalRobotsKeys('useragent:crawlite\r\ndiasllow:/c\r\ndisallaw : /d\r\ndissalow:/e\r\n'), 'user-agent:crawlite\r\ndisallow:/c\r\ndisallow : /d\r\ndisallow:/e\r\n');
  assert.equal(canonicalRobotsKeys('  User-Agents: x\n\tAllowed: /f\nDisallowed: /g\nSite-map: https://a.test/s.xml\n'), '  user-agent: x\n\tallow: /f\ndisallow: /g\nsitemap: https://a.test/s.xml\n');
});

test('keys already read, others, comments and lines without a colon are left as they are', () => {
  const text = 'User-agent: *\nDisallow: /a # Dissallow: /b\n# Dissallow: /c\nCrawl-delay: 5\nCrawldelay: 5\nHost: a.test\nNoindex: /d\nDissallow /e\nUser-agent: http://x\n';
  assert.equal(canonicalRobotsKeys(text), text);
});

test('--sitemaps reads Site-map: and Sitemaps: lines of robots.txt, as Google does', () => {
  const found = parseRobotsSitemaps('Site-map: /a.xml\nSitemaps: https://b.test/b.xml\nSitemap: /c.xml\nsitemapindex /d.xml\n', 'https://a.test/robots.txt');
  assert.deepEqual(found, ['https://a.test/a.xml', 'https://b.test/b.xml', 'https://a.test/c.xml']);
});
