import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTextSitemap, readSitemapText } from '../../src/frontier/sitemaps.js';

test('a text sitemap: each line that is an absolute http(s) URL, whitespace around it trimmed, whatever the line ends', () => {
  const text = '  https://a.test/1\t\r\nhttps://a.test/2\rhttps://a.test/3\n\n\u00a0HTTP://A.test/4\u00a0\nhttps://a.test/5';
  assert.deepEqual(parseTextSitemap(text), ['https://a.test/1', 'https://a.test/2', 'https://a.test/3', 'HTTP://A.test/4', 'https://a.test/5']);
});

test('a text sitemap: lines with more than a URL, relative paths, other schemes and comments are no entries', () => {
  const text = 'junk https://a.test/x\nhttps://a.test/y z\n/relative\nftp://a.test/\n# https://a.test/c\nhttps://a.test/d\u2028x\nhttps://\nhttps://a.test/ok\n';
  assert.deepEqual(parseTextSitemap(text), ['https://a.test/ok']);
});

test('a text sitemap stops at maxLocs; a file of junk lines gives none and is no sitemap', () => {
  assert.deepEqual(parseTextSitemap('https://a.test/1\nhttps://a.test/2\nhttps://a.test/3\n', 2), ['https://a.test/1', 'https://a.test/2']);
  assert.deepEqual(parseTextSitemap('https://a.test/1\n', 0), []);
  const junk = `https://a.test/only\n${'x\n'.repeat(200_000)}${' '.repeat(100_000)}\n`;
  assert.deepEqual(readSitemapText(junk), { isIndex: false, locs: ['https://a.test/only'] });
  assert.deepEqual(readSitemapText('x\ny\n'), { notSitemap: 'not a sitemap (neither XML nor one URL per line)' });
});
