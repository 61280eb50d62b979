/**
 * Hostile-web QA, round 7: what a page's markup means where browsers and a naive reading differ.
 * Each test starts its own server on 127.0.0.1 and runs the real crawl on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

test('a meta refresh target resolves against a <base href> before the tag; a Refresh header\'s ignores <base>', async (t) => {
  const refreshTo = (target: string) => `<meta http-equiv="refresh" content="0; url=${target}">`;
  const site = await startSite({
    '/': page('home', ['/dir/before', '/dir/after', '/dir/header']),
    '/dir/before': `<head><base href="/base/">${refreshTo('from-before')}</head><p>before`,
    '/dir/after': `<head>${refreshTo('from-after')}<base href="/base/"></head><p>after`,
    '/dir/header': { headers: { 'content-type': 'text/html', refresh: '0; url=from-header' }, body: '<base href="/base/"><p>header' },
    '/base/from-before': page('base from before'),
    '/dir/from-after': page('dir from after'),
    '/dir/from-header': page('dir from header'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  const refresh = rows<{ url: string; refresh_url: string | null }>(config.dbPath, 'SELECT url, refresh_url FROM pages WHERE refresh_url IS NOT NULL ORDER BY url');
  assert.deepEqual(refresh.map((r) => ({ ...r })), [
    { url: site.url('/dir/after'), refresh_url: site.url('/dir/from-after') },
    { url: site.url('/dir/before'), refresh_url: site.url('/base/from-before') },
    { url: site.url('/dir/header'), refresh_url: site.url('/dir/from-header') },
  ]);
  assert.equal(site.hits.get('/base/from-before'), 1);
  assert.equal(site.hits.get('/dir/from-before') ?? 0, 0, 'not against the page URL past its <base>');
  assert.equal(site.hits.get('/dir/from-after'), 1);
  assert.equal(site.hits.get('/dir/from-header'), 1);
});

test('links written inside <iframe> or <noembed> are not followed, as browsers parse them as text; <noscript> and <noframes> links are', async (t) => {
  const site = await startSite({
    '/': '<iframe src="/framed"><a href="/iframe-fallback">x</a></iframe>'
      + '<noembed><a href="/noembed-fallback">x</a></noembed>'
      + '<noframes><a href="/noframes-fallback">x</a></noframes>'
      + '<noscript><a href="/noscript-link">x</a></noscript><a href="/after">after</a>',
    '/framed': page('framed'),
    '/noscript-link': page('noscript link'),
    '/noframes-fallback': page('noframes link'),
    '/after': page('after'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  const stored = rows<{ url: string }>(config.dbPath, 'SELECT url FROM pages ORDER BY url').map((r) => r.url);
  // Round 20 (sites-20.test.ts, the legacy site): <noframes> is read as markup, as <noscript> is.
  assert.deepEqual(stored, ['/', '/after', '/framed', '/noframes-fallback', '/noscript-link'].map((p) => site.url(p)));
  for (const fallback of ['/iframe-fallback', '/noembed-fallback']) {
    assert.equal(site.hits.get(fallback) ?? 0, 0, fallback);
  }
});
