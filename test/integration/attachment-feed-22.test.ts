/**
 * A feed served as a download (Content-Disposition: attachment) is a download as any other type
 * is (content-disposition.ts, docs/hostile-web.md Downloads): its items are not followed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { rawResponse, startRawSite } from '../helpers/raw-site.js';

test('an RSS feed served with Content-Disposition: attachment (a user\'s upload, a saved export) gives no links; the same feed inline does', async (t) => {
  const rss = (name: string): Buffer => Buffer.from(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>/</link><item><title>i</title><link>/from-${name}</link></item></channel></rss>`);
  const site = await startRawSite(t, (path) => {
    if (path === '/') return rawResponse(['Content-Type: text/html'], Buffer.from('<title>home</title><a href="/upload.xml">a</a> <a href="/feed.xml">b</a>'));
    if (path === '/upload.xml') return rawResponse(['Content-Type: application/rss+xml', 'Content-Disposition: attachment; filename="upload.xml"'], rss('upload'));
    if (path === '/feed.xml') return rawResponse(['Content-Type: application/rss+xml'], rss('feed'));
    if (path.startsWith('/from-')) return rawResponse(['Content-Type: text/html'], Buffer.from(`<title>${path}</title>`));
    return null;
  });
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${site.origin}/`, '--db', db, '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const urls = new Map(rows<{ url: string; state: string }>(db, 'SELECT url, state FROM urls').map((u) => [u.url.slice(site.origin.length), u.state]));
  assert.equal(urls.get('/upload.xml'), 'done');
  assert.equal(urls.get('/from-feed'), 'done', 'a feed shown inline gives its items');
  assert.equal(urls.has('/from-upload'), false, [...urls.keys()].join(' '));
  const linksFound = rows<{ links_found: number }>(db, `SELECT links_found FROM pages WHERE url = '${site.origin}/upload.xml'`)[0]?.links_found;
  assert.equal(linksFound, 0);
});
