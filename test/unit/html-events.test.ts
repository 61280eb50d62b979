import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emitHtmlEvents, extractPage } from '../../src/parse/extract.js';

const PAGE = 'https://example.org/';
const paths = (html: string) => extractPage(html, PAGE, 100).links.map((l) => new URL(l.url).pathname);

function events(html: string): string[] {
  const out: string[] = [];
  emitHtmlEvents(html, {
    onopentag: (name) => out.push(`<${name}>`), ontext: (t) => out.push(t), onclosetag: (name) => out.push(`</${name}>`),
  });
  return out;
}

// Expected values are what parse5 (the HTML standard's parser, as browsers run it) gives.
describe('emitTagEvents: svg and math content', () => {
  const cases: Array<[html: string, links: string[], text: string]> = [
    // A script, style or title in svg/math holds elements, not raw text; their text stays hidden.
    ['<svg><script>var a="<a href=/in>x</a>";</script><a href="/svg">s</a></svg><a href="/after">a</a>', ['/in', '/svg', '/after'], 'a'],
    ['<math><script>x<a href="/m">m</a></script></math>after', ['/m'], 'after'],
    ['<svg><style>a{}<a href="/s">s</a></style></svg><p>after', ['/s'], 'after'],
    ['<svg><title>T &amp; <a href="/t">x</a></title></svg><p>after', ['/t'], 'after'],
    ['<svg><script>if (a<b) go()</script></svg><p>after <a href="/after">a</a>', ['/after'], 'after a'],
    ['<svg><script><![CDATA[ if (a < b) document.write("<a href=/in>") ]]></script></svg>after', [], 'after'],
    ['<svg><script><!--<script>x</script><a href="/in">i</a>--></script></svg><a href="/after">a</a>', ['/after'], 'a'],
    // HTML integration points hold HTML: a script there is script data again.
    ['<svg><foreignObject><script>a<a href="/in">x</a></script></foreignObject></svg>after', [], 'after'],
    ['<math><mtext><script>a<a href="/in">i</a></script></mtext></math>after', [], 'after'],
    // "/>" closes an integration point too; after it, and after </svg>, a script is script data.
    ['<svg><desc/></svg><script>var s = "<a href=/in>x</a>";</script><a href="/after">a</a>', ['/after'], 'a'],
    ['<math><mi/>x</math><script>var s = "<a href=/in>x</a>";</script>after', [], 'xafter'],
    ['<math><mtext><b></math><script>"<a href=/in>x</a>"</script>after', [], 'after'],
    ['<svg><title/><a href="/t">t</a></svg><title>Doc</title>', ['/t'], ''],
  ];
  for (const [html, links, text] of cases) {
    it(html, () => {
      assert.deepEqual(paths(html), links);
      assert.equal(extractPage(html, PAGE, 100).text, text);
    });
  }

  it('closes an element written "/>" in svg and math, and <svg/> itself', () => {
    assert.deepEqual(events('<svg><title/><g/></svg>'), ['<svg>', '<title>', '</title>', '<g>', '</g>', '</svg>']);
    assert.deepEqual(events('<math><mi/><mo/></math>'), ['<math>', '<mi>', '</mi>', '<mo>', '</mo>', '</math>']);
    assert.deepEqual(events('<p><svg/>x'), ['<p>', '<svg>', '</svg>', 'x', '</p>']);
    assert.deepEqual(events('<svg><script>a<g>c</script></svg>'), ['<svg>', '<script>', 'a', '<g>', 'c', '</g>', '</script>', '</svg>']);
  });
});

describe('emitTagEvents: "/>" on a non-void HTML element is a start tag', () => {
  const cases: Array<[html: string, links: string[], text: string]> = [
    ['<script/><a href="/in">x</a></script><a href="/after">a</a>', ['/after'], 'a'],
    // XHTML habits: the slash does not end the script, the next </script> does.
    ['<script src="/a.js"/><p>hidden <a href="/in">i</a></p><script>x()</script><p>shown <a href="/after">a</a></p>', ['/after'], 'shown a'],
    ['<SCRIPT / ><a href="/in">x</a></SCRIPT>after', [], 'after'],
    ['<script/><!--<script>x</script><a href="/in">i</a>--></script><a href="/after">a</a>', ['/after'], 'a'],
    ['<style/><a href="/in">x</a></style><a href="/after">a</a>', ['/after'], 'a'],
    ['<textarea/><a href="/in">x</a></textarea><a href="/after">a</a>', ['/after'], '<a href="/in">x</a>a'],
    ['<xmp/><a href="/in">x</a> &amp;</xmp>', [], '<a href="/in">x</a> &amp;'],
    ['<plaintext/><a href="/in">x</a>', [], '<a href="/in">x</a>'],
    // In svg the same slash closes the script, and </svg> brings the HTML reading back.
    ['<svg><script href="/s.js"/><a href="/svg">s</a></svg><script/>x<a href="/in">i</a></script>after', ['/svg'], 'after'],
    ['<a/ href="/x">text<p>more', ['/x'], 'text\nmore'],
    ['<a href="/x"/>text</a>after', ['/x'], 'textafter'],
  ];
  for (const [html, links, text] of cases) {
    it(html, () => {
      assert.deepEqual(paths(html), links);
      assert.equal(extractPage(html, PAGE, 100).text, text);
    });
  }

  it('keeps the text after <title/> in the title, as text', () => {
    const page = extractPage('<title/>A <b>bold</b> &amp; <a href="/in">x</a></title><p>body', PAGE, 100);
    assert.deepEqual([page.title, page.links, page.text], ['A <b>bold</b> & <a href="/in">x</a>', [], 'body']);
  });

  it('gives the element its content as one text, then closes it', () => {
    assert.deepEqual(events('<script/>a<b>c</script>d'), ['<script>', 'a<b>c', '</script>', 'd']);
    assert.deepEqual(events('<div/>x<br/>y'), ['<div>', 'x', '<br>', '</br>', 'y', '</div>']);
  });
});

// <textarea> is RCDATA like <title>: no markup, but character references are decoded (parse5).
describe('emitTagEvents: textarea and title content is text with its character references decoded', () => {
  const cases: Array<[html: string, text: string, title: string | null]> = [
    ['<textarea>a &amp; b &lt;c&gt; &#169; &copy &ampx &notin; &notit;</textarea>', 'a & b <c> © © &x ∉ ¬it;', null],
    ['<textarea>&lt;a href="/in"&gt;x&lt;/a&gt;</textarea>', '<a href="/in">x</a>', null],
    ['<textarea>a < b &amp;&amp; c <= d & e</textarea>after', 'a < b && c <= d & eafter', null],
    // "&" after a partial end tag still starts a reference.
    ['<textarea>a</tex&amp;</textarea>', 'a</tex&', null],
    ['<textarea>a</textarea&amp;</textarea >b', 'a</textarea&b', null],
    ['<title>a</ti&amp;</title>', '', 'a</ti&'],
    ['<textarea>runs to the end &amp; decodes', 'runs to the end & decodes', null],
    ['<TEXTAREA/>x &gt; y</TEXTAREA><title>T &amp; U</title>', 'x > y', 'T & U'],
    // Raw text stays raw: script, style and xmp decode nothing.
    ['<script>a&amp;b</script><style>c&amp;d</style><xmp>e&amp;f</xmp>', 'e&amp;f', null],
  ];
  for (const [html, text, title] of cases) {
    it(html, () => {
      const page = extractPage(html, PAGE, 100);
      assert.deepEqual([page.text, page.title, page.links], [text, title, []]);
    });
  }

  it('decodes a textarea\'s references in anchor text and in the events extraction fields read', () => {
    const page = extractPage('<a href="/x">see <textarea>&lt;b&gt; &amp; co</textarea></a>', PAGE, 100);
    assert.deepEqual(page.links.map((l) => l.text), ['see <b> & co']);
    assert.deepEqual(events('<textarea>1&lt;2</textarea>'), ['<textarea>', '1', '<', '2', '</textarea>']);
  });
});

// Browsers parse these as raw text whatever the page says: markup inside gives no element (parse5).
describe('emitTagEvents: iframe, noembed and xmp content is text, not markup', () => {
  const cases: Array<[html: string, links: string[], text: string]> = [
    ['<iframe><a href="/in">x</a></iframe><a href="/after">a</a>', ['/after'], 'a'],
    ['<noembed><a href="/in">x</a></noembed><a href="/after">a</a>', ['/after'], 'a'],
    ['<xmp><a href="/in">x</a></xmp><a href="/after">a</a>', ['/after'], '<a href="/in">x</a>\na'],
    // An iframe's own src is still followed; its fallback content is not.
    ['<iframe src="/frame" title="F"><a href="/in">x</a></iframe>', ['/frame'], ''],
    ['<IFRAME>x<a href="/in">i</a></IFRAME >after', [], 'after'],
    ['<iframe/><a href="/in">x</a></iframe>after', [], 'after'],
    ['<iframe><iframe></iframe><a href="/after">a</a></iframe>', ['/after'], 'a'],
    ['<iframe>&amp;<!-- </iframe> --><a href="/c">c</a>', ['/c'], '-->c'],
    ['<p>before <a href="/b">b</a><noembed><a href="/in">never closed', ['/b'], 'before b'],
    // HTML integration points hold HTML, so raw text again; in svg or math itself, elements.
    ['<svg><foreignObject><noembed><a href="/in">x</a></noembed></foreignObject></svg>after', [], 'after'],
    ['<math><mtext><iframe><a href="/in">x</a></iframe></mtext></math>after', [], 'after'],
    ['<svg><iframe><a href="/svg">x</a></iframe></svg><a href="/after">a</a>', ['/svg', '/after'], 'a'],
  ];
  for (const [html, links, text] of cases) {
    it(html, () => {
      assert.deepEqual(paths(html), links);
      assert.equal(extractPage(html, PAGE, 100).text, text);
    });
  }

  it('gives the element its content as one text, for extraction fields', () => {
    assert.deepEqual(events('<iframe><b>x</b></iframe>y'), ['<iframe>', '<b>x</b>', '</iframe>', 'y']);
  });

  // A deliberate difference from a browser that runs scripts (which reads <noscript> as raw text):
  // crawlite runs none, so it reads <noscript> as a browser with scripting off does (html-tags.ts).
  // <noframes> too: a frameset's fallback for agents that show no frames (html-tags.ts).
  it('reads <noframes> as markup and follows its links, its text hidden', () => {
    assert.deepEqual(paths('<frameset><frame src="/f"></frameset><noframes><body><a href="/in">x</a></noframes>'), ['/f', '/in']);
    const legacy = '<FRAMESET COLS="150,*"><FRAME SRC=menu.htm><NOFRAMES><BODY><A HREF=sitemap.html>Site map</A></BODY></NOFRAMES></FRAMESET>';
    assert.deepEqual(paths(legacy), ['/menu.htm', '/sitemap.html']);
    const html = '<noframes><p>x <a href="/nf">n</a></noframes><a href="/after">a</a>';
    assert.deepEqual(paths(html), ['/nf', '/after']);
    assert.equal(extractPage(html, PAGE, 100).text, 'a');
  });

  it('still reads <noscript> as markup and follows its links', () => {
    const html = '<noscript><a href="/ns">next page</a><iframe src="/f"></iframe></noscript><a href="/after">a</a>';
    assert.deepEqual(paths(html), ['/ns', '/f', '/after']);
    assert.equal(extractPage(html, PAGE, 100).text, 'a', 'its text stays hidden, as before');
  });
});

describe('emitTagEvents: a tag whose name only resembles a raw-text element\'s holds markup', () => {
  // htmlparser2's Tokenizer took <tmp> for <xmp> (a name's second letter picks title, textarea or
  // xmp when its first is "t" or "x"), and the rest of the page became its text (parse5 expectations).
  const cases: Array<[html: string, links: string[], text: string]> = [
    ['<tmp><a href="/in">x</a></tmp><a href="/after">a</a>', ['/in', '/after'], 'xa'],
    ['<xitle>a &amp; <a href="/in">x</a></xitle>', ['/in'], 'a & x'],
    ['<xextarea><a href="/in">x</a></xextarea>', ['/in'], 'x'],
    ['<TMP/><a href="/in">x</a>', ['/in'], 'x'],
  ];
  for (const [html, links, text] of cases) {
    it(html, () => {
      assert.deepEqual(paths(html), links);
      assert.equal(extractPage(html, PAGE, 100).text, text);
    });
  }
});

describe('emitTagEvents: an end tag written with a slash ends raw text and RCDATA', () => {
  // "</script/>" is the end tag with a (meaningless) self-closing flag; "</scripts/>" is no end tag (parse5).
  const cases: Array<[html: string, links: string[], text: string]> = [
    ['<script>a</script/><a href="/x">x</a>', ['/x'], 'x'],
    ['<iframe>a</iframe/><a href="/x">x</a>', ['/x'], 'x'],
    ['<noembed>a</NOEMBED/ junk="<"><a href="/x">x</a>', ['/x'], 'x'],
    ['<textarea>a &amp;</textarea/>b', [], 'a &b'],
    ['<xmp>a</xmp/><p>b', [], 'a\nb'],
    ['<script>a</scripts/><a href="/in">x</a>', [], ''],
  ];
  for (const [html, links, text] of cases) {
    it(html, () => {
      assert.deepEqual(paths(html), links);
      assert.equal(extractPage(html, PAGE, 100).text, text);
    });
  }

  it('ends a title so', () => {
    const page = extractPage('<title>T</title/><a href="/x">x</a>', PAGE, 100);
    assert.deepEqual([page.title, page.links.length], ['T', 1]);
    assert.deepEqual(events('<style>a</style/>b'), ['<style>', 'a', '</style>', 'b']);
  });
});

describe('emitTagEvents: an ordinary end tag written with a slash', () => {
  // parse5: "</div/>" and "</b/ x>" are the end tags of div and b; the slash ends the name.
  it('closes the element it names', () => {
    assert.deepEqual(events('<div><b>x</b/>y</div/>z'), ['<div>', '<b>', 'x', '</b>', 'y', '</div>', 'z']);
    assert.deepEqual(events('<p><a href="/a">a</A/ junk>b'), ['<p>', '<a>', 'a', '</a>', 'b', '</p>']);
  });

  it('takes the text after it as outside the element', () => {
    const page = extractPage('<ul><li><a href="/a">a</a/></li/></ul/><p>after', PAGE, 100);
    assert.deepEqual([page.links.map((l) => new URL(l.url).pathname), page.text], [['/a'], 'a\nafter']);
  });
});

// parse5: an HTML element such as <p> or <div> started in svg or math closes them ("breaks out"),
// up to the nearest HTML element or integration point; its text is the page's again.
describe('emitTagEvents: HTML elements break out of svg and math', () => {
  it('closes the svg before the element opens', () => {
    assert.deepEqual(events('<svg><path/><p>x'), ['<svg>', '<path>', '</path>', '</svg>', '<p>', 'x', '</p>']);
    assert.deepEqual(events('<svg><g><div>x</div></g></svg>y'), ['<svg>', '<g>', '</g>', '</svg>', '<div>', 'x', '</div>', 'y']);
    assert.deepEqual(events('<math><mrow><b>x</b></math>'), ['<math>', '<mrow>', '</mrow>', '</math>', '<b>', 'x', '</b>']);
    // "</p>" and "</br>" break out too.
    assert.deepEqual(events('<svg><g></p>x'), ['<svg>', '<g>', '</g>', '</svg>', '<p>', '</p>', 'x']);
  });

  it('stops at an integration point, whose content is HTML already', () => {
    assert.deepEqual(events('<svg><foreignObject><p>x</p></foreignObject></svg>'),
      ['<svg>', '<foreignobject>', '<p>', 'x', '</p>', '</foreignobject>', '</svg>']);
    assert.deepEqual(events('<div><math><mi><div>x</div></mi></math></div>'),
      ['<div>', '<math>', '<mi>', '<div>', 'x', '</div>', '</mi>', '</math>', '</div>']);
  });

  it('then applies the element\'s own implied end tags: a <div> after <p><svg> closes the p', () => {
    assert.deepEqual(events('<p>a<svg><div>b'), ['<p>', 'a', '<svg>', '</svg>', '</p>', '<div>', 'b', '</div>']);
  });

  it('leaves other svg elements, and svg\'s own <a>, in the svg', () => {
    assert.deepEqual(events('<svg><a href="/x"><text>t</text></a></svg>'),
      ['<svg>', '<a>', '<text>', 't', '</text>', '</a>', '</svg>']);
  });

  it('keeps the text and links after an unclosed svg', () => {
    const page = extractPage('<svg viewBox="0 0 1 1"><path d="M0"/><p>Hello <a href="/next">next</a></p><div>more', PAGE, 100);
    assert.deepEqual([page.links.map((l) => new URL(l.url).pathname), page.text], [['/next'], 'Hello next\nmore']);
  });
});

describe('emitTagEvents: the standard\'s block starts close an open <p>', () => {
  it('closes it at <xmp>, <listing>, <menu>, <dialog> and <search> too', () => {
    assert.deepEqual(events('<p>a<xmp>b</xmp>'), ['<p>', 'a', '</p>', '<xmp>', 'b', '</xmp>']);
    assert.deepEqual(events('<p>a<listing>b'), ['<p>', 'a', '</p>', '<listing>', 'b', '</listing>']);
    assert.deepEqual(events('<p>a<menu><li>b'), ['<p>', 'a', '</p>', '<menu>', '<li>', 'b', '</li>', '</menu>']);
    assert.deepEqual(events('<p>a<dialog>b</dialog><p>c<search>d'),
      ['<p>', 'a', '</p>', '<dialog>', 'b', '</dialog>', '<p>', 'c', '</p>', '<search>', 'd', '</search>']);
  });
});
