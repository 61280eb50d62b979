/**
 * Resume after kill -9: the real CLI crawls the bench site from a job file and is killed with
 * SIGKILL three times, at different moments, then runs to the end. The database must equal a
 * clean crawl's: the same pages (titles, links, extraction fields), each stored exactly once, the
 * same URL states, nothing left queued or fetching, and every run accounted for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { startSiteServer } from '../../src/bench/serve-site.js';
import { tempDbPath } from '../helpers/config.js';
import { crawlite, whenPages } from '../helpers/cli.js';

const PAGES = 300;

function snapshot(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      pages: db
        .prepare(
          `SELECT url, final_url, status, title, links_found, fields, content_hash,
             (SELECT count(*) FROM links l WHERE l.page_id = p.id) AS links
           FROM pages p ORDER BY url`,
        )
        .all(),
      urls: db.prepare('SELECT url, state, error_code FROM urls ORDER BY url').all(),
      distinctPages: (db.prepare('SELECT count(DISTINCT url) AS n FROM pages').get() as { n: number }).n,
      unfinished: (db.prepare(`SELECT count(*) AS n FROM urls WHERE state IN ('queued', 'fetching')`).get() as { n: number }).n,
      runs: db.prepare('SELECT status, pages, job FROM runs ORDER BY id').all() as Array<{ status: string; pages: number; job: string }>,
      lock: db.prepare(`SELECT value FROM meta WHERE key = 'writer_pid'`).get(),
      integrity: db.pragma('integrity_check', { simple: true }),
    };
  } finally {
    db.close();
  }
}

test('a crawl killed with SIGKILL three times and resumed ends with the same data as a clean crawl', async (t) => {
  const site = await startSiteServer({ pages: PAGES, pageBytes: 5_000 });
  t.after(() => site.close());
  const cleanDb = tempDbPath(t);
  const killedDb = tempDbPath(t);
  const job = join(dirname(killedDb), 'site.yaml');
  writeFileSync(
    job,
    [
      'name: resume-test',
      `seeds: [${site.url}]`,
      'fetch: { concurrency: 4, perHost: 4, timeoutMs: 10000 }',
      'parse: { workers: 1 }',
      'store: { batchSize: 16, flushIntervalMs: 100 }',
      'fields:',
      '  headline: article h1',
      '  related: { selector: "#related a", attr: href, many: true }',
    ].join('\n'),
  );
  const args = (db: string) => ['crawl', '--config', job, '--db', db, '--no-progress'];

  const clean = await crawlite(args(cleanDb));
  assert.equal(clean.code, 0, clean.stderr);
  const expected = snapshot(cleanDb);
  assert.equal(expected.pages.length, PAGES);

  for (const killAt of [5, 40, 120]) {
    let seen = 0;
    const run = await crawlite(args(killedDb), {
      onSpawn: (child) => whenPages(child, killedDb, killAt, (n) => {
        seen = n;
        child.kill('SIGKILL');
      }),
    });
    assert.equal(run.signal, 'SIGKILL', `killed after ${killAt} pages (exit ${run.code}; ${run.stderr})`);
    assert.ok(seen >= killAt && seen < PAGES, `${seen} pages when killed`);
    const after = snapshot(killedDb);
    assert.equal(after.integrity, 'ok');
    assert.equal(after.runs.at(-1)?.status, 'running', 'the killed run never ended');
    assert.ok(after.lock, 'the dead crawl left its pid lock');
    const stats = await crawlite(['stats', '--db', killedDb, '--json']);
    assert.equal(stats.code, 0, stats.stderr);
    assert.equal(JSON.parse(stats.stdout).latestRun.status, 'crashed', 'stats tells a killed run from a running one');
  }

  const last = await crawlite(args(killedDb));
  assert.equal(last.code, 0, last.stderr);
  const got = snapshot(killedDb);
  assert.equal(got.integrity, 'ok');
  assert.equal(got.distinctPages, got.pages.length, 'every page stored exactly once');
  assert.equal(got.unfinished, 0, 'no URL left queued or fetching');
  assert.deepEqual(got.pages, expected.pages);
  assert.deepEqual(got.urls, expected.urls);
  assert.equal(got.lock, undefined, 'the lock is released');
  assert.deepEqual(got.runs.map((r) => r.status), ['crashed', 'crashed', 'crashed', 'done']);
  assert.ok(got.runs.every((r) => r.job === 'resume-test'));
  assert.equal(got.runs.reduce((sum, r) => sum + r.pages, 0), PAGES, 'each page credited to the one run that stored it');
});
