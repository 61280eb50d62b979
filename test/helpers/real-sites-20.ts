/**
 * Six more generated sites shaped like real ones (round 20; real-sites.ts has the first six), for
 * test/integration/sites-20.test.ts and `node bench/peer-sites.mjs --set 20`: a phpBB-like forum,
 * a news site with a sitemap index and AMP copies, a site that asks for politeness (robots.txt
 * groups, Crawl-delay, a 429, a 503 maintenance window), a single-page-app shell beside pages with
 * `<base href>`, a MediaWiki-like wiki, and a legacy IIS-like site (frames, image maps, uppercase
 * unquoted markup, Windows-1252 without a charset, case-insensitive paths). Deterministic: a page is
 * a function of its URL (and the forum's session cookie, the polite site's request count and clock).
 */
import { gzipSync } from 'node:zlib';
import { doc, html, redirect, serveSite, text, type Handler, type RealSite, type Reply } from './real-sites.js';

// ---------------------------------------------------------------------------------------------
// A phpBB-like forum: two forums of 7 and 4 topics, 3 topics a page (`viewforum.php?f=1&start=3`),
// topics of 2-8 posts, 4 a page (`viewtopic.php?t=N&start=4`), linked as `viewtopic.php?f=F&t=N`
// from the forum and as `?t=N` from their own pager; each post's permalink `viewtopic.php?p=P#pP`
// (the topic page holding it), print view, quote and reply links (`posting.php`, which sends a
// guest to the login page: 302 to `ucp.php?mode=login&redirect=...`, closed by robots.txt),
// profiles answering 403 to guests, a member list sortable 8 ways. A client without the
// `phpbb3_sid` cookie gets `&sid=<32 hex>` in every link, as phpBB writes it.
const SID = 'a3f0c9e1b2d4f6a8c0e2b4d6f8a0c2e4';
const FORUMS = [{ f: 1, name: 'General', topics: [1, 2, 3, 4, 5, 6, 7] }, { f: 2, name: 'Help', topics: [8, 9, 10, 11] }];
const postsIn = (t: number) => 2 + ((t * 3) % 7);
const forumOf = (t: number) => (t <= 7 ? 1 : 2);

function forum(): Handler {
  return (url, req) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nDisallow: /ucp.php\nDisallow: /search.php\n');
    const isGuestWithoutCookie = !/phpbb3_sid=/.test(req.headers.cookie ?? '');
    const link = (href: string) => (isGuestWithoutCookie ? `${href}${href.includes('?') ? '&amp;' : '?'}sid=${SID}` : href);
    const headers: Record<string, string> = isGuestWithoutCookie ? { 'set-cookie': `phpbb3_sid=${SID}; path=/; HttpOnly` } : {};
    const nav = `<a href="${link('./index.php')}">Board index</a> <a href="${link('./faq.php')}">FAQ</a> <a href="${link('./memberlist.php')}">Members</a>` +
      ` <a href="${link('./search.php?search_id=unanswered')}">Unanswered topics</a> <a href="${link('./ucp.php?mode=login')}">Login</a> <a href="${link('./ucp.php?mode=register')}">Register</a>`;
    const page = (title: string, main: string, status = 200) => html(doc({ title: `${title} - Example Forum`, nav, main }), status, headers);
    const pager = (base: string, total: number, per: number, start: number) =>
      Array.from({ length: Math.ceil(total / per) }, (_, i) => (i * per === start ? `<strong>${i + 1}</strong>` : `<a href="${link(i === 0 ? base : `${base}&amp;start=${i * per}`)}">${i + 1}</a>`)).join(' ');
    const start = Number(url.searchParams.get('start') ?? 0);
    if (path === '/' || path === '/index.php')
      return page('Index page', FORUMS.map((fo) => `<h2><a href="${link(`./viewforum.php?f=${fo.f}`)}">${fo.name}</a></h2>`).join(''));
    if (path === '/faq.php') return page('FAQ', '<h1>Frequently Asked Questions</h1>');
    if (path === '/viewforum.php') {
      const fo = FORUMS.find((x) => x.f === Number(url.searchParams.get('f')));
      if (!fo || start % 3 !== 0 || start >= fo.topics.length) return page('Information', '<p>The requested forum does not exist.</p>', 404);
      const rows = fo.topics.slice(start, start + 3).map((t) => {
        const last = t * 100 + postsIn(t);
        return `<li><a href="${link(`./viewtopic.php?f=${fo.f}&amp;t=${t}`)}">Topic ${t}</a> <a href="${link(`./viewtopic.php?p=${last}`)}#p${last}">last post</a></li>`;
      }).join('');
      return page(`${fo.name}${start ? ` - Page ${start / 3 + 1}` : ''}`, `<h1>${fo.name}</h1><ul>${rows}</ul>${pager(`./viewforum.php?f=${fo.f}`, fo.topics.length, 3, start)}`);
    }
    if (path === '/viewtopic.php') {
      let t = Number(url.searchParams.get('t'));
      let s = start;
      const p = Number(url.searchParams.get('p'));
      if (p) {
        t = Math.floor(p / 100);
        s = Math.floor((p % 100 - 1) / 4) * 4;
        if (p % 100 < 1 || p % 100 > postsIn(t)) t = 0;
      }
      if (!(t >= 1 && t <= 11) || s % 4 !== 0 || s >= postsIn(t)) return page('Information', '<p>The requested topic does not exist.</p>', 404);
      const posts = Array.from({ length: postsIn(t) }, (_, i) => t * 100 + i + 1).slice(s, s + 4);
      if (url.searchParams.get('view') === 'print')
        return html(`<!doctype html><html><head><title>Topic ${t} - Example Forum</title><meta name="robots" content="noindex"></head><body>${Array.from({ length: postsIn(t) }, (_, i) => `<p>Post ${t * 100 + i + 1}</p>`).join('')}</body></html>`, 200, headers);
      const body = posts.map((q) => `<div class="post" id="p${q}"><h3><a href="${link(`./viewtopic.php?p=${q}`)}#p${q}">Re: Topic ${t}</a></h3><p>Text of post ${q}.</p>` +
        `<a href="${link(`./memberlist.php?mode=viewprofile&amp;u=${(q % 5) + 2}`)}">user${(q % 5) + 2}</a> <a href="${link(`./posting.php?mode=quote&amp;p=${q}`)}">Quote</a></div>`).join('');
      return page(`Topic ${t}${s ? ` - Page ${s / 4 + 1}` : ''}`, `<h1>Topic ${t}</h1><a href="${link(`./viewtopic.php?t=${t}&amp;view=print`)}">Print view</a> <a href="${link(`./posting.php?mode=reply&amp;t=${t}`)}">Post a reply</a>` +
        `<a href="${link(`./viewforum.php?f=${forumOf(t)}`)}">Return to forum</a>${body}${pager(`./viewtopic.php?t=${t}`, postsIn(t), 4, s)}`);
    }
    if (path === '/posting.php') return redirect(`/ucp.php?mode=login&redirect=${encodeURIComponent(`posting.php${url.search}`)}`, 302);
    if (path === '/memberlist.php') {
      if (url.searchParams.get('mode') === 'viewprofile') return page('Information', '<h2>Login</h2><p>The board requires you to be registered and logged in to view profiles.</p>', 403);
      const sk = url.searchParams.get('sk') ?? 'c';
      const sd = url.searchParams.get('sd') ?? 'a';
      const users = [2, 3, 4, 5, 6].map((u) => `<li>user${u}</li>`);
      if (sd === 'd') users.reverse();
      const sorts = ['a', 'b', 'c', 'd'].flatMap((k) => ['a', 'd'].map((d) => `<a href="${link(`./memberlist.php?sk=${k}&amp;sd=${d}`)}">${k}${d}</a>`)).join(' ');
      return page('Members', `<h1>Members sorted by ${sk} ${sd}</h1><p>${sorts}</p><ul>${users.join('')}</ul>`);
    }
    if (path === '/ucp.php') return page('Login', '<form method="post"><input name="username"></form>');
    return page('Information', '<p>Not found.</p>', 404);
  };
}

// ---------------------------------------------------------------------------------------------
// A news site: 20 articles, the home page linking the newest 12 and two sections; each article
// has an AMP copy (`<link rel="amphtml">`, whose canonical points back); tag pages paginated with
// `?page=N` whose "Next" link is there on every page, past the last story too (an empty page of
// 200, to page 3000: the pager bug of many CMSs); robots.txt names a sitemap index listing a
// gzipped sitemap of articles (with lastmod) and a plain one of sections; articles 17-20 are in
// the sitemaps only (old stories no page links).
const ARTICLES = Array.from({ length: 20 }, (_, i) => ({ n: i + 1, tag: i % 2 === 0 ? 'economy' : 'football', day: String(20 - i).padStart(2, '0') }));
const articlePath = (a: (typeof ARTICLES)[number]) => `/news/2026/11/${a.day}/story-${a.n}/`;

function news(origin: string): Handler {
  const nav = '<a href="/">Home</a> <a href="/section/politics/">Politics</a> <a href="/section/sport/">Sport</a>';
  const urlset = (urls: { loc: string; lastmod?: string }[]) =>
    `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.map((u) => `<url><loc>${origin}${u.loc}</loc>${u.lastmod ? `<lastmod>${u.lastmod}</lastmod>` : ''}</url>`).join('')}</urlset>`;
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text(`User-agent: *\nDisallow: /search\n\nSitemap: ${origin}/sitemap_index.xml\n`);
    if (path === '/sitemap_index.xml')
      return text(`<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` +
        `<sitemap><loc>${origin}/sitemaps/articles-2026-11.xml.gz</loc><lastmod>2026-11-20</lastmod></sitemap><sitemap><loc>${origin}/sitemaps/sections.xml</loc></sitemap></sitemapindex>`, 'application/xml');
    if (path === '/sitemaps/articles-2026-11.xml.gz')
      return { status: 200, headers: { 'content-type': 'application/x-gzip' }, body: gzipSync(urlset(ARTICLES.map((a) => ({ loc: articlePath(a), lastmod: `2026-11-${a.day}` })))) };
    if (path === '/sitemaps/sections.xml') return text(urlset([{ loc: '/' }, { loc: '/section/politics/' }, { loc: '/section/sport/' }]), 'application/xml');
    const card = (a: (typeof ARTICLES)[number]) => `<li><a href="${articlePath(a)}">Story ${a.n}</a></li>`;
    if (path === '/') return html(doc({ title: 'The Daily Example', nav, main: `<h1>Top stories</h1><ul>${ARTICLES.slice(0, 12).map(card).join('')}</ul><a href="/tag/economy/">Economy</a> <a href="/tag/football/">Football</a>` }));
    if (path === '/section/politics/' || path === '/section/sport/')
      return html(doc({ title: `${path.split('/')[2]} – The Daily Example`, nav, main: `<ul>${ARTICLES.filter((a) => (path.includes('sport') ? a.tag === 'football' : a.tag === 'economy')).slice(0, 3).map(card).join('')}</ul>` }));
    let m = /^\/tag\/(economy|football)\/$/.exec(path);
    if (m) {
      const page = Number(url.searchParams.get('page') ?? 1);
      if (!Number.isInteger(page) || page < 1 || page > 3000) return html(doc({ title: 'Not found', nav, main: '' }), 404);
      // 8 stories linked by tag pages (the 12 newest's 6 and 2 more), 4 a page: 2 pages, then empty ones.
      const stories = ARTICLES.filter((a) => a.tag === m![1] && a.n <= 16).slice((page - 1) * 4, page * 4);
      const pager = `${page > 1 ? `<a href="?page=${page - 1}">Previous</a> ` : ''}<a href="?page=1">1</a> <a href="?page=2">2</a> <a href="?page=${page + 1}">Next</a>`;
      return html(doc({ title: `${m[1]}${page > 1 ? ` – page ${page}` : ''} – The Daily Example`, nav, main: `<h1>${m[1]}</h1>${stories.length ? `<ul>${stories.map(card).join('')}</ul>` : '<p>No more stories.</p>'}${pager}` }));
    }
    m = /^\/news\/2026\/11\/(\d\d)\/story-(\d+)\/(amp\/)?$/.exec(path);
    const a = m ? ARTICLES.find((x) => x.n === Number(m![2]) && x.day === m![1]) : undefined;
    if (a) {
      const canonical = `${origin}${articlePath(a)}`;
      if (m![3])
        return html(`<!doctype html><html ⚡ lang="en"><head><meta charset="utf-8"><title>Story ${a.n}</title><link rel="canonical" href="${canonical}"><script async src="https://cdn.ampproject.invalid/v0.js"></script></head>` +
          `<body><h1>Story ${a.n}</h1><p>The text of story ${a.n}.</p><a href="/tag/${a.tag}/">${a.tag}</a></body></html>`);
      return html(doc({ title: `Story ${a.n} – The Daily Example`, head: `<link rel="canonical" href="${canonical}"><link rel="amphtml" href="${canonical}amp/">`, nav,
        main: `<article><h1>Story ${a.n}</h1><p>The text of story ${a.n}.</p><a href="/tag/${a.tag}/">${a.tag}</a></article>` }));
    }
    return html(doc({ title: 'Page not found – The Daily Example', nav, main: '<h1>Page not found</h1>' }), 404);
  };
}

// ---------------------------------------------------------------------------------------------
// A site that asks for politeness: robots.txt with a `*` group (Crawl-delay 2, /private/ closed)
// and a crawlite group (Crawl-delay 0.2, /drafts/ closed: RFC 9309, a crawler obeys its own group
// only); 16 pages in a chain, each linking /private/N and /drafts/N; the 6th request (robots.txt
// aside) answered 429 with Retry-After: 2, and from the 10th on a 503 maintenance window of 2 s
// (Retry-After: 1). The log's atMs tells the pace the server saw.
function polite(): Handler {
  let served = 0;
  let maintenanceUntil = -1;
  let t0 = -1;
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nCrawl-delay: 2\nDisallow: /private/\n\nUser-agent: crawlite\nCrawl-delay: 0.2\nDisallow: /drafts/\n');
    const now = performance.now();
    if (t0 < 0) t0 = now;
    served++;
    if (served === 6) return { status: 429, headers: { 'retry-after': '2', 'content-type': 'text/plain' }, body: 'Too Many Requests' };
    if (served === 10) maintenanceUntil = now + 2000;
    if (now < maintenanceUntil) return { status: 503, headers: { 'retry-after': '1', 'content-type': 'text/html' }, body: '<title>Down for maintenance</title><p>Back soon.</p>' };
    const m = /^\/(?:(page|private|drafts)\/(\d+)\/)?$/.exec(path);
    const n = m?.[2] === undefined ? 0 : Number(m[2]);
    if (!m || n > 16) return html(doc({ title: 'Not found', main: '' }), 404);
    const next = n < 16 ? `<a href="/page/${n + 1}/">Next</a> <a href="/private/${n + 1}/">Private</a> <a href="/drafts/${n + 1}/">Draft</a>` : '';
    return html(doc({ title: m[1] ? `${m[1]} ${n}` : 'Home', main: `<h1>${m[1] ?? 'home'} ${n}</h1>${next}` }));
  };
}

// ---------------------------------------------------------------------------------------------
// A single-page app and a site with <base href>. `/` and every path under /app/ answer the same
// shell (an SPA's history fallback): an empty root, hash-bang links (`#!/products/1`), the route
// data in a JSON blob, and in <noscript> the one way in without JavaScript, a link to a static
// catalog; `<meta name="fragment" content="!">` and `?_escaped_fragment_=` snapshots, the AJAX
// crawling scheme Google retired in 2015. The catalog's pages, under /site/, all carry
// `<base href="/site/">` (one the absolute form, one `<base target>` only, before the href one),
// so a link resolved against the page's own URL instead lands on a 404.
function spa(origin: string): Handler {
  const shell = html(`<!doctype html><html><head><meta charset="utf-8"><title>Shop App</title><meta name="fragment" content="!"></head><body><div id="root"></div>` +
    `<nav><a href="#!/">Home</a> <a href="#!/products/1">Product 1</a> <a href="#!/products/2">Product 2</a></nav>` +
    `<noscript><p>This app needs JavaScript. <a href="/site/">Browse the plain catalog</a>.</p></noscript>` +
    `<script id="__APP_DATA__" type="application/json">{"routes":["/app/products/1","/app/products/2"],"api":"/api/products.json"}</script><script src="/static/app.js"></script></body></html>`);
  const basePage = (title: string, base: string, main: string) =>
    html(`<!doctype html><html><head><meta charset="utf-8"><base target="_self"><base href="${base}"><title>${title}</title></head><body>${main}</body></html>`);
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nDisallow: /api/\n');
    if (path === '/static/app.js') return text('/* app */', 'text/javascript');
    const fragment = url.searchParams.get('_escaped_fragment_');
    if (path === '/' && fragment !== null)
      return html(doc({ title: `Shop App ${fragment}`, main: `<h1>Snapshot of ${fragment || 'home'}</h1><a href="#!/products/1">Product 1</a> <a href="#!/products/2">Product 2</a>` }));
    if (path === '/' || path.startsWith('/app/')) return shell;
    if (path === '/site/')
      return basePage('Catalog', `${origin}/site/`, '<h1>Catalog</h1><a href="products/1.html">Product 1</a> <a href="products/2.html">Product 2</a> <a href="#top">Top</a> <a href="?sort=name">By name</a>');
    const m = /^\/site\/products\/([12])\.html$/.exec(path);
    if (m) return basePage(`Product ${m[1]}`, '/site/', `<h1>Product ${m[1]}</h1><a href="products/${3 - Number(m[1])}.html">Other product</a> <a href="help.html">Help</a> <a href="../index.html">Home</a>`);
    if (path === '/site/help.html') return basePage('Help', '/site/', '<h1>Help</h1><a href="./">Catalog</a>');
    if (path === '/index.html') return redirect('/');
    return html(doc({ title: 'Not found', main: '' }), 404);
  };
}

// ---------------------------------------------------------------------------------------------
// A MediaWiki-like wiki: /wiki/Title articles linking each other (one link written lowercase,
// `/wiki/apple`, which redirects to the canonical `/wiki/Apple`; one `Date_(fruit)`, one
// `%C3%89clair`), each with rel=nofollow edit links, history and printable links under /w/
// (history listing `oldid=` and `diff=` revisions: the fan-out), Talk pages (a missing one a red
// link to its edit page), Special: pages (`Special:Random` a 302, `Special%3ASearch` written with
// an escaped colon), and robots.txt closing /w/ and Special: in both spellings, as Wikipedia's does.
const WIKI = ['Main_Page', 'Apple', 'Banana', 'Cherry', 'Date_(fruit)', 'Éclair'];

function wiki(): Handler {
  const enc = (t: string) => encodeURIComponent(t).replace(/%28/g, '(').replace(/%29/g, ')');
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nDisallow: /w/\nDisallow: /wiki/Special:\nDisallow: /wiki/Special%3A\nDisallow: /wiki/Special%3a\n');
    if (path === '/') return redirect('/wiki/Main_Page');
    if (path === '/w/index.php') {
      const title = url.searchParams.get('title') ?? '';
      const action = url.searchParams.get('action');
      const revs = [5, 4, 3, 2, 1].map((r) => `<li><a href="/w/index.php?title=${enc(title)}&amp;oldid=${r}">rev ${r}</a> <a href="/w/index.php?title=${enc(title)}&amp;diff=${r}&amp;oldid=${r - 1}">diff</a></li>`).join('');
      return html(doc({ title: `${title} (${action ?? 'revision'})`, head: '<meta name="robots" content="noindex,nofollow">', main: action === 'history' ? `<ul>${revs}</ul>` : '<textarea></textarea>' }));
    }
    const m = /^\/wiki\/(.+)$/.exec(path);
    if (!m) return html(doc({ title: 'Not found', main: '' }), 404);
    const title = decodeURIComponent(m[1]!);
    if (/^Special[:]/i.test(title)) {
      if (title === 'Special:Random') return redirect('/wiki/Apple', 302);
      return html(doc({ title: `${title} - Wiki`, head: '<meta name="robots" content="noindex,nofollow">', main: `<h1>${title}</h1>` }));
    }
    const canonical = title.charAt(0).toUpperCase() + title.slice(1);
    if (canonical !== title && (WIKI.includes(canonical) || canonical === 'Talk:Apple')) return redirect(`/wiki/${enc(canonical)}`);
    const isTalk = title === 'Talk:Apple';
    if (!WIKI.includes(title) && !isTalk)
      return html(doc({ title: `${title} - Wiki`, main: `<p>There is currently no text in this page.</p><a href="/w/index.php?title=${enc(title)}&amp;action=edit&amp;redlink=1">create it</a>` }), 404);
    const i = WIKI.indexOf(title);
    const links = isTalk ? '<a href="/wiki/Apple">Apple</a>' : [WIKI[(i + 1) % WIKI.length]!, WIKI[(i + 2) % WIKI.length]!].map((t) => `<a href="/wiki/${enc(t)}" title="${t}">${t}</a>`).join(' ') +
      (title === 'Main_Page' ? ' <a href="/wiki/apple">apple</a> <a href="/wiki/Fig" class="new">Fig</a>' : '');
    const talk = title === 'Apple' ? '<a href="/wiki/Talk:Apple">Talk</a>' : `<a href="/w/index.php?title=Talk:${enc(title)}&amp;action=edit&amp;redlink=1" class="new">Talk</a>`;
    const tools = `<a href="/w/index.php?title=${enc(title)}&amp;action=edit" rel="nofollow">Edit</a> <a href="/w/index.php?title=${enc(title)}&amp;action=history">View history</a>` +
      ` <a href="/wiki/Special:WhatLinksHere/${enc(title)}">What links here</a> <a href="/w/index.php?title=${enc(title)}&amp;printable=yes">Printable version</a>` +
      ` <a href="/w/index.php?title=${enc(title)}&amp;oldid=5">Permanent link</a> <a href="/wiki/Special:Random">Random article</a> <a href="/wiki/Special%3ASearch?search=${enc(title)}">Search</a>`;
    return html(doc({ title: `${title.replace(/_/g, ' ')} - Wiki`, head: `<link rel="canonical" href="/wiki/${enc(title)}">`, nav: `${talk} ${tools}`, main: `<h1>${title.replace(/_/g, ' ')}</h1><p>${links}</p>` }));
  };
}

// ---------------------------------------------------------------------------------------------
// A legacy site on a case-insensitive server (IIS-like): `/` and `/default.asp` a frameset (menu
// and main frames, a <noframes> link), an iframe, an image map of <area> links, uppercase tags,
// unquoted attributes, `HREF = "..."` with spaces around `=` and inside the quotes, a javascript:
// popup link, `.htm`, `.html` and `.asp` pages, `Default.asp` directory indexes, paths linked in
// several cases (one page, many URLs), and every page Windows-1252 with no charset declared.
const LEGACY: Record<string, string> = {
  '/default.asp': '<HTML><HEAD><TITLE>Acme Corp</TITLE></HEAD><FRAMESET COLS="150,*"><FRAME SRC=menu.htm NAME=menu><FRAME SRC="Main.asp" NAME=main>' +
    '<NOFRAMES><BODY><A HREF=sitemap.html>Site map</A></BODY></NOFRAMES></FRAMESET></HTML>',
  '/menu.htm': '<HTML><BODY BGCOLOR=#FFFFFF><A HREF = "Products/Default.asp" TARGET=main>Products</A><BR><A HREF=about.htm TARGET=main>About</A><BR>' +
    '<A HREF=" contact.html ">Contact</A><BR><A HREF="javascript:window.open(\'popup.htm\')">Offer</A><BR><IMG SRC=nav.gif USEMAP=#nav BORDER=0>' +
    '<MAP NAME=nav><AREA SHAPE=RECT COORDS="0,0,75,20" HREF=News.asp><AREA SHAPE=RECT COORDS="75,0,150,20" HREF="/Jobs/" ALT=Jobs></MAP></BODY></HTML>',
  '/main.asp': '<HTML><HEAD><TITLE>Welcome to Acme\u2019s \u201cnew\u201d site</TITLE></HEAD><BODY><H1>Caf\u00e9 \u2013 Acme</H1><P>Our prices in \u20ac.</P>' +
    '<IFRAME SRC=ticker.htm WIDTH=400 HEIGHT=20></IFRAME><P><A HREF=products/default.asp>Our products</A></BODY></HTML>',
  '/ticker.htm': '<HTML><BODY><MARQUEE>Acme news \u2022 <A HREF=news.asp TARGET=_top>more</A></MARQUEE></BODY></HTML>',
  '/products/default.asp': '<HTML><HEAD><TITLE>Products</TITLE></HEAD><BODY><UL><LI><A HREF=product.asp?id=1>Widget</A><LI><A HREF=Product.asp?id=2>Gadget</A>' +
    '<LI><A HREF=PRODUCT.ASP?id=1>Widget (again)</A></UL><A HREF=../default.asp TARGET=_top>Home</A></BODY></HTML>',
  '/products/product.asp?id=1': '<HTML><HEAD><TITLE>Widget</TITLE></HEAD><BODY><P>Widget \u2013 \u00a3 10</P><A HREF=default.asp>Back</A></BODY></HTML>',
  '/products/product.asp?id=2': '<HTML><HEAD><TITLE>Gadget</TITLE></HEAD><BODY><P>Gadget \u2013 \u00a3 12</P><A HREF=Default.asp>Back</A></BODY></HTML>',
  '/about.htm': '<HTML><HEAD><TITLE>About Acme</TITLE></HEAD><BODY><P>Founded 1998.</P><A HREF=/ABOUT.HTM>This page</A> <A HREF=Contact.html>Contact</A></BODY></HTML>',
  '/contact.html': '<HTML><HEAD><TITLE>Contact</TITLE></HEAD><BODY><P>Call us.</P></BODY></HTML>',
  '/news.asp': '<HTML><HEAD><TITLE>News</TITLE></HEAD><BODY><P>Nothing new since 2003.</P></BODY></HTML>',
  '/jobs/default.asp': '<HTML><HEAD><TITLE>Jobs</TITLE></HEAD><BODY><P>No openings.</P></BODY></HTML>',
  '/sitemap.html': '<HTML><BODY><A HREF=Default.asp>Home</A> <A HREF=Main.asp>Main</A> <A HREF=/Products/>Products</A> <A HREF=News.ASP>News</A></BODY></HTML>',
  '/popup.htm': '<HTML><BODY>Offer</BODY></HTML>',
};

function legacy(): Handler {
  return (url) => {
    if (url.pathname === '/robots.txt') return { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>404 - File or directory not found.</h1>' };
    // IIS: paths are case-insensitive, a directory answers its Default.asp; query names are kept.
    let path = url.pathname.toLowerCase();
    if (path.endsWith('/')) path += 'default.asp';
    const key = path + (url.search ? url.search.toLowerCase() : '');
    const body = LEGACY[key];
    if (body === undefined) return { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>404 - File or directory not found.</h1>' };
    // Windows-1252 without a word about it: Node's 'latin1' writes the low byte of each char, so map the
    // few characters outside Latin-1 to their 1252 bytes first.
    const cp1252: Record<string, string> = { '\u2019': '\x92', '\u201c': '\x93', '\u201d': '\x94', '\u2013': '\x96', '\u20ac': '\x80', '\u2022': '\x95' };
    const reply: Reply = { status: 200, headers: { 'content-type': 'text/html', server: 'Microsoft-IIS/6.0' }, body: Buffer.from(body.replace(/[\u2019\u201c\u201d\u2013\u20ac\u2022]/g, (c) => cp1252[c]!), 'latin1') };
    return reply;
  };
}

export const REAL_SITES_20 = ['forum', 'news', 'polite', 'spa', 'wiki', 'legacy'] as const;
export type RealSite20Name = (typeof REAL_SITES_20)[number];

/** Serves one of round 20's sites on 127.0.0.1 (a free port unless `port` is given). */
export function startRealSite20(name: RealSite20Name, opts: { port?: number } = {}): Promise<RealSite> {
  return serveSite(name, (origin) => ({ forum, news: () => news(origin), polite, spa: () => spa(origin), wiki, legacy })[name](), opts);
}
