/**
 * `crawl --db <file>` with no URL continues the latest run's crawl: its seeds and the options that
 * say what is crawled come from runs.options, flags given now override them, and per-run limits
 * and one-off actions do not carry over (config/resume-options.ts).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { startSite, page, type Route, type TestSite } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { MAIN, assertOneLineError, crawlite, whenPages } from '../helpers/cli.js';
import { processStart } from '../../src/store/writer-lock.js';

const QUIET = ['--no-progress', '--workers', '0', '--concurrency', '1'];

/**
 * / links /a1../a4 and /x (excluded below); each /aN links /aN/deep, which links /aN/deep/er
 * (depth 3, beyond --max-depth 2).
 */
async function treeSite(t: TestContext): Promise<TestSite> {
  const routes: Record<string, string> = { '/': page('home', ['/a1', '/a2', '/a3', '/a4', '/x']), '/x': page('x') };
  for (let n = 1; n <= 4; n++) {
    routes[`/a${n}`] = page(`a${n}`, [`/a${n}/deep`]);
    routes[`/a${n}/deep`] = page(`a${n} deep`, [`/a${n}/deep/er`]);
    routes[`/a${n}/deep/er`] = page(`a${n} deeper`);
  }
  const site = await startSite(routes);
  t.after(() => site.close());
  return site;
}

const titles = (db: string) => rows<{ title: string }>(db, 'SELECT title FROM pages ORDER BY title').map((r) => r.title);
const runOptions = (db: string, id: number) => JSON.parse(rows<{ options: string }>(db, 'SELECT options FROM runs WHERE id = ?', id)[0]!.options) as {
  maxPages: number | null; maxDepth: number | null; scope: { exclude: string[] }; retryFailed: boolean;
};

test('a crawl cut short by --max-pages, continued with no URL, reaches the pages of one full crawl, its scope kept', async (t) => {
  const site = await treeSite(t);
  const scope = ['--max-depth', '2', '--exclude', '/x$'];
  const full = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', full, ...scope, ...QUIET])).code, 0);
  site.hits.clear();

  const db = tempDbPath(t);
  const first = await crawlite(['crawl', site.url('/'), '--db', db, '--max-pages', '3', ...scope, ...QUIET]);
  assert.equal(first.code, 0, first.stderr);
  const queued = rows<{ n: number }>(db, "SELECT count(*) AS n FROM urls WHERE state = 'queued'")[0]!.n;
  assert.ok(queued > 0, 'the first run left URLs queued');

  const resumed = await crawlite(['crawl', '--db', db, ...QUIET]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(resumed.stderr.split('\n')[0], `crawlite: continuing run 1's crawl of ${site.url('/')} in ${db}: ${queued} URLs queued`);
  assert.deepEqual(titles(db), titles(full), 'the same pages as the full crawl');
  assert.equal(titles(db).length, 9, 'home, a1-a4 and their deep pages');
  assert.equal(site.hits.get('/x'), undefined, '--exclude carried over');
  assert.equal(site.hits.get('/a1/deep/er'), undefined, '--max-depth carried over');
  for (const path of ['/', '/a1', '/a4/deep']) assert.equal(site.hits.get(path), 1, `${path} fetched once`);
  const second = runOptions(db, 2);
  assert.equal(second.maxPages, null, '--max-pages is per run');
  assert.equal(second.maxDepth, 2);
  assert.deepEqual(second.scope.exclude, ['/x$']);
});

test('a crawl stopped with Ctrl+C, continued with no URL, reaches the pages of one full crawl', async (t) => {
  // 40 pages in a chain of links, each answered after 20 ms: the interrupt lands mid-crawl.
  const routes: Record<string, string> = {};
  for (let n = 0; n < 40; n++) routes[n === 0 ? '/' : `/p${n}`] = page(`p${n}`, n < 39 ? [`/p${n + 1}`, '/skip'] : []);
  routes['/skip'] = page('skip');
  const site = await startSite(routes, { delayMs: 20 });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const stopped = await crawlite(['crawl', site.url('/'), '--db', db, '--exclude', '/skip$', ...QUIET], {
    onSpawn: (child) => whenPages(child, db, 5, () => child.kill('SIGINT')),
  });
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stderr, /^next:\n {2}crawlite crawl --db \S+ +# continue the crawl to its end \([1-9]\d* URLs? queued\)$/m);
  const stored = titles(db).length;
  assert.ok(stored >= 5 && stored < 40, `interrupted mid-crawl (${stored} pages)`);

  const resumed = await crawlite(['crawl', '--db', db, ...QUIET]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /^crawlite: continuing run 1's crawl of http:\/\/127\.0\.0\.1:\d+\/ in .*: [1-9]\d* URLs? queued$/m);
  assert.equal(titles(db).length, 40, 'every page of the chain');
  assert.equal(rows<{ n: number }>(db, 'SELECT count(DISTINCT url) AS n FROM pages')[0]!.n, 40, 'each once');
  assert.equal(site.hits.get('/skip'), undefined, '--exclude carried over');
  assert.deepEqual(rows(db, 'SELECT id, status FROM runs ORDER BY id'), [{ id: 1, status: 'interrupted' }, { id: 2, status: 'done' }]);
});

test('a flag given on the resume overrides the stored option; a resume\'s own --max-pages is not carried to the next', async (t) => {
  const site = await treeSite(t);
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--max-pages', '1', '--max-depth', '1', ...QUIET])).code, 0);

  const deeper = await crawlite(['crawl', '--db', db, '--max-depth', '2', '--max-pages', '2', ...QUIET]);
  assert.equal(deeper.code, 0, deeper.stderr);
  assert.equal(runOptions(db, 2).maxDepth, 2, 'the flag won');
  assert.equal(rows<{ n: number }>(db, 'SELECT count(*) AS n FROM pages WHERE run_id = 2')[0]!.n, 2, 'this run\'s --max-pages applied');

  const rest = await crawlite(['crawl', '--db', db, ...QUIET]);
  assert.equal(rest.code, 0, rest.stderr);
  assert.equal(runOptions(db, 3).maxPages, null, 'the resume of a resume has no --max-pages');
  assert.equal(runOptions(db, 3).maxDepth, 2, 'and the overridden depth');
  assert.equal(titles(db).filter((title) => title.endsWith(' deep')).length, 4, 'depth 2 reached');
  assert.ok(!titles(db).some((title) => title.endsWith('deeper')));
});

test('--no-max-depth, --no-exclude: a continued crawl drops the carried limit and patterns, and so does the one after it', async (t) => {
  const site = await treeSite(t);
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--max-pages', '2', '--max-depth', '1', '--exclude', '/x$', ...QUIET])).code, 0);

  const lifted = await crawlite(['crawl', '--db', db, '--no-max-depth', '--no-exclude', ...QUIET]);
  assert.equal(lifted.code, 0, lifted.stderr);
  assert.equal(titles(db).length, 14, 'every page: the deeper ones and /x too');
  assert.equal(site.hits.get('/x'), 1);
  assert.equal(runOptions(db, 2).maxDepth, null);
  assert.deepEqual(runOptions(db, 2).scope.exclude, []);
  // What the resume recorded is what the next one carries: no limit, no pattern.
  assert.equal((await crawlite(['crawl', '--db', db, ...QUIET])).code, 0);
  assert.equal(runOptions(db, 3).maxDepth, null);
  assert.deepEqual(runOptions(db, 3).scope.exclude, []);
});

test('a resume reads the sitemaps again: its sitemaps line counts the URLs new to the database, and the known ones apart', async (t) => {
  const listed = ['/', '/s1', '/s2', 'http://elsewhere.invalid/x'];
  const routes: Record<string, Route> = {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\n' },
    '/sitemap.xml': (_req, res) => {
      const locs = listed.map((u) => `<url><loc>${new URL(u, site.origin).href}</loc></url>`).join('');
      res.writeHead(200, { 'content-type': 'application/xml' }).end(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs}</urlset>`);
    },
  };
  for (const path of ['/', '/s1', '/s2', '/s3']) routes[path] = page(path);
  const site = await startSite(routes);
  t.after(() => site.close());
  const db = tempDbPath(t);
  const first = await crawlite(['crawl', site.url('/'), '--db', db, '--sitemaps', '--max-pages', '1', ...QUIET]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /^crawlite: sitemaps: 1 read, 2 URLs queued \(1 already known, 1 recorded as skipped\)$/m, 'the seed was known');

  listed.push('/s3'); // the site adds a page
  const resumed = await crawlite(['crawl', '--db', db, ...QUIET]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /^crawlite: sitemaps: 1 read, 1 URL queued \(4 already known\)$/m);
  assert.deepEqual(titles(db), ['/', '/s1', '/s2', '/s3']);
});

test('--retry-failed with no URL retries the failures of the last crawl, and is not carried further', async (t) => {
  let isDown = true;
  const site = await startSite({
    '/': page('home', ['/flaky']),
    '/flaky': (_req, res) => {
      if (isDown) res.socket?.destroy();
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page('flaky'));
    },
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--retries', '0', ...QUIET])).code, 0);
  assert.equal(rows<{ state: string }>(db, 'SELECT state FROM urls WHERE url = ?', site.url('/flaky'))[0]!.state, 'failed');

  isDown = false;
  const retry = await crawlite(['crawl', '--db', db, '--retry-failed', ...QUIET]);
  assert.equal(retry.code, 0, retry.stderr);
  assert.match(retry.stderr, /^crawlite: continuing run 1's crawl of http:\/\/127\.0\.0\.1:\d+\/ in .*: 0 URLs queued$/m);
  assert.match(retry.stderr, /^crawlite: --retry-failed: 1 failed URL queued again$/m);
  assert.deepEqual(titles(db), ['flaky', 'home']);
  assert.equal(runOptions(db, 2).retryFailed, true);
  assert.equal(runOptions(db, 2).maxPages, null);

  const after = await crawlite(['crawl', '--db', db, '--log-format', 'json', '--workers', '0']);
  assert.equal(after.code, 0, after.stderr);
  assert.equal(runOptions(db, 3).retryFailed, false, 'a one-off action');
});

test('no URL and no crawl to continue: the usage error, now naming --db, and no file created', async (t) => {
  const db = tempDbPath(t);
  const hint = /^crawlite: give at least one URL to crawl, e.g. crawlite crawl https:\/\/example\.org\/, or a --db with an earlier crawl to continue it \(.*crawl\.db has none\) \[CRAWL_USAGE\]$/;
  assertOneLineError(await crawlite(['crawl', '--db', db]), 2, hint);
  assert.ok(!existsSync(db), 'looking created no file');
  assert.ok(!existsSync(dirname(db) + '/crawl.db-wal'));
  writeFileSync(db, '');
  assertOneLineError(await crawlite(['crawl', '--db', db, '--retry-failed']), 2, hint);
  assert.equal(readFileSync(db).length, 0, 'an empty file stays empty');
  // The default --db, in a folder with no data/.
  assertOneLineError(await crawlite(['crawl'], { cwd: dirname(db) }), 2, /\(data\/crawl\.db has none\) \[CRAWL_USAGE\]$/);
  assert.ok(!existsSync(join(dirname(db), 'data')));
});

test('no URL on another application\'s SQLite file, or on a text file: the refusals crawl gives with URLs, the file untouched', async (t) => {
  const dir = dirname(tempDbPath(t));
  const app = join(dir, 'app.db');
  const other = new Database(app);
  other.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('precious');");
  other.close();
  const hash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
  const before = hash(app);
  assertOneLineError(await crawlite(['crawl', '--db', app]), 1, /^crawlite: .*app\.db is not a crawlite database \(it holds another application's data\) and was left untouched; .*\[CRAWL_STORE_OPEN\]$/);
  assert.equal(hash(app), before);
  const text = join(dir, 'notes.db');
  writeFileSync(text, 'not a database at all, but long enough to be read as a header by SQLite.......................');
  assertOneLineError(await crawlite(['crawl', '--db', text]), 1, /^crawlite: cannot use database .*notes\.db: file is not a database; .*\[CRAWL_STORE_OPEN\]$/);
});

test('the last run\'s options unreadable: one line, exit 2, nothing fetched', async (t) => {
  const site = await treeSite(t);
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--max-pages', '1', ...QUIET])).code, 0);
  const hits = site.total();
  const writer = new Database(db);
  writer.prepare('UPDATE runs SET options = ?').run(JSON.stringify({ dbPath: db, scope: { mode: 'host' } }));
  writer.close();
  assertOneLineError(await crawlite(['crawl', '--db', db]), 2, /^crawlite: .*crawl\.db: run 1's options cannot be continued \(they hold no seeds\); name the seeds to crawl, e.g\. crawlite crawl https:\/\/example\.org\/ --db .* \[CRAWL_CONFIG_INVALID\]$/);
  const again = new Database(db);
  again.prepare('UPDATE runs SET options = ?').run(JSON.stringify({ seeds: [site.url('/')], scope: { mode: 'everywhere' } }));
  again.close();
  assertOneLineError(await crawlite(['crawl', '--db', db]), 2, /run 1's options cannot be continued \(scope\.mode: expected one of host, domain, prefix, any, got 'everywhere'\)/);
  assert.equal(site.total(), hits, 'nothing fetched');
});

test('a run that sent custom headers is not continued without them; given again (any case), it is, and they are sent', async (t) => {
  const seen: string[] = [];
  const site = await startSite({
    '/': page('home', ['/a', '/b']),
    '/a': (req, res) => {
      seen.push(String(req.headers['x-token']));
      res.writeHead(200, { 'content-type': 'text/html' }).end(page('a'));
    },
    '/b': page('b'),
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const first = await crawlite(['crawl', site.url('/'), '--db', db, '--max-pages', '1', '-H', 'X-Token: s3cret', '-H', 'Accept-Language: fr', ...QUIET]);
  assert.equal(first.code, 0, first.stderr);
  // The summary's continuing command asks for them, as the refusal below does.
  assert.match(first.stderr, new RegExp(`^ {2}crawlite crawl --db ${db} -H "X-Token: \\.\\.\\." -H "Accept-Language: \\.\\.\\." +# continue the crawl with no page limit \\(2 URLs queued\\)$`, 'm'));
  const hits = site.total();

  assertOneLineError(await crawlite(['crawl', '--db', db]), 2,
    /^crawlite: run 1 sent the headers X-Token, Accept-Language, whose values are not stored: give them again to continue its crawl \(-H "X-Token: \.\.\." -H "Accept-Language: \.\.\."\) \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['crawl', '--db', db, '-H', 'accept-language: fr']), 2, /^crawlite: run 1 sent the header X-Token, whose value is not stored: give it again/);
  assert.equal(site.total(), hits, 'nothing fetched while refused');

  const resumed = await crawlite(['crawl', '--db', db, '-H', 'x-token: s3cret', '-H', 'Accept-Language: fr', ...QUIET]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(seen, ['s3cret']);
  assert.deepEqual(titles(db), ['a', 'b', 'home']);
});

test('a resumed job run is recorded under the job\'s name and file again', async (t) => {
  const site = await treeSite(t);
  const db = tempDbPath(t);
  const job = join(dirname(db), 'small.yaml');
  writeFileSync(job, `name: small-job\nseeds: ["${site.url('/')}"]\nmaxDepth: 1\n`);
  const first = await crawlite(['crawl', '--config', job, '--db', db, '--max-pages', '2', ...QUIET]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, new RegExp(`^ {2}crawlite crawl --db ${db} +# continue the crawl with no page limit \\(\\d+ URLs queued\\)$`, 'm'));
  const resumed = await crawlite(['crawl', '--db', db, ...QUIET]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /^crawlite: continuing run 1's crawl \(job small-job\) of /);
  assert.deepEqual(rows(db, 'SELECT id, job, job_file FROM runs ORDER BY id'), [
    { id: 1, job: 'small-job', job_file: job },
    { id: 2, job: 'small-job', job_file: job },
  ]);
  assert.equal(titles(db).length, 6, 'home, x and a1-a4 (depth 1 from the job)');
});

test('a job run whose headers came from its file: the summary continues it with the job again, which sends them', async (t) => {
  const seen: string[] = [];
  const routes: Record<string, Route> = {};
  for (const path of ['/', '/a', '/b']) {
    routes[path] = (req, res) => {
      seen.push(`${path} ${String(req.headers['x-token'])}`);
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(path, path === '/' ? ['/a', '/b'] : []));
    };
  }
  const site = await startSite(routes);
  t.after(() => site.close());
  const db = tempDbPath(t);
  const job = join(dirname(db), 'token job.yaml');
  writeFileSync(job, `seeds: ["${site.url('/')}"]\nfetch: { headers: { X-Token: s3cret }, politeness: { ignoreRobots: true } }\n`);
  const first = await crawlite(['crawl', '--config', job, '--db', db, '--max-pages', '1', '-H', 'X-Typed: t', ...QUIET]);
  assert.equal(first.code, 0, first.stderr);
  const row = /^next:\n {2}(crawlite crawl .*?) +# (.*)$/m.exec(first.stderr);
  assert.ok(row, first.stderr);
  // --concurrency 1 (of QUIET) typed beside --config comes again (round 22); --max-pages 1, reached, does not.
  assert.equal(row[1], `crawlite crawl --config '${job}' --db ${db} --concurrency 1 -H "X-Typed: ..."`, 'the job, the database, the flags typed, and a placeholder for the typed header only');
  assert.equal(row[2], 'continue the crawl: the job again, for the header values in its file (2 URLs queued)');

  const pasted = await shell(row[1]!.replace('X-Typed: ...', 'X-Typed: t'));
  assert.equal(pasted.code, 0, pasted.stderr);
  assert.deepEqual(seen.sort(), ['/ s3cret', '/a s3cret', '/b s3cret']);
  assert.deepEqual(titles(db), ['/', '/a', '/b']);
});

test('no URL on a database another crawl holds: the refusal is the only line, not "continuing run 1" first', { skip: process.platform !== 'linux' }, async (t) => {
  const site = await treeSite(t);
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--max-pages', '1', ...QUIET])).code, 0);
  const hits = site.total();
  // A live process on this host, recorded with its start time: the lock of a crawl still running.
  const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
  await once(holder, 'spawn');
  t.after(() => holder.kill('SIGKILL'));
  const lock = { writer_pid: String(holder.pid), writer_host: hostname(), writer_started: processStart(holder.pid!)! };
  const writer = new Database(db);
  for (const [key, value] of Object.entries(lock)) writer.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  writer.close();

  assertOneLineError(await crawlite(['crawl', '--db', db, ...QUIET]), 1,
    new RegExp(`^crawlite: database .*crawl\\.db is in use by another crawl \\(pid ${holder.pid}\\); wait for it or use --db \\[CRAWL_STORE_LOCKED\\]$`));
  assert.equal(site.total(), hits, 'nothing fetched');
});

test('the "continuing run" line counts the queue once the crawl holds the lock, not as it was when the run was looked up', async (t) => {
  const site = await treeSite(t);
  const db = tempDbPath(t);
  // --ignore-robots carries over, and its notice comes between the look-up and the lock.
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--max-pages', '1', '--ignore-robots', ...QUIET])).code, 0);
  const before = rows<{ n: number }>(db, "SELECT count(*) AS n FROM urls WHERE state = 'queued'")[0]!.n;
  // Another writer, as a crawl ending meanwhile is: it holds the write lock, the resume waits for it (busy_timeout).
  const other = new Database(db);
  t.after(() => other.close());
  // As a crawl writes (a finished one leaves the file in rollback-journal mode, settle-file.ts):
  // its commit then waits for no reader, the resume's look-up included.
  other.pragma('journal_mode = WAL');
  other.exec('BEGIN IMMEDIATE');
  const add = other.prepare("INSERT INTO urls (url, host, depth, state, discovered_at, updated_at) VALUES (?, ?, 2, 'queued', 0, 0)");
  for (const n of [1, 2, 3]) add.run(site.url(`/a${n}/deep`), site.origin);
  const resumed = await crawlite(['crawl', '--db', db, ...QUIET], {
    onSpawn: (child) => child.stderr!.on('data', (d: Buffer) => {
      if (other.inTransaction && String(d).includes('--ignore-robots')) other.exec('COMMIT');
    }),
  });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`^crawlite: continuing run 1's crawl of .* in .*: ${before + 3} URLs queued$`, 'm'), `not ${before}`);
});

test('the summary of a run cut short names the command that continues it, quoted; pasted into a shell, it finishes the crawl', async (t) => {
  const site = await treeSite(t);
  const db = join(dirname(tempDbPath(t)), "it's my crawl.db");
  const first = await crawlite(['crawl', site.url('/'), '--db', db, '--max-pages', '3', ...QUIET]);
  assert.equal(first.code, 0, first.stderr);
  const queued = rows<{ n: number }>(db, "SELECT count(*) AS n FROM urls WHERE state = 'queued'")[0]!.n;
  const row = /^next:\n {2}(crawlite crawl .*?) +# continue the crawl with no page limit \((\d+) URLs queued\)$/m.exec(first.stderr);
  assert.ok(row, first.stderr);
  assert.equal(row[1], `crawlite crawl --db '${db.replace(/'/g, `'\\''`)}'`);
  assert.equal(Number(row[2]), queued);

  const pasted = await shell(row[1]!);
  assert.equal(pasted.code, 0, pasted.stderr);
  assert.match(pasted.stderr, /^crawlite: continuing run 1's crawl of /);
  assert.equal(titles(db).length, 14, 'every page of the site');
  assert.doesNotMatch(pasted.stderr, /continue the crawl/, 'nothing left: no continuing command');
});

/** A summary line run as a user pastes it: by sh, `crawlite` being this build's binary. */
function shell(command: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('sh', ['-c', `crawlite() { "${process.execPath}" "${MAIN}" "$@"; }\n${command}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}
