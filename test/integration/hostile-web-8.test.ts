/**
 * Hostile-web QA, round 8: svg and math that an HTML element breaks out of, an svg <base>, and
 * refresh values a browser does not act on. Each test starts its own server on 127.0.0.1 and runs
 * the real crawl (the real parse pool) on a fresh SQLite file, then reads the stored text back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { runCrawl } from '../../src/crawl.js';
import { exportPages } from '../../src/export/export.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

/** Each stored page's path and visible text, read back through the export. */
async function storedText(dbPath: string): Promise<Map<string, string>> {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString('utf8');
      done();
    },
  });
  await exportPages({ dbPath, format: 'jsonl', fields: 'final_url', with: 'text' }, sink);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { final_url: string; text: string });
  return new Map(lines.map((l) => [new URL(l.final_url).pathname, l.text]));
}

test('an unclosed or misnested svg does not hide the page after it: a <p> or <div> breaks out, as in browsers', async (t) => {
  const site = await startSite({
    '/': '<title>home</title><svg viewBox="0 0 9 9"><path d="M0 0"/><p>Visible paragraph <a href="/after-svg">next</a></p><div>and more text',
    '/after-svg': '<title>after</title><math><mrow><div>math breaks out</div></mrow></math><svg><foreignObject><p>in foreignObject</p></foreignObject><text>svg label</text></svg><p>end',
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  const text = await storedText(config.dbPath);
  assert.equal(text.get('/'), 'Visible paragraph next\nand more text');
  // foreignObject stays inside its svg, which keeps its text out, as svg's own text is left out.
  assert.equal(text.get('/after-svg'), 'math breaks out\nend');
  assert.equal(site.hits.get('/after-svg'), 1);
});

test('an svg <base href> is not the document\'s base; links resolve against the page or an HTML <base>', async (t) => {
  const site = await startSite({
    '/': page('home', ['/dir/svg-only', '/dir/both']),
    '/dir/svg-only': '<svg><base href="/svg-base/"></base></svg><a href="leaf">leaf</a>',
    '/dir/both': '<svg><base href="/svg-base/"></svg><base href="/html-base/"><a href="leaf">leaf</a>',
    '/dir/leaf': page('dir leaf'),
    '/html-base/leaf': page('html base leaf'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  const stored = rows<{ url: string }>(config.dbPath, 'SELECT url FROM pages ORDER BY url').map((r) => new URL(r.url).pathname);
  assert.deepEqual(stored, ['/', '/dir/both', '/dir/leaf', '/dir/svg-only', '/html-base/leaf']);
  assert.equal(site.hits.get('/svg-base/leaf') ?? 0, 0);
});

test('a refresh with no delay is no refresh: a later meta tag applies, and a bad Refresh header leaves the meta tag its turn', async (t) => {
  const meta = (content: string) => `<meta http-equiv="refresh" content="${content}">`;
  const site = await startSite({
    '/': page('home', ['/metas', '/bad-header', '/junk-delay']),
    '/metas': `<head>${meta('url=/no-delay')}${meta('0; url=/second-meta')}</head><p>metas`,
    '/bad-header': { headers: { 'content-type': 'text/html', refresh: 'url=/from-header' }, body: `${meta('0; url=/from-meta')}<p>bad header` },
    '/junk-delay': `${meta('5x; url=/junk-target')}<p>junk`,
    '/second-meta': page('second meta'),
    '/from-meta': page('from meta'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  const refresh = rows<{ url: string; refresh_url: string | null }>(config.dbPath, 'SELECT url, refresh_url FROM pages WHERE refresh_url IS NOT NULL ORDER BY url');
  assert.deepEqual(refresh.map((r) => [new URL(r.url).pathname, r.refresh_url]), [
    ['/bad-header', site.url('/from-meta')],
    ['/metas', site.url('/second-meta')],
  ]);
  for (const never of ['/no-delay', '/from-header', '/junk-target', '/5x;%20url=/junk-target']) {
    assert.equal(site.hits.get(never) ?? 0, 0, never);
  }
  assert.equal(site.hits.get('/second-meta'), 1);
  assert.equal(site.hits.get('/from-meta'), 1);
});

test('<xmp> and <listing> are blocks whose line breaks are kept, as a browser lays them out', async (t) => {
  const site = await startSite({
    '/': '<title>home</title><p>before<xmp>raw <b>\nsecond line</xmp>after<listing>one\ntwo</listing>end',
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  const text = await storedText(config.dbPath);
  assert.equal(text.get('/'), 'before\nraw <b>\nsecond line\nafter\none\ntwo\nend');
});

test('a Content-Type sent twice is read as browsers read it: the charset of the last type, or an earlier one of the same type', async (t) => {
  // "Привет" in windows-1251; its <meta> names koi8-r, which would read it as other letters.
  const body = Buffer.concat([Buffer.from('<meta charset="koi8-r"><title>'), Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]), Buffer.from('</title>')]);
  const site = await startSite({
    '/': page('home', ['/kept', '/last']),
    '/kept': (_req, res) => {
      res.writeHead(200, ['content-type', 'text/html; charset=windows-1251', 'content-type', 'text/html']).end(body);
    },
    '/last': (_req, res) => {
      res.writeHead(200, ['content-type', 'text/html; charset=utf-8', 'content-type', 'text/html; charset=windows-1251']).end(body);
    },
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  const pages = rows<{ url: string; title: string; encoding: string }>(config.dbPath, 'SELECT url, title, encoding FROM pages WHERE url != ? ORDER BY url', site.url('/'));
  assert.deepEqual(pages.map((p) => [new URL(p.url).pathname, p.title, p.encoding]), [
    ['/kept', 'Привет', 'windows-1251'],
    ['/last', 'Привет', 'windows-1251'],
  ]);
});
