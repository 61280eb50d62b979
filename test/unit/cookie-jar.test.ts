/**
 * The crawl's cookie jar (fetch/cookie-jar.ts): RFC 6265 through tough-cookie, and the bounds
 * that keep a hostile site from growing it (per domain by count and bytes, domains overall).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCookieJar } from '../../src/fetch/cookie-jar.js';

test('cookies go back to the host or domain that set them, by path, and not for a public suffix', () => {
  const jar = createCookieJar();
  assert.equal(jar.cookieHeader('http://example.org/'), '', 'empty jar');
  jar.setCookies('http://www.example.org/shop/cart', ['host=1', 'dom=2; Domain=example.org; Path=/', 'tld=3; Domain=org', 'foreign=4; Domain=example.net']);
  assert.equal(jar.cookieHeader('http://www.example.org/shop/item'), 'host=1; dom=2');
  assert.equal(jar.cookieHeader('http://www.example.org/about'), 'dom=2', 'host=1 has the default path /shop');
  assert.equal(jar.cookieHeader('http://blog.example.org/'), 'dom=2');
  assert.equal(jar.cookieHeader('http://other.org/'), '');
  assert.equal(jar.cookieHeader('http://example.net/'), '');
});

test('a cookie set expired removes it; Secure ones only go over https', () => {
  const jar = createCookieJar();
  jar.setCookies('https://example.org/', ['a=1', 's=2; Secure']);
  assert.equal(jar.cookieHeader('https://example.org/'), 'a=1; s=2');
  assert.equal(jar.cookieHeader('http://example.org/'), 'a=1');
  jar.setCookies('https://example.org/', 'a=; Max-Age=0');
  assert.equal(jar.cookieHeader('https://example.org/'), 's=2');
});

test('bounds: 50 cookies and 6 KiB per domain (oldest evicted first), 1,000 domains, 4 KiB per cookie', () => {
  const jar = createCookieJar();
  for (let i = 0; i < 120; i++) jar.setCookies('http://spam.example/', `k${i}=1`);
  const names = jar.cookieHeader('http://spam.example/').split('; ').map((c) => c.split('=')[0]);
  assert.equal(names.length, 50);
  assert.ok(names.includes('k119') && !names.includes('k0'), 'the newest are kept');
  for (let i = 0; i < 40; i++) jar.setCookies('http://big.example/', `b${i}=${'v'.repeat(500)}`);
  assert.ok(jar.cookieHeader('http://big.example/').length <= 6 * 1024);
  jar.setCookies('http://big.example/', `huge=${'x'.repeat(5000)}`);
  assert.ok(!jar.cookieHeader('http://big.example/').includes('huge='));
  for (let i = 0; i < 1100; i++) jar.setCookies(`http://h${i}.example.net/`, 'x=1');
  assert.equal(jar.cookieHeader('http://h0.example.net/'), '', 'the least recently set domain went first');
  assert.equal(jar.cookieHeader('http://h1099.example.net/'), 'x=1');
  assert.ok(jar.size <= 1000 * 50);
});

test('the Cookie header stays under 6 KiB when the host and its parent domains each hold their fill (QA)', () => {
  const jar = createCookieJar();
  const url = 'http://a.b.shop.example.co.uk/';
  for (const domain of ['', 'b.shop.example.co.uk', 'shop.example.co.uk', 'example.co.uk']) {
    for (let i = 0; i < 30; i++) jar.setCookies(url, `c${domain.length}_${i}=${'v'.repeat(200)}${domain ? `; Domain=${domain}` : ''}`);
  }
  const header = jar.cookieHeader(url);
  assert.ok(header.length <= 6 * 1024, `Cookie header of ${header.length} bytes`);
  assert.ok(header.length > 5 * 1024, 'filled, not emptied');
  assert.match(header, /^c\d+_\d+=v+(; c\d+_\d+=v+)*$/, 'whole name=value pairs only');
});

test('one response of 3,000 Set-Cookie lines: the bounds hold as for lines set one by one (newest kept), the domain trimmed once', () => {
  const jar = createCookieJar();
  jar.setCookies('http://storm.example/', ['early=1', ...Array.from({ length: 3_000 }, (_, i) => `s${i}=${'v'.repeat(40)}`)]);
  const names = jar.cookieHeader('http://storm.example/').split('; ').map((c) => c.split('=')[0]);
  // 6 KiB of ~46-byte cookies: the newest that fit, the early one evicted.
  assert.ok(names.length > 0 && names.length <= 50, `${names.length} cookies`);
  assert.ok(names.includes('s2999') && !names.includes('early') && !names.includes('s0'));
  assert.equal(jar.size, names.length);
  // The same storm of one name is one cookie.
  jar.setCookies('http://same.example/', Array.from({ length: 3_000 }, (_, i) => `PHPSESSID=${i}`));
  assert.equal(jar.cookieHeader('http://same.example/'), 'PHPSESSID=2999');
});

test('of one response, only the last 200 Set-Cookie lines are read (15,000 held the crawl\'s thread for up to 0.75 s): a cookie set before 14,999 refused lines is not taken', () => {
  const jar = createCookieJar();
  const refused = Array.from({ length: 14_999 }, (_, i) => `x${i}=1; Domain=other.example`);
  jar.setCookies('http://storm.example/', ['first=1', ...refused]);
  assert.equal(jar.cookieHeader('http://storm.example/'), '');
  jar.setCookies('http://storm.example/', ['kept=1', ...refused.slice(0, 199)]);
  assert.equal(jar.cookieHeader('http://storm.example/'), 'kept=1', 'the 200th line from the end is read');
});
