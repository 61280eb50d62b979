/**
 * A link's query goes out in its page's encoding, as browsers send it: a windows-1252 site's
 * search link `?q=café` is requested as `?q=caf%E9`. Sent as UTF-8 (`caf%C3%A9`) it missed.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSite } from '../helpers/site.js';
import { crawlite } from '../helpers/cli.js';
import { rows } from '../helpers/db.js';

/** Crawls a windows-1252 site whose home page is `home` and whose /search?q=café answers. */
async function crawlLatin1Site(t: TestContext, home: string) {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-qcs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const latin1 = { 'content-type': 'text/html; charset=windows-1252' };
  const site = await startSite({
    '/': { headers: latin1, body: Buffer.from(home, 'latin1') },
    '/search?q=caf%E9': { headers: latin1, body: Buffer.from('<title>r\xe9sultats</title>', 'latin1') },
  });
  t.after(() => site.close());
  const db = join(dir, 'crawl.db');
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(site.hits.get('/search?q=caf%E9'), 1, `requests: ${[...site.hits.keys()].join(', ')}`);
  assert.equal(site.hits.get('/search?q=caf%C3%A9'), undefined);
  return { site, db };
}

test('a windows-1252 page: its search link is requested with the query in windows-1252', async (t) => {
  const { site, db } = await crawlLatin1Site(t, '<title>home</title><a href="/search?q=caf\xe9">search</a>');
  const pages = rows<{ url: string; status: number; title: string }>(db, 'SELECT url, status, title FROM pages ORDER BY url');
  assert.deepEqual(pages.map((p) => [p.url, p.status, p.title]), [
    [site.url('/'), 200, 'home'],
    [site.url('/search?q=caf%E9'), 200, 'résultats'],
  ]);
});

test('a windows-1252 page: its meta refresh target is requested with the query in windows-1252', async (t) => {
  const { site, db } = await crawlLatin1Site(t, '<meta http-equiv="refresh" content="0; url=/search?q=caf\xe9"><title>home</title>');
  const pages = rows<{ url: string; title: string; refresh_url: string | null }>(db, 'SELECT url, title, refresh_url FROM pages ORDER BY url');
  assert.deepEqual(pages.map((p) => [p.url, p.title, p.refresh_url]), [
    [site.url('/'), 'home', site.url('/search?q=caf%E9')],
    [site.url('/search?q=caf%E9'), 'résultats', null],
  ]);
});

test('a PDF names its canonical in a Link header and its language in Content-Language; the HTML\'s own win', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-hdr-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const site = await startSite({
    '/': { headers: { link: '</canon-home>; rel="canonical"', 'content-language': 'de' }, body: '<html lang="fr"><link rel=canonical href="/own"><a href="/doc.pdf">pdf</a><a href="/plain">p</a>' },
    '/doc.pdf': { headers: { 'content-type': 'application/pdf', link: '<https://docs.example/doc>; rel="canonical"', 'content-language': 'en-GB, de' }, body: '%PDF-1.4 ...' },
    '/plain': { headers: { 'content-language': 'nl' }, body: '<title>plain</title>' },
  });
  t.after(() => site.close());
  const db = join(dir, 'crawl.db');
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  const pages = rows<{ url: string; canonical: string | null; language: string | null }>(db, 'SELECT url, canonical, language FROM pages ORDER BY url');
  assert.deepEqual(pages.map((p) => [new URL(p.url).pathname, p.canonical, p.language]), [
    ['/', site.url('/own'), 'fr'],
    ['/doc.pdf', 'https://docs.example/doc', 'en-GB'],
    ['/plain', null, 'nl'],
  ]);
});
