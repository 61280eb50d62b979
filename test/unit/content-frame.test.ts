import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packContent, unpackContent, type Codec } from '../../src/content-frame.js';

/** A ~50 KB article: class-heavy markup around paragraphs whose text the frame also stores. */
function articlePage(): { html: Uint8Array; text: string } {
  let seed = 11;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const syllables = ['ka', 'ri', 'to', 'me', 'su', 'na', 'lo', 'vi', 'de', 'ra', 'po', 'en', 'tion', 'ment', 'ver'];
  const vocab = Array.from({ length: 3000 }, () =>
    Array.from({ length: 1 + Math.floor(rand() * 3) }, () => syllables[Math.floor(rand() * syllables.length)]).join(''));
  const words = (n: number): string =>
    Array.from({ length: n }, () => vocab[Math.floor(Math.exp(rand() * Math.log(vocab.length))) - 1]).join(' ');
  const paragraphs: string[] = [];
  let html = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Article</title>' +
    '<script>window.cfg={env:"prod",features:["a","b","c"]};</script></head><body><nav class="nav"><ul>' +
    Array.from({ length: 30 }, (_, i) => `<li class="nav__item"><a class="nav__link" href="/s/${i}/">${words(2)}</a></li>`).join('') +
    '</ul></nav><main class="container"><article class="article"><div class="article__body">';
  while (html.length < 50_000) {
    const p = words(60);
    paragraphs.push(p);
    html += `<p class="article__para" data-index="${paragraphs.length}">${p}</p>\n<div class="ad-slot" data-unit="/123/inline"></div>\n`;
  }
  html += '</div></article></main><footer class="footer"><p>Footer</p></footer></body></html>';
  return { html: Buffer.from(html, 'utf8'), text: paragraphs.join('\n') };
}

describe('content frame', () => {
  const html = Buffer.from('<p>Grüße, мир, 🌍</p>', 'utf8');
  const text = 'Grüße, мир, 🌍';

  for (const codec of ['br', 'gzip', 'none'] as Codec[]) {
    it(`round-trips HTML and multibyte text with ${codec}`, () => {
      const { data, textBytes } = packContent(html, text, { codec, level: codec === 'gzip' ? 6 : 4 });
      assert.equal(textBytes, Buffer.byteLength(text));
      const out = unpackContent(data, codec, html.length);
      assert.deepEqual(Buffer.from(out.html), html);
      assert.equal(out.text, text);
    });

    it(`round-trips empty text and an empty body with ${codec}`, () => {
      const { data, textBytes } = packContent(html, '', { codec, level: 1 });
      assert.equal(textBytes, 0);
      assert.deepEqual(unpackContent(data, codec, html.length), { html: Buffer.from(html), text: '' });
      const empty = packContent(new Uint8Array(0), '', { codec, level: 1 });
      assert.deepEqual(unpackContent(empty.data, codec, 0), { html: Buffer.alloc(0), text: '' });
    });
  }

  it('rejects an unknown codec', () => {
    assert.throws(() => unpackContent(new Uint8Array(1), 'zstd', 0), /unknown content codec/);
  });

  it('stores a page with its text in much less than the two compressed apart (brotli)', () => {
    const page = articlePage();
    const opts = { codec: 'br' as const, level: 4 };
    const joint = packContent(page.html, page.text, opts).data.length;
    const apart = packContent(page.html, '', opts).data.length + packContent(new Uint8Array(0), page.text, opts).data.length;
    assert.ok(joint < 0.8 * apart, `joint ${joint} B vs apart ${apart} B`);
    const out = unpackContent(packContent(page.html, page.text, opts).data, 'br', page.html.length);
    assert.equal(out.text, page.text);
  });
});
