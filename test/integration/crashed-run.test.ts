/**
 * The runs row of a crawl killed with SIGKILL: it never reaches endRun, so what it says comes
 * from its commits (pages, failures, duplicates) and from the next run, which marks it crashed
 * and counts the URLs it left queued. Checked against the rows the killed run committed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { startSite, page, type Route } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { crawlite } from '../helpers/cli.js';

const PAGES = 30;

/**
 * '/' links /p/1../p/30; each /p/j links /r/j (a 301 to /p/j) and /loop/j (a 301 to itself).
 * /r/j enters the frontier only when /p/j's page commits, so its redirect always meets a stored
 * page: one duplicate per /r/j settled, one failure per /loop/j, and nothing else of either.
 */
function routes(): Record<string, Route> {
  const r: Record<string, Route> = {};
  const all = Array.from({ length: PAGES }, (_, i) => i + 1);
  r['/'] = page('home', all.map((j) => `/p/${j}`));
  for (const j of all) {
    r[`/p/${j}`] = { body: page(`p${j}`, [`/r/${j}`, `/loop/${j}`]), delayMs: 10 };
    r[`/r/${j}`] = { status: 301, headers: { location: `/p/${j}` }, delayMs: 40 };
    r[`/loop/${j}`] = { status: 301, headers: { location: `/loop/${j}` }, delayMs: 40 };
  }
  return r;
}

function read<T>(path: string, sql: string): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get() as T;
  } finally {
    db.close();
  }
}

test('a run killed with SIGKILL keeps the counts it committed, and the next run records its queue', async (t) => {
  const site = await startSite(routes());
  t.after(() => site.close());
  const dbPath = tempDbPath(t);
  const job = join(dirname(dbPath), 'job.yaml');
  writeFileSync(job, [
    `seeds: [${site.url('/')}]`,
    'fetch: { concurrency: 2, perHost: 2, politeness: { retries: 0, ignoreRobots: true } }',
    'parse: { workers: 1 }',
    'store: { batchSize: 4, flushIntervalMs: 50 }',
  ].join('\n'));
  const args = ['crawl', '--config', job, '--db', dbPath, '--no-progress'];

  // Killed once a few redirects and loops have committed, well before the ~60 of each are done.
  const killed = await crawlite(args, {
    onSpawn: (child) => {
      const poll = setInterval(() => {
        let settled = 0;
        try {
          settled = read<{ n: number }>(dbPath, `SELECT count(*) AS n FROM urls WHERE state IN ('redirected', 'failed')`).n;
        } catch {
          return; // the file or its tables are not there yet: poll again
        }
        if (settled >= 6) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 15);
      child.on('exit', () => clearInterval(poll));
    },
  });
  assert.equal(killed.signal, 'SIGKILL', `killed mid-crawl (exit ${killed.code}; ${killed.stderr})`);

  const atKill = read<{ status: string; pages: number; failures: number; duplicates: number; queued: number | null; storedPages: number; redirected: number; failed: number; left: number }>(dbPath, `
    SELECT status, pages, failures, duplicates, queued,
      (SELECT count(*) FROM pages WHERE run_id = 1) AS storedPages,
      (SELECT count(*) FROM urls WHERE url LIKE '%/r/%' AND state = 'redirected') AS redirected,
      (SELECT count(*) FROM urls WHERE state = 'failed') AS failed,
      (SELECT count(*) FROM urls WHERE state IN ('queued', 'fetching')) AS left
    FROM runs WHERE id = 1`);
  assert.equal(atKill.status, 'running', 'the killed run never ended');
  assert.ok(atKill.left > 0, 'killed with URLs still to fetch');
  assert.ok(atKill.redirected + atKill.failed >= 6);
  // What its last commit wrote, in the same transaction as the rows.
  assert.equal(atKill.pages, atKill.storedPages, 'pages committed');
  assert.equal(atKill.duplicates, atKill.redirected, 'each /r/j settled led to a page already stored');
  assert.equal(atKill.failures, atKill.failed, 'each /loop/j settled failed');

  const next = await crawlite(args);
  assert.equal(next.code, 0, next.stderr);
  const crashed = read<{ status: string; pages: number; failures: number; duplicates: number; queued: number | null }>(
    dbPath, 'SELECT status, pages, failures, duplicates, queued FROM runs WHERE id = 1');
  assert.deepEqual(crashed, {
    status: 'crashed',
    pages: atKill.storedPages,
    failures: atKill.failed,
    duplicates: atKill.redirected,
    queued: atKill.left, // those it had in flight went back to the queue
  });
  const done = read<{ status: string; duplicates: number; failures: number; queued: number }>(dbPath, 'SELECT status, duplicates, failures, queued FROM runs WHERE id = 2');
  assert.deepEqual(done, { status: 'done', duplicates: PAGES - atKill.redirected, failures: PAGES - atKill.failed, queued: 0 });
});

test('runs found dead together, as a crawlite that did not mark them left them: the last one gets the queue, an older one none, not the same figure', async (t) => {
  const site = await startSite({ '/': page('home', ['/a', '/b', '/c']), '/a': page('a'), '/b': page('b'), '/c': page('c') });
  t.after(() => site.close());
  const dbPath = tempDbPath(t);
  const first = await crawlite(['crawl', site.url('/'), '--db', dbPath, '--max-pages', '1', '--no-progress']);
  assert.equal(first.code, 0, first.stderr);
  // Run 1 killed, run 2 ended, run 3 killed with /a in flight: three URLs left, in the queue or in flight.
  const db = new Database(dbPath);
  db.exec("UPDATE runs SET status = 'running', ended_at = NULL, queued = NULL WHERE id = 1");
  db.prepare("INSERT INTO runs (started_at, ended_at, status, options, queued) VALUES (?, ?, 'done', '{}', 7)").run(Date.now(), Date.now());
  db.prepare("INSERT INTO runs (started_at, status, options) VALUES (?, 'running', '{}')").run(Date.now());
  db.prepare("UPDATE urls SET state = 'fetching', run_id = 3 WHERE url = ?").run(site.url('/a'));
  db.close();

  const next = await crawlite(['crawl', site.url('/'), '--db', dbPath, '--no-progress']);
  assert.equal(next.code, 0, next.stderr);
  const runs = new Database(dbPath, { readonly: true });
  t.after(() => runs.close());
  assert.deepEqual(runs.prepare('SELECT id, status, queued FROM runs WHERE id <= 3 ORDER BY id').all(), [
    { id: 1, status: 'crashed', queued: null },
    { id: 2, status: 'done', queued: 7 },
    { id: 3, status: 'crashed', queued: 3 },
  ]);
});
