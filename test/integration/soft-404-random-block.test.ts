/**
 * Catch-all and soft-404 sites whose copies carry a block made up per request (a "you might like"
 * list of random posts, a rotating quote, a breadcrumb of the path's words) end after their first
 * level, as the copies of soft-404.test.ts do; a real site whose nested pages share their title,
 * template, nav and such a block, each with an article of its own, is crawled whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runCrawl } from '../../src/crawl.js';
import { startSite, type Route, type TestSite } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

const POSTS = [
  'quiet harbor lights', 'copper kettle notes', 'winter garden plans', 'a walk by the river', 'saffron rice at home',
  'the lantern festival', 'marble stairs restored', 'glacier trip diary', 'falcon watching tips', 'velvet curtain sewing',
  'thistle tea recipe', 'orbit of small moons', 'meadow flowers guide', 'pepper growing season', 'willow basket weaving',
  'ember glow photography',
];

/** `n` of POSTS, drawn anew on every call, as links to where the posts would be. */
function youMightLike(n: number): string {
  const left = [...POSTS];
  const items: string[] = [];
  while (items.length < n) {
    const [post] = left.splice(randomInt(left.length), 1) as [string];
    items.push(`<li><a href="/posts/${post.replaceAll(' ', '-')}/">${post}</a></li>`);
  }
  return `<aside><h2>You might like</h2><ul>${items.join('')}</ul></aside>`;
}

const header = `<header><a href="/">Home</a> <a href="about/">About us</a> <a href="blog/">Blog</a>
  <a href="docs/">Documentation</a> <a href="shop/">Shop</a></header>`;
const footer = () => `<footer><p>Quiet Harbor Press publishes essays on craft, travel and the garden. Write to us with
  questions about an order or a submission; we answer within a week.</p><p>Request ${randomBytes(9).toString('base64url')}</p></footer>`;

/** A site answering every path with 200 and the HTML `render` makes of the path as requested. */
async function catchAll(render: (path: string) => string): Promise<TestSite> {
  const route: Route = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(render(req.url ?? '/'));
  };
  return startSite(new Proxy({} as Record<string, Route>, { get: () => route }));
}

/**
 * Crawls `site` from / and checks it ended after the first level: every page stored is / or
 * linked from it, and every URL not fetched was skipped as a copy's link.
 */
async function assertEndsAfterFirstLevel(t: Parameters<typeof testConfig>[0], site: TestSite, rootLinkCount: number) {
  const config = testConfig(t, [site.url('/')], { maxPages: 300 });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  const pages = rows<{ url: string; depth: number; content_hash: string }>(config.dbPath, 'SELECT url, depth, content_hash FROM pages');
  const rootLinks = rows<{ url: string }>(config.dbPath, 'SELECT DISTINCT to_url AS url FROM link_edges WHERE from_url = ?', site.url('/'));
  assert.equal(rootLinks.length, rootLinkCount, JSON.stringify(rootLinks));
  assert.deepEqual(pages.map((p) => p.url).sort(), rootLinks.map((l) => l.url).sort());
  assert.ok(pages.every((p) => p.depth <= 1), JSON.stringify(pages.filter((p) => p.depth > 1).slice(0, 3)));
  assert.equal(new Set(pages.map((p) => p.content_hash)).size, pages.length, 'no two copies byte-identical');
  const urls = rows<{ url: string; state: string; error_code: string | null }>(config.dbPath, 'SELECT url, state, error_code FROM urls');
  const skipped = urls.filter((u) => u.state !== 'done');
  // Each first-level copy's 4 relative links, resolved under it (and the posts it links, when
  // the root did not).
  assert.ok(skipped.length >= (rootLinkCount - 1) * 4, `each first-level copy's relative links skipped (${skipped.length})`);
  assert.ok(skipped.every((u) => u.state === 'skipped' && u.error_code === 'CRAWL_TRAP_DUPLICATE_CONTENT'), JSON.stringify(skipped.slice(0, 3)));
  assert.deepEqual(summary.trapSkips, { CRAWL_TRAP_DUPLICATE_CONTENT: skipped.length });
  assert.equal(site.hits.get('/about/about/'), undefined, 'nothing two levels down requested');
  const requested = [...site.hits.keys()].filter((path) => path !== '/robots.txt');
  assert.deepEqual(requested.map((path) => site.url(path)).sort(), pages.map((p) => p.url).sort(), 'only the pages stored were requested');
}

test('a catch-all with a random "you might like" block, the path echoed and a nonce ends after its first level', async (t) => {
  const site = await catchAll((path) => `<!doctype html><html><head><title>Page not found</title></head><body>${header}
    <h1>Sorry, we could not find that page</h1>
    <p>The page you asked for, ${path}, is not here. It may have been moved or deleted, or the address may have been
    typed wrong. Try the links at the top of this page, or search the site for what you were looking for.</p>
    ${youMightLike(4)}${footer()}</body></html>`);
  t.after(() => site.close());
  await assertEndsAfterFirstLevel(t, site, 9); // itself, 4 nav links, 4 posts drawn at random
});

test('a catch-all with a breadcrumb of the path\'s words and a rotating quote ends after its first level', async (t) => {
  const quotes = [
    'The garden suggests there might be a place where we can meet nature halfway.',
    'Not all those who wander are lost, but some of them are looking for the kettle.',
    'A river cuts through rock not because of its power but because of its persistence.',
    'Craft is what we are expected to know; art is the unexpected use of craft.',
  ];
  const site = await catchAll((path) => {
    const crumbs = ['Home', ...path.split('/').filter(Boolean)].join(' › ');
    return `<!doctype html><html><head><title>Quiet Harbor Press</title></head><body>${header}
    <nav class="breadcrumb">${crumbs}</nav>
    <h1>Essays on craft, travel and the garden</h1>
    <p>We publish one long essay a week and a letter every month. Our writers are gardeners, travellers, makers and
    readers; our readers are the same. Browse the sections above, or start with the posts below.</p>
    <p>Read the posts: <a href="/posts/quiet-harbor-lights/">Quiet harbor lights</a>, <a href="/posts/glacier-trip-diary/">Glacier
    trip diary</a>, <a href="/posts/the-lantern-festival/">The lantern festival</a>, or the whole list in the blog.</p>
    <blockquote>${quotes[randomInt(quotes.length)]}</blockquote>${footer()}</body></html>`;
  });
  t.after(() => site.close());
  await assertEndsAfterFirstLevel(t, site, 8); // itself, 4 nav links, 3 posts
});

/** Words drawn from the path's hash: each page an article of its own, 50 to 80 words long. */
function article(path: string): string {
  const words = [
    'river', 'lantern', 'copper', 'meadow', 'orbit', 'velvet', 'harbor', 'thistle', 'quartz', 'ember', 'willow',
    'saffron', 'glacier', 'pepper', 'falcon', 'marble', 'the', 'a', 'of', 'and', 'in', 'by', 'under', 'over',
  ];
  const hash = createHash('sha512').update(path).digest();
  return Array.from(hash.subarray(0, 50 + (hash[63]! % 31)), (b) => words[b % words.length]).join(' ');
}

test('a real site whose nested pages share a title, template, nav and a random "you might like" block, each with its own article, is crawled whole', async (t) => {
  const children = ['install/', 'usage/', 'faq/'];
  const paths: string[] = [];
  const add = (path: string, depth: number) => {
    paths.push(path);
    if (depth < 3) for (const c of children) add(path + c, depth + 1);
  };
  add('/', 0);
  const render = (path: string) => `<!doctype html><html><head><title>Handbook</title></head><body>${header}
    <nav>${paths.includes(path + children[0]) ? children.map((c) => `<a href="${c}">${c.replace('/', '')}</a>`).join(' ') : ''}</nav>
    <h1>Quiet Harbor handbook</h1><article><p>${article(path)}</p></article>${youMightLike(4)}${footer()}</body></html>`;
  const routes: Record<string, Route> = {};
  for (const path of paths) routes[path] = (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(render(path));
  // The header's links are real pages too, and the posts; pages of the same template and block.
  for (const path of ['/about/', '/blog/', '/docs/', '/shop/', ...POSTS.map((p) => `/posts/${p.replaceAll(' ', '-')}/`)]) {
    routes[path] = (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(render(path));
  }
  assert.equal(paths.length, 40);
  const site = await startSite(routes);
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { maxPages: 500 });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  const stored = rows<{ url: string }>(config.dbPath, 'SELECT url FROM pages').map((p) => p.url.slice(site.origin.length));
  for (const path of paths) assert.ok(stored.includes(path), `${path} crawled`);
  assert.equal(summary.trapSkips, undefined, 'nothing skipped as a trap');
});

test('a small real site of one title and short pages, its links root-relative, is crawled whole', async (t) => {
  // Many small sites title every page alike and say little on each: a section page of some twenty
  // words and its three links is near the home page by any count of words, but it is no catch-all's
  // copy. A catch-all's copies are made by relative links that lead into a folder and that the
  // copy carries again (header's about/, blog/ ...); links written from the root make no trap.
  const nav = `<header><a href="/">Home</a> <a href="/projects/">Projects</a> <a href="/notes/">Notes</a>
    <a href="/contact/">Contact</a></header>`;
  const about = `<footer><p>Quiet Harbor Studio is a two-person workshop by the sea. We build boats, looms and kites
    by hand, teach evening classes in the old net loft, and write about the work as it goes. Visitors are welcome on
    Saturdays from spring to autumn; write ahead in winter, when the loft is cold and we are often away at fairs.</p></footer>`;
  const page = (own: string) => `<!doctype html><html><head><title>Quiet Harbor Studio</title></head><body>${nav}
    <main>${own}</main>${about}</body></html>`;
  const sections: Record<string, string> = {
    '/': '<p>Welcome to the studio.</p>',
    '/projects/': `<p>What is on the bench this year, from the smallest kite to the boat.</p>
      <ul><li><a href="/projects/kite/">Kite</a></li><li><a href="/projects/loom/">Loom</a></li><li><a href="/projects/oar/">Oar</a></li></ul>`,
    '/notes/': '<p>Short notes from the workshop, newest first.</p><p><a href="/notes/glue/">On glue</a></p>',
    '/contact/': '<p>Write to us at the address below.</p>',
    '/projects/kite/': '<p>A fighter kite of split bamboo and tissue paper.</p>',
    '/projects/loom/': '<p>A backstrap loom for narrow bands.</p>',
    '/projects/oar/': '<p>A spruce oar, shaped by eye.</p>',
    '/notes/glue/': '<p>Hide glue against epoxy.</p>',
  };
  const routes: Record<string, Route> = {};
  for (const [path, own] of Object.entries(sections)) routes[path] = (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(page(own));
  const site = await startSite(routes);
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { maxPages: 100 });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  const stored = rows<{ url: string }>(config.dbPath, 'SELECT url FROM pages').map((p) => p.url.slice(site.origin.length)).sort();
  assert.deepEqual(stored, Object.keys(sections).sort());
  assert.equal(summary.trapSkips, undefined, 'nothing skipped as a trap');
});
