/**
 * Eight more generated sites shaped like real ones (round 21; real-sites.ts and real-sites-20.ts
 * have the first twelve), for test/integration/sites-21.test.ts and `node bench/peer-sites.mjs
 * --set 21`: a multilingual site whose languages meet only in `<link rel="alternate" hreflang>`
 * and a script's switcher, a Sphinx docs site on a Read the Docs path, a Hugo-like blog whose old
 * posts only its RSS and Atom feeds list, a catalog paginated by `<link rel="next">` alone, image
 * maps and iframes, a site that writes `localhost` links while crawled as 127.0.0.1, paths in
 * several cases and with and without trailing slashes on a case-sensitive server, and a login
 * wall. Deterministic: a page is a function of its URL (and the login site's session cookie).
 */
import { doc, html, redirect, serveSite, text, type Handler, type RealSite } from './real-sites.js';

const notFound = (title = 'Not found') => html(doc({ title, main: '<h1>404 Not Found</h1>' }), 404);

// ---------------------------------------------------------------------------------------------
// A multilingual site: English, German and French with translated slugs; within a language the
// pages link each other with <a>, across languages only the head's hreflang alternates (absolute,
// as Google asks) and a <select> switcher a script reads do. `/` redirects to `/en/`; the German
// imprint has no translation; the French "about" alternate names a slug that does not exist (a
// broken alternate, common in real ones), and a Spanish one names another host.
const LANG_PAGES: Record<string, Record<string, string>> = {
  home: { en: '', de: '', fr: '' },
  products: { en: 'products/', de: 'produkte/', fr: 'produits/' },
  about: { en: 'about/', de: 'ueber-uns/', fr: 'a-propos/' },
  imprint: { de: 'impressum/' },
};

function hreflang(origin: string): Handler {
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nAllow: /\n');
    if (path === '/') return redirect('/en/', 302);
    const m = /^\/(en|de|fr)\/(.*)$/.exec(path);
    const key = m ? Object.keys(LANG_PAGES).find((k) => LANG_PAGES[k]![m[1]!] === m[2]) : undefined;
    if (!m || !key) return notFound();
    const lang = m[1]!;
    const versions = LANG_PAGES[key]!;
    const alternates = Object.entries(versions).map(([l, slug]) => `<link rel="alternate" hreflang="${l}" href="${origin}/${l}/${key === 'about' && l === 'fr' ? 'about/' : slug}">`).join('') +
      `<link rel="alternate" hreflang="x-default" href="${origin}/">${key === 'home' ? '<link rel="alternate" hreflang="es" href="https://es.example.invalid/">' : ''}`;
    const switcher = `<select onchange="location.href=this.value">${Object.entries(versions).map(([l, slug]) => `<option value="/${l}/${slug}"${l === lang ? ' selected' : ''}>${l}</option>`).join('')}</select>`;
    const nav = Object.entries(LANG_PAGES).filter(([, v]) => v[lang] !== undefined).map(([k, v]) => `<a href="/${lang}/${v[lang]}">${k}</a>`).join(' ');
    return html(doc({ title: `${key} (${lang})`, lang, head: alternates, nav: `${nav} ${switcher}`, main: `<h1>${key}</h1><p>In ${lang}.</p>` }), 200, { 'content-language': lang });
  };
}

// ---------------------------------------------------------------------------------------------
// A Sphinx docs site on a Read the Docs path (`/en/latest/`): `.html` pages in folders linked
// relatively (`../usage/install.html`, `index.html`), `<link rel="index|search|next|prev">` in the
// head and Next/Previous buttons (`<a rel="next">`), `_static/` with `?v=` queries, `_sources/*.rst.txt`,
// an image wrapped in a link to `_images/`, `genindex.html`, `py-modindex.html`, a search page
// whose results a script draws, a version menu linking `/en/stable/` and `/en/v1.0/` (other
// builds, above the seed's folder), and a theme link to GitHub.
const SPHINX = ['index', 'intro', 'usage/install', 'usage/config', 'api/index', 'api/client', 'changelog'];

function sphinx(): Handler {
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nDisallow: /en/v1.0/\n');
    if (path === '/') return redirect('/en/latest/', 302);
    if (path === '/en/stable/' || path === '/en/v1.0/') return html(doc({ title: `MyLib ${path.split('/')[2]}`, main: '<p>An older build.</p><a href="/en/latest/">latest</a>' }));
    const m = /^\/en\/latest\/(.*)$/.exec(path);
    if (!m) return notFound();
    const rest = m[1]!;
    if (rest.startsWith('_static/')) return text('/* static */', rest.endsWith('.css') ? 'text/css' : 'text/javascript');
    if (rest.startsWith('_sources/')) return text('Title\n=====\n');
    if (rest === '_images/diagram.png') return { status: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from('89504e470d0a1a0a', 'hex') };
    const name = rest === '' ? 'index' : rest.replace(/\.html$/, '');
    const special = ['genindex', 'search', 'py-modindex'].includes(name);
    if (!rest.endsWith('.html') && rest !== '' || (!SPHINX.includes(name) && !special)) return notFound();
    const up = '../'.repeat(name.split('/').length - 1);
    const i = SPHINX.indexOf(name);
    const rel = (n: string) => `${up}${n}.html`;
    const head = `<link rel="stylesheet" href="${up}_static/pygments.css?v=4f649999"><link rel="stylesheet" href="${up}_static/css/theme.css?v=19f00094">` +
      `<script src="${up}_static/documentation_options.js?v=5929fcd5"></script><link rel="index" title="Index" href="${rel('genindex')}"><link rel="search" title="Search" href="${rel('search')}">` +
      (i > 0 ? `<link rel="prev" title="${SPHINX[i - 1]}" href="${rel(SPHINX[i - 1]!)}">` : '') + (i >= 0 && i < SPHINX.length - 1 ? `<link rel="next" title="${SPHINX[i + 1]}" href="${rel(SPHINX[i + 1]!)}">` : '');
    const toc = SPHINX.slice(1).map((p) => `<li><a class="reference internal" href="${rel(p)}">${p}</a></li>`).join('');
    const buttons = (i > 0 ? `<a href="${rel(SPHINX[i - 1]!)}" class="btn" rel="prev">Previous</a> ` : '') + (i >= 0 && i < SPHINX.length - 1 ? `<a href="${rel(SPHINX[i + 1]!)}" class="btn" rel="next">Next</a>` : '');
    const versions = '<div class="rst-versions"><a href="/en/latest/">latest</a> <a href="/en/stable/">stable</a> <a href="/en/v1.0/">v1.0</a></div>';
    let main = `<h1 id="title">${name}<a class="headerlink" href="#title" title="Link to this heading">¶</a></h1>` +
      `<a href="${rel('index')}">Docs</a> » ${name} <a href="https://github.invalid/mylib/blob/main/docs/${name}.rst" class="fa fa-github">Edit on GitHub</a>`;
    if (name === 'usage/install') main += `<a class="reference internal image-reference" href="../_images/diagram.png"><img src="../_images/diagram.png" alt="diagram"></a>`;
    if (name === 'genindex') main += '<a href="api/client.html#mylib.Client">Client (class in mylib)</a> <a href="api/client.html#mylib.Client.get">get() (mylib.Client method)</a> <a href="py-modindex.html">Module Index</a>';
    if (name === 'py-modindex') main += '<a href="api/index.html#module-mylib"><code>mylib</code></a>';
    if (name === 'search') main += '<form id="rtd-search-form" action="search.html" method="get"><input type="text" name="q"></form><script src="searchindex.js" defer></script><div id="search-results"></div>';
    if (!special) main += `<a href="${up}_sources/${name}.rst.txt" rel="nofollow">View page source</a>`;
    return html(doc({ title: `${name} — MyLib documentation`, head, nav: `<ul>${toc}</ul>`, main, footer: buttons + versions }));
  };
}

// ---------------------------------------------------------------------------------------------
// A Hugo-like blog: 12 posts; the home page lists the newest 5 and links its RSS feed (`<link
// rel="alternate" type="application/rss+xml">` and an <a> in the footer) and its Atom feed (the
// head only); the RSS lists the newest 10 posts, the Atom feed all 12, so posts 1-7 are linked by
// the feeds alone, 1 and 2 by the Atom feed alone. Posts link home, /about/ and their tag's page,
// which links the tag's own RSS (its newest 3).
const FEED_POSTS = Array.from({ length: 12 }, (_, i) => ({ n: i + 1, tag: i % 2 === 0 ? 'go' : 'rust' }));

function feeds(origin: string): Handler {
  const postUrl = (n: number) => `${origin}/posts/post-${n}/`;
  const newest = [...FEED_POSTS].reverse();
  const chrome = (title: string, main: string) => html(doc({
    title,
    head: `<link rel="alternate" type="application/rss+xml" href="${origin}/index.xml" title="Example Blog"><link rel="alternate" type="application/atom+xml" href="${origin}/atom.xml" title="Example Blog">`,
    nav: '<a href="/">Home</a> <a href="/about/">About</a>',
    main,
    footer: '<a href="/index.xml">RSS</a>',
  }));
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nAllow: /\n');
    if (path === '/index.xml' || /^\/tags\/(go|rust)\/index\.xml$/.test(path)) {
      const tag = path.split('/')[2];
      const items = newest.filter((p) => path === '/index.xml' || p.tag === tag).slice(0, path === '/index.xml' ? 10 : 3)
        .map((p) => `<item><title>Post ${p.n}</title><link>${postUrl(p.n)}</link><guid>${postUrl(p.n)}</guid><description>&lt;p&gt;Post ${p.n}.&lt;/p&gt;</description></item>`).join('');
      return text(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example Blog</title><link>${origin}/</link>${items}</channel></rss>`, 'application/rss+xml');
    }
    if (path === '/atom.xml') {
      const entries = newest.map((p) => `<entry><title>Post ${p.n}</title><link rel="alternate" href="${postUrl(p.n)}"/><id>${postUrl(p.n)}</id></entry>`).join('');
      return text(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Example Blog</title><link href="${origin}/atom.xml" rel="self"/>${entries}</feed>`, 'application/atom+xml');
    }
    if (path === '/') return chrome('Example Blog', `<ul>${newest.slice(0, 5).map((p) => `<li><a href="/posts/post-${p.n}/">Post ${p.n}</a></li>`).join('')}</ul>`);
    if (path === '/about/') return chrome('About', '<p>About this blog.</p>');
    let m = /^\/tags\/(go|rust)\/$/.exec(path);
    if (m) return chrome(`Tag ${m[1]}`, `<p>Posts tagged ${m[1]}: newest first.</p><a href="/tags/${m[1]}/index.xml">RSS</a>`);
    m = /^\/posts\/post-(\d+)\/$/.exec(path);
    const post = m ? FEED_POSTS.find((p) => p.n === Number(m![1])) : undefined;
    if (post) return chrome(`Post ${post.n}`, `<article><h1>Post ${post.n}</h1><p>Text.</p><a href="/tags/${post.tag}/">${post.tag}</a></article>`);
    return notFound();
  };
}

// ---------------------------------------------------------------------------------------------
// A catalog with infinite scroll: `/catalog/` shows 5 of 20 items, and its further pages
// (`?page=2`..`4`) are named only by `<link rel="next">` and `rel="prev"` in the head, a script
// fetching them behind a "Load more" button; the last page's rel="next" names a page 5 that is a
// 404 (an off-by-one pager). A guide split over 3 pages the same way (`/guide/`, `/guide/2/`...),
// the last written `<LINK REL=Next>`-style in capitals.
function pager(): Handler {
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nAllow: /\n');
    if (path === '/') return html(doc({ title: 'Store', main: '<a href="/catalog/">Catalog</a> <a href="/guide/">Buying guide</a>' }));
    if (path === '/catalog/') {
      const page = Number(url.searchParams.get('page') ?? 1);
      if (!(page >= 1 && page <= 4) || url.searchParams.get('page') === '1') return html(doc({ title: 'No such page', main: '<p>No more items.</p>' }), 404);
      const href = (n: number) => (n === 1 ? '/catalog/' : `/catalog/?page=${n}`);
      const head = (page > 1 ? `<link rel="prev" href="${href(page - 1)}">` : '') + `<link rel="next" href="${href(page + 1)}">`;
      const items = Array.from({ length: 5 }, (_, i) => (page - 1) * 5 + i + 1).map((n) => `<li><a href="/item/${n}">Item ${n}</a></li>`).join('');
      return html(doc({ title: `Catalog${page > 1 ? ` page ${page}` : ''}`, head, main: `<ul id="items">${items}</ul><button id="more" data-next="${page + 1}">Load more</button><script src="/js/scroll.js"></script>` }));
    }
    if (path === '/js/scroll.js') return text('/* fetch the rel=next page, append its items */', 'text/javascript');
    let m = /^\/item\/(\d+)$/.exec(path);
    if (m && Number(m[1]) >= 1 && Number(m[1]) <= 20) return html(doc({ title: `Item ${m[1]}`, main: `<h1>Item ${m[1]}</h1><a href="/catalog/">Back</a>` }));
    m = /^\/guide\/(?:([23])\/)?$/.exec(path);
    if (m) {
      const n = Number(m[1] ?? 1);
      const head = (n > 1 ? `<LINK REL=Prev HREF="${n === 2 ? '/guide/' : '/guide/2/'}">` : '') + (n < 3 ? `<LINK REL=Next HREF=/guide/${n + 1}/>` : '');
      return html(doc({ title: `Guide, part ${n}`, head, main: `<h1>Part ${n}</h1><p>Text.</p>` }));
    }
    return notFound();
  };
}

// ---------------------------------------------------------------------------------------------
// Image maps and iframes: a map of <area> links (relative, absolute, nohref, `#top`,
// `javascript:`), a second map no image uses, an iframe'd calendar whose links leave the frame
// (`target="_top"`), an iframe'd page holding another image map, and what is not a page link:
// `srcdoc`, a lazy-loading `data-src`, `about:blank`, an off-site video embed, `<object data>`
// and `<embed src>` holding HTML.
function embeds(): Handler {
  const pages: Record<string, string> = {
    '/': '<h1 id="top">Visit us</h1><img src="/img/regions.png" usemap="#regions" alt="Regions">' +
      '<map name="regions"><area shape="rect" coords="0,0,50,50" href="/north/" alt="North"><area shape="rect" coords="50,0,100,50" href="south/" alt="South">' +
      '<area shape="rect" coords="0,50,50,100" nohref alt="Sea"><area shape="default" href="#top" alt="Top"><area shape="circle" coords="75,75,10" href="javascript:zoom()" alt="Zoom"></map>' +
      '<map name="unused"><area shape="rect" coords="0,0,1,1" href="/east/" alt="East"></map>' +
      '<iframe src="/widgets/calendar.html" title="Calendar"></iframe><iframe src="/widgets/map.html"></iframe>' +
      '<iframe srcdoc="&lt;a href=&quot;/srcdoc-only.html&quot;&gt;x&lt;/a&gt;"></iframe><iframe data-src="/widgets/lazy.html" class="lazyload"></iframe>' +
      '<iframe src="about:blank"></iframe><iframe src="https://www.youtube.invalid/embed/abc123" allowfullscreen></iframe>' +
      '<object data="/widgets/object.html" type="text/html"></object><embed src="/widgets/embed.html" type="text/html">',
    '/north/': '<h1>North</h1><a href="/">Home</a>',
    '/south/': '<h1>South</h1><a href="/">Home</a>',
    '/east/': '<h1>East</h1>',
    '/west/': '<h1>West</h1>',
    '/widgets/calendar.html': '<table><tr><td><a href="/events/1.html" target="_top">1</a></td><td><a href="/events/2.html" target="_top">2</a></td></tr></table>',
    '/widgets/map.html': '<img src="/img/small.png" usemap="#m"><map name="m"><area shape="rect" coords="0,0,9,9" href="/west/" alt="West"></map>',
    '/events/1.html': '<h1>Event 1</h1>',
    '/events/2.html': '<h1>Event 2</h1>',
    '/widgets/lazy.html': '<h1>Lazy</h1>',
    '/widgets/object.html': '<h1>Object</h1>',
    '/widgets/embed.html': '<h1>Embed</h1>',
    '/srcdoc-only.html': '<h1>Srcdoc</h1>',
  };
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nAllow: /\n');
    if (path.startsWith('/img/')) return { status: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from('89504e470d0a1a0a', 'hex') };
    const main = pages[path];
    return main === undefined ? notFound() : html(doc({ title: path, main }));
  };
}

// ---------------------------------------------------------------------------------------------
// One server answering as 127.0.0.1 and as localhost alike, whose configured base URL is
// `http://localhost:PORT` (a CMS installed as localhost, visited as 127.0.0.1): its menu and
// canonicals are written absolute with that name, its content links relatively, and one old
// link names 127.0.0.1 absolutely. Pages: / , /a/ (relative), /b/ and /c/ (menu, absolute
// localhost), /d/ (linked relatively from /b/ only), /e/ (the 127.0.0.1 link).
function loopback(port: number): Handler {
  const configured = `http://localhost:${port}`;
  const pages: Record<string, string> = {
    '/': `<h1>Home</h1><a href="a/">A</a> <a href="http://127.0.0.1:${port}/e/">E</a>`,
    '/a/': '<h1>A</h1>',
    '/b/': '<h1>B</h1><a href="../d/">D</a>',
    '/c/': '<h1>C</h1>',
    '/d/': '<h1>D</h1>',
    '/e/': '<h1>E</h1>',
  };
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nAllow: /\n');
    const main = pages[path];
    if (main === undefined) return notFound();
    return html(doc({ title: path, head: `<link rel="canonical" href="${configured}${path}">`, nav: `<a href="${configured}/">Home</a> <a href="${configured}/b/">B</a> <a href="${configured}/c/">C</a>`, main }));
  };
}

// ---------------------------------------------------------------------------------------------
// A case-sensitive server (Apache-like) with paths linked in several spellings: `/docs` and
// `/docs/guide` redirect to their slashed folders (DirectorySlash), `/Docs/` and `/faq.html` are
// 404s beside `/docs/` and `/FAQ.html`, `/blog/post-1` and `/blog/post-1/` both answer (a framework
// routing without strict slashes), `/docs//guide/` answers as `/docs/guide/` (merged slashes),
// `%7Euser` and `~user`, `%c3%a9` and `%C3%A9` are one path each (decoded by the server), and
// `HTTP://127.0.0.1:P/Team/` an uppercase scheme before a capitalized path.
function caseSite(port: number): Handler {
  const pages: Record<string, string> = {
    '/': '<h1>Home</h1><a href="/docs">Docs</a> <a href="/docs/">Docs/</a> <a href="/Docs/">Docs (typo)</a> <a href="/FAQ.html">FAQ</a> <a href="/faq.html">faq</a>' +
      ` <a href="/blog/post-1">Post</a> <a href="/blog/post-1/">Post/</a> <a href="/%7Euser/">~user</a> <a href="/~user/">~user</a> <a href="/caf%c3%a9/">café</a> <a href="/caf%C3%A9/">café</a>` +
      ` <a href="HTTP://127.0.0.1:${port}/Team/">Team</a> <a href="/index.html">Index</a>`,
    '/index.html': '<h1>Home</h1><a href="/">Home</a>',
    '/docs/': '<h1>Docs</h1><a href="guide">Guide</a> <a href="guide/">Guide/</a> <a href="/docs//guide/">Guide//</a> <a href="/DOCS/guide/">GUIDE</a>',
    '/docs/guide/': '<h1>Guide</h1><a href="../">Up</a>',
    '/FAQ.html': '<h1>FAQ</h1>',
    '/blog/post-1': '<h1>Post 1</h1><a href="../">Blog</a>',
    '/~user/': '<h1>User</h1>',
    '/café/': '<h1>Café</h1>',
    '/Team/': '<h1>Team</h1><a href="/team/">team</a>',
  };
  return (url) => {
    if (url.pathname === '/robots.txt') return text('User-agent: *\nAllow: /\n');
    let path = decodeURIComponent(url.pathname).replace(/\/{2,}/g, '/');
    if (path === '/docs' || path === '/docs/guide') return redirect(`${path}/`);
    if (path.startsWith('/blog/') && path.endsWith('/')) path = path.slice(0, -1);
    if (path === '/blog') return redirect('/');
    const main = pages[path];
    return main === undefined ? notFound() : html(doc({ title: path, main }));
  };
}

// ---------------------------------------------------------------------------------------------
// A login wall: /account/ answers 401 with `WWW-Authenticate: Basic` (and a page linking help only
// it links), /admin/ 403 (with a link to request access), /members/* 302 to
// `/login?next=<path>` without a session, /reports/q1.pdf 401; the login page's form is GET
// (`/login?user=&pass=`), beside password-reset and sign-up links; /logout ends the session on
// the server (a later request with the same cookie is a guest's). With `Authorization: Basic
// dXNlcjpwYXNz` the account pages answer; with the cookie `session=s3cr3t` the members' area.
export const LOGIN_AUTH = 'Basic dXNlcjpwYXNz';
export const LOGIN_COOKIE = 'session=s3cr3t';

function login(): Handler {
  let isLoggedOut = false;
  return (url, req) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nAllow: /\n');
    const hasSession = !isLoggedOut && (req.headers.cookie ?? '').split(/;\s*/).includes(LOGIN_COOKIE);
    const nav = '<a href="/">Home</a> <a href="/members/">Members</a> <a href="/account/">Account</a> <a href="/login">Log in</a> <a href="/logout">Log out</a>';
    const page = (title: string, main: string, status = 200, headers: Record<string, string> = {}) => html(doc({ title, nav, main }), status, headers);
    if (path === '/') return page('Home', '<a href="/help/">Help</a> <a href="/admin/">Admin</a> <a href="/reports/q1.pdf">Q1 report</a> <a href="/members/profile/1">Alice</a> <a href="/members/profile/2">Bob</a>');
    if (path === '/help/') return page('Help', '<p>How to log in.</p>');
    if (path === '/login') {
      if (url.searchParams.has('user')) return page('Log in', '<p>Wrong user name or password.</p>', 403);
      return page('Log in', '<form method="get" action="/login"><input name="user"><input type="password" name="pass"><button>Log in</button></form><a href="/password-reset">Forgot your password?</a> <a href="/signup">Sign up</a>');
    }
    if (path === '/password-reset' || path === '/signup') return page(path.slice(1), '<form method="post"><input name="email"></form>');
    if (path === '/logout') {
      if (hasSession) isLoggedOut = true;
      return { status: 302, headers: { location: '/', 'set-cookie': 'session=; Max-Age=0; Path=/' }, body: '' };
    }
    if (path === '/account/' || path === '/account/settings/' || path === '/reports/q1.pdf') {
      if (req.headers.authorization !== LOGIN_AUTH) return page('Unauthorized', '<h1>401 Unauthorized</h1><a href="/help/login-trouble/">Trouble logging in?</a>', 401, { 'www-authenticate': 'Basic realm="Account"' });
      if (path === '/reports/q1.pdf') return { status: 200, headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.4\n%%EOF\n' };
      return page('Account', path === '/account/' ? '<a href="/account/settings/">Settings</a>' : '<p>Settings.</p>');
    }
    if (path === '/help/login-trouble/') return page('Trouble logging in', '<p>Reset your password.</p>');
    if (path === '/admin/') return page('Forbidden', '<h1>403 Forbidden</h1><a href="/admin/request-access">Request access</a>', 403);
    if (path === '/admin/request-access') return page('Request access', '<p>Ask the admin.</p>');
    const m = /^\/members\/(?:profile\/([12])|)$/.exec(path);
    if (m) {
      if (!hasSession) return redirect(`/login?next=${encodeURIComponent(path)}`, 302);
      return page(m[1] ? `Profile ${m[1]}` : 'Members', m[1] ? `<p>Member ${m[1]}.</p>` : '<a href="/members/profile/1">Alice</a> <a href="/members/profile/2">Bob</a> <a href="/members/profile/3">Carol</a>');
    }
    return notFound();
  };
}

export const REAL_SITES_21 = ['hreflang', 'sphinx', 'feeds', 'pager', 'embeds', 'loopback', 'case', 'login'] as const;
export type RealSite21Name = (typeof REAL_SITES_21)[number];

/** Serves one of round 21's sites on 127.0.0.1 (a free port unless `port` is given). */
export async function startRealSite21(name: RealSite21Name, opts: { port?: number } = {}): Promise<RealSite> {
  const site = await serveSite(name, (origin, port) => ({
    hreflang: () => hreflang(origin), sphinx, feeds: () => feeds(origin), pager, embeds, loopback: () => loopback(port), case: () => caseSite(port), login,
  })[name](), opts);
  // Read the Docs serves a project's docs under /en/latest/, and that is the URL people crawl.
  if (name === 'sphinx') site.seed += 'en/latest/';
  return site;
}
