import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeHrefQuery } from '../../src/parse/query-charset.js';
import { parsePage } from '../../src/parse/parse-page.js';

describe('encodeHrefQuery: a link query in its page encoding, as browsers send it', () => {
  it('encodes the query in single-byte encodings, the euro at windows-1252 0x80', () => {
    assert.equal(encodeHrefQuery('/s?q=café', 'windows-1252'), '/s?q=caf%E9');
    assert.equal(encodeHrefQuery('/s?q=€5', 'windows-1252'), '/s?q=%805');
    assert.equal(encodeHrefQuery('/s?q=привет', 'windows-1251'), '/s?q=%EF%F0%E8%E2%E5%F2');
    assert.equal(encodeHrefQuery('/s?q=привет', 'koi8-r'), '/s?q=%D0%D2%C9%D7%C5%D4');
  });

  it('encodes CJK queries in two-byte encodings, with the WHATWG encoder choices', () => {
    // 表 is 0x95 0x5C in Shift_JIS: the ASCII trail byte stays a backslash, as browsers send it.
    assert.equal(encodeHrefQuery('/s?q=表示', 'shift_jis'), '/s?q=%95\\%8E%A6');
    assert.equal(encodeHrefQuery('/s?q=ｱ', 'shift_jis'), '/s?q=%B1');
    assert.equal(encodeHrefQuery('/s?q=日本', 'euc-jp'), '/s?q=%C6%FC%CB%DC');
    assert.equal(encodeHrefQuery('/s?q=한국', 'euc-kr'), '/s?q=%C7%D1%B1%B9');
    assert.equal(encodeHrefQuery('/s?q=中文', 'gbk'), '/s?q=%D6%D0%CE%C4');
    assert.equal(encodeHrefQuery('/s?q=€', 'gb18030'), '/s?q=%A2%E3');
    assert.equal(encodeHrefQuery('/s?q=€', 'gbk'), '/s?q=%80');
    assert.equal(encodeHrefQuery('/s?q=繁體', 'big5'), '/s?q=%C1c%C5%E9');
  });

  it('spells gb18030 four-byte characters (the rest of the BMP and beyond it), ASCII digits left as they are', () => {
    assert.equal(encodeHrefQuery('/s?q=ç', 'gb18030'), '/s?q=%810%8A4');
    assert.equal(encodeHrefQuery('/s?q=😀', 'gb18030'), '/s?q=%949%FC6');
    assert.equal(encodeHrefQuery('/s?q=ç中', 'gbk'), '/s?q=%26%23231%3B%D6%D0', 'gbk has no four-byte form');
  });

  it('sends the yen sign, overline and minus as the Shift_JIS and EUC-JP encoders do', () => {
    assert.equal(encodeHrefQuery('/s?q=¥‾', 'shift_jis'), '/s?q=\\~');
    assert.equal(encodeHrefQuery('/s?q=¥', 'euc-jp'), '/s?q=\\');
    assert.equal(encodeHrefQuery('/s?q=−', 'shift_jis'), '/s?q=%81|', 'U+2212 as U+FF0D');
    assert.equal(encodeHrefQuery('/s?q=−', 'euc-jp'), '/s?q=%A1%DD');
  });

  it('sends a character the encoding lacks as &#N;, percent-encoded', () => {
    assert.equal(encodeHrefQuery('/s?q=Ω😀', 'windows-1252'), '/s?q=%26%23937%3B%26%23128512%3B');
  });

  it('leaves the path, the fragment and UTF-8 pages alone', () => {
    assert.equal(encodeHrefQuery('/é?q=é#é', 'iso-8859-2'), '/é?q=%E9#é');
    assert.equal(encodeHrefQuery('/a#x?é', 'windows-1252'), '/a#x?é');
    assert.equal(encodeHrefQuery('/s?q=é', 'utf-8'), '/s?q=é');
    assert.equal(encodeHrefQuery('/s?q=é', 'utf-16le'), '/s?q=é');
    assert.equal(encodeHrefQuery('/s?q=plain', 'windows-1252'), '/s?q=plain');
  });
});

describe('parsePage resolves link queries in the page encoding', () => {
  const page = (body: Buffer, contentType: string) =>
    parsePage({ url: 'http://127.0.0.1/dir/p.html', body: new Uint8Array(body), contentType, isHtml: true, maxLinks: 100 });

  it('a windows-1252 page: caf%E9 in the query, UTF-8 in the path, canonical too', () => {
    const html = '<link rel=canonical href="/c?x=\xe9"><a href="/s?q=caf\xe9">q</a><a href="/caf\xe9?q=\xe9">p</a>';
    const out = page(Buffer.from(html, 'latin1'), 'text/html; charset=windows-1252');
    assert.ok(out.ok);
    assert.deepEqual(out.links.map((l) => l.url), ['http://127.0.0.1/s?q=caf%E9', 'http://127.0.0.1/caf%C3%A9?q=%E9']);
    assert.equal(out.canonical, 'http://127.0.0.1/c?x=%E9');
  });

  it("a <base href>'s own query is in the page encoding too (HTML parses it with the document's encoding); spaces are %20", () => {
    const html = '<base href="/b/?q=caf\xe9 x&y=a b"><a href="">base</a><a href="#top">top</a><a href="p?r=\xe9 \xe8">p</a><a href="?z=\xfc">z</a>';
    const out = page(Buffer.from(html, 'latin1'), 'text/html; charset=windows-1252');
    assert.ok(out.ok);
    assert.deepEqual(out.links.map((l) => l.url), [
      'http://127.0.0.1/b/?q=caf%E9%20x&y=a%20b', // "" and "#top" are the base itself (the fragment dropped)
      'http://127.0.0.1/b/p?r=%E9%20%E8',
      'http://127.0.0.1/b/?z=%FC',
    ]);
    const utf8 = page(Buffer.from('<base href="/b/?q=café x"><a href="">base</a>', 'utf8'), 'text/html; charset=utf-8');
    assert.ok(utf8.ok);
    assert.deepEqual(utf8.links.map((l) => l.url), ['http://127.0.0.1/b/?q=caf%C3%A9%20x']);
  });

  it('a UTF-8 page keeps UTF-8 queries', () => {
    const out = page(Buffer.from('<a href="/s?q=café">q</a>', 'utf8'), 'text/html; charset=utf-8');
    assert.ok(out.ok);
    assert.deepEqual(out.links.map((l) => l.url), ['http://127.0.0.1/s?q=caf%C3%A9']);
  });
});
