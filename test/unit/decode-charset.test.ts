import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHtml } from '../../src/parse/decode-charset.js';

const ascii = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const join = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

// "Привет" in windows-1251 and "日本語" in Shift_JIS (Node has no encoder for either).
const PRIVET_1251 = [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2];
const NIHONGO_SJIS = [0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea];
const titleOf = (html: string): string | undefined => /<title>(.*)<\/title>/.exec(html)?.[1];

describe('decodeHtml', () => {
  it('honours a UTF-8 BOM over the header and drops it', () => {
    const out = decodeHtml(join([0xef, 0xbb, 0xbf], Buffer.from('<p>é</p>', 'utf8') as unknown as number[]), 'text/html; charset=windows-1252');
    assert.deepEqual(out, { html: '<p>é</p>', encoding: 'utf-8' });
  });

  it('honours UTF-16LE and UTF-16BE BOMs', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>ü</p>', 'utf16le')]);
    assert.deepEqual(decodeHtml(le, 'text/html'), { html: '<p>ü</p>', encoding: 'utf-16le' });
    const be = Buffer.from(le);
    be.swap16(); // FF FE becomes FE FF and every code unit flips
    assert.deepEqual(decodeHtml(be, 'text/html'), { html: '<p>ü</p>', encoding: 'utf-16be' });
  });

  it('uses the Content-Type charset, quoted or not, in any case', () => {
    const body = join('<title>', PRIVET_1251, '</title>');
    for (const ct of ['text/html; charset=windows-1251', 'text/html;charset="WINDOWS-1251"', 'text/html; Charset=cp1251']) {
      const out = decodeHtml(body, ct);
      assert.equal(out.encoding, 'windows-1251', ct);
      assert.equal(titleOf(out.html), 'Привет', ct);
    }
  });

  it('reads a Content-Type sent twice (joined by a comma) as browsers do: the last type, an earlier charset of the same type kept', () => {
    const body = join('<meta charset="koi8-r"><title>', PRIVET_1251, '</title>');
    for (const ct of ['text/html; charset=windows-1251, text/html', 'text/html; charset=utf-8, text/html; charset=windows-1251',
      'text/html; charset=windows-1251,', 'text/plain; charset=utf-8, text/html; charset=windows-1251', 'text/html; charset=windows-1251, */*']) {
      assert.equal(decodeHtml(body, ct).encoding, 'windows-1251', ct);
    }
    // The last type is another one and names no charset: none from the header, so the page's <meta> decides.
    assert.equal(decodeHtml(body, 'text/plain; charset=windows-1251, text/html').encoding, 'koi8-r');
  });

  it('prefers the header over a <meta charset>', () => {
    const out = decodeHtml(join('<meta charset="shift_jis"><title>', PRIVET_1251, '</title>'), 'text/html; charset=windows-1251');
    assert.equal(out.encoding, 'windows-1251');
  });

  it('finds <meta charset> and decodes windows-1251', () => {
    const out = decodeHtml(join('<!doctype html><html><head><meta charset=windows-1251><title>', PRIVET_1251, '</title>'), 'text/html');
    assert.equal(out.encoding, 'windows-1251');
    assert.equal(titleOf(out.html), 'Привет');
  });

  it('finds the http-equiv form and decodes Shift_JIS', () => {
    const out = decodeHtml(
      join('<head><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=Shift_JIS"><title>', NIHONGO_SJIS, '</title>'),
      'text/html',
    );
    assert.equal(out.encoding, 'shift_jis');
    assert.equal(titleOf(out.html), '日本語');
  });

  it('ignores a content charset without the http-equiv pragma, and metas in comments', () => {
    assert.equal(decodeHtml(ascii('<meta content="text/html; charset=windows-1251"><p>x</p>'), '').encoding, 'utf-8');
    assert.equal(decodeHtml(ascii('<!-- <meta charset="windows-1251"> --><p>x</p>'), '').encoding, 'utf-8');
  });

  it('is not fooled by a ">" inside a quoted attribute before the meta', () => {
    const out = decodeHtml(ascii('<div title="a > b <meta charset=koi8-r>"><meta charset="windows-1251">'), '');
    assert.equal(out.encoding, 'windows-1251');
  });

  it('takes a meta past the first 1024 bytes while still in the head, as Chromium does; not once the body has begun', () => {
    const late = join(`<html><head><!--${'x'.repeat(1100)}--><meta charset="windows-1251"><title>`, PRIVET_1251, '</title>');
    assert.equal(decodeHtml(late, '').encoding, 'windows-1251');
    assert.equal(titleOf(decodeHtml(late, '').html), 'Привет');
    const afterHeadTags = ascii(`<head><title>t</title>${'<link rel="preload" href="/a.css">'.repeat(40)}<script>var s = "<div>";</script><style>p{}</style><meta http-equiv="Content-Type" content="text/html; charset=koi8-r">`);
    assert.equal(decodeHtml(afterHeadTags, '').encoding, 'koi8-r', 'link, script (a tag in its string aside), style and title keep the head');
    const inBody = ascii(`<head><title>t</title></head><body>${'<p>x</p>'.repeat(200)}<meta charset="windows-1251">`);
    assert.equal(decodeHtml(inBody, '').encoding, 'utf-8', 'past 1024 bytes and out of the head: not looked for');
    const inScript = ascii(`<head><script>${'x'.repeat(1100)} document.write('<meta charset="windows-1251">')</script></head><p>x`);
    assert.equal(decodeHtml(inScript, '').encoding, 'utf-8', 'a meta inside a script is text');
    const afterHeadEnd = ascii(`<head>${'<link href="/a">'.repeat(80)}</head><meta charset="windows-1251">`);
    assert.equal(decodeHtml(afterHeadEnd, '').encoding, 'utf-8', '</head> ends the head');
  });

  it('maps a meta UTF-16 declaration to UTF-8 and x-user-defined to windows-1252', () => {
    assert.equal(decodeHtml(ascii('<meta charset="utf-16"><p>x</p>'), '').encoding, 'utf-8');
    assert.equal(decodeHtml(ascii('<meta charset="x-user-defined"><p>x</p>'), '').encoding, 'windows-1252');
  });

  it('falls through unknown labels to the next step', () => {
    const body = join('<meta charset="windows-1251"><title>', PRIVET_1251, '</title>');
    assert.equal(decodeHtml(body, 'text/html; charset=no-such-charset').encoding, 'windows-1251');
    const bogusMeta = ascii('<meta charset="klingon"><p>plain</p>');
    assert.equal(decodeHtml(bogusMeta, 'text/html; charset=').encoding, 'utf-8');
  });

  it('uses UTF-8 for valid UTF-8 and windows-1252 for anything else', () => {
    assert.deepEqual(decodeHtml(Buffer.from('<p>naïve – ok</p>', 'utf8'), 'text/html'), {
      html: '<p>naïve – ok</p>',
      encoding: 'utf-8',
    });
    assert.deepEqual(decodeHtml(ascii('<p>caf\xe9 \x93quoted\x94</p>'), 'text/html'), {
      html: '<p>café “quoted”</p>',
      encoding: 'windows-1252',
    });
  });

  it('reads UTF-8 with a stray invalid byte as UTF-8, the byte as U+FFFD, and a legacy page with a few UTF-8-looking pairs still as windows-1252', () => {
    const text = 'Ünïcödé — “café” naïve façade';
    const stray = join(`<p>${Buffer.from(text, 'utf8').toString('latin1')} caf`, [0xe9], '</p>');
    assert.deepEqual(decodeHtml(stray, 'text/html'), { html: `<p>${text} caf\ufffd</p>`, encoding: 'utf-8' });
    // A lead byte with its continuation cut off counts as one invalid sequence, as WHATWG decodes it.
    assert.equal(decodeHtml(join(Buffer.from(text, 'utf8').toString('latin1'), [0xe2, 0x80], ' end'), '').html, `${text}\ufffd end`);
    // Too few valid sequences beside the invalid ones: the legacy default, as before.
    assert.equal(decodeHtml(join('\xc3\xa9 caf', [0xe9], ' na', [0xef], 've'), '').encoding, 'windows-1252');
    const legacy = ascii('<p>\xc9t\xe9 \xe0 Montr\xe9al, \xc2\xa9 2024, r\xe9sum\xe9 \x93quoted\x94 \xc3\xa9</p>');
    assert.equal(decodeHtml(legacy, '').encoding, 'windows-1252');
  });

  it('decodes 0x80-0x9F by the WHATWG windows-1252 table, for the latin1 label too', () => {
    // Node's own TextDecoder gets these wrong since 20.18.3 (nodejs/node#60888).
    const out = decodeHtml(Uint8Array.of(0x80, 0x81, 0x85, 0x99, 0x9f, 0xff), 'text/html; charset=ISO-8859-1');
    assert.deepEqual(out, { html: '\u20ac\u0081\u2026\u2122\u0178\u00ff', encoding: 'windows-1252' });
  });

  it('keeps UTF-8 for a body cut inside a multi-byte character', () => {
    const whole = Buffer.from('<p>€</p>€', 'utf8');
    const cut = whole.subarray(0, whole.length - 1); // last € loses its final byte
    const out = decodeHtml(cut, '');
    assert.equal(out.encoding, 'utf-8');
    assert.equal(out.html, '<p>€</p>\ufffd');
  });

  it('decodes an empty body', () => {
    assert.deepEqual(decodeHtml(new Uint8Array(0), ''), { html: '', encoding: 'utf-8' });
  });
});
