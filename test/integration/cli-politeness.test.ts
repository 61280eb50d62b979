/**
 * The politeness flags from the command line: --ignore-robots is announced on stderr, bad values
 * are one-line usage errors, and stats groups robots refusals by code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { crawlite } from '../helpers/cli.js';

test('robots.txt is obeyed by default, --ignore-robots is announced, stats counts refusals by code', async (t) => {
  const site = await startSite({
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /\n' },
    '/': page('home', ['/a']),
    '/a': page('a'),
  });
  t.after(() => site.close());

  const politeDb = tempDbPath(t);
  const polite = await crawlite(['crawl', site.url('/'), '--db', politeDb, '--no-progress', '--workers', '0']);
  assert.equal(polite.code, 0, polite.stderr);
  assert.doesNotMatch(polite.stderr, /ignore-robots/);
  assert.equal(site.hits.get('/'), undefined);
  const stats = await crawlite(['stats', '--db', politeDb, '--json']);
  assert.match(stats.stdout, /CRAWL_ROBOTS_DISALLOWED/);

  const rudeDb = tempDbPath(t);
  const rude = await crawlite(['crawl', site.url('/'), '--db', rudeDb, '--no-progress', '--workers', '0', '--ignore-robots',
    '--delay', '0.01', '--retries', '1', '--max-redirects', '3', '--follow-nofollow', '--store-non-html']);
  assert.equal(rude.code, 0, rude.stderr);
  assert.match(rude.stderr.split('\n')[0]!, /^crawlite: --ignore-robots: robots.txt is neither fetched nor obeyed/);
  assert.equal(site.hits.get('/a'), 1);

  // With --sitemaps robots.txt is still read for its Sitemap: lines, and the announcement says so.
  const robotsBefore = site.hits.get('/robots.txt') ?? 0;
  const listed = await crawlite(['crawl', site.url('/'), '--db', tempDbPath(t), '--no-progress', '--workers', '0', '--ignore-robots', '--sitemaps']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stderr.split('\n')[0]!, /^crawlite: --ignore-robots: robots.txt is not obeyed in this crawl \(--sitemaps still reads its Sitemap: lines\)$/);
  assert.equal(site.hits.get('/robots.txt'), robotsBefore + 1);

  // --log-format json: the notice is a JSON event like every other line on stderr.
  const json = await crawlite(['crawl', site.url('/'), '--db', tempDbPath(t), '--workers', '0', '--ignore-robots', '--log-format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const events = json.stderr.trim().split('\n').map((l) => JSON.parse(l) as { type: string; message?: string });
  assert.deepEqual([events[0]?.type, events[0]?.message], ['notice', '--ignore-robots: robots.txt is neither fetched nor obeyed in this crawl']);
  assert.equal(events.at(-1)?.type, 'summary');
});

test('bad politeness flags are one line and exit code 2', async () => {
  for (const [flag, value] of [['--delay', 'later'], ['--retries', '-1'], ['--max-redirects', 'x']] as const) {
    const run = await crawlite(['crawl', 'https://example.org/', flag, value]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`invalid ${flag} '${value}'`));
    assert.equal(run.stderr.trim().split('\n').length, 1);
  }
});
