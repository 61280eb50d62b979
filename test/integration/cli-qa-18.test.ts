/**
 * The eighteenth QA round on the command line: a new user following the README and the config/
 * files literally, with the typos and shells real users have. Each test names what was typed,
 * what it got before, and what it gets now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSite, page } from '../helpers/site.js';
import { assertOneLineError, crawlite, MAIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { prefixNotices } from '../../src/config/prefix-seeds.js';
import { readDurationMs } from '../../src/config/duration.js';

const REPO = new URL('../../../', import.meta.url).pathname;

test('--delay 0.3: the progress line shows the wait in tenths, never more than the delay (it said "waiting 1s" at every gap)', async (t) => {
  const paths = ['/a', '/b', '/c', '/d', '/e'];
  const site = await startSite({ '/': page('home', paths), ...Object.fromEntries(paths.map((p) => [p, page(p)])) });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa18-'), 'crawl.db');
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--delay', '0.3', '--no-progress', '--progress-interval', '0.1', '--workers', '0', '--ignore-robots']);
  assert.equal(run.code, 0, run.stderr);
  const waits = [...run.stderr.matchAll(/, waiting (\S+) for a URL to come due/g)].map((m) => m[1]!);
  assert.ok(waits.length > 0, run.stderr);
  for (const wait of waits) {
    assert.match(wait, /^0\.[1-3]s$/, `a wait of at most --delay 0.3, in tenths: ${run.stderr}`);
  }
});

test('crawl --config config/bench.yaml (no seeds: a job for bench) says what the file is for and both ways on (it said only "seeds: expected a list of seed URLs")', async (t) => {
  const dir = tempDir(t, 'crawlite-qa18-');
  const bench = join(REPO, 'config', 'bench.yaml');
  const run = await crawlite(['crawl', '--config', bench], { cwd: dir });
  assertOneLineError(run, 2, /^crawlite: .*config\/bench\.yaml: seeds: none, as this job is for crawlite bench, which serves a generated site and supplies its seed \(crawlite bench --config .*config\/bench\.yaml\); to crawl a site with it, name its URL: crawlite crawl https:\/\/example\.org\/ --config .*config\/bench\.yaml \[CRAWL_CONFIG_INVALID\]$/);
  // Any other job without seeds: how to give them, the file's name quoted for the shell.
  const job = join(dir, 'my job.yaml');
  writeFileSync(job, 'maxPages: 10\n');
  assertOneLineError(await crawlite(['crawl', '--config', job], { cwd: dir }), 2,
    /: seeds: none in the file and none typed: name the URLs to crawl \(crawlite crawl https:\/\/example\.org\/ --config '.*\/my job\.yaml', or -i urls\.txt\), or add a seeds: list to the file \[CRAWL_CONFIG_INVALID\]$/);
  assert.equal(existsSync(join(dir, 'data')), false, 'nothing created');
});

test('pages.encoding is NULL for a body that was not decoded (it was \'\'); an older file\'s \'\' rows become NULL on its next crawl, and export reads both', async (t) => {
  const site = await startSite({
    '/': page('home', ['/data.json', '/more']),
    '/more': page('more'),
    '/data.json': { headers: { 'content-type': 'application/json' }, body: '{"x":"é"}' },
  });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa18-'), 'crawl.db');
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0', '--store-non-html'])).code, 0);
  const encodings = () => rows<{ url: string; encoding: string | null }>(db, 'SELECT url, encoding FROM pages ORDER BY url');
  assert.deepEqual(encodings().find((r) => r.url.endsWith('/data.json')), { url: site.url('/data.json'), encoding: null });
  assert.equal(encodings().find((r) => r.url === site.url('/'))?.encoding, 'utf-8');
  const html = async () => {
    const run = await crawlite(['export', '--db', db, '--fields', 'url,encoding', '--with', 'html']);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { url: string; encoding: string | null; html: string | null }).find((o) => o.url.endsWith('/data.json'));
  };
  assert.deepEqual(await html(), { url: site.url('/data.json'), encoding: null, html: '{"x":"é"}' });

  // The file as an older crawlite left it: '' for the JSON, and no mark that it was rewritten.
  const writer = new Database(db);
  writer.prepare("UPDATE pages SET encoding = '' WHERE encoding IS NULL").run();
  writer.prepare("DELETE FROM meta WHERE key = 'encodings_null'").run();
  writer.close();
  assert.deepEqual(await html(), { url: site.url('/data.json'), encoding: null, html: '{"x":"é"}' }, 'export reads an older file alike');
  // Its next crawl (continuing it, with nothing left to fetch) rewrites the '' once; every row is kept.
  const next = await crawlite(['crawl', '--db', db, '--quiet', '--workers', '0']);
  assert.equal(next.code, 0, next.stderr);
  assert.deepEqual(rows(db, "SELECT count(*) AS n FROM pages WHERE encoding = ''"), [{ n: 0 }]);
  assert.deepEqual(encodings().map((r) => r.encoding), ['utf-8', null, 'utf-8']);
  assert.deepEqual(rows(db, "SELECT value FROM meta WHERE key = 'encodings_null'"), [{ value: '1' }]);
});

test('the next: line for a database path with a newline pastes into sh (dash) as into bash (it was $\'...\', which dash reads as a $ and a different path)', async (t) => {
  const site = await startSite({ '/': page('home', ['/a', '/b']), '/a': page('a'), '/b': page('b') });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa18-'), "it's\nhere.db");
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--max-pages', '1', '--no-progress', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  const stats = run.stderr.split('\n').find((l) => l.startsWith('  crawlite stats --db '));
  assert.ok(stats !== undefined && !stats.includes("$'"), run.stderr);
  const command = stats.replace(/#.*$/, '').trim().replace(/^crawlite /, `"${process.execPath}" "${MAIN}" `);
  for (const shell of ['sh', 'bash']) {
    const pasted = spawnSync(shell, ['-c', command], { encoding: 'utf8' });
    assert.equal(pasted.status, 0, `${shell}: ${command}\n${pasted.stderr}`);
    assert.match(pasted.stdout, /^pages +1$/m, shell);
  }
});

test('~ in a job file\'s db, and in --db=~/..., --out=~/... (no shell expands those), is the home directory (it made a folder named ~ here)', async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const home = tempDir(t, 'crawlite-qa18-home-');
  const cwd = tempDir(t, 'crawlite-qa18-');
  const env = { ...process.env, HOME: home };
  writeFileSync(join(cwd, 'job.yaml'), `seeds: [${site.url('/')}]\ndb: ~/crawls/job.db\n`);
  const run = await crawlite(['crawl', '--config', 'job.yaml', '--quiet', '--workers', '0'], { cwd, env });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(existsSync(join(home, 'crawls', 'job.db')), true, 'the database is in the home directory');
  assert.equal(existsSync(join(cwd, '~')), false, 'no folder named ~');
  const stats = await crawlite(['stats', '--db=~/crawls/job.db'], { cwd, env });
  assert.equal(stats.code, 0, stats.stderr);
  assert.match(stats.stdout, /^database +.*\/crawls\/job\.db /m);
  const exported = await crawlite(['export', '--db', '~/crawls/job.db', '--out=~/pages.csv', '--fields', 'url'], { cwd, env });
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(existsSync(join(home, 'pages.csv')), true);
  // A folder really named ~ is still reached as ./~.
  mkdirSync(join(cwd, '~'));
  const literal = await crawlite(['crawl', site.url('/'), '--db', './~/x.db', '--quiet', '--workers', '0'], { cwd, env });
  assert.equal(literal.code, 0, literal.stderr);
  assert.equal(existsSync(join(cwd, '~', 'x.db')), true);
});

test('durations as crawlite prints them are taken back: --max-time 10m00s, 1h30m, --timeout 1m30s (they were refused, exit 2)', async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa18-');
  const cases: Array<[string[], { maxTimeMs: number | null; timeoutMs: number; delayMs: number }]> = [
    [['--max-time', '10m00s'], { maxTimeMs: 600_000, timeoutMs: 30_000, delayMs: 0 }],
    [['--max-time', '1h30m', '--timeout', '1m30s'], { maxTimeMs: 5_400_000, timeoutMs: 90_000, delayMs: 0 }],
    [['--max-time', '1d12h', '--delay', '0m0.5s'], { maxTimeMs: 129_600_000, timeoutMs: 30_000, delayMs: 500 }],
  ];
  for (const [i, [flags, expected]] of cases.entries()) {
    const db = join(dir, `${i}.db`);
    const run = await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0', ...flags]);
    assert.equal(run.code, 0, `${flags.join(' ')}: ${run.stderr}`);
    const options = JSON.parse(rows<{ options: string }>(db, 'SELECT options FROM runs')[0]!.options) as { maxTimeMs: number; fetch: { timeoutMs: number; politeness: { delayMs: number } } };
    assert.deepEqual({ maxTimeMs: options.maxTimeMs, timeoutMs: options.fetch.timeoutMs, delayMs: options.fetch.politeness.delayMs }, expected, flags.join(' '));
  }
  // Units out of order or repeated, a number after a unit, a unit alone: still refused, naming the forms.
  for (const bad of ['1s1m', '1h1h', '1m30', 'm', '1e3s']) assert.ok(Number.isNaN(readDurationMs(bad)), bad);
  assertOneLineError(await crawlite(['crawl', site.url('/'), '--db', join(dir, 'x.db'), '--max-time', '1s1m']), 2,
    /^crawlite: invalid --max-time '1s1m': expected a duration from 1s to 30d, in seconds or with units: 90, 90s, 10m, 1h30m, 2h, 1d \[CRAWL_USAGE\]$/);
});

test('a value not among an option\'s choices is said as other bad values are, with the choice meant and the command\'s own --help (it was "Invalid values: Argument: format, Given: "CSV", Choices: ...")', async () => {
  const cases: Array<[string[], string, string]> = [
    [['export', '--format', 'CSV'], "invalid --format 'CSV': expected one of jsonl, csv, warc, links", 'did you mean --format csv? run crawlite export --help for usage'],
    [['crawl', 'http://127.0.0.1:9/', '--scope', 'hosts'], "invalid --scope 'hosts': expected one of host, domain, prefix, any", 'did you mean --scope host? run crawlite crawl --help for usage'],
    [['crawl', 'http://127.0.0.1:9/', '--log-format', 'xml'], "invalid --log-format 'xml': expected one of text, json", 'run crawlite crawl --help for usage'],
  ];
  for (const [args, line, hint] of cases) {
    const run = await crawlite(args);
    assertOneLineError(run, 2, new RegExp(`^crawlite: ${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\[CRAWL_USAGE\\]$`));
    assert.equal(run.stderr.trimEnd().split('\n')[1], `crawlite: ${hint}`);
  }
});

test('bench refusing a crawl\'s database names its two seeds as "(+1 more seed)" (it said "+1 more seeds")', async (t) => {
  const site = await startSite({ '/': page('home'), '/b': page('b') });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa18-'), 'crawl.db');
  assert.equal((await crawlite(['crawl', site.url('/'), site.url('/b'), '--db', db, '--quiet', '--workers', '0'])).code, 0);
  assertOneLineError(await crawlite(['bench', '--db', db, '--pages', '10']), 1,
    new RegExp(`^crawlite: .*crawl\\.db holds a crawl of ${site.url('/').replace(/[.]/g, '\\.')} \\(\\+1 more seed\\) \\(run 1\\), not a bench run, and was left untouched`));
  assert.equal(rows(db, 'SELECT url FROM pages').length, 2, 'the crawl is kept');
  // --scope prefix names three seeds without their trailing slash, then counts the rest the same way.
  const folders = (n: number) => prefixNotices(Array.from({ length: n }, (_, i) => `https://example.org/d${i}`), 'prefix').at(-1);
  assert.match(folders(4)!, /: and 1 more seed without its trailing slash, crawled from the directory above it$/);
  assert.match(folders(5)!, /: and 2 more seeds without their trailing slash, each crawled from the directory above it$/);
});

test('one URL or pattern where a job file wants a list (seeds: https://..., include: ^...) is named with the list to write, which then works, in YAML and JSON (it said only "expected a list")', async (t) => {
  const site = await startSite({ '/': page('home', ['/docs/a', '/blog/b']), '/docs/a': page('a'), '/blog/b': page('b') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa18-');
  const pattern = `^${site.origin.replace(/\./g, '\\.')}/(docs/.*)?$`;
  const jobs: Array<[string, (value: string) => string, string]> = [
    ['seeds.yaml', (v) => `seeds: ${v}\n`, site.url('/')],
    ['include.yaml', (v) => `seeds: [${site.url('/')}]\nscope:\n  include: ${v}\n`, pattern],
    ['seeds.json', (v) => `{ "seeds": ${v} }`, JSON.stringify(site.url('/'))],
  ];
  for (const [name, write, value] of jobs) {
    const job = join(dir, name);
    writeFileSync(job, write(value));
    const db = join(dir, `${name}.db`);
    const run = await crawlite(['crawl', '--config', job, '--db', db, '--quiet', '--workers', '0']);
    assertOneLineError(run, 2, /: expected a list of .*, got '.*'; a list of one is written \[".*"\] \[CRAWL_CONFIG_INVALID\]$/);
    // What the line says to write, written.
    const list = /; a list of one is written (\[".*"\]) \[CRAWL_CONFIG_INVALID\]$/.exec(run.stderr.trim())![1]!;
    writeFileSync(job, write(list));
    const fixed = await crawlite(['crawl', '--config', job, '--db', db, '--quiet', '--workers', '0']);
    assert.equal(fixed.code, 0, `${name}: ${list}: ${fixed.stderr}`);
  }
  assert.deepEqual(rows(join(dir, 'include.yaml.db'), 'SELECT url FROM pages ORDER BY url').map((r) => (r as { url: string }).url), [site.url('/'), site.url('/docs/a')]);
});

test('a --seeds-file line without its scheme is offered the URL it most likely is, as a typed seed is (it said only "give one absolute http:// or https:// URL per line")', async (t) => {
  const dir = tempDir(t, 'crawlite-qa18-');
  const list = join(dir, 'urls.txt');
  writeFileSync(list, '# hosts\nexample.org/docs\nexample.com\n');
  assertOneLineError(await crawlite(['crawl', '-i', list, '--db', join(dir, 'c.db')]), 2,
    /^crawlite: .*urls\.txt:2: invalid seed URL 'example\.org\/docs' \(and 1 more line: 3\): give one absolute http:\/\/ or https:\/\/ URL per line, e\.g\. https:\/\/example\.org\/docs \[CRAWL_SEED_INVALID\]$/);
  writeFileSync(list, 'localhost:8080/app\n');
  assertOneLineError(await crawlite(['crawl', '-i', list, '--db', join(dir, 'c.db')]), 2, /: give one absolute http:\/\/ or https:\/\/ URL per line, e\.g\. http:\/\/localhost:8080\/app \[CRAWL_SEED_INVALID\]$/);
  // Nothing to offer for another scheme: the line stays as it was.
  writeFileSync(list, 'ftp://example.org/\n');
  assertOneLineError(await crawlite(['crawl', '-i', list, '--db', join(dir, 'c.db')]), 2, /: give one absolute http:\/\/ or https:\/\/ URL per line \[CRAWL_SEED_INVALID\]$/);
  assert.equal(existsSync(join(dir, 'c.db')), false);
});

test('a database typed without --db (crawlite stats data/x.db, as sqlite3 takes it) gets "did you mean --db data/x.db?" on the hint line (it named only --help)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa18-');
  const file = join(dir, 'my crawl');
  writeFileSync(file, '');
  const cases: Array<[string[], string, string | null]> = [
    [['stats', 'data/x.db'], 'data/x.db', 'did you mean --db data/x.db? run crawlite stats --help for usage'],
    [['export', file, '--format', 'csv'], file, `did you mean --db '${file}'? run crawlite export --help for usage`],
    [['report', 'pages.sqlite'], 'pages.sqlite', 'did you mean --db pages.sqlite? run crawlite report --help for usage'],
    // Not a database by its name, and no such file; and a value of another option is no stray word.
    [['stats', 'nothing'], 'nothing', 'run crawlite stats --help for usage'],
  ];
  for (const [args, typed, hint] of cases) {
    const run = await crawlite(args, { cwd: dir });
    assertOneLineError(run, 2, new RegExp(`^crawlite: Unknown argument: ${typed.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\[CRAWL_USAGE\\]$`));
    assert.equal(run.stderr.trimEnd().split('\n')[1], `crawlite: ${hint}`, args.join(' '));
  }
});
