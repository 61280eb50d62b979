/**
 * Round 22, the command line as a new user meets it: a crawl stopped by Ctrl+C inside
 * --max-pages is continued with what is left of it, so the pasted command finishes the pages
 * asked for (it gave the whole --max-pages again); the job run again carries what was typed beside
 * --config (a --max-depth typed there was dropped); and the mistakes of a first session (help
 * <command>, an option before the command, an output file typed as an argument, another
 * application's SQLite file) are one line with the way on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSite, page } from '../helpers/site.js';
import { MAIN, assertOneLineError, countPages, crawlite, whenPages } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';

const QUIET = ['--no-progress', '--workers', '0', '--concurrency', '1'];

/** A summary line run as a user pastes it: by sh, `crawlite` being this build's binary. */
async function shell(command: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('sh', ['-c', `crawlite() { "${process.execPath}" "${MAIN}" "$@"; }\n${command}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stderr };
}

/** An endless chain (each page links the next), each answer 20 ms late so an interrupt lands mid-crawl. */
async function chainSite(t: { after: (fn: () => Promise<void>) => void }, length: number, opts: { token?: string } = {}) {
  const routes: Record<string, (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void> = {};
  for (let n = 0; n < length; n++) {
    routes[`/p${n}`] = (req, res) => {
      const status = opts.token === undefined || req.headers['x-token'] === opts.token ? 200 : 401;
      // Its own words, not only its number: pages the same but for their numbers are an endless
      // pagination, which the crawl stops after 20 (frontier/repeat-runs.ts).
      res.writeHead(status, { 'content-type': 'text/html' }).end(page(`p${n} ${n.toString(2).replace(/0/g, 'zero ').replace(/1/g, 'one ')}`, [`/p${n + 1}`]));
    };
  }
  const site = await startSite(routes, { delayMs: 20 });
  t.after(() => site.close());
  return site;
}

test('Ctrl+C inside --max-pages 100: the continuing command asks for what is left, and pasted, the crawl ends at 100 pages in all', async (t) => {
  const site = await chainSite(t, 200);
  const db = join(tempDir(t, 'crawlite-qa22-'), 'crawl.db');
  const stopped = await crawlite(['crawl', site.url('/p0'), '--db', db, '--max-pages', '100', ...QUIET], {
    onSpawn: (child) => whenPages(child, db, 3, () => child.kill('SIGINT')),
  });
  assert.equal(stopped.code, 130, stopped.stderr);
  const stored = countPages(db);
  const row = /^next:\n {2}(crawlite crawl --db \S+ --max-pages (\d+)) +# continue the crawl, (\d+) more URLs? at most \(the rest of --max-pages 100\) \(/m.exec(stopped.stderr);
  assert.ok(row, stopped.stderr);
  // Every URL this run took stored a page; those in flight at the stop went back to the queue.
  assert.equal(Number(row[2]), 100 - stored, `${stored} stored: ${stopped.stderr}`);
  assert.equal(row[3], row[2]);

  const pasted = await shell(row[1]!);
  assert.equal(pasted.code, 0, pasted.stderr);
  assert.equal(countPages(db), 100, 'the 100 pages asked for, not 100 more');
});

test('the job run again carries --max-depth typed beside --config: pasted, the crawl stays within it', async (t) => {
  const site = await chainSite(t, 30, { token: 's3cret' });
  const dir = tempDir(t, 'crawlite-qa22-');
  const db = join(dir, 'job.db');
  const job = join(dir, 'job.yaml');
  // The header's value is in the file: the continuing command is the job again, not `crawl --db`.
  writeFileSync(job, `seeds: ["${site.url('/p0')}"]\nmaxPages: 20\nfetch: { headers: { X-Token: s3cret } }\n`);
  const first = await crawlite(['crawl', '--config', job, '--db', db, '--max-depth', '4', '--max-pages', '2', '--exclude', '/nowhere$', ...QUIET]);
  assert.equal(first.code, 0, first.stderr);
  const row = /^next:\n {2}(crawlite crawl --config .*?) +# continue the crawl: the job again, for the header values in its file \(1 URL queued\)$/m.exec(first.stderr);
  assert.ok(row, first.stderr);
  assert.equal(row[1], `crawlite crawl --config ${job} --db ${db} --max-depth 4 --exclude '/nowhere$' --concurrency 1`);

  const pasted = await shell(row[1]!);
  assert.equal(pasted.code, 0, pasted.stderr);
  // p0..p4 (depth 0 to 4); without --max-depth the job's maxPages: 20 would have fetched 20 more.
  assert.equal(countPages(db), 5);
});

test('the top help\'s example fits; help <command> is that command\'s --help; an option before the command is named, with the command it belongs to', async () => {
  // The top help's crawl example fits its column (`--max-pages 500` wrapped its 500 onto a line of its own).
  const top = await crawlite(['--help']);
  assert.match(top.stdout, /^ {2}crawlite crawl https:\/\/example\.org\/ --max-pages 50 +Crawl up to 50 pages/m);
  const help = await crawlite(['help', 'export']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^crawlite export\b/m);
  assert.match(help.stdout, /--fields/);

  const misspelt = await crawlite(['--hepl']);
  assertOneLineError(misspelt, 2, /^crawlite: unknown option --hepl: did you mean --help\? \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['--hepl', 'crawl']), 2, /^crawlite: unknown option --hepl: did you mean --help\? \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['--max-pages', '5', 'https://example.org/']), 2,
    /^crawlite: --max-pages belongs to a command, which comes first: crawlite crawl --max-pages 5 'https:\/\/example\.org\/' \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['frobnicate', '--x']), 2, /^crawlite: unknown command "frobnicate": the commands are crawl, /);
  assertOneLineError(await crawlite(['help', 'nope']), 2, /^crawlite: unknown command "nope": the commands are crawl, /);
  // yargs suggests only for a command typed first: after help, the nearest command is named too.
  assertOneLineError(await crawlite(['help', 'stat']), 2, /^crawlite: unknown command "stat": did you mean stats\? \[CRAWL_USAGE\]$/);
});

test('a file to write typed as an argument is answered with --out; another application\'s SQLite file with the file to pass', async (t) => {
  const dir = tempDir(t, 'crawlite-qa22-');
  const other = join(dir, 'notes.db');
  const notes = new Database(other);
  notes.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
  notes.close();
  const stray = await crawlite(['export', 'pages.jsonl', '--db', other], { cwd: dir });
  assertOneLineError(stray, 2, /^crawlite: Unknown argument: pages\.jsonl \[CRAWL_USAGE\]$/);
  assert.match(stray.stderr, /^crawlite: did you mean --out pages\.jsonl\? run crawlite export --help for usage$/m);
  for (const args of [['stats'], ['search', 'x'], ['report', '--out', '-'], ['export']]) {
    const run = await crawlite([...args, '--db', other]);
    assertOneLineError(run, 1, /as a crawlite database: it holds another application's data; pass --db the file a crawl wrote \(crawlite crawl writes data\/crawl\.db unless given --db\) \[CRAWL_STORE_OPEN\]$|is not a crawlite database: it holds another application's data; pass --db the file a crawl wrote/);
  }
  assert.deepEqual(readdirSync(dir), ['notes.db'], 'nothing written beside it');
});

test('first-session mistakes, each one line, non-zero, no stack trace', async (t) => {
  const dir = tempDir(t, 'crawlite-qa22-');
  mkdirSync(join(dir, 'folder'));
  writeFileSync(join(dir, 'empty.yaml'), '');
  const cases: Array<[string[], number, RegExp]> = [
    [['crawl', '--max-page', '5', 'https://example.org/'], 2, /^crawlite: Unknown argument: max-page \[CRAWL_USAGE\]$/],
    [['crawl', 'example.org'], 2, /^crawlite: invalid seed URL 'example\.org': give an absolute http:\/\/ or https:\/\/ URL, e\.g\. https:\/\/example\.org\/ \[CRAWL_SEED_INVALID\]$/],
    [['stats', '--db', 'missing.db'], 1, /^crawlite: no database at missing\.db \(run a crawl first, or pass --db\) \[CRAWL_STORE_MISSING\]$/],
    [['export', '--db', 'missing.db'], 1, /^crawlite: no database at missing\.db/],
    [['search', 'x', '--db', 'missing.db'], 1, /^crawlite: no database at missing\.db/],
    [['stats', '--db', 'folder'], 1, /^crawlite: cannot open database folder: it is a directory; pass --db a crawlite database file \(e\.g\. folder\/crawl\.db\) \[CRAWL_STORE_OPEN\]$/],
    [['crawl', 'http://127.0.0.1:9/', '--db', 'folder'], 1, /^crawlite: cannot open database folder: it is a directory/],
    [['crawl', '--config', 'empty.yaml'], 2, /^crawlite: empty\.yaml: the job file is empty; give at least seeds \[CRAWL_CONFIG_INVALID\]$/],
  ];
  for (const [args, code, pattern] of cases) assertOneLineError(await crawlite(args, { cwd: dir }), code, pattern);
  assert.deepEqual(readdirSync(dir).sort(), ['empty.yaml', 'folder']);
  assert.deepEqual(readdirSync(join(dir, 'folder')), [], 'nothing written in the folder given as --db');
});
