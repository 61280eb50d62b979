import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDirectives, parseRefreshUrl, parseRobotsDirectives } from '../../src/parse/directives.js';
import { extractPage } from '../../src/parse/extract.js';

test('meta robots and X-Robots-Tag: noindex, nofollow, none; other bots ignored', () => {
  assert.deepEqual(parseRobotsDirectives(['noindex']), { isNoindex: true, isNofollow: false });
  assert.deepEqual(parseRobotsDirectives([null, 'NoFollow, noarchive']), { isNoindex: false, isNofollow: true });
  assert.deepEqual(parseRobotsDirectives(['none']), { isNoindex: true, isNofollow: true });
  assert.deepEqual(parseRobotsDirectives(['googlebot: noindex']), { isNoindex: false, isNofollow: false });
  assert.deepEqual(parseRobotsDirectives(['googlebot: noindex, crawlite: nofollow']), { isNoindex: false, isNofollow: true });
  assert.deepEqual(parseRobotsDirectives(['unavailable_after: 2030-01-01, index, follow']), { isNoindex: false, isNofollow: false });
  assert.equal(formatDirectives({ isNoindex: true, isNofollow: true }), 'noindex,nofollow');
  assert.equal(formatDirectives({ isNoindex: false, isNofollow: false }), null);
});

test('X-Robots-Tag lines: a bot prefix reaches to the end of its line only, in either order', () => {
  const both = { isNoindex: true, isNofollow: false };
  assert.deepEqual(parseRobotsDirectives(['googlebot: nofollow\nnoindex']), both, 'a general noindex after a googlebot line');
  assert.deepEqual(parseRobotsDirectives(['noindex\ngooglebot: nofollow']), both, 'and before it');
  assert.deepEqual(parseRobotsDirectives(['googlebot: nofollow, noindex']), { isNoindex: false, isNofollow: false }, 'within one line it reaches on');
  assert.deepEqual(parseRobotsDirectives(['googlebot: noindex, crawlite: nofollow, noarchive\nnone']), { isNoindex: true, isNofollow: true });
  assert.deepEqual(parseRobotsDirectives(['crawlite: noindex\ngooglebot: nofollow']), both);
  assert.deepEqual(parseRobotsDirectives([null, 'googlebot: nofollow\nnoindex']), both, 'meta first, header lines after');
});

test('an unavailable_after date with a comma and a time neither hides nor makes a directive', () => {
  assert.deepEqual(
    parseRobotsDirectives(['unavailable_after: Monday, 01 Sep 2030 15:00:00 GMT, noindex']),
    { isNoindex: true, isNofollow: false },
  );
  assert.deepEqual(parseRobotsDirectives(['max-snippet: 20, nofollow']), { isNoindex: false, isNofollow: true });
});

test('meta refresh targets', () => {
  const page = 'https://a.test/dir/page';
  assert.equal(parseRefreshUrl('0; url=/next', page), 'https://a.test/next');
  assert.equal(parseRefreshUrl("5;URL='other?x=1'", page), 'https://a.test/dir/other?x=1');
  assert.equal(parseRefreshUrl('3, https://b.test/', page), 'https://b.test/');
  assert.equal(parseRefreshUrl('30', page), null, 'a plain reload');
  assert.equal(parseRefreshUrl('0; url=javascript:alert(1)', page), null);
  assert.equal(parseRefreshUrl(null, page), null);
});

test('a meta refresh target\'s query is percent-encoded in the page\'s encoding, as a link\'s is', () => {
  const page = 'https://a.test/dir/page';
  assert.equal(parseRefreshUrl('0; url=/s?q=café#café', page, 'windows-1252'), 'https://a.test/s?q=caf%E9');
  assert.equal(parseRefreshUrl("0; URL='/s?q=\u691c\u7d22'", page, 'shift_jis'), 'https://a.test/s?q=%8C%9F%8D%F5');
  assert.equal(parseRefreshUrl('0; url=/s?q=café', page, 'utf-8'), 'https://a.test/s?q=caf%C3%A9');
  assert.equal(parseRefreshUrl('0; url=/s?q=café', page), 'https://a.test/s?q=caf%C3%A9', 'a Refresh header\'s: UTF-8');
});

test('a meta refresh URL longer than 8,192 characters is dropped, as such a link is, not cut to a URL the page never named', () => {
  const page = 'https://a.test/';
  const at = (chars: number) => `/${'x'.repeat(chars - 1)}`;
  const refreshOf = (content: string) => parseRefreshUrl(extractPage(`<meta http-equiv="refresh" content="${content}"><a href="${at(8193)}">l</a>`, page, 10).metaRefresh, page);
  assert.equal(refreshOf(`0; url=${at(8192)}`), `https://a.test${at(8192)}`, 'the longest kept, whole');
  assert.equal(refreshOf(`0; url=${at(8193)}`), null);
  assert.equal(refreshOf(`0; url='${at(8193)}'`), null);
  assert.equal(extractPage(`<a href="${at(8193)}">l</a>`, page, 10).links.length, 0, 'the link rule it follows');
  assert.equal(parseRefreshUrl(`0; url=${at(8193)}`, page), null, 'a Refresh header\'s too');
  // The page's first refresh is the one: a second after a dropped one is not taken instead.
  const two = extractPage(`<meta http-equiv="refresh" content="0; url=${at(8193)}"><meta http-equiv="refresh" content="0; url=/b">`, page, 10);
  assert.equal(parseRefreshUrl(two.metaRefresh, page), null);
});

test('extractPage reports meta robots and meta refresh', () => {
  const html = '<html><head><meta name="ROBOTS" content="noindex"><meta name="crawlite" content="nofollow">' +
    '<meta http-equiv="Refresh" content="0; url=/there"><title>t</title></head><body></body></html>';
  const page = extractPage(html, 'https://a.test/', 10);
  assert.equal(page.metaRobots, 'noindex, nofollow');
  assert.equal(page.metaRefresh, '0; url=/there');
  const acme = '<meta name="AcmeBot" content="noindex"><meta name="crawlite" content="nofollow"><meta name="googlebot" content="none">';
  assert.equal(extractPage(acme, 'https://a.test/', 10, 'acmebot').metaRobots, 'noindex', 'only our own name besides robots');
  assert.deepEqual(parseRobotsDirectives(['acmebot: nofollow, crawlite: noindex'], 'acmebot'), { isNoindex: false, isNofollow: true });
  const plain = extractPage('<title>x</title>', 'https://a.test/', 10);
  assert.equal(plain.metaRobots, null);
  assert.equal(plain.metaRefresh, null);
});
