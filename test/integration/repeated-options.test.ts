/**
 * An option that takes one value, given twice: refused with one line and exit 2 for every command
 * (yargs made it an array, which crashed handlers with `out.trim is not a function`). Options meant
 * to repeat (--header, --include, the seeds) still accumulate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSite, page } from '../helpers/site.js';
import { assertOneLineError, crawlite } from '../helpers/cli.js';

const SEED = 'http://127.0.0.1:9/';

const CASES: Array<[args: string[], flag: string, times?: string]> = [
  [['export', '--out', 'a.jsonl', '--out', 'b.jsonl'], '--out'],
  [['export', '--fields', 'url', '--fields', 'status'], '--fields'],
  [['export', '--with', 'text', '--with', 'html'], '--with'],
  [['export', '--format', 'csv', '--format', 'csv'], '--format'],
  [['crawl', SEED, '--db', 'a.db', '--db', 'b.db'], '--db'],
  [['crawl', '--config', 'a.yaml', '--config', 'b.yaml'], '--config'],
  [['crawl', SEED, '--user-agent', 'a', '--user-agent', 'b'], '--user-agent'],
  [['crawl', SEED, '--max-pages', '1', '--max-pages', '2'], '--max-pages'],
  [['stats', '--db', 'a.db', '--db', 'b.db'], '--db'],
  [['search', 'x', '--limit', '1', '--limit', '2'], '--limit'],
  [['report', '--out', 'a.html', '--out', 'b.html'], '--out'],
  [['bench', '--db', 'a.db', '--db', 'b.db', '--db', 'c.db'], '--db', '3 times'],
];

test('a single-value option given twice: exit 2, one line naming it, nothing created', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-repeat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [args, flag, times = 'twice'] of CASES) {
    const run = await crawlite(args, { cwd: dir });
    assertOneLineError(run, 2, new RegExp(`^crawlite: ${flag} given ${times}; give it once \\[CRAWL_USAGE\\]$`));
    assert.equal(run.stdout, '', `${args.join(' ')}: nothing on stdout`);
  }
  assert.deepEqual(readdirSync(dir), [], 'no database, export or report written');
});

test('--proxy with --no-proxy, in either order: one line naming both, not "given twice" (QA)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-repeat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const args of [['--proxy', 'http://127.0.0.1:9', '--no-proxy'], ['--no-proxy', '--proxy', 'http://127.0.0.1:9']]) {
    const run = await crawlite(['crawl', SEED, ...args], { cwd: dir });
    assertOneLineError(run, 2, /^crawlite: --proxy and --no-proxy both given; give one \[CRAWL_USAGE\]$/);
  }
  assert.deepEqual(readdirSync(dir), [], 'no database written');
});

test('repeatable options still accumulate: two --header / -H, two --include, two seeds', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-repeat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const seen: Array<{ path: string; one?: string; two?: string }> = [];
  const site = await startSite({
    '/': (req, res) => {
      seen.push({ path: '/', one: req.headers['x-one'] as string, two: req.headers['x-two'] as string });
      res.writeHead(200, { 'content-type': 'text/html' }).end(page('home', ['/a', '/b', '/c']));
    },
    '/a': page('a'),
    '/b': page('b'),
    '/c': page('c'),
  });
  t.after(() => site.close());
  const db = join(dir, 'crawl.db');
  const run = await crawlite([
    'crawl', site.url('/'), site.url('/a'), '--db', db, '--quiet', '--workers', '0', '--ignore-robots',
    '--header', 'X-One: 1', '-H', 'X-Two: 2', '--include', '/$', '--include', '/a$',
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(seen, [{ path: '/', one: '1', two: '2' }], 'both headers sent');
  assert.equal(site.hits.get('/a'), 1, 'the second seed crawled');
  assert.equal(site.hits.get('/b'), undefined, 'neither --include matches /b');
  assert.ok(existsSync(db));
  // Filters are lists: given twice, they add up, as one comma-separated value does.
  const statuses = await crawlite(['export', '--db', db, '--fields', 'url', '--status', '200', '--status', '404', '--content-type', 'text/html', '--content-type', 'image/*']);
  assert.equal(statuses.code, 0, statuses.stderr);
  assert.equal(statuses.stdout.trim().split('\n').length, 2, statuses.stdout);
});
