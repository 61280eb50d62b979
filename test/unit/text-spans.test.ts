import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderPage } from '../../src/bench/site.js';
import { packContent, packPage, unpackContent } from '../../src/content-frame.js';
import { decodeHtml } from '../../src/parse/decode-charset.js';
import { extractPage } from '../../src/parse/extract.js';
import { decodeTextSpans, encodeTextSpans, textSpansMatch } from '../../src/text-spans.js';

/** A deterministic pseudo-random generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const roundTrip = (html: string, text: string): Uint8Array => {
  const spans = encodeTextSpans(html, text);
  assert.equal(decodeTextSpans(html, spans), text);
  return spans;
};

/** Every page shape the extractor rewrites: entities, whitespace runs, blocks, <pre>, scripts, astral characters. */
const PAGES = [
  '<p>Tom &amp; Jerry &lt;3 caf&eacute;</p><p>line\n   two\t\tthree</p>',
  '<ul><li><a href="/a">World</a></li><li><a href="/b">Science</a></li></ul><p>end</p>',
  '<pre>  keep\n  these\n\nlines </pre><p> and   these </p>',
  `<script>${'var x = "<p>not text</p>";'.repeat(2000)}</script><p>after a 50 KB script</p><p>Grüße, мир, 🌍</p>`,
  '<p>a</p><p>a</p><p>a a a</p><div>a<br>a</div>',
  '<title>T</title><p>&#128512;&#x1F600; &nbsp;&nbsp; nbsp&nbsp;run</p>',
  '',
];

describe('text spans', () => {
  for (const [i, html] of PAGES.entries()) {
    it(`round-trips the extractor's text of page ${i}`, () => {
      const { text } = extractPage(html, 'https://example.org/', 100);
      roundTrip(html, text);
    });
  }

  it('stores the text of a 50 KB article in a few percent of its size', () => {
    const body = renderPage(3, { pages: 100, pageBytes: 50_000, seed: 1 });
    const { html } = decodeHtml(body, 'text/html');
    const { text } = extractPage(html, 'http://127.0.0.1/', 1000);
    const spans = roundTrip(html, text);
    assert.ok(text.length > 40_000, `text ${text.length}`);
    assert.ok(spans.length < 0.05 * text.length, `spans ${spans.length} B for ${text.length} chars of text`);
  });

  it('copies a long text node in one span, and a long one with collapsed spaces piece by piece', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i % 97}`);
    // One text node of ~14,000 characters, far past any block the match compares.
    assert.equal(roundTrip(`<p>${words.join(' ')}</p><p>end</p>`, `${words.join(' ')}\nend`).length < 12, true);
    // The extractor collapses each double space: every copy stops there, in one text node that
    // runs on for 40,000 characters with no '<' (each copy must not look for it afresh).
    const html = `<p>${words.join('  ')}${'x'.repeat(20_000)}</p>`;
    const { text } = extractPage(html, 'https://example.org/', 10);
    assert.equal(text, `${words.join(' ')}${'x'.repeat(20_000)}`);
    const spans = roundTrip(html, text);
    assert.ok(spans.length < 4 * words.length, `spans ${spans.length} B`);
  });

  it('round-trips any text against any HTML, including text that is not in it', () => {
    const rand = random(7);
    const alphabet = ['a', 'b', ' ', '\n', '<', '>', '&amp;', 'é', '🌍', 'the ', 'x'.repeat(40)];
    const pick = (n: number): string => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    for (let k = 0; k < 2000; k++) {
      const html = pick(Math.floor(rand() * 80));
      // Half the cases take their text from the HTML, half from nowhere.
      const text = rand() < 0.5 ? html.slice(Math.floor(rand() * html.length)).replaceAll('&amp;', '&') : pick(Math.floor(rand() * 40));
      roundTrip(html, text);
    }
  });

  it('falls back to literals, in bounded work, when nothing of the text is in the HTML', () => {
    const html = 'z'.repeat(200_000);
    const text = Array.from({ length: 50_000 }, (_, i) => `w${i}`).join(' ');
    const spans = roundTrip(html, text);
    // All literal: the spans hold the text's bytes plus a few bytes of framing per run.
    assert.ok(spans.length >= Buffer.byteLength(text), `spans ${spans.length} B`);
  });

  it('checks a recipe against a text with the same answer as decoding it, for good and damaged recipes', () => {
    const rand = random(11);
    const alphabet = ['a', 'b', ' ', '\n', '<p>', '&amp;', 'é', '🌍', 'the ', 'word'];
    const pick = (n: number): string => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    let damaged = 0;
    for (let k = 0; k < 3000; k++) {
      const html = pick(1 + Math.floor(rand() * 60));
      const text = rand() < 0.7 ? html.slice(Math.floor(rand() * html.length)).replaceAll('<p>', '\n') : pick(Math.floor(rand() * 20));
      const spans = new Uint8Array(encodeTextSpans(html, text));
      // Damage one byte of some recipes, and check some against another text.
      if (spans.length > 0 && rand() < 0.4) {
        const at = Math.floor(rand() * spans.length);
        spans[at] = (spans[at] as number) ^ (1 << Math.floor(rand() * 8));
      }
      const against = rand() < 0.2 ? `${text}x` : text;
      let decoded: string | null;
      try {
        decoded = decodeTextSpans(html, spans);
      } catch {
        decoded = null;
      }
      if (decoded !== against) damaged++;
      assert.equal(textSpansMatch(html, spans, against), decoded === against, `html ${JSON.stringify(html)} text ${JSON.stringify(against)}`);
    }
    assert.ok(damaged > 500 && damaged < 2500, `${damaged} mismatches of 3000`);
  });

  it('rejects a recipe that points past the HTML', () => {
    const spans = encodeTextSpans('hello world', 'world');
    assert.throws(() => decodeTextSpans('hello', spans), /beyond the end/);
    assert.throws(() => decodeTextSpans('hello', Uint8Array.of(0x80)), /truncated/);
  });
});

describe('content frame: the spans layout', () => {
  it('gives back the HTML bytes and the text, for UTF-8 and windows-1252 pages', () => {
    const cases: Array<[Buffer, string]> = [
      [Buffer.from('<p>Grüße — “quoted” &amp; 🌍</p>', 'utf8'), 'text/html; charset=utf-8'],
      [Buffer.from([0x3c, 0x70, 0x3e, 0x93, 0x71, 0x94, 0x20, 0x80, 0x20, 0xe9, 0x3c, 0x2f, 0x70, 0x3e]), 'text/html; charset=windows-1252'],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<p>after a BOM</p>')]), 'text/html'],
      [Buffer.from('\ufeff<p>UTF-16, “sixteen” &amp; 🌍</p>', 'utf16le'), 'text/html'],
    ];
    for (const [body, contentType] of cases) {
      const { html, encoding } = decodeHtml(body, contentType);
      const { text } = extractPage(html, 'https://example.org/', 10);
      assert.ok(text.length > 0, `${encoding}: some text`);
      for (const codec of ['br', 'gzip', 'none'] as const) {
        const packed = packPage(body, { htmlString: html, encoding, text }, { codec, level: 2 });
        assert.equal(packed.codec, `${codec}+spans`);
        assert.equal(packed.textBytes, Buffer.byteLength(text));
        const out = unpackContent(packed.data, packed.codec, body.length);
        assert.deepEqual(Buffer.from(out.html), body);
        assert.equal(out.text, text);
      }
    }
  });

  it('keeps the text right even when the HTML string given does not match the bytes', () => {
    // A caller bug, not a real page: the check in packPage turns the text into one literal.
    const body = Buffer.from('<p>abc</p>');
    const packed = packPage(body, { htmlString: '<p>abc</p>', encoding: 'utf-8', text: 'xyz abc' }, { codec: 'none', level: 0 });
    assert.equal(unpackContent(packed.data, packed.codec, body.length).text, 'xyz abc');
  });

  it('is smaller than the joint layout for a 50 KB article', () => {
    const body = renderPage(11, { pages: 100, pageBytes: 50_000, seed: 1 });
    const { html, encoding } = decodeHtml(body, 'text/html');
    const { text } = extractPage(html, 'http://127.0.0.1/', 1000);
    const spans = packPage(body, { htmlString: html, encoding, text }, { codec: 'br', level: 4 }).data.length;
    const joint = packContent(body, text, { codec: 'br', level: 4 }).data.length;
    const alone = packContent(body, '', { codec: 'br', level: 4 }).data.length;
    assert.ok(spans < joint, `spans ${spans} B vs joint ${joint} B`);
    assert.ok(spans < 1.06 * alone, `spans ${spans} B vs the HTML alone ${alone} B`);
  });

  it('still reads frames in the joint layout', () => {
    const body = Buffer.from('<p>old</p>');
    const { data } = packContent(body, 'old', { codec: 'br', level: 4 });
    assert.deepEqual(unpackContent(data, 'br', body.length), { html: body, text: 'old' });
  });

  it('refuses a spans section of an unknown version', () => {
    const body = Buffer.from('<p>x</p>');
    const frame = Buffer.concat([body, Uint8Array.of(9, 0)]);
    assert.throws(() => unpackContent(frame, 'none+spans', body.length), /unknown text spans layout/);
  });
});
