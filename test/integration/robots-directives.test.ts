/**
 * X-Robots-Tag and meta robots through a real crawl: which lines and names are ours to obey.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page, type Route } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

async function site(t: TestContext, routes: Record<string, Route>) {
  const s = await startSite(routes);
  t.after(() => s.close());
  return s;
}

/** A page sent with one X-Robots-Tag field line per entry of `lines`. */
function withTags(lines: string[], body: string): Route {
  return (_req, res: ServerResponse) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('x-robots-tag', lines);
    res.end(body);
  };
}

interface PageRow {
  robots: string | null;
  content_hash: string | null;
  headers: string;
}

test('several X-Robots-Tag lines: a googlebot line neither hides nor takes a general noindex, in either order', async (t) => {
  const s = await site(t, {
    '/': page('home', ['/bot-first', '/bot-last']),
    '/bot-first': withTags(['googlebot: nofollow', 'noindex'], page('bot first', ['/from-bot-first'])),
    '/bot-last': withTags(['noindex', 'googlebot: nofollow'], page('bot last', ['/from-bot-last'])),
    '/from-bot-first': page('followed'),
    '/from-bot-last': page('followed'),
  });
  const config = testConfig(t, [s.url('/')]);
  await runCrawl(config);
  for (const path of ['/bot-first', '/bot-last']) {
    const [row] = rows<PageRow>(config.dbPath, 'SELECT robots, content_hash, headers FROM pages WHERE url = ?', s.url(path));
    assert.equal(row?.robots, 'noindex', `${path}: the general noindex applies`);
    assert.equal(row?.content_hash, null, `${path}: its content is not stored`);
  }
  assert.equal(s.hits.get('/from-bot-first'), 1, 'the googlebot nofollow is not ours');
  assert.equal(s.hits.get('/from-bot-last'), 1);
  const [first] = rows<PageRow>(config.dbPath, 'SELECT headers FROM pages WHERE url = ?', s.url('/bot-first'));
  assert.equal((JSON.parse(first!.headers) as Record<string, string>)['x-robots-tag'], 'googlebot: nofollow\nnoindex', 'stored one line each');
});

test('a custom --user-agent: its product token is the name X-Robots-Tag and <meta name> address, as for robots.txt', async (t) => {
  // The browser-like "compatible;" form: the name is AcmeBot's, not the leading Mozilla's.
  const robotsTxt = 'User-agent: mozilla\nDisallow: /\n\nUser-agent: acmebot\nDisallow: /acme-only\n\nUser-agent: *\nDisallow: /\n';
  const s = await site(t, {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: robotsTxt },
    '/': page('home', ['/meta-noindex', '/x-nofollow', '/google-only', '/crawlite-named', '/acme-only']),
    '/meta-noindex': page('meta noindex', ['/from-meta-noindex'], '<meta name="AcmeBot" content="noindex">'),
    '/x-nofollow': withTags(['acmebot: nofollow'], page('x nofollow', ['/from-x-nofollow'])),
    '/google-only': withTags(['googlebot: noindex, nofollow'], page('google only', ['/from-google-only'], '<meta name="googlebot" content="noindex, nofollow">')),
    // Another crawler's name now, since the User-Agent is not crawlite's.
    '/crawlite-named': withTags(['crawlite: nofollow'], page('crawlite named', ['/from-crawlite-named'], '<meta name="crawlite" content="noindex">')),
    '/from-meta-noindex': page('followed'),
    '/from-x-nofollow': page('never'),
    '/from-google-only': page('followed'),
    '/from-crawlite-named': page('followed'),
  });
  const config = testConfig(t, [s.url('/')], { fetch: { userAgent: 'Mozilla/5.0 (compatible; AcmeBot/1.0; +https://acme.example/bot)' } });
  await runCrawl(config);

  assert.equal(s.hits.get('/acme-only'), undefined, 'robots.txt: the acmebot group, not *');
  assert.equal(s.hits.get('/meta-noindex'), 1, 'nor mozilla');
  const pageAt = (path: string) => rows<PageRow>(config.dbPath, 'SELECT robots, content_hash, headers FROM pages WHERE url = ?', s.url(path))[0];
  assert.equal(pageAt('/meta-noindex')?.robots, 'noindex');
  assert.equal(pageAt('/meta-noindex')?.content_hash, null, 'noindex: content not stored');
  assert.equal(s.hits.get('/from-meta-noindex'), 1);
  assert.equal(pageAt('/x-nofollow')?.robots, 'nofollow');
  assert.equal(s.hits.get('/from-x-nofollow'), undefined, 'acmebot: nofollow obeyed');
  assert.equal(pageAt('/google-only')?.robots, null, 'a googlebot-only directive does not apply');
  assert.notEqual(pageAt('/google-only')?.content_hash, null);
  assert.equal(s.hits.get('/from-google-only'), 1);
  assert.equal(pageAt('/crawlite-named')?.robots, null);
  assert.equal(s.hits.get('/from-crawlite-named'), 1);
});

test('the default User-Agent answers to crawlite, in X-Robots-Tag and <meta name>', async (t) => {
  const s = await site(t, {
    '/': page('home', ['/meta-noindex', '/x-nofollow']),
    '/meta-noindex': page('meta noindex', [], '<meta name="crawlite" content="noindex">'),
    '/x-nofollow': withTags(['crawlite: nofollow'], page('x nofollow', ['/from-x-nofollow'])),
    '/from-x-nofollow': page('never'),
  });
  const config = testConfig(t, [s.url('/')]);
  await runCrawl(config);
  const robotsAt = (path: string) => rows<PageRow>(config.dbPath, 'SELECT robots FROM pages WHERE url = ?', s.url(path))[0]?.robots;
  assert.equal(robotsAt('/meta-noindex'), 'noindex');
  assert.equal(robotsAt('/x-nofollow'), 'nofollow');
  assert.equal(s.hits.get('/from-x-nofollow'), undefined);
});
