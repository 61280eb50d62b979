import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Parser } from 'htmlparser2';
import { emitHtmlEvents, extractPage, MAX_TEXT_CHARS, type HtmlSink } from '../../src/parse/extract.js';

const PAGE = 'https://example.org/dir/page.html';
const extract = (html: string, maxLinks = 100) => extractPage(html, PAGE, maxLinks);
const urls = (html: string, maxLinks = 100) => extract(html, maxLinks).links.map((l) => l.url);

describe('extractPage: head fields', () => {
  it('reads title, description, canonical and language', () => {
    const page = extract(`<!doctype html><html lang="en-GB"><head>
      <title>  Hello
        &amp;   world </title>
      <meta name="Description" content="  A   short page ">
      <link rel="Canonical" href="/canonical/#frag">
      </head><body><p>x</p></body></html>`);
    assert.equal(page.title, 'Hello & world');
    assert.equal(page.description, 'A short page');
    assert.equal(page.canonical, 'https://example.org/canonical/');
    assert.equal(page.language, 'en-GB');
  });

  it('gives null for missing or empty fields', () => {
    const page = extract('<html><head><title>  </title><meta name="description" content=""></head><body>x</body></html>');
    assert.deepEqual(
      { title: page.title, description: page.description, canonical: page.canonical, language: page.language },
      { title: null, description: null, canonical: null, language: null },
    );
  });

  it('takes the first <title>, not an svg tooltip title', () => {
    const page = extract('<body><svg><title>icon</title></svg><title>Real</title><title>Second</title></body>');
    assert.equal(page.title, 'Real');
  });

  it('resolves the canonical against <base href>', () => {
    const page = extract('<head><base href="https://cdn.example.net/a/"><link rel="canonical" href="b.html"></head>');
    assert.equal(page.canonical, 'https://cdn.example.net/a/b.html');
  });
});

describe('extractPage: links', () => {
  it('resolves relative links against the page URL', () => {
    assert.deepEqual(urls('<a href="a.html">A</a><a href="/root">R</a><a href="../up?q=1">U</a><a href="//cdn.example.net/x">C</a>'), [
      'https://example.org/dir/a.html',
      'https://example.org/root',
      'https://example.org/up?q=1',
      'https://cdn.example.net/x',
    ]);
  });

  it('resolves against the first <base href>, itself resolved against the page URL', () => {
    const html = '<head><base href="/sub/"><base href="https://ignored.example/"></head><a href="a.html">A</a>';
    assert.deepEqual(urls(html), ['https://example.org/sub/a.html']);
    assert.deepEqual(urls('<base href="https://other.example/x/"><a href="y">Y</a>'), ['https://other.example/x/y']);
  });

  it('applies <base href> to links that come before it, as a browser does', () => {
    assert.deepEqual(urls('<a href="early">E</a><base href="/late/">'), ['https://example.org/late/early']);
  });

  it('ignores an svg <base>, which is no document base', () => {
    assert.deepEqual(urls('<svg><base href="/in-svg/"></base></svg><a href="a">A</a>'), ['https://example.org/dir/a']);
    assert.deepEqual(urls('<svg><base href="/in-svg/"></svg><base href="/html/"><a href="a">A</a>'), ['https://example.org/html/a']);
  });

  it('ignores a <base> without href and an unparseable one', () => {
    assert.deepEqual(urls('<base target="_blank"><a href="a">A</a>'), ['https://example.org/dir/a']);
    assert.deepEqual(urls('<base href="http://[bad"><a href="a">A</a>'), ['https://example.org/dir/a']);
  });

  it('ignores a <base> that is no http(s) URL, resolving against the page as a browser does', () => {
    for (const href of ['javascript:void(0)', 'data:text/html,x', 'mailto:a@b.c', 'ftp://files.example/pub/']) {
      assert.deepEqual(
        urls(`<base href="${href}"><a href="leaf">L</a><a href="/abs">A</a><a href="https://x.example/">X</a>`),
        ['https://example.org/dir/leaf', 'https://example.org/abs', 'https://x.example/'],
        href,
      );
    }
    const page = extract('<head><base href="javascript:0"><link rel="canonical" href="c.html"></head>');
    assert.equal(page.canonical, 'https://example.org/dir/c.html');
  });

  it('follows an svg <a xlink:href> (SVG 1.1), preferring href; xlink:href outside svg is no link', () => {
    assert.deepEqual(urls('<svg><a xlink:href="/old"><text>o</text></a><a href="/new" xlink:href="/no"><text>n</text></a></svg><a xlink:href="/html">h</a>'), [
      'https://example.org/old',
      'https://example.org/new',
    ]);
  });

  it('skips javascript:, mailto:, tel: and data: links', () => {
    const html = '<a href="javascript:void(0)">j</a><a href="mailto:a@b.c">m</a><a href="tel:123">t</a>' +
      '<a href="data:text/html,hi">d</a><a href="ftp://x.example/">f</a><a href="/ok">ok</a>';
    const page = extract(html);
    assert.deepEqual(page.links.map((l) => l.url), ['https://example.org/ok']);
    assert.equal(page.linksFound, 1);
  });

  it('skips fragment-only links and drops fragments from the rest', () => {
    const page = extract('<a href="#top">Top</a><a href="">Self</a><a href="/x#a">X</a><a href="/x#b">X again</a>');
    assert.deepEqual(page.links, [{ url: 'https://example.org/x', text: 'X', isNofollow: false }]);
    assert.equal(page.linksFound, 1);
  });

  it('keeps a fragment link that a <base> sends to another page', () => {
    assert.deepEqual(urls('<base href="https://other.example/"><a href="#top">Top</a>'), ['https://other.example/']);
  });

  it('deduplicates, keeping the first anchor text and document order', () => {
    const page = extract('<a href="/b">first b</a><a href="/a">A</a><a href="https://EXAMPLE.org/b">second b</a>');
    assert.deepEqual(page.links, [
      { url: 'https://example.org/b', text: 'first b', isNofollow: false },
      { url: 'https://example.org/a', text: 'A', isNofollow: false },
    ]);
  });

  it('reads nofollow from rel tokens', () => {
    const page = extract('<a href="/1" rel="NoFollow noopener">1</a><a href="/2" rel="nofollower">2</a><a href="/3">3</a>');
    assert.deepEqual(page.links.map((l) => l.isNofollow), [true, false, false]);
  });

  it('keeps at most maxLinks but counts every distinct link', () => {
    const html = Array.from({ length: 30 }, (_, i) => `<a href="/p${i % 25}">p</a>`).join('');
    const page = extract(html, 10);
    assert.equal(page.links.length, 10);
    assert.equal(page.linksFound, 25);
    assert.equal(page.links[9]?.url, 'https://example.org/p9');
    assert.equal(extract(html, 0).links.length, 0);
  });

  it('collapses anchor text, excludes hidden text and caps it at 500 chars', () => {
    const page = extract(`<a href="/a">  Read
      <b>more</b><script>x()</script><div>now</div></a><a href="/long">${'abcd'.repeat(300)}</a>`);
    assert.equal(page.links[0]?.text, 'Read more now');
    assert.equal(page.links[1]?.text.length, 500);
  });

  it('takes <area href> with its alt text', () => {
    assert.deepEqual(extract('<map><area href="/region" alt=" North  side "></map>').links, [
      { url: 'https://example.org/region', text: 'North side', isNofollow: false },
    ]);
  });

  it('follows <frame src> and <iframe src>, titled by their title attribute', () => {
    const page = extract('<frameset><frame src="/menu.html" title=" Menu "><frame src="main.html"></frameset><iframe src="https://video.test/e/1"></iframe><iframe srcdoc="x"></iframe>');
    assert.deepEqual(page.links, [
      { url: 'https://example.org/menu.html', text: 'Menu', isNofollow: false },
      { url: 'https://example.org/dir/main.html', text: '', isNofollow: false },
      { url: 'https://video.test/e/1', text: '', isNofollow: false },
    ]);
  });

  it('follows <link rel="next">, "prev", "index", "search", "alternate" with hreflang and RSS or Atom alternates; not OpenSearch, stylesheets, canonicals or other alternates', () => {
    const page = extract(`<head><base href="/b/">
      <link rel="stylesheet" href="/s.css"><link rel="icon" href="/i.png"><link rel="canonical" href="/c">
      <link rel="shortlink" href="/?p=1"><link rel="amphtml" href="/amp/"><link rel="search" type="application/opensearchdescription+xml" href="/search.xml">
      <link rel="preload prefetch" href="/pre.html"><link rel="author" href="/humans.txt"><link rel="index" href="genindex.html"><link rel="search" title="Search" href="search.html">
      <link rel="alternate" type="application/rss+xml" href="/feed/"><link rel="alternate" type="Application/Atom+XML" hreflang="de" href="/de/feed/">
      <link rel="alternate" type="application/json+oembed" href="/oembed?url=x"><link rel="stylesheet" type="application/rss+xml" href="/not-a-feed/">
      <link rel="alternate" media="only screen and (max-width: 640px)" href="/m/"><link rel="alternate" href="/print/">
      <link rel="Next" href="page2.html" title=" Page  2 "><link rel="prev" href="page0.html"><link rel="previous" type="text/html" href="page0.html">
      <link rel="alternate" hreflang="de" href="https://example.org/de/"><link rel="alternate" hreflang="x-default" href="/">
      <link rel="next" href=""><template><link rel="next" href="/tpl"></template></head>
      <body><link rel="prev nofollow" href="/old"><a href="/old">old</a></body>`);
    assert.deepEqual(page.links, [
      { url: 'https://example.org/b/genindex.html', text: '', isNofollow: false },
      { url: 'https://example.org/b/search.html', text: 'Search', isNofollow: false },
      { url: 'https://example.org/feed/', text: '', isNofollow: false },
      { url: 'https://example.org/de/feed/', text: '', isNofollow: false },
      { url: 'https://example.org/b/page2.html', text: 'Page 2', isNofollow: false },
      { url: 'https://example.org/b/page0.html', text: '', isNofollow: false },
      { url: 'https://example.org/de/', text: '', isNofollow: false },
      { url: 'https://example.org/', text: '', isNofollow: false },
      { url: 'https://example.org/b/', text: '', isNofollow: false },
      { url: 'https://example.org/old', text: 'old', isNofollow: false },
    ]);
  });

  it('decodes entities in hrefs', () => {
    assert.deepEqual(urls('<a href="/s?a=1&amp;b=2&#38;c=3">s</a>'), ['https://example.org/s?a=1&b=2&c=3']);
  });
});

describe('extractPage: visible text', () => {
  it('leaves out script, style, noscript, template, svg, iframe, object and the head', () => {
    const page = extract(`<html><head><title>T</title><style>.a{}</style><script>var s = "<p>no</p>";</script></head>
      <body><p>one</p><noscript>ns</noscript><template><p>tpl</p></template><svg><text>svg</text></svg>
      <iframe>frame</iframe><object>obj</object><script type="module">import "x";</script><p>two</p></body></html>`);
    assert.equal(page.text, 'one\ntwo');
  });

  it('puts blocks on their own lines and collapses runs of whitespace', () => {
    const page = extract(`<h1>Head  line</h1><p>Some <b>bold</b>
        and <i>italic</i> text.</p><ul><li>a</li><li>b</li></ul>x<br>y<table><tr><td>c1</td><td>c2</td></tr></table>`);
    assert.equal(page.text, 'Head line\nSome bold and italic text.\na\nb\nx\ny\nc1 c2');
  });

  it('decodes entities', () => {
    assert.equal(extract('<p>Fish &amp; chips &lt;3 &copy;&nbsp;2024 &#x263A; &eacute;</p>').text, 'Fish & chips <3 © 2024 ☺ é');
  });

  it('keeps the line breaks of <pre>', () => {
    assert.equal(extract('<pre>line 1\n    line 2</pre>').text, 'line 1\nline 2');
  });

  it('breaks lines at <pre> newlines only, and turns other controls and Unicode spaces into spaces', () => {
    assert.equal(extract('<pre>a\n\n  b\r\nc\u0000d\u00a0 e</pre><p>f\tg</p>').text, 'a\nb\nc d e\nf g');
    assert.equal(extract('<p>\u007f\ufeffz\u3000&nbsp;y\u2003</p>').text, 'z y');
  });

  it('gives anchor text the spaces of blocks and cells, on one line', () => {
    const page = extract('<a href=/a> x<div>y </div><td>z</td>\u2003</a>w');
    assert.deepEqual(page.links.map((l) => l.text), ['x y z']);
    assert.equal(page.text, 'x\ny\nz w');
  });

  it('never ends a capped text on half a surrogate pair, and ignores text past the cap', () => {
    assert.equal(extract(`<a href=/y>${'a'.repeat(499)}\u{1F600}</a>`).links[0]?.text, 'a'.repeat(499));
    assert.equal(extract(`<p>${'x'.repeat(MAX_TEXT_CHARS - 1)}\u{1F600}</p><p>after</p>`).text, 'x'.repeat(MAX_TEXT_CHARS - 1));
    assert.equal(extract(`<p>${'x'.repeat(MAX_TEXT_CHARS)}</p><p>after</p>`).text, 'x'.repeat(MAX_TEXT_CHARS));
  });

  it('reads the text after an unterminated end tag as the tree builder emits it', () => {
    for (const html of ['</tit\fle', '</a b', 'x</a b', '<b>y</b\tz']) {
      const texts: string[] = [];
      emitHtmlEvents(html, { onopentag() {}, ontext: (t) => texts.push(t), onclosetag() {} });
      assert.equal(extract(html).text, texts.join('').trim(), JSON.stringify(html));
    }
  });

  it('treats text after an unclosed <head> as body text once body content starts', () => {
    assert.equal(extract('<head><title>T</title><div>body text</div>').text, 'body text');
  });
});

describe('extractPage: hostile input', () => {
  it('finishes 20,000-deep nesting without overflowing the stack', () => {
    const page = extract(`${'<div><span>'.repeat(20_000)}deep<a href="/deep">d</a>${'</span></div>'.repeat(20_000)}`);
    assert.equal(page.text, 'deepd');
    assert.deepEqual(page.links.map((l) => l.url), ['https://example.org/deep']);
  });

  it('stays linear with deep nesting followed by unmatched end tags', () => {
    // htmlparser2's own Parser spends ~9 s here (indexOf over the open-element stack per end tag).
    const started = performance.now();
    const page = extract(`${'<div>'.repeat(20_000)}x${'</q>'.repeat(250_000)}`);
    assert.equal(page.text, 'x');
    assert.ok(performance.now() - started < 3000, 'took too long');
  });

  it('turns NUL and other control bytes into spaces in text and titles', () => {
    const page = extract('<title>a\u0000b</title><p>x\u0000y\u0001z</p><a href="/n\u0000">n\u0000</a>');
    assert.equal(page.title, 'a b');
    assert.equal(page.text, 'x y z\nn');
    assert.ok(!page.text.includes('\u0000'));
  });

  it('reads a NUL in an attribute value as U+FFFD, as the HTML standard and browsers do; tabs and newlines in a URL are dropped, other controls escaped', () => {
    const page = extract('<a href="/a\u0000b">1</a><a href=\'/q?x=\u0000\'>2</a><a href=/u\u0000>3</a><a href="/t\tn\nr\r">4</a><a href="/c\u0001d">5</a>');
    assert.deepEqual(page.links.map((l) => l.url), [
      'https://example.org/a%EF%BF%BDb', 'https://example.org/q?x=%EF%BF%BD', 'https://example.org/u%EF%BF%BD',
      'https://example.org/tnr', 'https://example.org/c%01d',
    ]);
  });

  it('survives a 1 MB attribute, binary junk and unclosed tags', () => {
    const big = extract(`<p title="${'z'.repeat(1 << 20)}">ok</p><a href="/${'y'.repeat(1 << 20)}">long</a><a href="/fine">f</a>`);
    assert.equal(big.text, 'ok\nlongf');
    assert.deepEqual(big.links.map((l) => l.url), ['https://example.org/fine']); // an 1 MB href is not a link

    let junk = '';
    let seed = 7;
    for (let i = 0; i < 200_000; i++) junk += String.fromCharCode((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256);
    const page = extract(junk);
    assert.equal(typeof page.text, 'string');

    const unclosed = extract('<div><p>text<a href="/x">link<b>bold');
    assert.equal(unclosed.text, 'textlinkbold');
    assert.deepEqual(unclosed.links, [{ url: 'https://example.org/x', text: 'linkbold', isNofollow: false }]);
  });

  it('caps the text', () => {
    const page = extract(`<p>${'abcdefghi '.repeat(300_000)}</p>`);
    assert.ok(page.text.length <= MAX_TEXT_CHARS);
    assert.ok(page.text.length > MAX_TEXT_CHARS - 16);
  });

  it('copes with an unusable page URL by keeping absolute links only', () => {
    assert.deepEqual(extractPage('<a href="/rel">r</a><a href="https://abs.example/">a</a>', 'not a url', 10).links.map((l) => l.url), [
      'https://abs.example/',
    ]);
  });
});

describe('emitHtmlEvents', () => {
  /** Events as strings; attributes only for the tags the tree builder reads them on. */
  function recorder(): HtmlSink & { events: string[] } {
    const events: string[] = [];
    return {
      events,
      onopentag: (name, attribs) =>
        events.push(`<${name}${['a', 'area', 'base', 'meta', 'link', 'html', 'frame', 'iframe'].includes(name) ? JSON.stringify(attribs) : ''}>`),
      ontext: (text) => events.push(text),
      onclosetag: (name) => events.push(`</${name}>`),
    };
  }

  it('produces the same events as htmlparser2\'s Parser on tricky markup', () => {
    const samples = [
      '<p>one<p>two<div>three</p></div>',
      '<ul><li>a<li>b</ul><dl><dt>t<dd>d</dl>',
      '<table><tr><td>1<td>2<tr><td>3</table>',
      '</p></br><br/><img src=x>text',
      '<svg><path d="M0"/><circle/></svg><div/>after',
      '<select><option>a<option>b</select><input><textarea>x<b></textarea>',
      '<head><title>a &amp; b</title><script>if (a < b) {}</script><body>x',
      '<a href="/1" rel=nofollow>x<a href=/2>y</a></a>',
      '<b><i>unclosed <em>tags',
      '<A HREF="/upper" Rel="X" href="/dup">caps</A>',
      // A two-byte page (one dash is enough): its names are two-byte slices, lowercased apart.
      '<A HREF="/upper" Rel="X">caps — dash</A><DIV HIDDEN>x</DIV><Svg><foreignObject>f</FOREIGNOBJECT></SVG>',
      '<dİv ÄTTR="1">non-ASCII names</dİv><p>—</P>',
      '<!-- c --><![CDATA[d]]><?pi?><!doctype html>t&nbsp;&notanentity; &#0; &#x1F600;',
      // Text the tokenizer skips with indexOf (html-tokenizer.ts): stops at every "<" and "&".
      'plain text, no markup at all',
      'a < b && c <= d & e<f <3 &amp&lt;<<p>>x&',
      '&amp;start and end&amp;<b>&',
      '<title>x & y < z</title><textarea>a & b</textarea><script>a<b&&c</script>after &',
    ];
    for (const html of samples) {
      const ours = recorder();
      emitHtmlEvents(html, ours);
      const theirs = recorder();
      new Parser(theirs, { decodeEntities: true }).end(html);
      assert.deepEqual(ours.events, theirs.events, html);
    }
  });

  it('closes every element it opens', () => {
    const html = '<div><p>a<span>b<table><tr><td>c</div></q><svg><g></svg>';
    const sink = recorder();
    emitHtmlEvents(html, sink);
    const opens = sink.events.filter((e) => /^<[a-z]/.test(e)).length;
    const closes = sink.events.filter((e) => e.startsWith('</')).length;
    assert.equal(opens, closes);
  });
});

describe('extractPage: script and <plaintext> content, as a browser parses it', () => {
  // Links and text as parse5 (cheerio's HTML parser, the spec's tokenizer) gives them for each.
  const cases: Array<[html: string, links: string[], text: string]> = [
    // "script data double escaped": the inner </script> does not end the script.
    ['<script><!--<script>var a="<a href=/in>x</a>";</script>still script <a href="/in2">y</a>--></script><p>after <a href="/after">after</a></p>', ['/after'], 'after after'],
    ['<SCRIPT><!--<SCRIPT>x</SCRIPT><a href="/in">i</a></SCRIPT><a href="/after">a</a>', ['/after'], 'a'],
    ['<script><!--<script>never closed</script> <a href="/in">i</a>', [], ''],
    // Not double escaped: the first </script> ends it, as before.
    ['<script><!--\ndocument.write("<a href=/dw>x</a>");\n//--></script><a href="/old-style">o</a>', ['/old-style'], 'o'],
    ['<script><!--<script>x</script>--></script><a href="/ok">ok</a>', ['/ok'], 'ok'],
    ['<script><!--><a href="/n">n</a></script><a href="/after">a</a>', ['/after'], 'a'],
    ['<script><!--<scripts></script><a href="/after">a</a>', ['/after'], 'a'],
    // Everything after <plaintext> is text, its markup included; in svg it is an ordinary element.
    ['<p>before <a href="/before">b</a></p><plaintext><a href="/in">p</a> &amp; </plaintext>', ['/before'], 'before b\n<a href="/in">p</a> &amp; </plaintext>'],
    ['<svg><plaintext><a href="/svg-a">s</a></plaintext></svg><a href="/after">a</a>', ['/svg-a', '/after'], 'a'],
  ];
  for (const [html, links, text] of cases) {
    it(html, () => {
      const page = extract(html);
      assert.deepEqual(page.links.map((l) => new URL(l.url).pathname), links);
      assert.equal(page.text, text);
    });
  }

  it('gives a double-escaped script its whole content as text, for extraction fields', () => {
    const events: string[] = [];
    emitHtmlEvents('<script><!--<script>a</script>b--></script>c', {
      onopentag: (name) => events.push(`<${name}>`), ontext: (t) => events.push(t), onclosetag: (name) => events.push(`</${name}>`),
    });
    assert.deepEqual(events, ['<script>', '<!--<script>a</script>b-->', '</script>', 'c']);
  });
});

describe('duplicate links', () => {
  it('a URL linked both with and without rel=nofollow on one page is followable, with the anchor text of its first followed link', () => {
  const html = '<a href="/x" rel="nofollow">first</a> <a href="/x">second</a> <a href="/x">third</a>'
    + ' <a href="/y" rel="nofollow">only nofollow</a> <a href="/y" rel="nofollow">again</a>'
    + ' <a href="/z">z follow</a> <a href="/z" rel="nofollow">z nf</a>';
  const { links } = extractPage(html, 'http://example.org/', 100);
  // Each row is one real <a>: its text together with its own flag, never one link's text with another's flag.
  assert.deepEqual(links, [
    { url: 'http://example.org/x', text: 'second', isNofollow: false },
    { url: 'http://example.org/y', text: 'only nofollow', isNofollow: true },
    { url: 'http://example.org/z', text: 'z follow', isNofollow: false },
  ]);
});
});
