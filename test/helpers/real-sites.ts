/**
 * Small generated sites shaped like real ones, served on 127.0.0.1, for comparing what crawlite
 * finds and stores with what a peer (wget, wget2) does: test/integration/sites-19.test.ts asserts
 * crawlite's set exactly, bench/peer-sites.mjs runs the peers beside it. Everything is
 * deterministic: a page is a function of its URL (and, for the shop, of the session cookie).
 * Each server logs every request it answered (URL as requested, status, User-Agent).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

export interface LoggedRequest {
  url: string;
  status: number;
  userAgent: string;
  contentType: string;
  /** SHA-1 of the body sent (of nothing for a HEAD). */
  bodyHash: string;
  /** When the request came in, in ms since the server started listening. */
  atMs: number;
}

export interface RealSite {
  name: string;
  port: number;
  /** The URL a crawl starts from. */
  seed: string;
  log: LoggedRequest[];
  close(): Promise<void>;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string | Buffer };
export type Handler = (url: URL, req: IncomingMessage) => Reply;

export const html = (body: string, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
  body,
});
export const redirect = (location: string, status = 301): Reply => ({ status, headers: { location }, body: '' });
export const text = (body: string, type = 'text/plain; charset=utf-8'): Reply => ({ status: 200, headers: { 'content-type': type }, body });

export function doc(o: { title: string; lang?: string; head?: string; nav?: string; main: string; footer?: string }): string {
  return `<!doctype html><html lang="${o.lang ?? 'en'}"><head><meta charset="utf-8"><title>${o.title}</title>${o.head ?? ''}</head>` +
    `<body><header><nav>${o.nav ?? ''}</nav></header><main>${o.main}</main><footer>${o.footer ?? ''}</footer></body></html>`;
}

// ---------------------------------------------------------------------------------------------
// A WordPress-like blog: 9 posts, 3 per page, /page/N/ pagination, category, tag and date
// archives, feeds, ?replytocom= and ?share= links (rel=nofollow, as WordPress and Jetpack write
// them), absolute links and canonicals, /about -> /about/, robots.txt closing /wp-admin/.
const POSTS = Array.from({ length: 9 }, (_, i) => ({
  n: i + 1,
  slug: `post-${i + 1}`,
  month: String((i % 3) + 1).padStart(2, '0'),
  category: i % 2 === 0 ? 'news' : 'tech',
  tags: i % 3 === 0 ? ['alpha', 'beta'] : ['alpha'],
}));

function blog(origin: string): Handler {
  const postUrl = (p: (typeof POSTS)[number]) => `${origin}/2026/${p.month}/${p.slug}/`;
  const chrome = (title: string, main: string, canonical: string) =>
    doc({
      title: `${title} – Example Blog`,
      head: `<link rel="canonical" href="${canonical}"><link rel="alternate" type="application/rss+xml" title="Feed" href="${origin}/feed/">` +
        `<link rel="shortlink" href="${origin}/?p=1"><link rel="https://api.w.org/" href="${origin}/wp-json/">`,
      nav: `<a href="${origin}/">Home</a> <a href="${origin}/about">About</a> <a href="${origin}/category/news/">News</a> <a href="${origin}/category/tech/">Tech</a>`,
      main,
      footer: `<h2>Meta</h2><a href="${origin}/wp-login.php">Log in</a> <a href="${origin}/feed/">Entries feed</a> <a href="${origin}/comments/feed/">Comments feed</a>` +
        ` <a href="${origin}/wp-admin/">Dashboard</a> <a href="https://wordpress.invalid/">WordPress.org</a>`,
    });
  const listing = (title: string, posts: typeof POSTS, base: string, page: number) => {
    const pages = Math.ceil(posts.length / 3);
    if (page > pages) return html(chrome('Nothing found', '<p>It seems we can’t find what you’re looking for.</p>', `${origin}${base}`), 404);
    const items = posts.slice((page - 1) * 3, page * 3).map((p) => `<article><h2><a href="${postUrl(p)}">Post ${p.n}</a></h2><p>Excerpt of post ${p.n}.</p></article>`).join('');
    const older = page < pages ? `<a class="next" href="${origin}${base}page/${page + 1}/">Older posts</a>` : '';
    const newer = page > 2 ? `<a class="prev" href="${origin}${base}page/${page - 1}/">Newer posts</a>` : page === 2 ? `<a class="prev" href="${origin}${base}">Newer posts</a>` : '';
    const self = page === 1 ? `${origin}${base}` : `${origin}${base}page/${page}/`;
    return html(chrome(page === 1 ? title : `${title} – Page ${page}`, `<h1>${title}</h1>${items}${newer} ${older}`, self));
  };
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n');
    if (path === '/feed/' || path === '/comments/feed/' || /^\/2026\/\d\d\/post-\d\/feed\/$/.test(path))
      return text(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title><link>${origin}/</link></channel></rss>`, 'application/rss+xml; charset=UTF-8');
    if (path === '/wp-login.php') return html(doc({ title: 'Log In', head: '<meta name="robots" content="noindex, follow">', main: `<form method="post"></form><a href="${origin}/wp-login.php?action=lostpassword">Lost your password?</a> <a href="${origin}/">← Go to Example Blog</a>` }));
    if (path === '/about') return redirect(`${origin}/about/`);
    if (path === '/about/') return html(chrome('About', '<h1>About</h1><p>Who writes here.</p>', `${origin}/about/`));
    if (path === '/' && url.searchParams.has('p')) return redirect(postUrl(POSTS[0]!));
    let m = /^\/(?:page\/(\d+)\/)?$/.exec(path);
    if (m) return listing('Example Blog', POSTS, '/', Number(m[1] ?? 1));
    m = /^\/(category|tag)\/([a-z]+)\/(?:page\/(\d+)\/)?$/.exec(path);
    if (m) {
      const posts = POSTS.filter((p) => (m![1] === 'category' ? p.category === m![2] : p.tags.includes(m![2]!)));
      if (posts.length === 0) return html(chrome('Nothing found', '<p>Nothing here.</p>', origin + path), 404);
      return listing(`${m[1] === 'category' ? 'Category' : 'Tag'}: ${m[2]}`, posts, `/${m[1]}/${m[2]}/`, Number(m[3] ?? 1));
    }
    m = /^\/2026\/(\d\d)\/$/.exec(path);
    if (m) return listing(`Month: 2026-${m[1]}`, POSTS.filter((p) => p.month === m![1]), path, 1);
    m = /^\/2026\/(\d\d)\/(post-\d)(\/?)$/.exec(path);
    const post = m ? POSTS.find((p) => p.slug === m![2] && p.month === m![1]) : undefined;
    if (post) {
      if (m![3] === '') return redirect(postUrl(post));
      if (url.searchParams.has('share')) return redirect(`https://twitter.invalid/intent/tweet?url=${encodeURIComponent(postUrl(post))}`, 302);
      const comments = [1, 2].map((c) => `<li id="comment-${post.n * 10 + c}"><p>Comment ${c} on post ${post.n}.</p>` +
        `<a rel="nofollow" class="comment-reply-link" href="${postUrl(post)}?replytocom=${post.n * 10 + c}#respond">Reply</a></li>`).join('');
      const tags = post.tags.map((t) => `<a href="${origin}/tag/${t}/" rel="tag">${t}</a>`).join(', ');
      return html(chrome(`Post ${post.n}`,
        `<article><h1>Post ${post.n}</h1><p>The text of post ${post.n}, filed under <a href="${origin}/category/${post.category}/" rel="category tag">${post.category}</a> in ` +
        `<a href="${origin}/2026/${post.month}/">2026-${post.month}</a>. Tags: ${tags}.</p>` +
        `<div class="sharedaddy"><a rel="nofollow noopener noreferrer" class="share-twitter" href="${postUrl(post)}?share=twitter&amp;nb=1">Twitter</a>` +
        ` <a rel="nofollow noopener noreferrer" class="share-facebook" href="${postUrl(post)}?share=facebook&amp;nb=1">Facebook</a></div></article>` +
        `<ol class="comments">${comments}</ol><a href="#respond">Leave a comment</a>`, postUrl(post)));
    }
    return html(chrome('Page not found', '<h1>Oops! That page can’t be found.</h1>', origin + path), 404);
  };
}

// ---------------------------------------------------------------------------------------------
// A docs site, MkDocs-like directory URLs with Sphinx-like extras: relative links (`../x/`, `..`,
// `./`, `../../index.html`), anchors, `/` and `/index.html` both answering, a search page whose
// results link `?highlight=` variants, `_sources/*.txt`, a stylesheet, a 404 page.
const DOCS = ['getting-started/', 'user-guide/configuration/', 'user-guide/cli/', 'api/', 'api/client/', 'changelog/'];

function docsSite(): Handler {
  const rel = (from: string, to: string) => {
    const depth = from.split('/').length - 1;
    return '../'.repeat(depth) + to;
  };
  const nav = (from: string) =>
    `<a href="${from === '' ? './' : rel(from, 'index.html')}">Home</a> ` +
    DOCS.map((d) => `<a href="${rel(from, d)}">${d.replace(/\/$/, '')}</a>`).join(' ') +
    ` <a href="${rel(from, 'search.html')}">Search</a> <a href="${rel(from, 'genindex.html')}">Index</a>`;
  const page = (p: string) =>
    html(doc({
      title: p === '' ? 'MyLib documentation' : `${p.replace(/\/$/, '')} - MyLib documentation`,
      head: `<link rel="stylesheet" href="${rel(p, '_static/style.css')}"><link rel="search" title="Search" href="${rel(p, 'search.html')}">`,
      nav: nav(p),
      main: `<h1 id="top">${p || 'Welcome'}</h1><p>Documentation for ${p || 'MyLib'}.</p><h2 id="options">Options<a class="headerlink" href="#options">¶</a></h2>` +
        (p === 'user-guide/cli/' ? '<p>See <a href="../configuration/#files">configuration files</a> and <a href="..">the guide</a>.</p>' : '') +
        (p === 'api/client/' ? '<p>Up: <a href="../">API</a>, <a href="./">this page</a>, <a href="../../user-guide/cli/#options">CLI options</a>.</p>' : '') +
        `<a href="${rel(p, '_sources/' + (p || 'index/') + 'index.md.txt')}">Show source</a>`,
    }));
  return (url) => {
    const path = decodeURIComponent(url.pathname).slice(1);
    if (path === 'robots.txt') return { status: 404, body: '' };
    if (path === '' || path === 'index.html') return page('');
    if (path === 'user-guide/') return redirect('/user-guide/configuration/', 302);
    if (DOCS.includes(path)) return page(path);
    if (DOCS.includes(path.replace(/index\.html$/, ''))) return page(path.replace(/index\.html$/, ''));
    if (path.startsWith('_sources/')) return text('source');
    if (path === '_static/style.css') return text('body{}', 'text/css');
    if (path === 'genindex.html') return html(doc({ title: 'Index - MyLib documentation', nav: nav(''), main: DOCS.map((d) => `<a href="${d}#top">${d}</a>`).join(' ') }));
    if (path === 'search.html') {
      const q = url.searchParams.get('q');
      const popular = ['install', 'config'].map((w) => `<a href="search.html?q=${w}">${w}</a>`).join(' ');
      const results = q ? DOCS.filter((d) => d.length % 2 === q.length % 2).map((d) => `<li><a href="${d}?highlight=${encodeURIComponent(q)}">${d}</a></li>`).join('') : '';
      return html(doc({ title: 'Search - MyLib documentation', nav: nav(''), main: `<form action="search.html"><input name="q"></form>${q ? `<ul>${results}</ul>` : `<p>Popular: ${popular}</p>`}` }));
    }
    return html(doc({ title: 'Page not found', main: '<h1>404 - Not found</h1><a href="/">Home</a>' }), 404);
  };
}

// ---------------------------------------------------------------------------------------------
// A shop with faceted navigation: each category page links every facet it does not yet have
// (color, size, sort), appended in the order clicked, so one filter set is several URLs; the
// session id goes into every link of a response to a client that sent no session cookie (PHP's
// trans_sid); robots.txt closes `sort=` with a wildcard, as shops' robots.txt commonly do.
const FACETS: [string, string[]][] = [['color', ['red', 'blue']], ['size', ['s', 'm']], ['sort', ['price']]];

function shop(): Handler {
  return (url, req) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nDisallow: /cart\nDisallow: /*sort=\n');
    const hasCookie = /PHPSESSID=/.test(req.headers.cookie ?? '');
    const sid = url.searchParams.get('PHPSESSID') ?? 'f3c2a9b8e7d6c5b4a3928170';
    const withSid = (href: string) => (hasCookie ? href : href + (href.includes('?') ? '&' : '?') + `PHPSESSID=${sid}`);
    const headers: Record<string, string> = hasCookie ? {} : { 'set-cookie': `PHPSESSID=${sid}; path=/` };
    const nav = ['shirts', 'shoes'].map((c) => `<a href="${withSid(`/c/${c}/`)}">${c}</a>`).join(' ') + ` <a href="${withSid('/cart')}">Cart</a>`;
    if (path === '/') return html(doc({ title: 'Shop', nav, main: '<h1>Shop</h1>' }), 200, headers);
    const m = /^\/c\/(shirts|shoes)\/$/.exec(path);
    if (m) {
      const params = [...url.searchParams].filter(([k]) => k !== 'PHPSESSID');
      const have = new Set(params.map(([k]) => k));
      const filter = (p: number) => params.every(([k, v]) => k === 'sort' || (k === 'color' ? ['red', 'blue'][p % 2] === v : ['s', 'm'][p % 3 % 2] === v));
      const products = [0, 1, 2, 3, 4, 5].filter(filter).map((p) => `<li><a href="${withSid(`/p/${m[1]}-${p}`)}">${m[1]} ${p}</a></li>`).join('');
      const facets = FACETS.filter(([k]) => !have.has(k)).flatMap(([k, vs]) => vs.map((v) => {
        const q = new URLSearchParams(params);
        q.append(k, v);
        return `<a href="${withSid(`${path}?${q}`)}">${k}: ${v}</a>`;
      })).join(' ');
      const canonical = `<link rel="canonical" href="http://${req.headers.host}${path}">`;
      return html(doc({ title: `${m[1]} – Shop`, head: canonical, nav, main: `<h1>${m[1]}</h1><div class="facets">${facets}</div><ul>${products}</ul>` }), 200, headers);
    }
    const p = /^\/p\/(shirts|shoes)-(\d)$/.exec(path);
    if (p) return html(doc({ title: `${p[1]} ${p[2]} – Shop`, nav, main: `<h1>${p[1]} ${p[2]}</h1><a href="${withSid(`/c/${p[1]}/`)}">Back to ${p[1]}</a>` }), 200, headers);
    return html(doc({ title: 'Not found – Shop', nav, main: '<h1>Not found</h1>' }), 404, headers);
  };
}

// ---------------------------------------------------------------------------------------------
// An international site: a language switcher and hreflang alternates, UTF-8 paths written raw on
// one page and percent-encoded on another, a Japanese path, Content-Language, and a Latin-1 page
// whose query link carries a Latin-1 `é`.
function intl(): Handler {
  const langs = ['en', 'de', 'fr', 'ja'];
  const alternates = (suffix: Record<string, string>) =>
    langs.map((l) => `<link rel="alternate" hreflang="${l}" href="/${l}/${suffix[l] ?? ''}">`).join('') + '<link rel="alternate" hreflang="x-default" href="/">';
  const switcher = langs.map((l) => `<a href="/${l}/" hreflang="${l}" lang="${l}">${l.toUpperCase()}</a>`).join(' ');
  const about: Record<string, string> = { en: 'about-us/', de: 'über-uns/', fr: 'à-propos/', ja: '会社概要/' };
  return (url) => {
    const raw = url.pathname;
    if (raw === '/robots.txt') return text('User-agent: *\nAllow: /\n');
    let path: string;
    try {
      path = decodeURIComponent(raw);
    } catch {
      path = raw; // a Latin-1 escape (%E9) is no UTF-8: matched below as written
    }
    if (path === '/') return redirect('/en/', 302);
    const m = /^\/(en|de|fr|ja)\/(.*)$/.exec(path);
    if (m) {
      const [, lang, rest] = m as unknown as [string, string, string];
      const head = alternates(rest === '' ? {} : about);
      if (rest === '')
        return html(doc({ title: `Home (${lang})`, lang, head, nav: switcher, main: `<h1>${lang}</h1><a href="${about[lang]}">${about[lang]}</a> <a href="/${lang}/${encodeURI(about[lang]!)}">(encoded)</a> <a href="/legacy/">Archiv</a>` }), 200, { 'content-language': lang });
      if (rest === about[lang]) return html(doc({ title: `${about[lang]} (${lang})`, lang, head, nav: switcher, main: `<h1>${rest}</h1><p>Text in ${lang}.</p>` }), 200, { 'content-language': lang });
    }
    if (path === '/legacy/') {
      const body = Buffer.from(`<html><head><meta http-equiv="content-type" content="text/html; charset=iso-8859-1"><title>Archiv - Übersicht</title></head>` +
        `<body><h1>Übersicht</h1><a href="/legacy/suche?q=café">Café suchen</a> <a href="/legacy/caf%E9.html">Café (Latin-1 Datei)</a> <a href="/de/">Zurück</a></body></html>`, 'latin1');
      return { status: 200, headers: { 'content-type': 'text/html; charset=iso-8859-1' }, body };
    }
    if (raw === '/legacy/suche' && url.search === '?q=caf%E9')
      return { status: 200, headers: { 'content-type': 'text/html; charset=iso-8859-1' }, body: Buffer.from('<title>Suche: café</title><h1>Ergebnisse für café</h1>', 'latin1') };
    if (raw === '/legacy/caf%E9.html') return { status: 200, headers: { 'content-type': 'text/html; charset=iso-8859-1' }, body: Buffer.from('<title>Café</title><p>Kaffee</p>', 'latin1') };
    return html(doc({ title: 'Not found', main: '<h1>Not found</h1>' }), 404);
  };
}

// ---------------------------------------------------------------------------------------------
// A calendar trap and soft-404s: /events/?month=YYYY-MM from 2024-01 to 2099-12, each month
// linking the one before and after (912 months; 35 before the default 2026-12, so the cap of 500
// variants ends the crawl on one side only, at one month); every unknown path answers 200 "not found" with
// a request reference and relative `help/` and `contact/` links (a catch-all), and /gone/ a real 404.
function calendar(): Handler {
  const monthName = (y: number, mo: number) => `${y}-${String(mo).padStart(2, '0')}`;
  const nav = '<a href="/">Home</a> <a href="/events/">Events</a> <a href="/news/">News</a>';
  return (url) => {
    const path = url.pathname;
    if (path === '/robots.txt') return text('User-agent: *\nDisallow:\n');
    if (path === '/') return html(doc({ title: 'Club', nav, main: '<h1>Club</h1><a href="/old-news/">Old news</a> <a href="/gone/">Gone</a>' }));
    if (path === '/news/') return html(doc({ title: 'News – Club', nav, main: '<h1>News</h1><p>Nothing new.</p><a href="/news/2019/summer-party">Summer party</a>' }));
    if (path === '/events/') {
      const month = url.searchParams.get('month') ?? '2026-12';
      const mm = /^(\d{4})-(\d\d)$/.exec(month);
      const y = mm ? Number(mm[1]) : 0;
      const mo = mm ? Number(mm[2]) : 0;
      if (!mm || y < 2024 || y > 2099 || mo < 1 || mo > 12) return html(doc({ title: 'Events – Club', nav, main: '<p>No such month.</p>' }), 404);
      const prev = mo === 1 ? monthName(y - 1, 12) : monthName(y, mo - 1);
      const next = mo === 12 ? monthName(y + 1, 1) : monthName(y, mo + 1);
      const links = (y > 2024 || mo > 1 ? `<a href="/events/?month=${prev}">« ${prev}</a> ` : '') + (y < 2099 || mo < 12 ? `<a href="/events/?month=${next}">${next} »</a>` : '');
      return html(doc({ title: `Events ${month} – Club`, nav, main: `<h1>Events in ${month}</h1><p>No events this month.</p>${links}` }));
    }
    if (path === '/gone/') return html(doc({ title: 'Not found – Club', nav, main: '<h1>Not found</h1>' }), 404);
    const ref = createHash('sha1').update(path).digest('hex').slice(0, 12);
    return html(doc({ title: 'Page not found – Club', nav, main: `<h1>Sorry, ${path} is not here</h1><p>Reference ${ref}.</p><a href="help/">Help</a> <a href="contact/">Contact us</a>` }));
  };
}

// ---------------------------------------------------------------------------------------------
// A site behind redirects between hosts: http://127.0.0.1:P/ -> http://localhost:P/ ->
// http://www.site.localhost:P/ (an IP to a name, a bare name to the www host), the apex
// site.localhost redirecting every path to www, pages linking the apex and localhost absolutely
// (old links), and a blog on blog.site.localhost (another host of the same domain).
function hosts(port: number): Handler {
  const www = `http://www.site.localhost:${port}`;
  return (url, req) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = url.pathname + url.search;
    if (url.pathname === '/robots.txt') return text('User-agent: *\nAllow: /\n');
    if (host === '127.0.0.1') return redirect(`http://localhost:${port}${path}`);
    if (host === 'localhost' || host === 'site.localhost') return redirect(www + path);
    if (host === 'blog.site.localhost') return html(doc({ title: 'Blog', main: `<h1>Blog</h1><a href="${www}/">Main site</a> <a href="/2026/hello/">Hello</a>` }));
    if (host !== 'www.site.localhost') return html(doc({ title: 'Unknown host', main: '' }), 404);
    const nav = `<a href="/">Home</a> <a href="http://site.localhost:${port}/products/">Products</a> <a href="/contact">Contact</a> <a href="http://blog.site.localhost:${port}/">Blog</a>`;
    const pages: Record<string, string> = {
      '/': `<h1>Home</h1><a href="/team/">Team</a> <a href="http://localhost:${port}/history/">History</a>`,
      '/products/': '<h1>Products</h1><a href="/products/widget/">Widget</a>',
      '/products/widget/': '<h1>Widget</h1>',
      '/contact/': '<h1>Contact</h1>',
      '/team/': '<h1>Team</h1>',
      '/history/': '<h1>History</h1>',
    };
    if (url.pathname === '/contact') return redirect('/contact/');
    const main = pages[url.pathname];
    if (main === undefined) return html(doc({ title: 'Not found', nav, main: '<h1>Not found</h1>' }), 404);
    return html(doc({ title: `${url.pathname} – Hosts`, nav, main }));
  };
}

export const REAL_SITES = ['blog', 'docs', 'shop', 'intl', 'calendar', 'hosts'] as const;
export type RealSiteName = (typeof REAL_SITES)[number];

/** Serves one of the sites on 127.0.0.1 (a free port unless `port` is given). */
export function startRealSite(name: RealSiteName, opts: { port?: number } = {}): Promise<RealSite> {
  return serveSite(name, (origin, port) => ({ blog: () => blog(origin), docs: docsSite, shop, intl, calendar, hosts: () => hosts(port) })[name](), opts);
}

/** Serves a handler made once the port is known, logging every request (real-sites-20.ts's sites too). */
export async function serveSite(name: string, makeHandler: (origin: string, port: number) => Handler, opts: { port?: number } = {}): Promise<RealSite> {
  const log: LoggedRequest[] = [];
  let handler: Handler = () => ({ status: 500 });
  let port = 0;
  let t0 = performance.now();
  const server = createServer((req, res: ServerResponse) => {
    const atMs = performance.now() - t0;
    // Absolute-form targets come from a client using this server as its proxy (bench/peer-sites.mjs
    // points wget at one to reach *.localhost names, which the system resolver does not know).
    const target = req.url ?? '/';
    const url = new URL(/^https?:\/\//i.test(target) ? target : `http://${req.headers.host ?? 'localhost'}${target}`);
    let reply: Reply;
    try {
      reply = handler(url, req);
    } catch (err) {
      reply = { status: 500, body: String(err) };
    }
    // wget2 1.99.1 sends `Host: 127.0.0.1` without the port: the log names the port it came in on.
    const absolute = /^https?:\/\//i.test(target) ? target : `http://${(req.headers.host ?? '').replace(/:\d+$/, '')}:${port}${target}`;
    const body = req.method === 'HEAD' ? undefined : reply.body;
    const bodyHash = createHash('sha1').update(body ?? '').digest('hex');
    log.push({ url: absolute, status: reply.status, userAgent: String(req.headers['user-agent'] ?? ''), contentType: reply.headers?.['content-type'] ?? '', bodyHash, atMs });
    res.writeHead(reply.status, reply.headers).end(body);
  });
  server.keepAliveTimeout = 200;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  handler = makeHandler(origin, port);
  t0 = performance.now();
  return {
    name,
    port,
    seed: `${origin}/`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
