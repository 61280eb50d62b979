/**
 * The benchmark's own behaviour (not its speed): the crawl bench stores every generated page and
 * reports its figures, the frontier bench moves every URL through the real frontier and writer,
 * and results are saved as JSON named by commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runFrontierBench } from '../../src/bench/frontier-bench.js';
import { saveResult } from '../../src/bench/results.js';
import { tempDbPath } from '../helpers/config.js';

const MAIN = new URL('../../src/cli/main.js', import.meta.url).pathname;

test('crawlite bench --json crawls the whole generated site and reports its figures', (t) => {
  const db = tempDbPath(t);
  const run = spawnSync(process.execPath, [MAIN, 'bench', '--pages', '40', '--page-bytes', '5000', '--workers', '1', '--json', '--db', db], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const r = JSON.parse(run.stdout) as Record<string, number>;
  assert.equal(r.pagesStored, 40);
  for (const key of ['pagesPerSecond', 'cpuMsPerPage', 'peakRssBytes', 'loopDelayP99Ms', 'avgBatchSize', 'avgCommitMs', 'poolUtilization']) {
    assert.ok(typeof r[key] === 'number' && r[key]! > 0, `${key} = ${r[key]}`);
  }
  // The main thread's share, where Linux tells it: parsing runs on the worker, so it is a part.
  if (process.platform === 'linux') {
    assert.ok(r.mainThreadCpuMsPerPage! > 0 && r.mainThreadCpuMsPerPage! < r.cpuMsPerPage!, `main ${r.mainThreadCpuMsPerPage} of ${r.cpuMsPerPage}`);
  }
  // The storage figures are the files' and the pages' own.
  assert.equal(r.dbBytes, statSync(db).size + (statSync(`${db}-wal`, { throwIfNoEntry: false })?.size ?? 0));
  const reader = new Database(db, { readonly: true });
  t.after(() => reader.close());
  assert.equal(r.rawHtmlBytes, (reader.prepare('SELECT SUM(raw_bytes) AS n FROM pages').get() as { n: number }).n);
  assert.ok(r.rawHtmlBytes! > 40 * 4_000, `raw HTML ${r.rawHtmlBytes}`);
});

test('the frontier bench takes and marks every URL it added, leaving none queued', (t) => {
  const db = tempDbPath(t);
  const r = runFrontierBench(5_000, db);
  assert.equal(r.urls, 5_000);
  assert.ok(r.addPerSecond > 0 && r.takeAndMarkPerSecond > 0);
  const reader = new Database(db, { readonly: true });
  t.after(() => reader.close());
  assert.deepEqual(reader.prepare('SELECT state, count(*) AS n FROM urls GROUP BY state').all(), [{ state: 'done', n: 5_000 }]);
  assert.equal((reader.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n, 5_000);
});

test('results are saved as JSON named by date and commit', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-results-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const saved = saveResult('crawl', { pagesPerSecond: 1 }, dir);
  const files = readdirSync(dir);
  assert.equal(files.length, 1);
  assert.match(files[0]!, new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{6}-${saved.commit}-crawl\\.json$`));
  const body = JSON.parse(readFileSync(saved.path, 'utf8')) as { kind: string; commit: string; machine: { node: string }; result: unknown };
  assert.equal(body.kind, 'crawl');
  assert.equal(body.machine.node, process.version);
  assert.deepEqual(body.result, { pagesPerSecond: 1 });
});
