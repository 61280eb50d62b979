/**
 * QA 21: a new user's first hour. Durations read one way everywhere, --help says which options
 * take numbers, bench refuses an unwritable --db before it serves anything, a terminal narrowed
 * during a crawl keeps no stale status line, and wget's and Scrapy's options get crawlite's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { crawlite, assertOneLineError, MAIN } from '../helpers/cli.js';
import { tempDir, tempDbPath } from '../helpers/config.js';
import { startSite, page } from '../helpers/site.js';
import { openTerminal, quote, skipWithoutTmux } from '../helpers/tmux.js';
import { OPTION_UNITS } from '../../src/cli/help-units.js';

test('stats and report write a crawl time as the summary does, 1m43s (stats wrote 1m 43s, report 1 min 43 s)', async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress']);
  assert.equal(run.code, 0, run.stderr);
  // The run as if it had taken 103 s: its start moved back from its end.
  const w = new Database(db);
  w.prepare('UPDATE runs SET started_at = ended_at - 103000').run();
  w.close();
  const stats = await crawlite(['stats', '--db', db]);
  assert.equal(stats.code, 0, stats.stderr);
  assert.match(stats.stdout, /^crawl time {2}1m43s, /m);
  const report = await crawlite(['report', '--db', db, '--out', '-']);
  assert.equal(report.code, 0, report.stderr);
  assert.ok(report.stdout.includes('1m43s'), 'the report says 1m43s');
  assert.ok(!/1 min 43 s|1m 43s/.test(report.stdout + stats.stdout));
});

test('--help gives an option that takes a number [number], [bytes] or [duration], never [string]; the values parse as before', async () => {
  const labelled = new Map<string, string>();
  for (const command of ['crawl', 'bench', 'export', 'search']) {
    const help = await crawlite([command, '--help']);
    assert.equal(help.code, 0, help.stderr);
    // Each option's block: from its switch to the next one's.
    const blocks = help.stdout.split(/\n(?= {2}(?:-\w, | {4})?--[a-z])/);
    for (const block of blocks) {
      const name = /^ {2}(?:-\w, | {4})?--([a-z][a-z0-9-]*)/.exec(block)?.[1];
      if (name === undefined || OPTION_UNITS[name] === undefined) continue;
      assert.ok(!block.includes('[string]'), `${command} --${name}: ${block}`);
      const label = /\[(number|bytes|duration)\]/.exec(block)?.[1];
      assert.equal(label, OPTION_UNITS[name], `${command} --${name}: ${block}`);
      labelled.set(name, label!);
      // The column stays aligned right: no line passes the help's width.
      for (const line of block.split('\n')) assert.ok(line.length <= 100, line);
    }
  }
  assert.equal(labelled.get('max-bytes'), 'bytes');
  assert.equal(labelled.get('max-time'), 'duration');
  assert.equal(labelled.get('max-pages'), 'number');
  assert.equal(labelled.get('limit'), 'number');
  assert.deepEqual([...labelled.keys()].sort(), Object.keys(OPTION_UNITS).sort(), 'every labelled option is in some --help');
  // Still read as typed: units, and no number yargs would have made of 1e3.
  const dry = await crawlite(['crawl', 'http://127.0.0.1:9/', '--dry-run', '--db', '/tmp/crawlite-qa21-never.db', '--max-time', '1h30m', '--max-bytes', '5MB', '--delay', '500ms', '--max-pages', '7']);
  assert.equal(dry.code, 0, dry.stderr);
  const config = JSON.parse(dry.stdout) as { maxPages: number; maxTimeMs: number; fetch: { maxBodyBytes: number; politeness: { delayMs: number } } };
  assert.deepEqual([config.maxPages, config.maxTimeMs, config.fetch.maxBodyBytes, config.fetch.politeness.delayMs], [7, 5_400_000, 5 * 1024 * 1024, 500]);
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--dry-run', '--max-pages', '1e3']), 2, /^crawlite: invalid --max-pages '1e3': expected a whole number >= 1 \[CRAWL_USAGE\]$/);
});

test('bench --page-bytes takes a unit as --max-bytes does (5KB was "expected a whole number"), and says the range when out of it', async (t) => {
  const db = join(tempDir(t, 'crawlite-qa21-'), 'bench.db');
  assertOneLineError(await crawlite(['bench', '--page-bytes', '1KB', '--db', db]), 2, /^crawlite: invalid --page-bytes '1KB': expected a size from 5000 to 1000000 bytes, plain or with a unit \(50000, 50KB\) \[CRAWL_USAGE\]$/);
  const run = await crawlite(['bench', '--pages', '3', '--page-bytes', '6KB', '--db', db, '--json', '--workers', '0'], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { pageBytes: number }).pageBytes, 6 * 1024);
});

test('bench --db where the file system refuses a file even to root (/sys): one line, exit 1, before "serving" and before any site is started', async (t) => {
  if (process.getuid?.() !== 0 || !existsSync('/sys/kernel')) {
    t.skip('needs root and a sysfs at /sys');
    return;
  }
  const run = await crawlite(['bench', '--db', '/sys/crawlite-qa21.db', '--pages', '5'], { timeoutMs: 20_000 });
  assertOneLineError(run, 1, /^crawlite: cannot open database \/sys\/crawlite-qa21\.db: it cannot be created there \(permission denied\); pass --db a writable file path .*\[CRAWL_STORE_OPEN\]$/);
  assert.ok(!run.stderr.includes('serving'), run.stderr);
  assert.equal(run.stdout, '');
  // The frontier bench, which writes the same way, says the same.
  assertOneLineError(await crawlite(['bench', '--frontier', '1000', '--db', '/sys/crawlite-qa21.db']), 1, /^crawlite: cannot open database \/sys\/crawlite-qa21\.db: .*\[CRAWL_STORE_OPEN\]$/);
});

test('a terminal narrowed during a crawl shows one status block: the line the narrower terminal wrapped in two is erased too (one was left)', async (t) => {
  if (skipWithoutTmux(t)) return;
  const routes: Record<string, string> = {};
  for (let i = 0; i < 300; i++) routes[`/p${i}`] = page(`Page ${i}`, [`/p${i + 1}`]);
  const site = await startSite(routes, { delayMs: 60 });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const term = openTerminal(t, 'bash --norc --noprofile');
  term.sendKeys("PS1='PROMPT$ '", 'Enter');
  await term.waitFor(/^PROMPT\$ $/m);
  // A full screen first, as after a day's work: the block is drawn at the bottom, where the rows a
  // narrower terminal adds push the oldest lines, not the block, off the top.
  term.sendKeys(`seq 1 60 && ${quote(process.execPath)} ${quote(MAIN)} crawl ${site.url('/p0')} --db ${quote(db)} --concurrency 1 --workers 0 --max-pages 250`, 'Enter');
  await term.waitFor(/^crawlite [1-9][\d,]* pages? stored .{20,}elapsed$/m);
  term.resize(50, 40);
  // Redrawn for 50 columns: its first line cut to fit.
  const narrow = await term.waitFor(/^crawlite [1-9][\d,]* pages? stored.{0,30}$/m);
  const blocks = narrow.match(/^crawlite [\d,]+ pages? stored/gm) ?? [];
  assert.equal(blocks.length, 1, `one status block:\n${narrow}`);
  for (const line of narrow.split('\n').filter((l) => l.startsWith('crawlite ') || l.startsWith('  '))) assert.ok(line.length < 50, `fits: ${line}`);
  term.sendKeys('C-c');
  const end = await term.waitFor(/crawl interrupted: (?:.*\n)*PROMPT\$ $/m);
  assert.equal((end.match(/^crawlite [\d,]+ pages? stored/gm) ?? []).length, 0, `the block erased at the end:\n${end}`);
});

test('wget\'s -nv, -np, -nc are refused naming crawlite\'s (-nv printed the version and exited 0); -A, -R, -D, --max-size, -s, --spider get crawlite\'s', async () => {
  const url = 'http://127.0.0.1:9/';
  const version = await crawlite(['crawl', url, '-nv']);
  assertOneLineError(version, 2, /^crawlite: unknown option -nv: wget's --no-verbose is -q \(--quiet\) here: only warnings and errors \[CRAWL_USAGE\]$/);
  assert.equal(version.stdout, '', 'no version printed');
  assertOneLineError(await crawlite(['crawl', url, '-np']), 2, /^crawlite: unknown option -np: wget's --no-parent is --scope prefix here/);
  assertOneLineError(await crawlite(['crawl', url, '-nc']), 2, /^crawlite: unknown option -nc: wget's --no-clobber is the default here/);
  const cases: Array<[string[], string]> = [
    [['-A', 'html'], `did you mean --include '\\.html?$'`],
    [['-R', 'pdf'], `did you mean --exclude '\\.pdf$'`],
    // -D was taken for a typo of --db.
    [['-D', 'example.org'], 'did you mean --scope domain'],
    // --max-size was taken for a typo of --max-time.
    [['--max-size', '1M'], 'did you mean --max-bytes?'],
    [['-s', 'DEPTH_LIMIT=2'], "Scrapy's settings are flags here: DEPTH_LIMIT --max-depth"],
    [['--spider'], 'crawlite export --status 4xx,5xx --fields url,status'],
    [['-e', 'robots=off'], "wget's -e robots=off is --ignore-robots here"],
    [['--threads', '4'], 'did you mean --concurrency?'],
    [['-m'], 'no -m (--mirror): crawl follows links by default'],
  ];
  for (const [args, hint] of cases) {
    const run = await crawlite(['crawl', url, ...args]);
    assert.equal(run.code, 2, run.stderr);
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, run.stderr);
    assert.match(lines[0]!, /^crawlite: Unknown argument: .* \[CRAWL_USAGE\]$/);
    assert.ok(lines[1]!.includes(hint), `${args.join(' ')}: ${lines[1]}`);
    assert.match(lines[1]!, /run crawlite crawl --help for usage$/);
  }
  // After --, a word is a word: search's query.
  const search = await crawlite(['search', '--db', '/tmp/crawlite-qa21-none.db', '--', '-nv']);
  assert.ok(!search.stderr.includes('unknown option'), search.stderr);
});

test('search -n 2 gives two results, as head -n (it was read as a query with the word -n); export --columns, --where, --limit and stats --format get the option they meant', async (t) => {
  const site = await startSite({ '/': page('zebra home', ['/a', '/b']), '/a': page('zebra a'), '/b': page('zebra b') });
  t.after(() => site.close());
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress'])).code, 0);
  const two = await crawlite(['search', 'zebra', '--db', db, '-n', '2', '--json']);
  assert.equal(two.code, 0, two.stderr);
  assert.equal(two.stdout.trim().split('\n').length, 2, two.stdout);
  // Before --, -n is still --limit; after it, a word of the query.
  const one = await crawlite(['search', '--db', db, '-n', '1', '--json', '--', 'zebra', '-home']);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(one.stdout.trim().split('\n').length, 1, one.stdout);
  const cases: Array<[string[], string]> = [
    [['search', 'zebra', '--db', db, '--top', '2'], 'crawlite: did you mean --limit? run crawlite search --help for usage'],
    [['export', '--db', db, '--columns', 'url'], 'crawlite: did you mean --fields? run crawlite export --help for usage'],
    [['export', '--db', db, '--where', 'status=200'], 'crawlite: export filters with --status, --content-type, --since, --until and --run; any other query: sqlite3 on the database; run crawlite export --help for usage'],
    [['export', '--db', db, '--limit', '2'], 'crawlite: export streams every page it selects: pipe it to head -n 10'],
    [['stats', '--db', db, '--format', 'json'], 'crawlite: did you mean --json? run crawlite stats --help for usage'],
  ];
  for (const [args, hint] of cases) {
    const run = await crawlite(args);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, run.stderr);
    assert.ok(lines[1]!.startsWith(hint), `${args.join(' ')}: ${lines[1]}`);
  }
});
