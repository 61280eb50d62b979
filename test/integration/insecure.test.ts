/**
 * --insecure (fetch.insecure): an HTTPS site with a self-signed certificate fails verification by
 * default, as CRAWL_FETCH_TLS naming the reason and the flag; with the flag its pages are stored and
 * one warning line says certificates were not verified.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startSite, page } from '../helpers/site.js';
import { selfSignedPair } from '../helpers/tls.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { crawlite } from '../helpers/cli.js';

async function startTlsSite(t: import('node:test').TestContext) {
  const site = await startSite({ '/': page('home', ['/a']), '/a': page('a'), '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nAllow: /\n' } }, { tls: selfSignedPair() });
  t.after(() => site.close());
  return site;
}

test('a self-signed certificate fails as CRAWL_FETCH_TLS with the reason and a hint at --insecure', async (t) => {
  const site = await startTlsSite(t);
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--retries', '0']);
  assert.equal(run.code, 1, run.stderr);
  const last = run.stderr.trim().split('\n').at(-1)!;
  assert.match(last, /no page could be fetched: every seed failed .*self-signed certificate.*--insecure.* \[CRAWL_NOTHING_FETCHED\]$/);
  const [url] = rows<{ error_code: string; error: string }>(db, 'SELECT error_code, error_message AS error FROM urls WHERE url = ?', site.url('/'));
  assert.equal(url?.error_code, 'CRAWL_FETCH_TLS');
  assert.match(url!.error, /self-signed certificate.*use --insecure/);
  assert.equal(site.total(), 0, 'no request got past the handshake');
  assert.doesNotMatch(run.stderr, /--insecure: TLS certificates are not verified/);
});

test('--insecure crawls it, with one warning line on stderr', async (t) => {
  const site = await startTlsSite(t);
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--insecure']);
  assert.equal(run.code, 0, run.stderr);
  const warnings = run.stderr.split('\n').filter((l) => l.includes('--insecure'));
  assert.deepEqual(warnings, ['crawlite: --insecure: TLS certificates are not verified in this crawl (self-signed, expired and wrong-host certificates are accepted)']);
  const pages = rows<{ url: string; status: number }>(db, 'SELECT url, status FROM pages ORDER BY url');
  assert.deepEqual(pages, [{ url: site.url('/'), status: 200 }, { url: site.url('/a'), status: 200 }]);
  assert.equal(site.hits.get('/robots.txt'), 1, 'robots.txt was fetched over the same TLS settings');
});

test('fetch.insecure: true in a job file does the same', async (t) => {
  const site = await startTlsSite(t);
  const db = tempDbPath(t);
  const job = join(dirname(db), 'job.json');
  writeFileSync(job, JSON.stringify({ seeds: [site.url('/')], db, fetch: { insecure: true } }));
  const run = await crawlite(['crawl', '--config', job, '--no-progress']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /--insecure: TLS certificates are not verified/);
  assert.equal(rows(db, 'SELECT url FROM pages').length, 2);
});
