// node-crawler (npm `crawler` 2.x) over the bench site, doing what a default crawlite crawl does:
// fetch every page, parse it (cheerio, injected by node-crawler as res.$), extract title,
// visible text and links, follow same-host links once each, 32 requests in flight, and store
// {url, title, text} per page (one JSON line appended to a file).
//
//   node node-crawler.mjs <start-url> <out.jsonl>
import { createWriteStream } from 'node:fs';
import Crawler from 'crawler';

const [startUrl, outPath] = process.argv.slice(2);
if (!startUrl || !outPath) {
  console.error('usage: node node-crawler.mjs <start-url> <out.jsonl>');
  process.exit(2);
}
const host = new URL(startUrl).host;
const out = createWriteStream(outPath);
const seen = new Set();
let failures = 0;

// Text never shown, as crawlite leaves it out of a page's text.
const HIDDEN = 'script, style, noscript, template, svg, iframe, object, noembed, noframes';
const collapse = (s) => s.replace(/\s+/g, ' ').trim();

function enqueue(href, base) {
  let url;
  try {
    url = new URL(href, base);
  } catch {
    return;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.host !== host) return;
  url.hash = '';
  const key = url.href;
  if (seen.has(key)) return;
  seen.add(key);
  crawler.add(key);
}

const crawler = new Crawler({
  maxConnections: 32,
  rateLimit: 0,
  // Our own Set dedups (skipDuplicates uses seenreq, an extra layer doing the same).
  skipDuplicates: false,
  retries: 2,
  timeout: 30_000,
  silence: true,
  callback: (error, res, done) => {
    try {
      if (error) {
        failures++;
        return;
      }
      const $ = res.$;
      if (typeof $ !== 'function') return; // not HTML
      const base = res.url ?? res.options.url;
      const title = collapse($('title').first().text());
      $('a[href]').each((_, a) => enqueue($(a).attr('href'), base));
      $(HIDDEN).remove();
      const text = collapse($('body').text());
      out.write(JSON.stringify({ url: base, title, text }) + '\n');
    } finally {
      done();
    }
  },
});

crawler.on('drain', () => {
  out.end(() => {
    if (failures > 0) console.error(`node-crawler: ${failures} failed requests`);
    process.exit(0);
  });
});

seen.add(new URL(startUrl).href);
crawler.add(new URL(startUrl).href);
