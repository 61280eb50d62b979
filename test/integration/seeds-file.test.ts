/**
 * --seeds-file (-i): seed URLs one per line from a file or stdin, checked as typed seeds are,
 * a bad line named by its number; with typed URLs they replace a job file's seeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { crawlite, assertOneLineError, MAIN } from '../helpers/cli.js';

test('a list of URLs with comments and blank lines; --max-depth 0 fetches just the list', async (t) => {
  const site = await startSite({ '/a': page('a', ['/linked']), '/b': page('b'), '/c': page('c'), '/linked': page('linked') });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const list = join(dirname(db), 'urls.txt');
  writeFileSync(list, `\uFEFF# pages to check\n${site.url('/a')}\r\n\n   ${site.url('/b')}  \n${site.url('/a')}\n`);
  const run = await crawlite(['crawl', '--seeds-file', list, site.url('/c'), '--db', db, '--no-progress', '--max-depth', '0']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(rows(db, 'SELECT url FROM pages ORDER BY url'), [{ url: site.url('/a') }, { url: site.url('/b') }, { url: site.url('/c') }]);
  assert.equal(site.hits.get('/linked'), undefined);
});

test('-i - reads the list from stdin', async (t) => {
  const site = await startSite({ '/x': page('x'), '/y': page('y') });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const child = spawn(process.execPath, [MAIN, 'crawl', '-i', '-', '--db', db, '--no-progress'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(`${site.url('/x')}\n${site.url('/y')}\n`);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, stderr);
  assert.deepEqual(rows(db, 'SELECT url FROM pages ORDER BY url'), [{ url: site.url('/x') }, { url: site.url('/y') }]);
});

test('bad lists: a bad line is named with its number, a missing or empty file is one line, exit 2', async (t) => {
  const db = tempDbPath(t);
  const dir = dirname(db);
  const bad = join(dir, 'bad.txt');
  writeFileSync(bad, 'http://127.0.0.1:9/ok\nexample.org/page\nhttp://127.0.0.1:9/fine\nftp://x/\nmailto:a@b\n');
  assertOneLineError(await crawlite(['crawl', '--seeds-file', bad, '--db', db]), 2,
    new RegExp(`^crawlite: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: invalid seed URL 'example.org/page' \\(and 2 more lines: 4, 5\\): give one absolute http:// or https:// URL per line \\[CRAWL_SEED_INVALID\\]$`));
  assertOneLineError(await crawlite(['crawl', '--seeds-file', join(dir, 'none.txt'), '--db', db]), 2, /cannot read --seeds-file .*none\.txt: no such file \[CRAWL_USAGE\]$/);
  const empty = join(dir, 'empty.txt');
  writeFileSync(empty, '# nothing yet\n\n');
  assertOneLineError(await crawlite(['crawl', '--seeds-file', empty, '--db', db]), 2, /--seeds-file .*empty\.txt holds no URL \(one per line; blank lines and # comments are skipped\) \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['crawl', '--seeds-file', dir, '--db', db]), 2, /cannot read --seeds-file .*: it is a directory \[CRAWL_USAGE\]$/);
});

test('the file\'s seeds replace a job file\'s, as typed seeds do', async (t) => {
  const site = await startSite({ '/job': page('job'), '/listed': page('listed') });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const job = join(dirname(db), 'job.yaml');
  writeFileSync(job, `seeds: ['${site.url('/job')}']\nmaxDepth: 0\n`);
  const list = join(dirname(db), 'urls.txt');
  writeFileSync(list, `${site.url('/listed')}\n`);
  const run = await crawlite(['crawl', '--config', job, '-i', list, '--db', db, '--no-progress']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(rows(db, 'SELECT url FROM pages'), [{ url: site.url('/listed') }]);
});
