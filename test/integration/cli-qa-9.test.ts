/**
 * The ninth QA round on the command line: what a demanding terminal user typed and what it got.
 * Each test names the mistake, the one line that answers it now, and that nothing was written.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSite, page } from '../helpers/site.js';
import { MAIN, assertOneLineError, crawlite } from '../helpers/cli.js';
import { openTerminal, quote, skipWithoutTmux } from '../helpers/tmux.js';
import { tempDir } from '../helpers/config.js';

/** A site of a home page linking to ten pages, crawled into `db` with --max-depth 0 (the home page only). */
async function crawlHomeOnly(t: TestContext, db: string): Promise<string> {
  const routes: Record<string, string> = { '/': page('home', Array.from({ length: 10 }, (_, i) => `/p${i}`)) };
  for (let i = 0; i < 10; i++) routes[`/p${i}`] = page(`page ${i} wal`);
  const site = await startSite(routes);
  t.after(() => site.close());
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--max-depth', '0', '--quiet', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  return site.url('/');
}

test('no command: the line names every command, search included (it was left out)', async () => {
  const run = await crawlite([]);
  assertOneLineError(run, 2, /^crawlite: name a command: crawl, stats, export, bench, search or report \[CRAWL_USAGE\]$/);
});

test('an option with choices given no value is refused, not read as its default (export --format wrote JSON Lines)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa9-');
  const db = join(dir, 'c.db');
  await crawlHomeOnly(t, db);
  const out = join(dir, 'pages.csv');
  const exported = await crawlite(['export', '--db', db, '--format', '--out', out]);
  assertOneLineError(exported, 2, /^crawlite: Not enough arguments following: format \[CRAWL_USAGE\]$/);
  assert.equal(existsSync(out), false, 'no file written');
  // At the end of the line too, where yargs had taken the default.
  assertOneLineError(await crawlite(['export', '--db', db, '--format']), 2, /^crawlite: Not enough arguments following: format \[CRAWL_USAGE\]$/);
  // crawl's --scope said "Given: true", and --log-format ran as text.
  const fresh = join(dir, 'fresh.db');
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', fresh, '--scope']), 2, /^crawlite: Not enough arguments following: scope \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', fresh, '--log-format']), 2, /^crawlite: Not enough arguments following: log-format \[CRAWL_USAGE\]$/);
  assert.equal(existsSync(fresh), false, 'no database created');
});

test('a switch given a value other than true or false is refused (yargs read --json=yes as false)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa9-');
  const db = join(dir, 'c.db');
  await crawlHomeOnly(t, db);
  assertOneLineError(await crawlite(['stats', '--db', db, '--json=yes']), 2, /^crawlite: --json is a switch and takes no value, got 'yes': give --json or --no-json \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['stats', '--db', db, '--no-json=1']), 2, /^crawlite: --no-json is a switch and takes no value, got '1': give --json or --no-json \[CRAWL_USAGE\]$/);
  const fresh = join(dir, 'fresh.db');
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', fresh, '--recrawl=1']), 2, /^crawlite: --recrawl is a switch .*\[CRAWL_USAGE\]$/);
  assert.equal(existsSync(fresh), false, 'no database created');
  // true and false are what yargs reads, and stay accepted.
  const json = await crawlite(['stats', '--db', db, '--json=true']);
  assert.equal(json.code, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout) as { pages: number }).pages, 1);
  const text = await crawlite(['stats', '--db', db, '--json=false']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^database /);
  // After --, a word is the query's, whatever it looks like.
  const search = await crawlite(['search', '--db', db, '--', 'home', '--json=yes']);
  assert.equal(search.code, 0, search.stderr);
});

test('a YAML job file of two documents: one line saying so, not advice to call a library function', async (t) => {
  const dir = tempDir(t, 'crawlite-qa9-');
  const job = join(dir, 'job.yaml');
  writeFileSync(job, `seeds: [http://127.0.0.1:9/]\ndb: ${join(dir, 'c.db')}\n---\nmaxPages: 1\n`);
  const run = await crawlite(['crawl', '--config', job]);
  assertOneLineError(run, 2, /^crawlite: .*job\.yaml:3: column 1: YAML syntax error: the file holds more than one document \(a second --- line\); a job file is one document \[CRAWL_CONFIG_INVALID\]$/);
  assert.deepEqual(readdirSync(dir), ['job.yaml'], 'no database created');
});

test('stats, report, search and export on an empty file or another application\'s SQLite file: the same words for each', async (t) => {
  const dir = tempDir(t, 'crawlite-qa9-');
  const empty = join(dir, 'empty.db');
  writeFileSync(empty, '');
  const foreign = join(dir, 'foreign.db');
  const other = new Database(foreign);
  other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
  other.close();
  for (const [db, why] of [[empty, 'it has no tables'], [foreign, "it holds another application's data"]] as const) {
    for (const args of [['stats'], ['report', '--out', '-'], ['search', 'x']]) {
      const run = await crawlite([...args, '--db', db]);
      assertOneLineError(run, 1, new RegExp(`^crawlite: cannot read .*\\.db as a crawlite database: ${why}; pass --db the file a crawl wrote \\(.*\\) \\[CRAWL_STORE_OPEN\\]$`));
      assert.equal(run.stdout, '', `${args[0]}: nothing on stdout`);
    }
    assertOneLineError(await crawlite(['export', '--db', db]), 1, new RegExp(`^crawlite: .*\\.db is not a crawlite database: ${why}; pass --db the file a crawl wrote \\(.*\\) \\[CRAWL_STORE_OPEN\\]$`));
  }
  assert.deepEqual(readdirSync(dir).sort(), ['empty.db', 'foreign.db'], 'nothing written');
});

test('a continued crawl that queues again the URLs an earlier run skipped says so (it said "0 URLs queued", then fetched them)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa9-');
  const db = join(dir, 'c.db');
  await crawlHomeOnly(t, db);
  const run = await crawlite(['crawl', '--db', db, '--no-max-depth', '--no-progress', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stderr.split('\n');
  const at = lines.findIndex((l) => l.startsWith("crawlite: continuing run 1's crawl"));
  assert.match(lines[at] ?? '', /: 0 URLs queued$/);
  assert.equal(lines[at + 1], "crawlite: 10 URLs an earlier run skipped (too deep, excluded or out of scope) queued again: this run's limits admit them");
  assert.match(run.stderr, /crawl done: 10 pages stored/);
  // With --log-format json it is a notice event; nothing to requeue, nothing said.
  const again = await crawlite(['crawl', '--db', db, '--log-format', 'json', '--workers', '0']);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /skipped/);
});

test('the requeue notice is a JSON notice event under --log-format json', async (t) => {
  const dir = tempDir(t, 'crawlite-qa9-');
  const db = join(dir, 'c.db');
  await crawlHomeOnly(t, db);
  const run = await crawlite(['crawl', '--db', db, '--no-max-depth', '--log-format', 'json', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  const events = run.stderr.trim().split('\n').map((l) => JSON.parse(l) as { type: string; message?: string });
  const notices = events.filter((e) => e.type === 'notice').map((e) => e.message);
  assert.ok(notices.includes("10 URLs an earlier run skipped (too deep, excluded or out of scope) queued again: this run's limits admit them"), JSON.stringify(notices));
});

test('export --format warc to a terminal is refused; through a pipe it is written as before', async (t) => {
  if (skipWithoutTmux(t)) return;
  const dir = tempDir(t, 'crawlite-qa9-');
  const db = join(dir, 'c.db');
  await crawlHomeOnly(t, db);
  const term = openTerminal(t, `sh -c ${quote(`${quote(process.execPath)} ${quote(MAIN)} export --format warc --db ${quote(db)}; echo "exit $?"; sleep 30`)}`);
  const screen = await term.waitFor(/exit \d+/);
  assert.match(screen, /crawlite: --format warc writes gzip-compressed records, not text for a terminal; pass --out crawl\.warc\.gz or redirect stdout \(> crawl\.warc\.gz\) \[CRAWL_USAGE\]/);
  assert.match(screen, /exit 2/);
  const piped = await crawlite(['export', '--format', 'warc', '--db', db]);
  assert.equal(piped.code, 0, piped.stderr);
  assert.ok(piped.stdout.length > 0, 'the WARC goes down a pipe');
});

test('search on a terminal: its words in bold, but not with TERM=dumb or NO_COLOR (TERM=dumb showed the escapes)', async (t) => {
  if (skipWithoutTmux(t)) return;
  const dir = tempDir(t, 'crawlite-qa9-');
  const db = join(dir, 'c.db');
  await crawlHomeOnly(t, db);
  // env(1) inside the pane: tmux sets TERM itself, over a session's -e TERM=.
  const command = (env: string) => `env ${env} sh -c ${quote(`${quote(process.execPath)} ${quote(MAIN)} search home --db ${quote(db)}; echo "exit $?"; sleep 30`)}`;
  const bold = openTerminal(t, command('CRAWLITE_QA=1'));
  await bold.waitFor(/exit 0/);
  assert.match(bold.screen(true), /\x1b\[1mhome/);
  for (const env of ['TERM=dumb', 'NO_COLOR=1']) {
    const plain = openTerminal(t, command(env));
    await plain.waitFor(/exit 0/);
    assert.match(plain.screen(), /home/);
    assert.doesNotMatch(plain.screen(true), /\x1b\[1m/, env);
  }
});

test('a bad header name in a job file: the line is about that header, not ", got a mapping" (the whole map)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa9-');
  const job = join(dir, 'job.yaml');
  writeFileSync(job, `seeds: [http://127.0.0.1:9/]\ndb: ${join(dir, 'c.db')}\nfetch: {headers: {"Bad Name": secret}}\n`);
  const run = await crawlite(['crawl', '--config', job]);
  assertOneLineError(run, 2, /^crawlite: .*job\.yaml:\d+: fetch\.headers: invalid header name 'Bad\.\.\.': character 4 is not allowed \(expected .*\) \[CRAWL_CONFIG_INVALID\]$/);
  assert.doesNotMatch(run.stderr, /secret/, 'the value is never printed');
  assert.deepEqual(readdirSync(dir), ['job.yaml'], 'no database created');
});
