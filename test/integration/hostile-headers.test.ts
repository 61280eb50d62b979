/**
 * What a hostile server makes up in its headers is bounded like what it makes up in its HTML:
 * stacked Content-Encoding layers, a Location that is a spider trap, a huge Location in an error.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startSite } from '../helpers/site.js';
import { crawlite } from '../helpers/cli.js';
import { rows } from '../helpers/db.js';

function tempDb(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-hh-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'crawl.db');
}

function gzipLayers(body: string, layers: number): Buffer {
  let out = Buffer.from(body);
  for (let i = 0; i < layers; i++) out = gzipSync(out, { level: 1 });
  return out;
}

interface UrlRow { url: string; state: string; error_code: string | null; error_message: string | null }

test('stacked content-codings: 2 layers decode, 6 and 2,000 fail as CRAWL_FETCH_DECODE with no V8 trace', async (t) => {
  const db = tempDb(t);
  const layered = (n: number) => ({ headers: { 'content-encoding': Array(n).fill('gzip').join(', ') }, body: gzipLayers(`<title>${n} layers</title>`, n) });
  const site = await startSite({
    '/': '<a href="/two">2</a> <a href="/six">6</a> <a href="/many">many</a>',
    '/two': layered(2),
    '/six': layered(6),
    '/many': layered(2000),
  });
  t.after(() => site.close());
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--workers', '1', '--retries', '0']);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /RangeError|Exception|call stack|\n\s+at /);
  const byPath = new Map(rows<UrlRow>(db, 'SELECT url, state, error_code, error_message FROM urls').map((r) => [new URL(r.url).pathname, r]));
  assert.equal(byPath.get('/two')?.state, 'done');
  assert.deepEqual(rows<{ title: string }>(db, "SELECT title FROM pages WHERE url LIKE '%/two'"), [{ title: '2 layers' }]);
  for (const [path, n] of [['/six', 6], ['/many', 2000]] as const) {
    const row = byPath.get(path);
    assert.equal(row?.state, 'failed', path);
    assert.equal(row?.error_code, 'CRAWL_FETCH_DECODE', path);
    assert.match(row?.error_message ?? '', new RegExp(`${n} stacked content-codings`));
  }
});

test('a redirect hop that is a spider trap is not requested; a huge Location is cut in the error', async (t) => {
  const db = tempDb(t);
  const long = `/${'x'.repeat(3000)}`;
  const deep = `/${Array.from({ length: 40 }, (_, i) => `d${i}`).join('/')}`;
  const site = await startSite({
    '/': '<a href="/to-long">1</a> <a href="/to-deep">2</a> <a href="/to-js">3</a>',
    '/to-long': { status: 302, headers: { location: long } },
    '/to-deep': { status: 302, headers: { location: deep } },
    '/to-js': { status: 302, headers: { location: `javascript:${'a'.repeat(200_000)}` } },
    [long]: '<title>long</title>',
    [deep]: '<title>deep</title>',
  });
  t.after(() => site.close());
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(site.hits.get(long), undefined, 'the 3,000-character target is not requested');
  assert.equal(site.hits.get(deep), undefined, 'the 40-segment target is not requested');
  const byPath = new Map(rows<UrlRow>(db, 'SELECT url, state, error_code, error_message FROM urls').map((r) => [new URL(r.url).pathname, r]));
  assert.deepEqual([byPath.get('/to-long')?.state, byPath.get('/to-long')?.error_code], ['failed', 'CRAWL_TRAP_URL_LENGTH']);
  assert.deepEqual([byPath.get('/to-deep')?.state, byPath.get('/to-deep')?.error_code], ['failed', 'CRAWL_TRAP_PATH_DEPTH']);
  const js = byPath.get('/to-js');
  assert.equal(js?.error_code, 'CRAWL_REDIRECT_INVALID');
  assert.ok((js?.error_message ?? '').length < 1100, `error_message of ${js?.error_message?.length} characters`);
  // Over 8,192 characters it is refused before it is read as a URL (round 22), its start quoted.
  assert.match(js?.error_message ?? '', /not followed: its Location is [\d,]+ characters, over the 8,192 a link may have \(starts "javascript:a+\.\.\."\)$/);
  assert.ok(run.stderr.length < 20_000, `stderr of ${run.stderr.length} characters`);
});
