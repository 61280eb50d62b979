/**
 * QA round 19: the README's "Use" part walked as a new user would, with the built CLI. What a
 * user typed, what it got before (in each test's name), and what it gets now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { crawlite } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { page, startSite } from '../helpers/site.js';

test('crawlite --help shows where to start: bench, a crawl, stats (it listed the commands with no command line to try)', async () => {
  const run = await crawlite(['--help']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Examples:$/m);
  assert.match(run.stdout, /^ {2}crawlite bench +Try it: crawl a generated 1,000-page site on/m, 'the no-internet first step');
  assert.match(run.stdout, /^ {2}crawlite crawl https:\/\/example\.org\/ --max-pages/m);
  assert.match(run.stdout, /^ {2}crawlite stats +What data\/crawl\.db holds/m);
  assert.match(run.stdout, /crawlite <command> --help for each command's options$/m);
  // The examples are the top level's own: a command's help keeps its own examples only.
  const stats = await crawlite(['stats', '--help']);
  assert.equal(stats.code, 0, stats.stderr);
  assert.doesNotMatch(stats.stdout, /Try it/);
  assert.match(stats.stdout, /crawlite stats --db data\/ab\.db --json/);
});

test('crawlite search --help says a quoted phrase finds its words in any order (it said "a phrase", which the index, keeping no positions, cannot match)', async () => {
  const run = await crawlite(['search', '--help']);
  assert.equal(run.code, 0, run.stderr);
  const flat = run.stdout.replace(/\s+/g, ' ');
  assert.match(flat, /a "quoted phrase" finds its words in any order \(the index keeps no positions\)/);
  assert.doesNotMatch(flat, /word\*, "a phrase";/);
});

test('a crawl with no --delay waiting on a 500 retried names a retry\'s backoff (the line listed --delay, Crawl-delay, Retry-After, robots.txt and a resting host, none of which applied)', async (t) => {
  const site = await startSite({ '/': page('home', ['/err']), '/err': { status: 500, body: 'oops' } });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa19-'), 'crawl.db');
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--progress-interval', '0.2', '--retries', '2', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  const waits = run.stderr.split('\n').filter((l) => /, waiting [\d.]+s for a URL to come due/.test(l));
  assert.ok(waits.length > 0, `the backoff (0.5-1 s, then 1-2 s) is waited with nothing in flight: ${run.stderr}`);
  for (const line of waits) assert.match(line, /for a URL to come due \(--delay or Crawl-delay, a retry's backoff or Retry-After, robots\.txt, a resting host\)$/);
});
