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

test('a refresh with no delay before its URL is no refresh, as in browsers', () => {
  const page = 'https://a.test/dir/page';
  assert.equal(parseRefreshUrl('url=/next', page), null);
  assert.equal(parseRefreshUrl('; url=/next', page), null);
  assert.equal(parseRefreshUrl('5x; url=/next', page), null, 'a delay that is not a number');
  assert.equal(parseRefreshUrl('.5; url=/next', page), 'https://a.test/next', 'a fraction is a delay');
  assert.equal(parseRefreshUrl(' \t1.5.2 /next', page), 'https://a.test/next', 'digits and dots, then whitespace');
});

test('of several meta refreshes the first one that is a refresh applies', () => {
  const page = 'https://a.test/';
  const html = '<meta http-equiv="refresh" content="url=/no-delay"><meta http-equiv="refresh" content="0; url=/second"><meta http-equiv="refresh" content="0; url=/third">';
  const content = extractPage(html, page, 10).metaRefresh;
  assert.equal(content, '0; url=/second');
  assert.equal(parseRefreshUrl(content, page), 'https://a.test/second');
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

test('a meta refresh target resolves against a <base href> that comes before the tag, not one after it', () => {
  // The HTML standard resolves the target as the <meta> is inserted, so only a <base> already in
  // the document applies (Chromium 2026: /dir/page with <base href="/base/"> before or after).
  const page = 'https://a.test/dir/page';
  const refreshOf = (html: string) => {
    const p = extractPage(html, page, 10);
    return parseRefreshUrl(p.metaRefresh, p.metaRefreshBase ?? page);
  };
  assert.equal(refreshOf('<base href="/base/"><meta http-equiv="refresh" content="0; url=next">'), 'https://a.test/base/next');
  assert.equal(refreshOf('<base href="https://b.test/x/"><meta http-equiv="refresh" content="0; url=?q=1">'), 'https://b.test/x/?q=1');
  assert.equal(refreshOf('<base href="/b1/"><base href="/b2/"><meta http-equiv="refresh" content="0; url=next">'), 'https://a.test/b1/next', 'the first <base>');
  assert.equal(refreshOf('<meta http-equiv="refresh" content="0; url=next"><base href="/base/">'), 'https://a.test/dir/next', 'a <base> after it');
  assert.equal(refreshOf('<meta http-equiv="refresh" content="0; url=next"><body><base href="/base/">'), 'https://a.test/dir/next');
  assert.equal(refreshOf('<base target="_top"><meta http-equiv="refresh" content="0; url=next"><base href="/base/">'), 'https://a.test/dir/next', 'a <base> without href is no base');
  assert.equal(refreshOf('<base href="javascript:void(0)"><meta http-equiv="refresh" content="0; url=next">'), 'https://a.test/dir/next', 'an unusable one: the page URL, as for links');
  // The base of a page's links is its first <base href> wherever it is, as in a browser.
  const late = extractPage('<meta http-equiv="refresh" content="0; url=next"><a href="link">l</a><base href="/base/">', page, 10);
  assert.deepEqual(late.links.map((l) => l.url), ['https://a.test/base/link']);
  assert.equal(late.metaRefreshBase, null);
});

test('a <base href> query before a meta refresh is in the page\'s encoding, as for links', () => {
  const page = 'https://a.test/dir/page';
  const p = extractPage('<base href="/list?cat=café"><meta http-equiv="refresh" content="0; url=">', page, 10, 'crawlite', 'windows-1252');
  assert.equal(p.metaRefreshBase, 'https://a.test/list?cat=caf%E9');
  const q = extractPage('<base href="/list/?cat=café"><meta http-equiv="refresh" content="0; url=x?y=é">', page, 10, 'crawlite', 'windows-1252');
  assert.equal(parseRefreshUrl(q.metaRefresh, q.metaRefreshBase ?? page, 'windows-1252'), 'https://a.test/list/x?y=%E9');
});
