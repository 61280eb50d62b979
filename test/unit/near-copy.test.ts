import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNearCopy, sharesFolderHref, SKETCH_HASHES } from '../../src/near-copy.js';
import { leadsIntoFolder } from '../../src/parse/copy-sketch.js';
import { copyMarks } from '../../src/parse/copy-signature.js';
import type { CopySketch } from '../../src/types.js';

const WORDS = 'river lantern copper meadow orbit velvet harbor thistle quartz ember willow saffron glacier pepper falcon marble the a of and in by under over with from kettle garden winter stair tea moon basket photo season diary trip curtain flower light'.split(' ');
/** `n` words drawn by a linear congruential generator: the same for the same seed. */
function words(seed: number, n: number): string {
  let x = seed * 2654435761 >>> 0;
  return Array.from({ length: n }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return WORDS[(x >>> 16) % WORDS.length];
  }).join(' ');
}

const nav = ['/', 'about/', 'blog/', 'docs/', 'shop/'];
const template = `Sorry, we could not find that page
The page you asked for is not here. It may have been moved or deleted, or the address may have been typed wrong. Try the links at the top of this page, or search the site for what you were looking for.
Quiet Harbor Press publishes essays on craft, travel and the garden. Write to us with questions about an order or a submission; we answer within a week.`;

function sketch(path: string, title: string, text: string, hrefs: string[] = nav): CopySketch {
  const { sketch: s } = copyMarks(`http://127.0.0.1:8080${path}`, title, text, hrefs);
  assert.ok(s !== undefined, 'sketched');
  return s;
}

/** The template with a "you might like" block of these posts (words and a link each). */
const withBlock = (path: string, posts: number[], title = 'Page not found', extra = '') =>
  sketch(path, title, `${template}\nYou might like\n${posts.map((p) => words(p, 3)).join('\n')}${extra}`, [...nav, ...posts.map((p) => `/posts/${p}/`)]);

test('a soft-404 with a per-request block of 4 random posts is a near copy of the page it was found on; its signature is not', () => {
  assert.ok(isNearCopy(withBlock('/about/', [1, 2, 3, 4]), withBlock('/', [5, 6, 7, 8])));
  assert.ok(isNearCopy(withBlock('/about/blog/', [9, 10, 11, 12]), withBlock('/about/', [1, 2, 3, 4])));
  const signature = (path: string, posts: number[]) => copyMarks(`http://127.0.0.1:8080${path}`, 'T', `${template}\n${posts.map((p) => words(p, 3)).join('\n')}`, nav).signature;
  assert.notEqual(signature('/about/', [1, 2, 3, 4]), signature('/', [5, 6, 7, 8]));
});

test('the title and every short number must be equal: Docs v1 and Docs v2, Page 2 and Page 3 stay apart', () => {
  assert.ok(!isNearCopy(withBlock('/a/', [1, 2], 'Docs v1'), withBlock('/', [1, 2], 'Docs v2')));
  assert.ok(!isNearCopy(withBlock('/a/', [1, 2], 'About us'), withBlock('/', [1, 2], 'Contact')));
  assert.ok(!isNearCopy(withBlock('/a/', [1, 2], 'Blog', '\nPage 2'), withBlock('/', [1, 2], 'Blog', '\nPage 3')));
  assert.ok(!isNearCopy(withBlock('/a/', [1, 2], 'Shop', '\nprice 12.50'), withBlock('/', [1, 2], 'Shop', '\nprice 12.95')));
  assert.ok(isNearCopy(withBlock('/a/', [1, 2], 'Blog', '\nPage 2'), withBlock('/', [3, 4], 'Blog', '\nPage 2')), 'the same numbers');
  assert.ok(isNearCopy(withBlock('/a/', [1, 2], 'Blog', `\nRequest 8f3a9c2e11d4`), withBlock('/', [3, 4], 'Blog', '\nRequest 0b1c2d3e44f5')), 'nonces are no numbers');
});

test('a page with an article of its own is no near copy, however alike its template and block', () => {
  const page = (path: string, article: string, posts: number[]) => withBlock(path, posts, 'Handbook', `\n${article}`);
  // 50 words of its own: beyond the 40 elements a block may have.
  assert.ok(!isNearCopy(page('/install/', words(3, 50), [1, 2, 3, 4]), page('/', words(4, 50), [1, 2, 3, 4])));
  // In a short page, 25 words of its own are more than a third of it.
  const short = (path: string, own: string) => sketch(path, 'Handbook', `Quiet Harbor handbook for members and guests\n${own}\nHome About Blog Docs Shop`);
  assert.ok(!isNearCopy(short('/install/', words(5, 25)), short('/', words(6, 25))));
});

test('short pages are never near copies: what little they say is all their own', () => {
  assert.equal(copyMarks('http://127.0.0.1/a/', 'Welcome', 'Welcome to the blog of the harbor press', nav).sketch, undefined);
  assert.equal(copyMarks('http://127.0.0.1/a/', 'Soft 404', `${template}\n${words(1, 8000)}`, nav).sketch, undefined, 'nor long ones');
  assert.equal(copyMarks('http://127.0.0.1/a/', 'Links', template, Array.from({ length: 2001 }, (_, i) => `/p/${i}`)).sketch, undefined, 'nor link farms');
});

test('the limit, as designed: one word changed in a page of one title and over ~40 words and links is a near copy', () => {
  assert.ok(isNearCopy(withBlock('/a/', [1, 2, 3, 4], 'Handbook', '\nWelcome to the blog'), withBlock('/', [1, 2, 3, 4], 'Handbook', '\nWelcome to the shop')));
});

test(`pages of more than ${SKETCH_HASHES} elements are compared on a sample: a 4-post block is seen through, an article is not`, () => {
  const big = (path: string, own: string, posts: number[]) => withBlock(path, posts, 'Essays', `\n${words(100, 200)}\n${words(101, 200)}\n${own}`);
  const root = big('/', '', [5, 6, 7, 8]);
  assert.ok(root.size > 2 * SKETCH_HASHES, String(root.size));
  assert.ok(isNearCopy(big('/about/', '', [1, 2, 3, 4]), root));
  assert.ok(!isNearCopy(big('/about/', words(7, 120), [1, 2, 3, 4]), root));
});

test('a sample errs toward two pages: over 200 draws, a 50-word article in a sampled page is never a near copy, a 4-post block always is', () => {
  const page = (path: string, seed: number, own: string) =>
    withBlock(path, [seed % 16, (seed + 3) % 16, (seed + 7) % 16, (seed + 11) % 16], 'Essays', `\n${words(100, 150)}\n${own}`);
  for (let seed = 1; seed <= 200; seed++) {
    const parent = page('/', seed, words(seed + 1000, 50));
    assert.ok(parent.size > SKETCH_HASHES, String(parent.size));
    assert.ok(!isNearCopy(page('/about/', seed + 1, words(seed + 2000, 50)), parent), `article, draw ${seed}`);
    assert.ok(isNearCopy(page('/about/', seed + 1, words(seed + 1000, 50)), parent), `block, draw ${seed}`);
  }
});

test('a relative href leads into a folder when it names one below the page; from the root, up, a scheme, a query or a fragment does not', () => {
  for (const href of ['about/', 'posts/x', './about/', ' blog/ ', 'a/b.html?x=1']) assert.ok(leadsIntoFolder(href), href);
  for (const href of ['/about/', '//cdn.example/x/', 'http://example.com/a/', 'mailto:a@b.c', '../about/', '.hidden/x', 'page.html',
    '#top/x', '?page=2/3', 'item?next=a/b', '', '   ']) assert.ok(!leadsIntoFolder(href), href);
});

test('a near copy must share a relative folder link with the page above: a small site linked from the root shares none', () => {
  const copy = withBlock('/about/', [1, 2, 3, 4]);
  assert.ok(sharesFolderHref(copy, withBlock('/', [5, 6, 7, 8])), 'the catch-all template carries about/, blog/ ... on every copy');
  const rooted = ['/', '/about/', '/blog/', '/docs/', '/shop/'];
  const a = sketch('/about/', 'Page not found', `${template}\n${words(1, 12)}`, rooted);
  const b = sketch('/', 'Page not found', `${template}\n${words(2, 12)}`, rooted);
  assert.ok(isNearCopy(a, b), 'alike by their words');
  assert.ok(!sharesFolderHref(a, b), 'but nothing of theirs leads into a folder');
  assert.ok(!sharesFolderHref(a, copy), 'a sketch with folder links and one without share none');
});
