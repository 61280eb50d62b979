import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyMarks, copySignature } from '../../src/parse/copy-signature.js';
import { parsePage } from '../../src/parse/parse-page.js';

const at = (path: string, title: string, text: string, hrefs: string[] = ['about/', 'blog/']) =>
  copySignature(`http://127.0.0.1:8080${path}`, title, text, hrefs);

test('the page\'s own path, as requested or percent-decoded, with or without its last "/", reads as the root\'s', () => {
  const page = (path: string, shown: string) => at(path, `No page at ${shown}`, `Nothing at ${shown} (try the home page)`);
  const root = page('/', '/');
  assert.equal(page('/about/about/', '/about/about/'), root);
  assert.equal(page('/about/', '/about'), root);
  assert.equal(page('/blog/docs/', 'http://127.0.0.1:8080/blog/docs/'), page('/about/', 'http://127.0.0.1:8080/about/'));
  assert.equal(page('/caf%C3%A9/', '/café/'), root, 'decoded');
  assert.equal(page('/caf%C3%A9/', '/caf%C3%A9/'), root, 'as requested');
  assert.equal(page('/search?q=x', '/search?q=x'), root, 'with its query');
  assert.notEqual(page('/about/', '/blog/'), root, 'another path is text');
});

test('only whole occurrences of the path: "/about" in "/aboutus" is another page named in the text', () => {
  assert.notEqual(at('/about/', 'Team', 'See /aboutus for more'), at('/', 'Team', 'See us for more'));
  assert.equal(at('/about/', 'Team', 'See /aboutus for more'), at('/blog/', 'Team', 'See /aboutus for more'), 'nothing removed from either');
});

test('tokens of nonce length holding a digit and clock times count as one; short numbers do not', () => {
  const served = (id: string, time: string) => at('/x/', 'Soft 404', `Request ${id} served at ${time}`);
  assert.equal(served('8f3a9c2e-11d4-4b7e-9e0f-5a6b7c8d9e0f', '2026-12-06T03:10:11.123Z'), served('0b1c2d3e-44f5-4a6b-8c7d-9e0f1a2b3c4d', '2026-12-07T23:59:01.007Z'));
  assert.equal(served('a8Bq29xKz_Lm', '03:10'), served('Zz0918abcdeQ', '04:11'));
  assert.notEqual(at('/x/', 'Docs v1', 'Index'), at('/x/', 'Docs v2', 'Index'));
  assert.notEqual(at('/x/', 'Page 2', 'Posts'), at('/x/', 'Page 3', 'Posts'));
  assert.notEqual(at('/x/', 'Guide', 'internationalization'), at('/x/', 'Guide', 'localization'), 'long words without digits are words');
});

test('hrefs count as written: other links, or the same links reordered, are another page', () => {
  assert.notEqual(at('/a/', 'T', 'same', ['about/', 'blog/']), at('/a/', 'T', 'same', ['about/', 'docs/']));
  assert.notEqual(at('/a/', 'T', 'same', ['about/', 'blog/']), at('/a/', 'T', 'same', ['blog/', 'about/']));
  assert.notEqual(at('/a/', 'T', 'same', ['/a/a/']), at('/a/a/', 'T', 'same', ['/a/a/a/']), 'links built from the path');
});

test('parsePage: an echo in markup (canonical, og:url, form action, hidden token, script nonce) changes nothing; other text does', () => {
  const sign = (path: string, html: string) => {
    const out = parsePage({ url: `http://127.0.0.1:8080${path}`, body: Buffer.from(html), contentType: 'text/html', isHtml: true, maxLinks: 100 });
    assert.ok(out.ok && out.copySignature !== undefined);
    return out.copySignature;
  };
  const soft404 = (path: string, token: string) => `<!doctype html><html><head><title>Missing ${path}</title>
    <link rel="canonical" href="http://127.0.0.1:8080${encodeURIComponent(path)}"><meta property="og:url" content="${path}">
    <script nonce="${token}">var t = "${token}";</script></head><body><h1>No page at ${path.replaceAll('&', '&amp;')}</h1>
    <form action="${path}?send"><input type="hidden" name="csrf" value="${token}"></form>
    <a href="about/">About</a> <a href="/">Home</a></body></html>`;
  const first = sign('/', soft404('/', 'c0ffee1234'));
  assert.equal(sign('/about/', soft404('/about/', '9a8b7c6d5e')), first);
  assert.equal(sign('/a&b/', soft404('/a&b/', 'deadbeef42')), first, 'HTML-escaped in the text');
  assert.notEqual(sign('/about/', soft404('/about/', 'x').replace('<h1>', '<h1>Our team ')), first);
  assert.notEqual(sign('/about/', soft404('/about/', 'x').replace('href="about/"', 'href="blog/"')), first);
});

test('the token signature reads the nonce-length tokens of the URL and the hrefs as one: a page made per request whose links carry the time is one page; another path, other text or short numbers are not', () => {
  const news = (ts: number, hrefs = [`/news/${ts + 1}`, '/']) => copyMarks(`http://127.0.0.1:8080/news?ts=${ts}`, 'News', `As of ${ts}`, hrefs);
  const a = news(1_733_580_000_123);
  const b = news(1_733_580_999_456);
  assert.notEqual(a.signature, b.signature, 'hrefs count verbatim in the signature');
  assert.equal(a.tokenSignature, b.tokenSignature);
  assert.notEqual(a.tokenSignature, copyMarks('http://127.0.0.1:8080/feed?ts=1733580000123', 'News', 'As of 1733580000123', ['/news/1733580000124', '/']).tokenSignature, 'another path');
  assert.notEqual(a.tokenSignature, news(1_733_580_000_123, ['/news/1733580000124', '/about']).tokenSignature, 'another link');
  assert.notEqual(copyMarks('http://h.test/p/10000000', 'Product', 'A kettle', ['/p/10007919']).tokenSignature,
    copyMarks('http://h.test/p/10007919', 'Product', 'A teapot', ['/p/10015838']).tokenSignature, 'other text');
  assert.notEqual(copyMarks('http://h.test/cal?m=5', 'Calendar', 'Month', ['/cal?m=6']).tokenSignature,
    copyMarks('http://h.test/cal?m=6', 'Calendar', 'Month', ['/cal?m=7']).tokenSignature, 'short numbers');
});
