/**
 * Seven more generated sites shaped like real ones (round 22; real-sites.ts, real-sites-20.ts and
 * real-sites-21.ts have the first twenty), for test/integration/sites-22.test.ts and `node
 * bench/peer-sites.mjs --set 22`: a frameset site of the late 1990s, a help manual whose parts are
 * `<object>`s and `<embed>`s, a site whose menu a script draws from a `<template>` with a
 * `<noscript>` fallback, an app under a subfolder written against `<base href>`, a campus map of
 * `<area>` links, markup in capitals, unquoted and full of character references, and a blog listed
 * only by feeds that need `xml:base`, permalink guids and RSS 1.0 read.
 * Deterministic: a page is a function of its URL.
 */
import { doc, html, redirect, serveSite, text, type Handler, type RealSite } from './real-sites.js';

const notFound = () => html(doc({ title: 'Not found', main: '<h1>404 Not Found</h1>' }), 404);
const allowAll = () => text('User-agent: *\nAllow: /\n');
const page = (pages: Record<string, string>, wrap: (path: string, body: string) => string): Handler => (url) => {
  if (url.pathname === '/robots.txt') return allowAll();
  const body = pages[url.pathname];
  return body === undefined ? notFound() : html(wrap(url.pathname, body));
};

// ---------------------------------------------------------------------------------------------
// A frameset site (FrontPage era, in capitals): `/` is a frameset of a banner, a menu and a main
// frame, a nested `<FRAMESET>` inside it, and a `<NOFRAMES>` link to a site map that alone links
// /legacy.html; the menu targets the main frame; /news/ is a frameset of its own (a list and a
// story); the welcome page has an `<IFRAME>` ticker; /about.html has a stray `<FRAME SRC>` outside
// any frameset, which browsers drop.
function frames(): Handler {
  const frameset = (body: string) => `<HTML><HEAD><TITLE>Acme Online</TITLE></HEAD>${body}</HTML>`;
  const plain = (title: string, body: string) => `<HTML><HEAD><TITLE>${title}</TITLE></HEAD><BODY BGCOLOR=#FFFFFF>${body}</BODY></HTML>`;
  const pages: Record<string, string> = {
    '/': frameset('<FRAMESET ROWS="80,*" BORDER=0><FRAME SRC="top.html" NAME=banner SCROLLING=NO><FRAMESET COLS="180,*">' +
      '<FRAME SRC="menu.html" NAME="menu"><FRAME SRC="welcome.html" NAME="main"></FRAMESET>' +
      '<NOFRAMES><BODY>This site uses frames. <A HREF="sitemap.html">Site map</A></BODY></NOFRAMES></FRAMESET>'),
    '/top.html': plain('Banner', '<A HREF="/" TARGET="_top"><IMG SRC="logo.gif" ALT="Acme"></A>'),
    '/menu.html': plain('Menu', '<A HREF="welcome.html" TARGET="main">Home</A><BR><A HREF="products.html" TARGET="main">Products</A><BR>' +
      '<A HREF="about.html" TARGET="main">About us</A><BR><A HREF="news/" TARGET="_top">News</A>'),
    '/welcome.html': plain('Welcome', '<H1>Welcome to Acme</H1><IFRAME SRC="ticker.html" WIDTH=400 HEIGHT=40>Your browser does not show frames.</IFRAME>'),
    '/ticker.html': plain('Ticker', '<MARQUEE><A HREF="news/item3.html" TARGET="_top">Acme wins an award</A></MARQUEE>'),
    '/products.html': plain('Products', '<H1>Products</H1><P>Anvils.</P>'),
    '/about.html': plain('About', '<H1>About</H1><FRAME SRC="orphan.html">'),
    '/orphan.html': plain('Orphan', '<P>A frame outside a frameset.</P>'),
    '/sitemap.html': plain('Site map', '<UL><LI><A HREF="products.html">Products</A><LI><A HREF="about.html">About</A><LI><A HREF="legacy.html">Old catalog</A></UL>'),
    '/legacy.html': plain('Old catalog', '<P>1998.</P>'),
    '/news/': frameset('<FRAMESET COLS="30%,70%"><FRAME SRC="list.html" NAME="list"><FRAME SRC="item1.html" NAME="story"></FRAMESET>'),
    '/news/list.html': plain('News', [1, 2, 3].map((n) => `<A HREF="item${n}.html" TARGET="story">Story ${n}</A><BR>`).join('')),
    '/news/item1.html': plain('Story 1', '<P>One.</P>'),
    '/news/item2.html': plain('Story 2', '<P>Two.</P>'),
    '/news/item3.html': plain('Story 3', '<P>Three.</P>'),
  };
  const serve = page(pages, (_, body) => body);
  return (url, req) => {
    if (url.pathname === '/logo.gif') return { status: 200, headers: { 'content-type': 'image/gif' }, body: Buffer.from('GIF89a') };
    return serve(url, req);
  };
}

// ---------------------------------------------------------------------------------------------
// A help manual (an old CHM-to-HTML export, or a CMS that includes its parts client-side): the
// index shows its table of contents in `<object data type="text/html">`, its first chapter in an
// untyped `<object data="...html">`, its glossary in `<embed src="glossary.htm">`, a search box in
// an untyped extension-less `<object data>`; beside them a Flash tour (with a text version as its
// fallback link), a PDF in `<embed type="application/pdf">`, an svg diagram in `<object>`, and an
// ActiveX control. The contents link the three chapters, which link the next one.
function objects(): Handler {
  const chapters = ['intro', 'setup', 'usage'];
  const pages: Record<string, string> = {
    '/manual/': '<h1>Manual</h1><object data="toc.html" type="text/html" width="200" height="600" title="Contents"></object>' +
      '<object data="chapters/intro.html" name="content" width="600" height="600"></object><embed src="glossary.htm" width="200" height="100">' +
      '<object data="search-box" width="200" height="40"></object>' +
      '<object data="media/tour.swf" type="application/x-shockwave-flash"><param name="movie" value="media/tour.swf"><a href="tour-text.html">Text version of the tour</a></object>' +
      '<embed src="manual.pdf" type="application/pdf" width="600" height="800"><object data="diagram.svg" type="image/svg+xml"></object>' +
      '<object classid="clsid:D27CDB6E-AE6D-11cf-96B8-444553540000" data="player.html"></object>',
    '/manual/toc.html': `<ul>${chapters.map((c) => `<li><a href="chapters/${c}.html" target="content">${c}</a></li>`).join('')}</ul>`,
    '/manual/glossary.htm': '<dl><dt>Anvil</dt><dd>A block.</dd></dl>',
    '/manual/search-box': '<form action="/manual/search"><input name="q"></form>',
    '/manual/tour-text.html': '<h1>The tour, as text</h1>',
    '/manual/player.html': '<p>Needs an ActiveX control.</p>',
  };
  chapters.forEach((c, i) => {
    pages[`/manual/chapters/${c}.html`] = `<h1>${c}</h1>${i + 1 < chapters.length ? `<a href="${chapters[i + 1]}.html">Next</a>` : '<a href="../">Back to the manual</a>'}`;
  });
  const serve = page(pages, (path, body) => doc({ title: path, main: body }));
  return (url, req) => {
    if (url.pathname === '/') return redirect('/manual/', 302);
    if (url.pathname === '/manual/media/tour.swf') return { status: 200, headers: { 'content-type': 'application/x-shockwave-flash' }, body: Buffer.from('FWS') };
    if (url.pathname === '/manual/manual.pdf') return { status: 200, headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.4\n%%EOF\n' };
    if (url.pathname === '/manual/diagram.svg') return text('<svg xmlns="http://www.w3.org/2000/svg"><a href="/manual/svg-only.html"><rect width="9" height="9"/></a></svg>', 'image/svg+xml');
    return serve(url, req);
  };
}

// ---------------------------------------------------------------------------------------------
// A site whose menu a script stamps from a `<template>` (a web component's header): Products,
// Support and Careers are links only there, a `<noscript>` offers a site map and the older news
// instead of the script's "Load more", a card template holds `href="/item/{{id}}"`, and a
// `<script type="text/template">` another link. The site map links Products and Support, not
// Careers.
function scripted(): Handler {
  const menu = '<template id="site-menu"><a href="/products/">Products</a> <a href="/support/">Support</a> <a href="/careers/">Careers</a></template>' +
    '<site-menu></site-menu><script>document.querySelector("site-menu").append(document.getElementById("site-menu").content.cloneNode(true))</script>' +
    '<noscript><a href="/sitemap/">Site map</a></noscript>';
  const pages: Record<string, string> = {
    '/': '<h1>News</h1><ul id="news"><li>Story 1</li></ul><button id="more">Load more</button><noscript><a href="/news/?page=2">Older news</a></noscript>' +
      '<template id="card"><a href="/item/{{id}}">{{name}}</a></template><script type="text/template" id="row"><a href="/in-script/">x</a></script>',
    '/sitemap/': '<a href="/products/">Products</a> <a href="/support/">Support</a>',
    '/products/': '<h1>Products</h1>',
    '/support/': '<h1>Support</h1>',
    '/careers/': '<h1>Careers</h1>',
    '/news/': '<h1>Older news</h1>',
  };
  return page(pages, (path, body) => doc({ title: path, nav: menu, main: body }));
}

// ---------------------------------------------------------------------------------------------
// An app under a subfolder written against `<base href="/app/v2/">` (Angular's and many CMSs'
// way): its pages, extension-less and some in deeper folders, link relative to the base, not to
// themselves (`guide/next` from /app/v2/guide/start is /app/v2/guide/next, /app/v2/guide/guide/next
// is a 404); one page has a relative `<base href="../">`, one a `<base>` after its links (it applies
// to them all) and a second `<base>` (ignored), one `<base target>` only; `?tab=2` and `#top`
// resolve against the base.
function basesub(): Handler {
  const base = (href: string) => `<base href="${href}">`;
  const pages: Record<string, [head: string, body: string]> = {
    '/': ['', '<a href="/app/v2/">The app</a>'],
    '/app/v2/': [base('/app/v2/'), '<a href="guide/start">Start</a> <a href="./faq">FAQ</a> <a href="?tab=2">Tab 2</a> <a href="#top">Top</a> <a href="../v1/">Version 1</a>'],
    '/app/v2/faq': [base('/app/v2/'), '<a href="guide/start">Start</a>'],
    '/app/v2/guide/start': [base('/app/v2/'), '<a href="guide/next">Next</a> <a href="faq">FAQ</a>'],
    '/app/v2/guide/next': [base('../'), '<a href="api/">API</a>'],
    '/app/v2/api/': ['', `<a href="a">a</a> <a href="b">b</a>${base('reference/')}${base('/wrong/')}`],
    '/app/v2/api/reference/a': ['', '<h1>a</h1>'],
    '/app/v2/api/reference/b': ['', '<h1>b</h1>'],
    '/app/v1/': ['<base target="_blank">', '<a href="old">Old page</a>'],
    '/app/v1/old': ['', '<h1>Old</h1>'],
  };
  return (url) => {
    if (url.pathname === '/robots.txt') return allowAll();
    const p = pages[url.pathname];
    if (p === undefined) return notFound();
    const tab = url.pathname === '/app/v2/' && url.searchParams.get('tab') === '2' ? '<p>Tab 2.</p>' : '';
    return html(doc({ title: url.pathname, head: p[0], main: p[1] + tab }));
  };
}

// ---------------------------------------------------------------------------------------------
// A campus map: an `<IMG USEMAP>` with a `<MAP>` of areas in every writing (capitals, unquoted,
// single quotes, `&amp;` in a query, `target=_blank`, `nohref`, a circle and a polygon), a
// server-side image map (`<a href="/cgi-bin/imagemap/campus"><img ismap>`) whose CGI page links
// the parking page, a second map inside `<noscript>` for the script-drawn one, and a text menu
// of only some of the buildings.
function imagemap(): Handler {
  const buildings = ['library', 'gym', 'lab', 'cafe', 'hall', 'pool', 'parking'];
  const pages: Record<string, string> = {
    '/': '<h1>Campus</h1><IMG SRC="/img/campus.png" USEMAP="#campus" ALT="Campus map">' +
      '<MAP NAME=campus><AREA SHAPE=RECT COORDS=0,0,50,50 HREF=buildings/library.html ALT=Library>' +
      "<area shape='rect' coords='50,0,100,50' href='buildings/gym.html' alt='Gym'>" +
      '<Area Shape="circle" Coords="75,75,10" Href="buildings/lab.html" Target=_blank Alt="Lab">' +
      '<area shape="poly" coords="0,50,25,100,50,50" href="buildings/cafe.html?menu=1&amp;day=mon" alt="Cafe">' +
      '<area shape="rect" coords="90,90,100,100" nohref alt="Lake"></MAP>' +
      '<a href="/cgi-bin/imagemap/campus"><img src="/img/campus.png" ismap alt="Campus (server map)"></a>' +
      '<div id="js-map"></div><noscript><map name="fallback"><area shape="rect" coords="0,0,9,9" href="/buildings/hall.html" alt="Hall"><area shape="rect" coords="9,0,19,9" href="/buildings/pool.html" alt="Pool"></map></noscript>' +
      '<p><a href="buildings/library.html">Library</a> | <a href="buildings/gym.html">Gym</a></p>',
    '/cgi-bin/imagemap/campus': '<p>Click a building on the map.</p><a href="/buildings/parking.html">Parking</a>',
  };
  for (const b of buildings) pages[`/buildings/${b}.html`] = `<h1>${b}</h1><a href="/">Back to the map</a>`;
  const serve = page(pages, (path, body) => doc({ title: path, main: body }));
  return (url, req) => {
    if (url.pathname.startsWith('/img/')) return { status: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from('89504e470d0a1a0a', 'hex') };
    // The cafe page answers with today's menu only for the query its area writes.
    if (url.pathname === '/buildings/cafe.html' && url.search !== '?menu=1&day=mon') return notFound();
    return serve(url, req);
  };
}

// ---------------------------------------------------------------------------------------------
// Markup from a hand-edited site: tags and attributes in capitals and mixed case, unquoted values
// (one with `&` in its query, one ending the tag `/>`-style), single quotes, spaces around `=`, no
// space between attributes, a line break inside a tag and one inside a URL, a repeated href (the
// first counts), and character references in hrefs: `&amp;`, `&#x2F;`, `&#47;`, `&#46;`, `&lt;`,
// and `&copy=` / `&not=` in a query, which HTML does not decode there (no `;`, then `=`).
function oddmarkup(): Handler {
  const links = [
    '<A HREF=/a.html>A</A>',
    '<a HrEf="/b.html">B</a>',
    '<a href=/c.html?x=1&y=2>C</a>',
    '<a href="/d.html?a=1&amp;b=2">D</a>',
    '<a href="&#x2F;e.html">E</a>',
    '<a href="&#47;f.html">F</a>',
    '<a href="/g&#46;html">G</a>',
    '<a href="/h.html?q=1&copy=2">H</a>',
    '<a href="/i.html?lang=en&not=1">I</a>',
    "<a href='/j.html'>J</a>",
    '<a href = " /k.html ">K</a>',
    '<a\nhref="/l.html"\n>L</a>',
    '<a href="/m.html"title="M">M</a>',
    '<a href="/n.html" href="/wrong.html">N</a>',
    '<a href=/o/>O</a>',
    '<a href="/p.\nhtml">P</a>',
    '<a href="/q.html?x=&lt;y&gt;">Q</a>',
    '<A HREF="/R.html" TARGET=_TOP>R</A>',
  ].join(' ');
  // Each link's page, by the path and query a browser asks for (the server decodes nothing).
  const targets = new Set(['/a.html', '/b.html', '/c.html?x=1&y=2', '/d.html?a=1&b=2', '/e.html', '/f.html', '/g.html', '/h.html?q=1&copy=2',
    '/i.html?lang=en&not=1', '/j.html', '/k.html', '/l.html', '/m.html', '/n.html', '/o/', '/p.html', '/q.html?x=%3Cy%3E', '/R.html']);
  return (url) => {
    if (url.pathname === '/robots.txt') return allowAll();
    if (url.pathname === '/') return html(`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"><HTML><HEAD><TITLE>Links</TITLE></HEAD><BODY>${links}</BODY></HTML>`);
    const key = url.pathname + url.search;
    return targets.has(key) ? html(doc({ title: key, main: `<h1>${key}</h1><A HREF="/">Home</A>` })) : notFound();
  };
}

// ---------------------------------------------------------------------------------------------
// A blog whose home page draws its posts by script and whose three feeds are the only lists of
// them: an RSS 2.0 feed whose items have a permalink `<guid>` and no `<link>` (posts 1-3; a fourth
// item's guid is `isPermaLink="false"`, a `tag:` id), an RSS 1.0 feed (`<rdf:RDF>`, its items beside
// the channel, served as application/rdf+xml) with posts 4 and 5, and an Atom feed with
// `xml:base="/blog/2026/"` on the feed and `xml:base="archive/"` on an entry, its links relative and
// their `rel="Alternate"` capitalized (posts 6 and 7, under /blog/2026/).
function feedbase(origin: string): Handler {
  const post = (n: number) => (n <= 5 ? `/blog/post-${n}/` : n === 6 ? '/blog/2026/post-6/' : '/blog/2026/archive/post-7/');
  const head = '<link rel="alternate" type="application/rss+xml" href="/blog/rss.xml"><link rel="alternate" type="application/atom+xml" href="/blog/atom.xml">';
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return allowAll();
    if (path === '/') return redirect('/blog/', 302);
    if (path === '/blog/') return html(doc({ title: 'Blog', head, main: '<div id="posts"></div><script src="/blog/posts.js"></script>', footer: '<a href="/blog/index.rdf">RSS 1.0</a>' }));
    if (path === '/blog/rss.xml') {
      const items = [1, 2, 3].map((n) => `<item><title>Post ${n}</title><guid isPermaLink="true">${origin}${post(n)}</guid></item>`).join('') +
        '<item><title>Draft</title><guid isPermaLink="false">tag:blog.example,2026:draft</guid></item>';
      return text(`<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title><link>${origin}/blog/</link>${items}</channel></rss>`, 'application/rss+xml');
    }
    if (path === '/blog/index.rdf') {
      const items = [4, 5].map((n) => `<item rdf:about="${origin}${post(n)}"><title>Post ${n}</title><link>${origin}${post(n)}</link></item>`).join('');
      return text(`<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="${origin}/blog/"><title>Blog</title><link>${origin}/blog/</link></channel>${items}</rdf:RDF>`, 'application/rdf+xml');
    }
    if (path === '/blog/atom.xml') {
      return text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="/blog/2026/"><title>Blog</title><link rel="self" href="../atom.xml"/>' +
        '<entry><title>Post 6</title><link rel="Alternate" href="post-6/"/></entry><entry xml:base="archive/"><title>Post 7</title><link rel="ALTERNATE" type="text/html" href="post-7/"/></entry></feed>', 'application/atom+xml');
    }
    if (path === '/blog/posts.js') return text('/* fetch /blog/rss.xml, draw the posts */', 'text/javascript');
    const n = [1, 2, 3, 4, 5, 6, 7].find((k) => post(k) === path);
    return n === undefined ? notFound() : html(doc({ title: `Post ${n}`, head, main: `<h1>Post ${n}</h1><a href="/blog/">Blog</a>` }));
  };
}

export const REAL_SITES_22 = ['frames', 'objects', 'scripted', 'basesub', 'imagemap', 'oddmarkup', 'feedbase'] as const;
export type RealSite22Name = (typeof REAL_SITES_22)[number];

/** Serves one of round 22's sites on 127.0.0.1 (a free port unless `port` is given). */
export async function startRealSite22(name: RealSite22Name, opts: { port?: number } = {}): Promise<RealSite> {
  return serveSite(name, (origin) => ({ frames, objects, scripted, basesub, imagemap, oddmarkup, feedbase: () => feedbase(origin) })[name](), opts);
}
