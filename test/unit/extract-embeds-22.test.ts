import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractPage } from '../../src/parse/extract.js';

const PAGE = 'https://example.org/dir/page.html';
const urls = (html: string) => extractPage(html, PAGE, 100).links.map((l) => l.url);

describe('extractPage: <object data> and <embed src> holding HTML pages', () => {
  it('follows one typed text/html or XHTML, or untyped with an HTML extension or none', () => {
    assert.deepEqual(urls(`<object data="/parts/nav.html" type="text/html" title=" Nav "></object>
      <OBJECT DATA=toc.htm></OBJECT><embed src="/w/cal.php?m=1"><embed src="widgets/map/" type="Text/HTML; charset=utf-8">
      <object data="/x.xhtml" type="application/xhtml+xml"></object><embed src="page.aspx#top">`), [
      'https://example.org/parts/nav.html', 'https://example.org/dir/toc.htm', 'https://example.org/w/cal.php?m=1',
      'https://example.org/dir/widgets/map/', 'https://example.org/x.xhtml', 'https://example.org/dir/page.aspx',
    ]);
    assert.equal(extractPage('<object data="a.html" title=" The  menu "></object>', PAGE, 10).links[0]?.text, 'The menu');
  });

  it('leaves plugins and media: Flash, PDF, video, svg, images, a typed non-HTML, an ActiveX classid, data: and about:blank', () => {
    assert.deepEqual(urls(`<object data="movie.swf"><embed src="movie.swf"></object><object data="/doc.pdf"></object>
      <embed src="/clip.mp4"><object data="/logo.svg"></object><embed src="/img.PNG"><object data="x.bin"></object>
      <object data="/page.html" type="application/pdf"></object><embed src="/player" type="application/x-shockwave-flash">
      <object classid="clsid:D27CDB6E" data="/flash.html"></object><object data="data:text/html,<a href=/x>x</a>"></object>
      <embed src="about:blank"><object data=""></object><embed>`), []);
  });

  it('reads an object\'s fallback links as before, and nothing of an <object> inside a <template>', () => {
    assert.deepEqual(urls('<object data="/movie.swf"><a href="/get-flash.html">Get Flash</a></object><template><object data="/t.html"></object></template>'),
      ['https://example.org/get-flash.html']);
  });

  it('resolves against <base href>, as other links are', () => {
    assert.deepEqual(urls('<head><base href="https://example.org/docs/"></head><object data="part.html"></object>'), ['https://example.org/docs/part.html']);
  });
});
