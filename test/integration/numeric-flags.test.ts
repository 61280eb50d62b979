/**
 * QA report (numeric flags): an empty value (`--max-depth "$UNSET"`) was taken as 0 by some flags
 * and refused by others, and 0x10, 1e2 were read as numbers. Every numeric flag now takes plain
 * decimal digits only (seconds: a decimal fraction or a unit too), and refuses anything else on one line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crawlite, assertOneLineError } from '../helpers/cli.js';
import { startSite, page } from '../helpers/site.js';

const CRAWL_FLAGS = ['--max-pages', '--max-depth', '--concurrency', '--per-host', '--timeout', '--max-bytes', '--delay', '--retries',
  '--max-redirects', '--max-query-variants', '--workers', '--progress-interval', '--max-db-size'];

test('every numeric crawl flag refuses an empty value, hex, an exponent and Infinity, naming the flag and the value', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-numflags-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'c.db');
  // Refused before any request: the seed is never contacted, so no server is needed.
  // Every flag with an empty value; the other bad shapes spread over the flags (each spawn costs time).
  const cases: [string, string][] = CRAWL_FLAGS.map((flag) => [flag, '']);
  for (const [i, value] of ['   ', '0x10', '1e2', 'Infinity', 'NaN', '-1', '0x10', '1e2'].entries()) cases.push([CRAWL_FLAGS[i % CRAWL_FLAGS.length]!, value]);
  for (const [flag, value] of cases) {
    {
      const run = await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', db, '-q', `${flag}=${value}`]);
      const quoted = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assertOneLineError(run, 2, new RegExp(`invalid ${flag} '${quoted}'`));
    }
  }
  assert.equal(existsSync(db), false, 'nothing was created for a refused command line');
});

test('a seconds flag takes a decimal fraction, a count flag does not; surrounding spaces are trimmed', async (t) => {
  const site = await startSite({ '/': page('home') });
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-numflags-'));
  t.after(async () => {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ok = await crawlite(['crawl', site.url('/'), '--db', join(dir, 'ok.db'), '-q', '--delay', '0.5', '--timeout', '2.5', '--max-pages', ' 5 ']);
  assert.equal(ok.code, 0, ok.stderr);
  assertOneLineError(await crawlite(['crawl', site.url('/'), '--db', join(dir, 'x.db'), '--max-pages', '2.0']), 2, /invalid --max-pages '2\.0'/);
  assertOneLineError(await crawlite(['crawl', site.url('/'), '--db', join(dir, 'x.db'), '--delay', '.5']), 2, /invalid --delay '\.5'/);
});

test('search --limit, export --run and bench numbers go through the same parser', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-numflags-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'none.db');
  assertOneLineError(await crawlite(['search', 'x', '--db', db, '--limit', '0x5']), 2, /invalid --limit '0x5'/);
  assertOneLineError(await crawlite(['search', 'x', '--db', db, '--limit=']), 2, /invalid --limit ''/);
  assertOneLineError(await crawlite(['export', '--db', db, '--run', '1e0']), 2, /invalid --run '1e0'/);
  assertOneLineError(await crawlite(['export', '--db', db, '--run=']), 2, /invalid --run ''/);
  assertOneLineError(await crawlite(['bench', '--db', join(dir, 'b.db'), '--pages', '']), 2, /invalid --pages ''/);
  assertOneLineError(await crawlite(['bench', '--frontier', '1e6']), 2, /invalid --frontier '1e6'/);
  assertOneLineError(await crawlite(['bench', '--db', join(dir, 'b.db'), '--page-bytes', '0x1000']), 2, /invalid --page-bytes '0x1000'/);
});
