import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  DEFAULT_PAGE_BYTES,
  checkSiteOptions,
  generatePage,
  pageIndexOf,
  pagePath,
  renderPage,
  type SiteOptions,
} from '../../src/bench/site.js';

// Any origin will do: links are resolved against it to tell on-site from off-site.
const ORIGIN = 'http://bench.test';

/** Every <a href> on page `index`, resolved against the page's own URL (as a crawler would). */
function linksOf(index: number, opts: SiteOptions): URL[] {
  const html = generatePage(index, opts);
  const base = new URL(pagePath(index), ORIGIN);
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((match) => new URL(match[1] as string, base));
}

function onSiteIndexes(links: URL[], pages: number): Array<number | undefined> {
  return links.filter((url) => url.origin === ORIGIN).map((url) => pageIndexOf(url.pathname, pages));
}

function assertSizesWithin(opts: Required<Pick<SiteOptions, 'pageBytes'>> & SiteOptions, indexes: number[]): void {
  let smallest = Infinity;
  let largest = 0;
  for (const index of indexes) {
    const bytes = Buffer.byteLength(generatePage(index, opts));
    smallest = Math.min(smallest, bytes);
    largest = Math.max(largest, bytes);
  }
  assert.ok(smallest >= 0.8 * opts.pageBytes, `smallest page ${smallest} < 0.8 x ${opts.pageBytes}`);
  assert.ok(largest <= 1.2 * opts.pageBytes, `largest page ${largest} > 1.2 x ${opts.pageBytes}`);
  // The sizes vary across the band rather than all sitting on the target.
  assert.ok(largest - smallest > 0.1 * opts.pageBytes, `sizes only span ${smallest}..${largest}`);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

test('the same index, options and seed give identical HTML', () => {
  const opts = { pages: 5_000, pageBytes: 20_000 };
  for (const index of [0, 1, 2, 777, 4_999]) {
    assert.equal(generatePage(index, opts), generatePage(index, { ...opts }));
  }
  // A different seed changes the page; the explicit default seed does not.
  assert.notEqual(generatePage(5, { ...opts, seed: 2 }), generatePage(5, opts));
  assert.equal(generatePage(5, { ...opts, seed: 1 }), generatePage(5, opts));
  // Switching seeds back and forth rebuilds the corpus; the output must not depend on history.
  assert.equal(generatePage(5, { ...opts, seed: 2 }), generatePage(5, { ...opts, seed: 2 }));
});

test('renderPage is the UTF-8 encoding of generatePage', () => {
  const opts = { pages: 100 };
  const html = generatePage(42, opts);
  assert.deepEqual(renderPage(42, opts), Buffer.from(html, 'utf8'));
  // The vocabulary has accented words, so the page is real UTF-8, not ASCII.
  assert.ok(Buffer.byteLength(html) > html.length);
});

test('pages stay within 0.8x..1.2x of the default 50,000 bytes', () => {
  assert.equal(DEFAULT_PAGE_BYTES, 50_000);
  assertSizesWithin({ pages: 5_000, pageBytes: DEFAULT_PAGE_BYTES }, [...range(0, 300), ...range(4_800, 5_000)]);
});

test('pages stay within 0.8x..1.2x of pageBytes 5,000', () => {
  assertSizesWithin({ pages: 5_000, pageBytes: 5_000 }, [...range(0, 1_000), ...range(4_000, 5_000)]);
});

test('pages stay within 0.8x..1.2x of pageBytes 500,000', () => {
  assertSizesWithin({ pages: 1_000, pageBytes: 500_000 }, range(0, 25));
});

test('every page of 1,000 is reachable from / and no link leaves the page range', () => {
  const opts = { pages: 1_000 };
  const seen = new Set([0]);
  const queue = [0];
  let onSiteLinks = 0;
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const index of onSiteIndexes(linksOf(next, opts), opts.pages)) {
      onSiteLinks++;
      // undefined would be a link to a path the server answers with 404.
      assert.notEqual(index, undefined, `page ${next} links to a page that does not exist`);
      if (index !== undefined && !seen.has(index)) {
        seen.add(index);
        queue.push(index);
      }
    }
  }
  assert.equal(seen.size, 1_000);
  assert.ok(onSiteLinks > 1_000 * 40, `only ${onSiteLinks} on-site links in 1,000 pages`);
});

test('a page has ~30 navigation links, ~20 in-body links and a few off-site links on .invalid', () => {
  const opts = { pages: 5_000 };
  for (const index of [0, 1, 100, 2_500, 4_999]) {
    const html = generatePage(index, opts);
    const links = linksOf(index, opts);
    const offsite = links.filter((url) => url.origin !== ORIGIN);
    assert.ok(offsite.length >= 3, `page ${index} has ${offsite.length} off-site links`);
    for (const url of offsite) {
      assert.equal(url.protocol, 'https:');
      assert.match(url.hostname, /^offsite-\d+\.invalid$/);
    }
    const body = html.slice(html.indexOf('<article>'), html.indexOf('</article>'));
    const bodyLinks = body.match(/<a\b/g)?.length ?? 0;
    assert.ok(bodyLinks >= 12 && bodyLinks <= 30, `page ${index} has ${bodyLinks} links in its article`);
    const navigation = links.length - bodyLinks - offsite.length + 2; // the 2 off-site ones in the body
    assert.ok(navigation >= 20 && navigation <= 34, `page ${index} has ${navigation} navigation links`);
  }
});

test('page i links to 2i+1, 2i+2 and i+1 while they exist', () => {
  const pages = 300;
  for (const index of [0, 1, 17, 148, 149, 150, 298, 299]) {
    const targets = new Set(onSiteIndexes(linksOf(index, { pages }), pages));
    for (const expected of [2 * index + 1, 2 * index + 2, index + 1]) {
      assert.equal(targets.has(expected), expected < pages, `page ${index} and link to ${expected}`);
    }
  }
});

test('a one-page site links only to itself and off-site', () => {
  const links = linksOf(0, { pages: 1 });
  assert.ok(links.length > 0);
  for (const url of links) {
    if (url.origin === ORIGIN) assert.equal(url.pathname, '/');
    else assert.ok(url.hostname.endsWith('.invalid'));
  }
});

test('a page is a complete article document', () => {
  const html = generatePage(7, { pages: 100 });
  assert.ok(html.startsWith('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">'));
  assert.match(html, /<title>Article 7: [A-Z][^<]+<\/title>/);
  assert.match(html, /<meta name="description" content="[^"]{40,}">/);
  assert.ok(html.includes('<link rel="canonical" href="/articles/7.html">'));
  assert.ok(html.includes('<link rel="stylesheet" href="/static/site.css">'));
  const jsonLd = /<script type="application\/ld\+json">(.*?)<\/script>/.exec(html)?.[1];
  assert.equal(JSON.parse(jsonLd ?? 'null')['@type'], 'NewsArticle');
  for (const tag of ['<header', '<nav', '<main>', '<article>', '<h1>', '<h2', '<footer>']) assert.ok(html.includes(tag), tag);
  assert.ok(html.endsWith('</body>\n</html>\n'));
  // Tags that open also close (a crude balance check over the tags the generator writes).
  for (const tag of ['p', 'a', 'h2', 'ul', 'li', 'nav', 'article', 'aside']) {
    const opened = html.match(new RegExp(`<${tag}[\\s>]`, 'g'))?.length ?? 0;
    assert.equal(html.match(new RegExp(`</${tag}>`, 'g'))?.length ?? 0, opened, `<${tag}>`);
  }
});

test('text compresses like prose, and a page never repeats a paragraph', () => {
  const page = renderPage(3, { pages: 10 });
  const ratio = page.length / gzipSync(page).length;
  // Real article HTML gzips 2.5x to 5x; a tiny vocabulary or repeated text would give 10x or more.
  assert.ok(ratio > 2 && ratio < 5, `gzip ratio ${ratio.toFixed(2)}`);
  const big = generatePage(3, { pages: 10, pageBytes: 1_000_000 });
  const paragraphs = [...big.matchAll(/<p>([^<]{200,})/g)].map((match) => match[1]);
  assert.ok(paragraphs.length > 500);
  assert.equal(new Set(paragraphs).size, paragraphs.length);
});

test('pagePath and pageIndexOf are inverses and reject what the site does not have', () => {
  assert.equal(pagePath(0), '/');
  assert.equal(pagePath(12), '/articles/12.html');
  for (const index of [0, 1, 9, 10, 999]) assert.equal(pageIndexOf(pagePath(index), 1_000), index);
  for (const path of ['/articles/1000.html', '/articles/01.html', '/articles/0.html', '/articles/x.html', '/index.html', '', '/articles/5.html/']) {
    assert.equal(pageIndexOf(path, 1_000), undefined, path);
  }
});

test('bad options and indexes throw a RangeError that names the value', () => {
  assert.throws(() => checkSiteOptions({ pages: 0 }), { name: 'RangeError', message: /pages .* got 0/ });
  assert.throws(() => checkSiteOptions({ pages: 1.5 }), /got 1\.5/);
  assert.throws(() => checkSiteOptions({ pages: 10, pageBytes: 100 }), /pageBytes .* got 100/);
  assert.throws(() => checkSiteOptions({ pages: 10, seed: -1 }), /seed .* got -1/);
  assert.throws(() => generatePage(10, { pages: 10 }), { name: 'RangeError', message: /got 10/ });
  assert.deepEqual(checkSiteOptions({ pages: 3 }), { pages: 3, pageBytes: 50_000, seed: 1 });
});
