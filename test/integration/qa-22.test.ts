/**
 * QA 22, a new user walking the README and docs/crawl.md, docs/data.md against local sites:
 * - the summary's HTTP-error line, under the line of URLs that failed without a response, read
 *   "2 pages of those answered with an HTTP error status", as if 2 of the failed URLs had;
 * - the report broke failure codes mid-word (its first column was taken for a URL) and labelled
 *   a 2-second crawl's time axis `0s 1s 1s 2s 2s`;
 * - `npm test` began with "TAP version 13" and nothing about what it runs or for how long.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath, tempDir } from '../helpers/config.js';
import { crawlite, MAIN } from '../helpers/cli.js';
import { timeChart, timeLabel, timeTicks } from '../../src/report/svg-charts.js';

test('the summary says which pages answered 4xx or 5xx: stored ones, not the failed URLs above it', async (t) => {
  const site = await startSite({
    '/': page('Home', ['/missing', '/broken', 'http://127.0.0.1:9/closed']),
    '/missing': { status: 404, body: '<title>not here</title>' },
    '/broken': { status: 500, body: '<title>oops</title>' },
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--retries', '0', '--no-progress']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\n {2}1 URL failed without a response; list them: crawlite export --db \S+ --failed --out failed\.csv\n {2}2 stored pages answered with an HTTP error status \(4xx or 5xx\); list them: crawlite export --db \S+ --status 4xx,5xx --fields url,status\n/);
  assert.doesNotMatch(run.stderr, /of those/);
  // The line is true: the two pages it names are stored, and the command it gives lists them.
  const list = await crawlite(['export', '--db', db, '--status', '4xx,5xx', '--fields', 'url,status', '--format', 'csv']);
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(list.stdout.trim().split('\r\n').slice(1).sort(), [`${site.url('/broken')},500`, `${site.url('/missing')},404`]);
});

test('the report keeps a failure code whole and breaks only URLs and messages', async (t) => {
  const site = await startSite({ '/': page('Home', ['http://127.0.0.1:9/closed']) });
  t.after(() => site.close());
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--retries', '0', '--no-progress'])).code, 0);
  const run = await crawlite(['report', '--db', db, '--out', '-']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /td\.code \{ white-space: nowrap; \}/);
  assert.match(run.stdout, /<td class="code">CRAWL_FETCH_REFUSED<\/td>/);
  assert.doesNotMatch(run.stdout, /<td class="url">CRAWL_/, 'a code is not broken anywhere as a URL is');
  assert.match(run.stdout, /<td class="url">http:\/\/127\.0\.0\.1:\d+\/<\/td>/, 'the largest pages\' URLs still break');
});

test('the time axis names each tick exactly, never one time twice', () => {
  const labels = (spanS: number) => timeTicks(spanS).map(timeLabel);
  assert.deepEqual(labels(2), ['0s', '0.5s', '1s', '1.5s', '2s']);
  assert.deepEqual(labels(1), ['0s', '0.25s', '0.5s', '0.75s', '1s']);
  assert.deepEqual(labels(150), ['0s', '30s', '1m', '1m30s', '2m', '2m30s']);
  assert.deepEqual(labels(7200), ['0s', '30m', '1h', '1h30m', '2h']);
  for (const span of [1, 2, 3, 7, 13, 59, 61, 119, 121, 599, 3601, 86_399, 200_000]) {
    const ticks = timeTicks(span);
    assert.ok(ticks.length >= 2 && ticks.length <= 7, `${span}s: ${ticks.length} ticks`);
    assert.ok(ticks.at(-1)! <= span, `${span}s: no tick past the span`);
    assert.equal(new Set(ticks.map(timeLabel)).size, ticks.length, `${span}s: ${ticks.map(timeLabel).join(' ')}`);
  }
  // Drawn: a crawl of two 1-second buckets.
  const svg = timeChart([{ at: 0, pages: 3 }, { at: 1000, pages: 2 }], 1000, { label: 'x' });
  const drawn = [...svg.matchAll(/text-anchor="middle">([^<]+)</g)].map((m) => m[1]);
  assert.deepEqual(drawn, ['0s', '0.5s', '1s', '1.5s', '2s']);
  assert.match(svg, /\(bucket 1s\)/);
});

test('npm test\'s runner says first what it runs', (t) => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const dir = tempDir(t);
  const file = join(dir, 'one.test.js');
  writeFileSync(file, "import { test } from 'node:test';\ntest('one', () => {});\n");
  // Without the variable node:test sets for its own children, which makes the inner runner report
  // to this one in its binary protocol instead of printing.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, [join(root, 'scripts/run-tests.mjs'), file], { encoding: 'utf8', timeout: 60_000, env });
  assert.equal(run.status, 0, run.stderr);
  const first = run.stdout.split('\n')[0]!;
  assert.match(first, /^run-tests: 1 test file \(0 unit, 0 integration\) under node --test; each file's results print once it ends/);
  assert.doesNotMatch(first, /25 min/, 'the whole-suite time only for the whole suite');
  assert.match(run.stdout, /# pass 1\n/);
});

test('crawlite bench, the README\'s first command, ends naming how to look at what it stored', async (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'my bench.db');
  const run = await crawlite(['bench', '--pages', '20', '--page-bytes', '5KB', '--workers', '1', '--db', db]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /database +.*my bench\.db\n/);
  const last = run.stderr.trimEnd().split('\n').at(-1)!;
  assert.equal(last, `crawlite bench: look at what it stored: crawlite stats --db '${db}' (export, search and report take --db too)`);
  // The command it names works as printed (the path quoted for the shell).
  const stats = spawnSync('sh', ['-c', last.replace(/^.*?: look at what it stored: (.*) \(export.*$/, '$1').replace(/^crawlite /, `"${process.execPath}" "${MAIN}" `)], { encoding: 'utf8' });
  assert.equal(stats.status, 0, stats.stderr);
  assert.match(stats.stdout, /^pages +20$/m);
  const json = await crawlite(['bench', '--pages', '20', '--page-bytes', '5KB', '--workers', '1', '--db', db, '--json']);
  assert.equal(json.code, 0, json.stderr);
  assert.doesNotMatch(json.stderr, /look at what it stored/, '--json prints nothing else');
});
