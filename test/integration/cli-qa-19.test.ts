/**
 * QA round 19: the README's "Use" part walked as a new user would, with the built CLI. What a
 * user typed, what it got before (in each test's name), and what it gets now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlite } from '../helpers/cli.js';

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
