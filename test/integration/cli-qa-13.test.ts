/**
 * The thirteenth QA round on the command line: a new user following the README, then an expert
 * trying to break it. Each test names what was typed, what it got before, and what it gets now.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startSite, page, type Route } from '../helpers/site.js';
import { assertOneLineError, crawlite, whenPages } from '../helpers/cli.js';
import { rows } from '../helpers/db.js';
import { smallDisk } from '../helpers/small-disk.js';
import { tempDir } from '../helpers/config.js';

/** '/' and '/a' are pages, '/broken' drops the connection (a failed URL); robots.txt asks a Crawl-delay (an info notice). */
async function noticeSite(t: TestContext) {
  const site = await startSite({
    '/robots.txt': 'User-agent: *\nCrawl-delay: 0.05\n',
    '/': page('home', ['/a', '/broken']),
    '/a': page('a'),
    '/broken': (req) => {
      req.socket.destroy();
    },
  });
  t.after(() => site.close());
  return site;
}

test('-q keeps warnings and errors and drops the rest, in text and in --log-format json (json -q printed nothing but notices, text -q dropped them)', async (t) => {
  const site = await noticeSite(t);
  const dir = tempDir(t, 'crawlite-qa13-');
  const args = (name: string) => ['crawl', site.url('/'), '--db', join(dir, `${name}.db`), '--retries', '0', '--insecure', '--workers', '0'];

  const text = await crawlite([...args('text'), '-q']);
  assert.equal(text.code, 0, text.stderr);
  // The warning only: no Crawl-delay notice (info), no progress, no summary.
  assert.equal(text.stderr, 'crawlite: --insecure: TLS certificates are not verified in this crawl (self-signed, expired and wrong-host certificates are accepted)\n');

  // Before: -q won over --log-format json, so a JSON log held no error event at all.
  const json = await crawlite([...args('json'), '-q', '--log-format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const events = json.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(events.map((e) => e.type), ['notice', 'error']);
  assert.match(String(events[0]!.message), /^--insecure: TLS certificates are not verified/);
  assert.equal(events[1]!.url, site.url('/broken'));

  // Without -q, JSON has it all: the info notice, a page event per page, the summary.
  const loud = await crawlite([...args('loud'), '--log-format', 'json']);
  assert.equal(loud.code, 0, loud.stderr);
  const types = loud.stderr.trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string; message?: string }));
  assert.ok(types.some((e) => e.type === 'notice' && /Crawl-delay/.test(e.message ?? '')), loud.stderr);
  assert.equal(types.filter((e) => e.type === 'page').length, 2);
  assert.equal(types.at(-1)!.type, 'summary');

  const help = await crawlite(['crawl', '--help']);
  assert.match(help.stdout, /Print only warnings and errors/);
});

test('export --out x.warc.gz --with text names what WARC holds, not "--format warc", which the name already chose', async (t) => {
  const dir = tempDir(t, 'crawlite-qa13-');
  const out = join(dir, 'crawl.warc.gz');
  const run = await crawlite(['export', '--db', join(dir, 'none.db'), '--out', out, '--with', 'text']);
  assertOneLineError(run, 2, /^crawlite: --with text cannot go into --out .*crawl\.warc\.gz \(a WARC export, from its name\): WARC records hold each page's response as fetched \(headers and exact body\), not chosen fields or extracted text; --fields and --with are for jsonl and csv, e\.g\. --out pages\.jsonl --with text \[CRAWL_USAGE\]$/);
  assert.ok(!existsSync(out));
  // Typed, the format is named as typed; links names its own columns.
  assertOneLineError(await crawlite(['export', '--db', join(dir, 'none.db'), '--format', 'links', '--fields', 'url']), 2,
    /^crawlite: --fields url cannot go into --format links: it writes the link graph \(from_url, to_url, anchor, in_scope, nofollow\), not page fields; .* \[CRAWL_USAGE\]$/);
});

test('bench --config whose scope excludes the bench site says why it stored nothing (it said "only 0 of 5 pages were stored")', async (t) => {
  const dir = tempDir(t, 'crawlite-qa13-');
  const job = join(dir, 'site.yaml');
  writeFileSync(job, 'name: site\nseeds: [https://example.org/]\nscope:\n  include: ["^https://example\\\\.org/"]\n');
  const bench = ['bench', '--pages', '5', '--page-bytes', '5000', '--workers', '0', '--db', join(dir, 'bench.db')];
  const none = await crawlite([...bench, '--config', job]);
  assert.equal(none.code, 1, none.stderr);
  const last = none.stderr.trimEnd().split('\n').at(-1)!;
  assert.match(last, /^crawlite: bench stored 0 of 5 pages: the bench site's root http:\/\/127\.0\.0\.1:\d+\/ is not crawled: it matches no --include pattern \('\^https:\/\/example\\\.org\/'\) \(scope\.include\/scope\.exclude in .*site\.yaml\); bench crawls only its generated site on 127\.0\.0\.1, so use a job whose patterns admit it, or none \[CRAWL_NOTHING_FETCHED\]$/);
  assert.ok(!/\n\s+at /.test(none.stderr));

  // Some pages excluded: the job's keys that can leave pages out are named.
  writeFileSync(job, 'name: site\nscope:\n  exclude: ["/articles/[24]\\\\.html$"]\n');
  const some = await crawlite([...bench, '--config', job]);
  assert.equal(some.code, 1, some.stderr);
  assert.match(some.stderr.trimEnd().split('\n').at(-1)!, /^crawlite bench: only 3 of 5 pages were stored; .*site\.yaml sets scope\.exclude, which may leave pages out; see crawlite stats --db /);
});

/** Writes `path` until the disk has no byte left: big chunks, then small ones for the last page. */
function fillDisk(path: string): void {
  for (const chunk of [64 * 1024, 512]) {
    for (let i = 0; i < 10_000; i++) {
      try {
        appendFileSync(path, Buffer.alloc(chunk));
      } catch {
        break; // ENOSPC: this chunk size no longer fits
      }
    }
  }
}

test('a disk filled from outside mid-crawl: the run is marked failed, or the line says it could not be and stats calls it crashed; never "running"', async (t) => {
  const dir = smallDisk(t, '2m');
  if (dir === null) return;
  const routes: Record<string, Route> = { '/': page('home', Array.from({ length: 80 }, (_, i) => `/p/${i}`)) };
  for (let i = 0; i < 80; i++) routes[`/p/${i}`] = { body: page(`p${i}`, [], `<p>${'words '.repeat(1500)}</p>`), delayMs: 60 };
  const site = await startSite(routes);
  t.after(() => site.close());
  const db = join(dir, 'crawl.db');
  const filler = join(dir, 'filler');
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--concurrency', '1', '--workers', '0', '--no-progress'], {
    onSpawn: (child) => whenPages(child, db, 3, () => fillDisk(filler)),
  });
  assert.equal(run.code, 1, run.stderr);
  const last = run.stderr.trimEnd().split('\n').at(-1)!;
  assert.match(last, /^crawlite: database full \(disk full or --max-db-size reached\); pages stored so far are kept.* \[CRAWL_STORE_WRITE\]$/);
  const [row] = rows<{ status: string }>(db, 'SELECT status FROM runs');
  const stats = await crawlite(['stats', '--db', db]);
  t.diagnostic(`run 1 left ${row!.status}`);
  if (row!.status === 'failed') {
    assert.doesNotMatch(last, /could not be marked/);
    assert.match(stats.stdout, /latest run {2}#1 failed/);
  } else {
    // The row could not be written: the line says so, and what stats shows is what it said.
    assert.equal(row!.status, 'running');
    assert.match(last, /; run 1 could not be marked failed either \(no room for that write\), so crawlite stats shows it as crashed, as the next crawl records it \[CRAWL_STORE_WRITE\]$/);
    assert.match(stats.stdout, /latest run {2}#1 crashed/);
  }
  // With room again the crawl goes on, and run 1 is failed or crashed, not left running.
  rmSync(filler);
  const again = await crawlite(['crawl', '--db', db, '--workers', '0', '--no-progress']);
  assert.equal(again.code, 0, again.stderr);
  const runs = rows<{ id: number; status: string }>(db, 'SELECT id, status FROM runs ORDER BY id');
  assert.ok(['failed', 'crashed'].includes(runs[0]!.status), JSON.stringify(runs));
  assert.equal(runs[1]!.status, 'done');
});

test('search with no match: "no matches" (nothing with --json), exit 0; exit 1 stays for a search that failed', async (t) => {
  const site = await startSite({ '/': page('Walrus facts', [], '<p>tusks</p>') });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa13-'), 'crawl.db');
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0'])).code, 0);
  const text = await crawlite(['search', 'narwhal', '--db', db]);
  assert.deepEqual([text.code, text.stdout, text.stderr], [0, 'no matches\n', '']);
  const json = await crawlite(['search', 'narwhal', '--db', db, '--json']);
  assert.deepEqual([json.code, json.stdout, json.stderr], [0, '', '']);
  assertOneLineError(await crawlite(['search', 'narwhal', '--db', `${db}.missing`]), 1, /^crawlite: no database at .* \[CRAWL_STORE_MISSING\]$/);
  assert.match((await crawlite(['search', '--help'])).stdout, /No match prints "no matches" \(with --json: nothing\) and exits 0/);
});

test('a mistyped option gets the nearest one on the hint line (--max-pagse said only "Unknown argument")', async () => {
  const cases: Array<[string[], string, string | null]> = [
    [['crawl', 'http://127.0.0.1:9/', '--max-pagse', '5'], 'max-pagse', 'max-pages'],
    [['crawl', 'http://127.0.0.1:9/', '--concurency', '5'], 'concurency', 'concurrency'],
    [['export', '--formt', 'csv'], 'formt', 'format'],
    [['search', 'x', '--jsno'], 'jsno', 'json'],
    [['stats', '--bogus'], 'bogus', null],
  ];
  for (const [args, typed, meant] of cases) {
    const run = await crawlite(args);
    assertOneLineError(run, 2, new RegExp(`^crawlite: Unknown argument: ${typed} \\[CRAWL_USAGE\\]$`));
    const hint = run.stderr.trimEnd().split('\n')[1]!;
    assert.equal(hint, `crawlite: ${meant ? `did you mean --${meant}? ` : ''}run crawlite ${args[0]} --help for usage`);
  }
});

test('every job in config/ crawls a local site: crawl --config <file> <url> (--no-include: theirs name their real sites)', async (t) => {
  const site = await startSite({ '/': page('home', ['/a', '/b']), '/a': page('a'), '/b': page('b') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa13-');
  const configDir = fileURLToPath(new URL('../../../config/', import.meta.url));
  const files = readdirSync(configDir).filter((f) => /\.(ya?ml|json)$/.test(f));
  assert.ok(files.length >= 3, files.join(', '));
  for (const file of files) {
    const db = join(dir, `${file}.db`);
    const run = await crawlite(['crawl', '--config', join(configDir, file), site.url('/'), '--no-include', '--db', db, '--max-pages', '3', '-q', '--workers', '0']);
    assert.equal(run.code, 0, `${file}: ${run.stderr}`);
    const [row] = rows<{ status: string; pages: number; job_file: string }>(db, 'SELECT status, pages, job_file FROM runs');
    assert.deepEqual([row!.status, row!.pages], ['done', 3], file);
    assert.ok(row!.job_file.endsWith(file), row!.job_file);
  }
  // Without --no-include, books.yaml's own patterns exclude the seed: the line says they are the job's, not a typed --include.
  const excluded = await crawlite(['crawl', '--config', join(configDir, 'books.yaml'), site.url('/'), '--db', join(dir, 'books.db'), '-q', '--workers', '0']);
  assertOneLineError(excluded, 1, /^crawlite: no page could be fetched: every seed is excluded \(http:.* it matches no --include pattern \(.*\)\); the patterns are scope\.include\/scope\.exclude in .*books\.yaml \(--no-include, --no-exclude drop them\) \[CRAWL_NOTHING_FETCHED\]$/);
});
