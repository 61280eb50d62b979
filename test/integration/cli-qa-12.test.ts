/**
 * The twelfth QA round on the command line: a new user following the README, then an expert
 * trying to break it. Each test names what was typed, what it got before, and what it gets now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSite, page } from '../helpers/site.js';
import { MAIN, assertOneLineError, crawlite, whenPages, assertBenchReplaces } from '../helpers/cli.js';
import { openTerminal, quote, skipWithoutTmux } from '../helpers/tmux.js';
import { rows } from '../helpers/db.js';
import { tempDir } from '../helpers/config.js';

test('a seed with a space inside (two URLs in one argument or line, a comment after a URL) is refused, not fetched as one %20 URL', async (t) => {
  const site = await startSite({ '/': page('home'), '/docs': page('docs') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa12-');
  const db = join(dir, 'crawl.db');

  // `crawl "$URLS"`: both URLs in one argument. It crawled http://host/%20http://host/docs.
  const typed = await crawlite(['crawl', `${site.url('/')} ${site.url('/docs')}`, '--db', db]);
  assertOneLineError(typed, 2, /^crawlite: invalid seed URL '.+\/ http:.+\/docs': it holds a space, so it is not one URL; give each URL as an argument of its own, and a space inside a URL as %20 \[CRAWL_SEED_INVALID\]$/);

  // A comment after the URL: the URL parser took '# the docs' as the fragment and fetched /docs%20.
  const list = join(dir, 'urls.txt');
  writeFileSync(list, `# to check\n${site.url('/')}\n${site.url('/docs')} # the docs\n`);
  const fromFile = await crawlite(['crawl', '-i', list, '--db', db]);
  assertOneLineError(fromFile, 2, /^crawlite: .*urls\.txt:3: invalid seed URL '.+\/docs # the docs': it holds a space, so it is not one URL; give one URL per line, a # comment on a line of its own, and a space inside a URL as %20 \[CRAWL_SEED_INVALID\]$/);

  // A YAML flow list written with spaces instead of commas is one string.
  const job = join(dir, 'job.yaml');
  writeFileSync(job, `seeds: [${site.url('/')} ${site.url('/docs')}]\ndb: ${db}\n`);
  const fromJob = await crawlite(['crawl', '--config', job]);
  assertOneLineError(fromJob, 2, /^crawlite: .*job\.yaml:\d+: seeds\[0\]: expected one URL per item with no space inside, not two URLs or a URL and a comment \(write a space in a URL as %20\), got '.+' \[CRAWL_CONFIG_INVALID\]$/);

  assert.equal(site.total(), 0, 'nothing fetched');
  assert.equal(existsSync(db), false, 'no database created');

  // A space written as %20 is a URL like any other.
  const encoded = await crawlite(['crawl', site.url('/a%20b'), '--db', db, '--quiet', '--workers', '0']);
  assert.equal(encoded.code, 1, encoded.stderr); // the site answers 404 there: nothing fetched below 400
  assert.deepEqual(rows(db, 'SELECT url, status FROM pages'), [{ url: site.url('/a%20b'), status: 404 }]);
});

const isRoot = process.getuid?.() === 0;

test('a --db this user may not write: the reason in words, not SQLite\'s "unable to open database file" or "attempt to write a readonly database"', async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa12-');
  const made = join(dir, 'made.db');
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', made, '--quiet', '--workers', '0'])).code, 0);
  // Root writes anywhere: as root the crawls run as nobody.
  chmodSync(dir, 0o755);
  const user = isRoot ? { user: { uid: 65534, gid: 65534 } } : {};
  const hint = 'pass --db a writable file path \\(a new file, or a crawlite database\\) \\[CRAWL_STORE_OPEN\\]$';

  // A read-only file.
  const readOnly = join(dir, 'read-only.db');
  copyFileSync(made, readOnly);
  chmodSync(readOnly, 0o444);
  const before = readFileSync(readOnly);
  assertOneLineError(await crawlite(['crawl', site.url('/'), '--db', readOnly], user), 1,
    new RegExp(`^crawlite: cannot open database .*read-only\\.db: this user may not read and write the file \\(permission denied\\); ${hint}`));
  assert.deepEqual(readFileSync(readOnly), before, 'the file is unchanged');

  // A folder that may not be written: a writable file in it cannot get its -wal journal, a new file cannot be made.
  const locked = join(dir, 'locked');
  mkdirSync(locked);
  copyFileSync(made, join(locked, 'crawl.db'));
  chmodSync(join(locked, 'crawl.db'), 0o666);
  chmodSync(locked, 0o555);
  try {
    await refusedInLocked(locked, site.url('/'), user, hint);
  } finally {
    // Before the temporary folder is removed, which a non-root user could not do inside it.
    chmodSync(locked, 0o755);
  }
  assert.equal(site.hits.get('/'), 1, 'only the first crawl fetched');
});

async function refusedInLocked(locked: string, seed: string, user: object, hint: string): Promise<void> {
  for (const args of [['crawl', seed], ['crawl']]) {
    assertOneLineError(await crawlite([...args, '--db', join(locked, 'crawl.db')], user), 1,
      new RegExp(`^crawlite: cannot open database .*locked/crawl\\.db: its folder .*locked cannot be written \\(permission denied\\), and SQLite keeps the file's journal \\(crawl\\.db-wal\\) there; ${hint}`));
  }
  assertOneLineError(await crawlite(['crawl', seed, '--db', join(locked, 'new.db')], user), 1,
    new RegExp(`^crawlite: cannot open database .*locked/new\\.db: it cannot be created in its folder .*locked: permission denied; ${hint}`));
  assertOneLineError(await crawlite(['crawl', seed, '--db', join(locked, 'sub', 'new.db')], user), 1,
    new RegExp(`^crawlite: cannot open database .*locked/sub/new\\.db: cannot create its folder .*locked/sub: permission denied; ${hint}`));
  assert.equal(existsSync(join(locked, 'new.db')), false);
}

test('an empty --config, --seeds-file, --user-agent, --include or --exclude ("$VAR" unset) is refused, naming the flag', async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa12-');
  const db = join(dir, 'crawl.db');
  const cases: [string[], RegExp][] = [
    // It said "crawlite: : expected a .yaml, .yml or .json job file".
    [['--config', ''], /^crawlite: --config '' is empty; give a file path \[CRAWL_USAGE\]$/],
    // It said "cannot read --seeds-file : no such file".
    [['--seeds-file', ''], /^crawlite: --seeds-file '' is empty; give a file path \(- for stdin\) \[CRAWL_USAGE\]$/],
    // It sent the default User-Agent without a word.
    [['--user-agent', ''], /^crawlite: --user-agent '' is empty: give a User-Agent \(--no-user-agent for the default\) \[CRAWL_USAGE\]$/],
    // An empty pattern matches every URL: the include admitted everything, the exclude refused the seed (exit 1).
    [['--include', '/docs/', '--include', ''], /^crawlite: --include '' is empty: an empty pattern matches every URL; give a regular expression \(--no-include for none\) \[CRAWL_USAGE\]$/],
    [['--exclude', ''], /^crawlite: --exclude '' is empty: an empty pattern matches every URL; give a regular expression \(--no-exclude for none\) \[CRAWL_USAGE\]$/],
  ];
  for (const [flags, line] of cases) {
    assertOneLineError(await crawlite(['crawl', site.url('/'), '--db', db, ...flags]), 2, line);
  }
  const job = join(dir, 'job.yaml');
  writeFileSync(job, `seeds: [${site.url('/')}]\ndb: ${db}\nscope:\n  exclude: ['']\n`);
  assertOneLineError(await crawlite(['crawl', '--config', job]), 2,
    /^crawlite: .*job\.yaml:\d+: scope\.exclude\[0\]: expected a regular expression, not an empty one, which matches every URL \(an empty list is none\), got '' \[CRAWL_CONFIG_INVALID\]$/);
  assert.equal(site.total(), 0, 'nothing fetched');
  assert.equal(existsSync(db), false, 'no database created');
});

test('an empty --db for the commands that read one: exit 2 naming --db, not "no database at  (run a crawl first...)", exit 1', async () => {
  for (const args of [['stats'], ['export'], ['search', 'word'], ['report'], ['stats', '--json']]) {
    assertOneLineError(await crawlite([...args, '--db', '']), 2, /^crawlite: --db needs a file path \[CRAWL_USAGE\]$/);
  }
  // bench --config '' said "crawlite: : expected a .yaml, .yml or .json job file".
  assertOneLineError(await crawlite(['bench', '--pages', '5', '--config', '']), 2, /^crawlite: --config '' is empty; give a file path \[CRAWL_USAGE\]$/);
});

test('bench --db naming a crawl of a real site leaves it untouched (it was deleted and replaced); a bench database is replaced as before', async (t) => {
  const site = await startSite({ '/docs/': page('docs') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa12-');
  const crawled = join(dir, 'crawl.db');
  assert.equal((await crawlite(['crawl', site.url('/docs/'), '--db', crawled, '--quiet', '--workers', '0'])).code, 0);
  const before = readFileSync(crawled);
  const refused = await crawlite(['bench', '--db', crawled, '--pages', '5', '--page-bytes', '5000', '--workers', '0']);
  assertOneLineError(refused, 1, /^crawlite: .*crawl\.db holds a crawl of http:\/\/127\.0\.0\.1:\d+\/docs\/ \(run 1\), not a bench run, and was left untouched: bench replaces its --db; pass --db a new file \(by default data\/bench\.db\) \[CRAWL_STORE_OPEN\]$/);
  assert.deepEqual(readFileSync(crawled), before, 'the crawl is unchanged');

  await assertBenchReplaces(join(dir, 'bench.db'));
});

test('a continued run whose one URL answered 404: "the one URL tried failed", not "all 1 URLs tried failed"', async (t) => {
  const site = await startSite({ '/': page('home', ['/gone']) });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa12-'), 'crawl.db');
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--max-pages', '1', '--quiet', '--workers', '0'])).code, 0);
  const run = await crawlite(['crawl', '--db', db, '--max-pages', '1', '--quiet', '--workers', '0']);
  assertOneLineError(run, 1, /^crawlite: no page could be fetched: the one URL tried failed \(http:\/\/127\.0\.0\.1:\d+\/gone: HTTP 404\) \[CRAWL_NOTHING_FETCHED\]$/);
});

test('a job file\'s db: ":memory:" is named as the file\'s key, not as a --db the user never typed', async (t) => {
  const dir = tempDir(t, 'crawlite-qa12-');
  const job = join(dir, 'job.yaml');
  writeFileSync(job, 'seeds: [http://127.0.0.1:9/]\ndb: ":memory:"\n');
  assertOneLineError(await crawlite(['crawl', '--config', job], { cwd: dir }), 2,
    /^crawlite: .*job\.yaml:\d+: db: expected a file path, not SQLite's :memory:, which would lose the crawl at exit \(\.\/:memory: for a file of that name\), got ':memory:' \[CRAWL_CONFIG_INVALID\]$/);
  assert.equal(existsSync(join(dir, ':memory:')), false);
});

test('SIGTERM (kill, a service manager) stops a crawl as Ctrl+C does: exit 130, run interrupted, nothing left in flight; the next run ends the crawl, each page once', async (t) => {
  const routes: Record<string, string> = {};
  for (let i = 0; i < 40; i++) routes[`/p${i}`] = page(`page ${i}`, i < 39 ? [`/p${i + 1}`] : []);
  const site = await startSite(routes, { delayMs: 30 });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa12-'), 'crawl.db');
  const stopped = await crawlite(['crawl', site.url('/p0'), '--db', db, '--no-progress', '--workers', '0'], {
    onSpawn: (child) => whenPages(child, db, 3, () => child.kill('SIGTERM')),
  });
  assert.equal(stopped.code, 130, stopped.stderr);
  // It said "(Ctrl+C again to quit at once)" to a process no keyboard had stopped.
  assert.match(stopped.stderr, /^crawlite: SIGTERM received, storing pages in progress \(SIGTERM again, or Ctrl\+C, to quit at once\)$/m);
  assert.match(stopped.stderr, /^crawl interrupted: \d+ pages? stored/m);
  assert.deepEqual(rows(db, 'SELECT status FROM runs'), [{ status: 'interrupted' }]);
  assert.deepEqual(rows(db, "SELECT count(*) AS n FROM urls WHERE state = 'fetching'"), [{ n: 0 }]);
  const kept = rows<{ n: number }>(db, 'SELECT count(*) AS n FROM pages')[0]!.n;
  assert.ok(kept >= 3 && kept < 40, `${kept} pages kept`);

  const resumed = await crawlite(['crawl', '--db', db, '--quiet', '--workers', '0']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(rows(db, 'SELECT count(*) AS n, count(DISTINCT url) AS distinct_urls FROM pages'), [{ n: 40, distinct_urls: 40 }]);
  assert.deepEqual(rows(db, 'SELECT status FROM runs ORDER BY id'), [{ status: 'interrupted' }, { status: 'done' }]);
});

test('export --out pages.csv without --format writes CSV (it wrote JSON Lines into pages.csv); .warc.gz writes WARC; --format wins', async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa12-');
  const db = join(dir, 'crawl.db');
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0'])).code, 0);
  const csv = join(dir, 'pages.csv');
  assert.equal((await crawlite(['export', '--db', db, '--fields', 'url,title', '--out', csv])).code, 0);
  assert.equal(readFileSync(csv, 'utf8'), `url,title\r\n${site.url('/')},home\r\n`);
  const warc = join(dir, 'crawl.warc.gz');
  assert.equal((await crawlite(['export', '--db', db, '--out', warc])).code, 0);
  assert.deepEqual([...readFileSync(warc).subarray(0, 2)], [0x1f, 0x8b], 'gzip, as WARC records are written');
  const chosen = join(dir, 'edges.csv');
  assert.equal((await crawlite(['export', '--db', db, '--format', 'jsonl', '--fields', 'url', '--out', chosen])).code, 0);
  assert.equal(readFileSync(chosen, 'utf8'), `{"url":"${site.url('/')}"}\n`);
  const stdout = await crawlite(['export', '--db', db, '--fields', 'url']);
  assert.equal(stdout.stdout, `{"url":"${site.url('/')}"}\n`, 'stdout: JSON Lines, as before');
  // Only WARC is compressed: pages.csv.gz got plain CSV under a name zcat refuses.
  assertOneLineError(await crawlite(['export', '--db', db, '--out', join(dir, 'pages.csv.gz')]), 2,
    /^crawlite: --out .*pages\.csv\.gz: a --format csv export is not compressed; pipe it through gzip instead: crawlite export --format csv \.\.\. \| gzip > .*pages\.csv\.gz \(or --out .*pages\.csv\) \[CRAWL_USAGE\]$/);
  assert.equal(existsSync(join(dir, 'pages.csv.gz')), false);
});

test('--max-db-size on a file that already holds that much: refused before the run starts; a recrawl whose requeue does not fit ends its run failed, not running', async (t) => {
  // 600 pages: past --max-db-size's 256 KB floor, and a recrawl's requeue of them moves 600 index
  // entries, far more than the one spare database page below holds.
  const routes: Record<string, string> = { '/': page('home', Array.from({ length: 600 }, (_, i) => `/p${i}`)) };
  for (let i = 0; i < 600; i++) routes[`/p${i}`] = page(`page ${i}`);
  const site = await startSite(routes);
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa12-');
  const db = join(dir, 'crawl.db');
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0'])).code, 0);
  const { pages, free, size } = rows<{ pages: number; free: number; size: number }>(db,
    'SELECT page_count AS pages, freelist_count AS free, page_size AS size FROM pragma_page_count, pragma_freelist_count, pragma_page_size')[0]!;
  const usedKiB = ((pages - free) * size) / 1024;

  // Nothing can be stored: it said "database full ... pages stored so far are kept", after a recrawl's requeue left its run 'running'.
  const refused = await crawlite(['crawl', '--db', db, '--recrawl', '--max-db-size', `${usedKiB}KB`]);
  assertOneLineError(refused, 1, /^crawlite: database .*crawl\.db already holds [\d.]+ [KM]iB, as much as --max-db-size [\d.]+ [KM]iB allows: nothing more fits; raise --max-db-size \(or leave it out\) to go on with this crawl \[CRAWL_STORE_WRITE\]$/);
  assert.deepEqual(rows(db, 'SELECT id, status FROM runs'), [{ id: 1, status: 'done' }], 'no run begun');

  // Room for one more database page: the recrawl's requeue, written before the crawl begins, does not fit.
  const full = await crawlite(['crawl', '--db', db, '--recrawl', '--quiet', '--max-db-size', `${usedKiB + size / 1024}KB`]);
  assertOneLineError(full, 1, /^crawlite: database full \(disk full or --max-db-size reached\); .*\[CRAWL_STORE_WRITE\]$/);
  assert.deepEqual(rows(db, 'SELECT id, status FROM runs'), [{ id: 1, status: 'done' }, { id: 2, status: 'failed' }]);
  assert.equal(existsSync(`${db}-wal`), false, 'the file left as a finished crawl leaves it');
  assert.deepEqual(rows(db, "SELECT count(*) AS n FROM meta WHERE key LIKE 'writer%'"), [{ n: 0 }], 'the lock released');

  // With room, the recrawl runs.
  const recrawled = await crawlite(['crawl', '--db', db, '--recrawl', '--quiet', '--workers', '0']);
  assert.equal(recrawled.code, 0, recrawled.stderr);
  assert.deepEqual(rows(db, 'SELECT status FROM runs WHERE id = 3'), [{ status: 'done' }]);
});

test('a job file\'s maxPages, maxTimeMs and store.maxDbBytes are lifted with --no-max-pages, --no-max-time, --no-max-db-size (they were refused: "there is no --no-max-pages")', async (t) => {
  const routes: Record<string, string> = {};
  for (let i = 0; i < 5; i++) routes[`/p${i}`] = page(`page ${i}`, i < 4 ? [`/p${i + 1}`] : []);
  const site = await startSite(routes);
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa12-');
  const db = join(dir, 'crawl.db');
  const job = join(dir, 'job.yaml');
  writeFileSync(job, `seeds: [${site.url('/p0')}]\ndb: ${db}\nmaxPages: 2\nmaxTimeMs: 600000\nstore:\n  maxDbBytes: 100MB\n`);
  const run = await crawlite(['crawl', '--config', job, '--no-max-pages', '--no-max-time', '--no-max-db-size', '--quiet', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(rows(db, 'SELECT count(*) AS n FROM pages'), [{ n: 5 }], 'the whole site, not the job\'s 2 pages');
  assert.deepEqual(rows(db, "SELECT json_extract(options, '$.maxPages') AS pages, json_extract(options, '$.maxTimeMs') AS time, json_extract(options, '$.store.maxDbBytes') AS size FROM runs"),
    [{ pages: null, time: null, size: null }]);
  assertOneLineError(await crawlite(['crawl', '--config', job, '--max-pages', '3', '--no-max-pages']), 2, /^crawlite: --max-pages and --no-max-pages both given; give one \[CRAWL_USAGE\]$/);
});

test('crawl -i - in a terminal: the URLs typed, then Ctrl+D, are crawled (it failed at once: "cannot read --seeds-file stdin: EAGAIN")', async (t) => {
  if (skipWithoutTmux(t)) return;
  const site = await startSite({ '/a': page('a'), '/b': page('b') });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa12-'), 'crawl.db');
  const crawl = `${quote(process.execPath)} ${quote(MAIN)} crawl -i - --db ${quote(db)} --max-depth 0 --workers 0`;
  const terminal = openTerminal(t, `sh -c ${quote(`${crawl}; echo "exit $?"; sleep 30`)}`);
  await terminal.waitFor(/crawlite: reading seed URLs from the terminal, one per line; end with Ctrl\+D/);
  terminal.sendKeys(site.url('/a'), 'Enter', site.url('/b'), 'Enter');
  terminal.sendKeys('C-d');
  const screen = await terminal.waitFor(/exit \d+/);
  assert.match(screen, /crawl done: 2 pages stored/);
  assert.match(screen, /exit 0/);
  assert.deepEqual(rows(db, 'SELECT url FROM pages ORDER BY url'), [{ url: site.url('/a') }, { url: site.url('/b') }]);
});

test('a job file in UTF-16 with its byte order mark (Windows PowerShell\'s Out-File) is read, as a seeds file is (it was "got \'��s\\u0000e\\u0000\'")', async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa12-');
  const db = join(dir, 'crawl.db');
  const yaml = join(dir, 'job.yaml');
  writeFileSync(yaml, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`seeds: [${site.url('/')}]\r\ndb: ${db}\r\nmaxDepth: 0\r\n`, 'utf16le')]));
  const run = await crawlite(['crawl', '--config', yaml, '--quiet', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(rows(db, 'SELECT url FROM pages'), [{ url: site.url('/') }]);
  const json = join(dir, 'job.json');
  writeFileSync(json, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify({ seeds: [site.url('/')], db, maxPage: 1 }), 'utf16le')]));
  // Read, so its mistakes are named as in any job file.
  assertOneLineError(await crawlite(['crawl', '--config', json]), 2, /^crawlite: .*job\.json:\d+: maxPage: unknown key; did you mean maxPages\? \(known: .*\) \[CRAWL_CONFIG_INVALID\]$/);
});

test('--scope prefix with a seed written without its trailing slash says that the directory above it is crawled, and how to keep to the folder', async (t) => {
  const site = await startSite({ '/docs': page('docs', ['/docs/a', '/other']), '/docs/': page('docs folder', ['/docs/a', '/other']), '/docs/a': page('a'), '/other': page('other') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa12-');
  const loose = await crawlite(['crawl', site.url('/docs'), '--db', join(dir, 'a.db'), '--scope', 'prefix', '--no-progress', '--workers', '0']);
  assert.equal(loose.code, 0, loose.stderr);
  assert.match(loose.stderr, new RegExp(`^crawlite: --scope prefix: seed ${site.url('/docs')} is a page in ${site.url('/')}, so all of ${site.url('/')} is crawled; for the folder, give ${site.url('/docs/')}$`, 'm'));
  assert.deepEqual(rows(join(dir, 'a.db'), 'SELECT url FROM pages ORDER BY url'), [{ url: site.url('/docs') }, { url: site.url('/docs/a') }, { url: site.url('/other') }], 'crawled as before');
  const folder = await crawlite(['crawl', site.url('/docs/'), '--db', join(dir, 'b.db'), '--scope', 'prefix', '--no-progress', '--workers', '0']);
  assert.equal(folder.code, 0, folder.stderr);
  assert.doesNotMatch(folder.stderr, /--scope prefix:/);
  assert.deepEqual(rows(join(dir, 'b.db'), 'SELECT url FROM pages ORDER BY url'), [{ url: site.url('/docs/') }, { url: site.url('/docs/a') }]);
});

test('a seed typed without http:// or https:// is refused with the URL it most likely means', async () => {
  assertOneLineError(await crawlite(['crawl', 'example.org/docs']), 2,
    /^crawlite: invalid seed URL 'example\.org\/docs': give an absolute http:\/\/ or https:\/\/ URL, e\.g\. https:\/\/example\.org\/docs \[CRAWL_SEED_INVALID\]$/);
  assertOneLineError(await crawlite(['crawl', 'localhost:3000']), 2,
    /^crawlite: invalid seed URL 'localhost:3000': give an absolute http:\/\/ or https:\/\/ URL, e\.g\. http:\/\/localhost:3000\/ \[CRAWL_SEED_INVALID\]$/);
});
