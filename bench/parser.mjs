// Times the parse stage's CPU work on one generated ~50 KB article page, on the main thread:
// the chosen extraction path (htmlparser2 Tokenizer + linear tree builder, no DOM) against
// htmlparser2's Parser callbacks, parseDocument + an iterative DOM walk, and cheerio.load
// (parse5), all feeding the same collector so their outputs can be compared; then charset
// decoding, hashing and content packing at several codecs and levels.
//
//   npm run build && node bench/parser.mjs [compiled-dir=dist] [--ms=800] [--all]
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as cheerio from 'cheerio';
import { Parser, parseDocument } from 'htmlparser2';

const args = process.argv.slice(2);
const dir = resolve(args.find((a) => !a.startsWith('--')) ?? 'dist');
const budgetMs = Number(args.find((a) => a.startsWith('--ms='))?.slice(5) ?? 800);
const load = (p) => import(pathToFileURL(resolve(dir, p)).href);
const { extractPage, createPageCollector } = await load('src/parse/extract.js');
const { decodeHtml } = await load('src/parse/decode-charset.js');
const { packContent } = await load('src/content-frame.js');
const { parsePage } = await load('src/parse/parse-page.js');

// --- a realistic article page -------------------------------------------------------------------
// Markup-heavy like a real news page (classes, data attributes, inline scripts and JSON-LD, icons),
// with a Zipf-distributed vocabulary so that compression ratios are not flattered.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const SYLLABLES = 'ka ri to me su na lo vi de ra po en tu al mo si be ga no re li ta ver con ste pro ment tion ing'.split(' ');
const VOCAB = Array.from({ length: 4000 }, () =>
  Array.from({ length: 1 + Math.floor(rand() * 3) }, () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)]).join(''));
const zipf = () => VOCAB[Math.min(VOCAB.length - 1, Math.floor(Math.exp(rand() * Math.log(VOCAB.length))) - 1)];
const words = (n) => Array.from({ length: n }, zipf).join(' ');
const cap = (s) => s[0].toUpperCase() + s.slice(1);
const slug = (n) => words(n).replace(/ /g, '-');
const ICON = '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2l3.09 6.26L22 9.27l-5 4.87 1.18 6.88L12 17.77l-6.18 3.25L7 14.14 2 9.27l6.91-1.01L12 2z"/></svg>';

function generatePage(targetBytes = 50_000) {
  const nav = Array.from({ length: 30 }, (_, i) =>
    `<li class="nav__item nav__item--${i}" data-track="nav-${i}"><a class="nav__link" href="/section/${slug(2)}/">${cap(words(2))}</a></li>`).join('\n');
  const script = `(function(w,d){var c=w.__cfg={env:"prod",release:"2024.05.${Math.floor(rand() * 99)}",features:[${Array.from({ length: 40 }, (_, i) => `"flag_${i}_${slug(1)}"`).join(',')}]};` +
    'function t(e){(w.dataLayer=w.dataLayer||[]).push(e)}d.addEventListener("click",function(e){var a=e.target.closest("[data-track]");if(a)t({event:"click",id:a.getAttribute("data-track")})});' +
    '})(window,document);';
  const head = `<!DOCTYPE html>
<html lang="en" class="no-js"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${cap(words(8))} | Example News</title>
<meta name="description" content="${cap(words(25))}.">
${['og:title', 'og:description', 'twitter:title', 'twitter:description'].map((p) => `<meta property="${p}" content="${cap(words(12))}">`).join('\n')}
<meta property="og:image" content="https://cdn.example.org/images/2024/05/${slug(3)}.jpg"><meta name="robots" content="index, follow, max-image-preview:large">
<link rel="canonical" href="https://news.example.org/2024/05/article-slug.html">
${Array.from({ length: 6 }, (_, i) => `<link rel="preload" as="font" href="/fonts/font-${i}.woff2" crossorigin>`).join('\n')}
<link rel="stylesheet" href="/assets/site.4f9a2c.css"><link rel="icon" href="/favicon.ico">
<style>:root{--brand:#c00;--text:#222}body{font-family:Georgia,serif;margin:0;color:var(--text)}.nav__item{display:inline-block;padding:0 .5rem}.article__body p{line-height:1.6;margin:0 0 1rem}.ad-slot{min-height:250px;background:#f4f4f4}@media(max-width:600px){.nav__item{display:block}}</style>
<script>${script}</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"${words(8)}","datePublished":"2024-05-01T08:00:00Z","author":{"@type":"Person","name":"Jane Doe"},"publisher":{"@type":"Organization","name":"Example News","logo":{"@type":"ImageObject","url":"https://cdn.example.org/logo.png"}},"description":"${words(30)}"}</script>
</head><body class="page page--article" data-section="world">
<a class="skip-link" href="#content">Skip to content</a>
<header class="site-header" role="banner"><div class="site-header__inner container"><a class="site-header__logo" href="/" aria-label="Example News home">${ICON}</a>
<nav class="nav nav--main" aria-label="Main"><ul class="nav__list">\n${nav}\n</ul></nav>
<button class="site-header__menu-toggle" aria-expanded="false" aria-controls="menu">${ICON}<span class="visually-hidden">Menu</span></button></div></header>
<main id="content" class="container"><div class="layout layout--two-col"><article class="article" itemscope itemtype="https://schema.org/NewsArticle">
<header class="article__header"><p class="article__kicker"><a href="/world/">World</a></p><h1 class="article__headline" itemprop="headline">${cap(words(9))}</h1>
<p class="article__standfirst">${cap(words(30))}.</p>
<div class="article__meta"><span class="byline">By <a href="/authors/jane-doe" rel="author" class="byline__link">Jane Doe</a></span> <span class="sep">&middot;</span> <time class="article__date" datetime="2024-05-01T08:00:00Z">1 May 2024</time>
<ul class="share">${['facebook', 'twitter', 'email'].map((s) => `<li class="share__item"><a class="share__link share__link--${s}" href="https://share.example.org/${s}?u=https%3A%2F%2Fnews.example.org%2F2024%2F05%2Farticle-slug.html" rel="nofollow noopener" target="_blank">${ICON}<span class="visually-hidden">Share on ${s}</span></a></li>`).join('')}</ul></div></header>
<div class="article__body" itemprop="articleBody">\n`;
  const related = Array.from({ length: 8 }, () =>
    `<li class="related__item"><a class="related__link" href="/2024/04/${slug(4)}.html"><img class="related__img" src="https://cdn.example.org/thumbs/${slug(2)}.jpg" alt="" loading="lazy" width="120" height="80"><span class="related__title">${cap(words(7))}</span></a></li>`).join('\n');
  const foot = `</div></article>
<aside class="sidebar" aria-label="Related"><section class="most-read"><h2 class="most-read__title">Most read</h2><ol class="most-read__list">${Array.from({ length: 10 }, (_, i) =>
    `<li class="most-read__item"><div class="card card--compact"><span class="card__rank">${i + 1}</span><div class="card__body"><a class="card__link" href="/2024/05/${slug(4)}.html"><span class="card__headline">${cap(words(8))}</span></a><span class="card__meta"><time datetime="2024-05-0${1 + (i % 9)}">${1 + (i % 9)} May</time></span></div></div></li>`).join('\n')}</ol></section><div class="ad-slot" data-ad-unit="/1234/news/article/sidebar" data-sizes="[[300,250],[300,600]]"></div><h2 class="sidebar__title">Related</h2><ul class="related">\n${related}\n</ul></aside></div></main>
<footer class="site-footer"><div class="container"><ul class="footer__links">${['About', 'Contact', 'Careers', 'Advertise', 'Terms', 'Privacy', 'Cookies', 'Accessibility'].map((l) => `<li><a href="/${l.toLowerCase()}" rel="${l === 'Privacy' ? 'nofollow' : ''}">${l}</a></li>`).join('')}</ul>
<p class="footer__copy">&copy; 2024 Example News Ltd &mdash; ${words(12)}.</p></div></footer>
<script src="/assets/app.4f9a2c.js" defer></script><script async src="https://analytics.example.net/tag.js?id=XN-123"></script></body></html>\n`;
  const paras = [];
  let size = head.length + foot.length;
  let links = 0;
  while (size < targetBytes) {
    let p = `<p class="article__para">${cap(words(15 + Math.floor(rand() * 25)))} <em>${words(3)}</em>`;
    if (links < 20 && rand() < 0.7) {
      p += ` <a href="${links % 3 === 0 ? 'https://other.example.com/ref/' : '/2024/04/'}${slug(3)}.html"${links % 5 === 4 ? ' rel="nofollow"' : ''}>${words(3)}</a>`;
      links++;
    }
    p += ` ${words(8)} &ldquo;${words(5)}&rdquo; <strong>${words(2)}</strong> ${words(6)}.</p>\n`;
    if (paras.length % 5 === 4) {
      p = `<div class="ad-slot ad-slot--inline" data-ad-unit="/1234/news/article/inline-${paras.length}" data-sizes="[[300,250],[728,90]]" aria-hidden="true"></div>
<figure class="article__figure"><picture><source srcset="https://cdn.example.org/images/${slug(2)}.webp 1x, https://cdn.example.org/images/${slug(2)}@2x.webp 2x" type="image/webp"><img class="article__img" src="https://cdn.example.org/images/${slug(2)}.jpg" alt="${words(6)}" width="800" height="450" loading="lazy"></picture><figcaption class="article__caption">${cap(words(10))}. <span class="credit">Photo: ${cap(words(2))}</span></figcaption></figure>
<h2 class="article__subhead">${cap(words(5))}</h2>\n${p}`;
    }
    paras.push(p);
    size += p.length;
  }
  return head + paras.join('') + foot;
}

// --- the alternatives, feeding the same collector ----------------------------------------------
function viaParser(html, url, maxLinks) {
  const c = createPageCollector(url, maxLinks);
  new Parser({
    onopentag: (name, attribs) => c.onopentag(name, attribs),
    ontext: (t) => c.ontext(t),
    onclosetag: (name) => c.onclosetag(name),
  }, { decodeEntities: true }).end(html);
  return c.finish();
}

/** Iterative (not recursive) walk, so 20,000-deep documents cannot overflow the stack. */
function walkDom(root, sink) {
  const nodes = [...root.children].reverse();
  const isClose = new Array(nodes.length).fill(false);
  while (nodes.length > 0) {
    const node = nodes.pop();
    if (isClose.pop()) { sink.onclosetag(node.name); continue; }
    if (node.type === 'text') sink.ontext(node.data);
    else if (node.type === 'tag' || node.type === 'script' || node.type === 'style') {
      sink.onopentag(node.name, node.attribs);
      nodes.push(node); isClose.push(true);
      for (let i = node.children.length - 1; i >= 0; i--) { nodes.push(node.children[i]); isClose.push(false); }
    }
  }
}

function viaDom(html, url, maxLinks) {
  const c = createPageCollector(url, maxLinks);
  walkDom(parseDocument(html), c);
  return c.finish();
}

function viaCheerio(html, url, maxLinks) {
  const c = createPageCollector(url, maxLinks);
  walkDom(cheerio.load(html).root()[0], c);
  return c.finish();
}

// --- timing -----------------------------------------------------------------------------------
// The machine may be busy (other processes, two cores), so the contenders of a group run
// interleaved: each round times a short batch of every one, and the median round is reported.
function timeGroup(entries) {
  for (const [, fn] of entries) for (let i = 0; i < 20; i++) fn(); // warm up the JIT
  const rounds = entries.map(() => []);
  const end = performance.now() + budgetMs * entries.length;
  while (performance.now() < end || rounds[0].length < 15) {
    entries.forEach(([, fn], k) => {
      const t = performance.now();
      for (let i = 0; i < 5; i++) fn();
      rounds[k].push((performance.now() - t) / 5);
    });
  }
  return entries.map(([label, , extra], k) => {
    const r = rounds[k].sort((a, b) => a - b);
    return { label, extra: extra ?? '', median: r[r.length >> 1], p90: r[Math.floor(r.length * 0.9)], n: r.length * 5 };
  });
}
const fmt = (ms) => ms.toFixed(3).padStart(8);
const print = (rows) => rows.forEach((t) =>
  console.log(`${t.label.padEnd(44)}${fmt(t.median)}${fmt(t.p90)}${String(t.n).padStart(7)}  ${t.extra}`));

const url = 'https://news.example.org/2024/05/article-slug.html';
const html = generatePage();
if (process.env.DUMP_PAGE) (await import("node:fs")).writeFileSync(process.env.DUMP_PAGE, html);
const bytes = new TextEncoder().encode(html);
const page = extractPage(html, url, 2000);
const textBytes = Buffer.byteLength(page.text);
console.log(`page: ${bytes.length} bytes of HTML, ${textBytes} bytes of text, ${page.linksFound} links; node ${process.version}`);

const reference = JSON.stringify(page);
const same = (r) => (JSON.stringify(r) === reference ? 'same output' : 'OUTPUT DIFFERS');
console.log(`\n${'ms/page (median of interleaved rounds)'.padEnd(44)}  median     p90      n`);
print(timeGroup([
  ['extract: Tokenizer + tree builder (chosen)', () => extractPage(html, url, 2000), 'reference'],
  ['extract: htmlparser2 Parser callbacks', () => viaParser(html, url, 2000), same(viaParser(html, url, 2000))],
  ['extract: parseDocument + DOM walk', () => viaDom(html, url, 2000), same(viaDom(html, url, 2000))],
  ['extract: cheerio.load (parse5) + DOM walk', () => viaCheerio(html, url, 2000), same(viaCheerio(html, url, 2000))],
  ['  parseDocument alone (no extraction)', () => parseDocument(html)],
]));
const task = () => ({ url, contentType: 'text/html', body: bytes, isHtml: true, maxLinks: 2000 });
print(timeGroup([
  ['decodeHtml (meta charset prescan, UTF-8)', () => decodeHtml(bytes, 'text/html')],
  ['decodeHtml (header charset)', () => decodeHtml(bytes, 'text/html; charset=utf-8')],
  ['sha256 of the HTML', () => createHash('sha256').update(bytes).digest('hex')],
  ['parsePage (decode+extract+pack+words+sha256)', () => parsePage(task())],
]));

console.log(`\n${'packContent'.padEnd(44)}  median     p90      n   html-alone text-alone  joint  (% of raw HTML)`);
const pct = (n) => `${((100 * n) / bytes.length).toFixed(1)}%`.padStart(7);
print(timeGroup([['br', 1], ['br', 4], ['br', 6], ['gzip', 1], ['gzip', 6]].map(([codec, level]) => {
  const opts = { codec, level };
  const htmlAlone = packContent(bytes, '', opts).data.length;
  const textAlone = packContent(new Uint8Array(0), page.text, opts).data.length;
  const joint = packContent(bytes, page.text, opts).data.length;
  return [`${codec} ${level} (html+text, one frame)`, () => packContent(bytes, page.text, opts),
    `${pct(htmlAlone)}     ${pct(textAlone)}  ${pct(joint)}  (apart: ${pct(htmlAlone + textAlone).trim()})`];
})));

// Hostile input. htmlparser2's Parser (under parseDocument too) keeps its open-element stack with
// unshift and indexOf, so deep nesting is quadratic there; the chosen path stays linear.
console.log('\nhostile input (one run each, ms)              chosen   Parser  parseDocument');
const once = (fn) => { const t = performance.now(); fn(); return performance.now() - t; };
for (const [label, input, isSlowForParser] of [
  ['20,000 nested <div>', '<div>'.repeat(20_000) + 'x', false],
  ['100,000 nested <div>', '<div>'.repeat(100_000) + 'x', true],
  ['20,000 nested <div> + 1 MB unmatched </q>', '<div>'.repeat(20_000) + '</q>'.repeat(250_000), true],
  ['1 MB attribute', `<a href="/x" title="${'z'.repeat(1 << 20)}">y</a>`, false],
]) {
  const chosen = once(() => extractPage(input, url, 2000));
  // The quadratic cases take seconds on the Parser paths: pass --all to wait for them.
  const others = !isSlowForParser || args.includes('--all')
    ? [once(() => viaParser(input, url, 2000)), once(() => viaDom(input, url, 2000))].map(fmt).join(' ')
    : '   (skipped; --all runs them)';
  console.log(`  ${label.padEnd(42)}${fmt(chosen)} ${others}`);
}
