// The kill soak of test/integration/kill-soak-19.test.ts, for longer: one crawl of the bench site
// interrupted --rounds times at seeded random moments (SIGKILL, SIGTERM, SIGINT twice, a SIGKILL
// once the run has ended and the file is being settled), resumed each time, checked after every
// interruption (integrity_check, no page twice, nothing committed lost) and at the end against a
// clean crawl of the same site (pages, link rows, URL states; nothing queued or in flight).
// Prints one line per interruption; exit 1 on the first difference.
//
//   npm run build && node bench/kill-soak.mjs [compiled-dir=dist] [--seed=19] [--rounds=40] [--pages=500] [--page-bytes=6000]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const flag = (name, fallback) => Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const dir = resolve(args.find((a) => !a.startsWith('--')) ?? 'dist');
const seed = flag('seed', 19);
const rounds = flag('rounds', 40);
const pages = flag('pages', 500);
const pageBytes = flag('page-bytes', 6000);
const main = resolve(dir, 'src/cli/main.js');
const Database = createRequire(import.meta.url)('better-sqlite3');
const { startSiteServer } = await import(pathToFileURL(resolve(dir, 'src/bench/serve-site.js')).href);

let state = seed >>> 0;
/** mulberry32, as the test uses. */
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function read(path, fn) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
const count = (path) => {
  try {
    return read(path, (db) => db.prepare('SELECT count(*) FROM pages').pluck().get());
  } catch {
    return 0;
  }
};
/** The status of the first run after run `afterId` (null before it has a row), or of the last run. */
const runStatus = (path, afterId = -1) => {
  try {
    return read(path, (db) => (afterId < 0
      ? db.prepare('SELECT status FROM runs ORDER BY id DESC LIMIT 1').pluck().get()
      : db.prepare('SELECT status FROM runs WHERE id > ? ORDER BY id LIMIT 1').pluck().get(afterId)) ?? null);
  } catch {
    return null;
  }
};
const lastRunId = (path) => {
  try {
    return read(path, (db) => db.prepare('SELECT max(id) FROM runs').pluck().get() ?? 0);
  } catch {
    return 0;
  }
};
const snapshot = (path) => read(path, (db) => JSON.stringify({
  pages: db.prepare('SELECT url, status, title, links_found, content_hash FROM pages ORDER BY url').all(),
  links: db.prepare('SELECT from_url, to_url, anchor, in_scope, is_nofollow FROM link_edges ORDER BY from_url, to_url').all(),
  urls: db.prepare('SELECT url, state, error_code FROM urls ORDER BY url').all(),
}));

/** One crawl; `plan` interrupts it. Resolves { code, signal, seen, at }. */
function crawl(db, url, plan) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [main, 'crawl', url, '--db', db, '--concurrency', '4', '--per-host', '4', '--workers', '1', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const acted = { seen: -1, at: 'never' };
    const act = (at) => {
      acted.seen = count(db);
      acted.at = at;
      if (plan?.how === 'SIGINT twice') {
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGINT'), 15);
      } else child.kill(plan.how === 'SIGTERM' ? 'SIGTERM' : 'SIGKILL');
    };
    // Not the earlier runs' rows: a run marks a killed one crashed before it starts its own.
    const earlierRuns = lastRunId(db);
    const poll = plan && setInterval(() => {
      if (plan.how === 'SIGKILL in the settle') {
        const status = runStatus(db, earlierRuns);
        if (status !== null && status !== 'running') {
          clearInterval(poll);
          act(`run ended (${status})`);
        }
      } else if (count(db) >= plan.atPages) {
        clearInterval(poll);
        setTimeout(() => act(`${plan.atPages} pages + ${plan.jitterMs} ms`), plan.jitterMs);
      }
    }, 3);
    child.on('exit', (code, signal) => {
      if (poll) clearInterval(poll);
      done({ code, signal, stderr, ...acted });
    });
  });
}

const site = await startSiteServer({ pages, pageBytes });
const work = mkdtempSync(join(tmpdir(), 'crawlite-kill-soak-'));
let failed = false;
try {
  const clean = join(work, 'clean.db');
  const db = join(work, 'crawl.db');
  const first = await crawl(clean, site.url, null);
  if (first.code !== 0) throw new Error(`clean crawl: ${first.stderr}`);
  const expected = snapshot(clean);
  for (let round = 1; round <= rounds; round++) {
    const kinds = ['SIGKILL', 'SIGKILL', 'SIGKILL', 'SIGTERM', 'SIGINT twice', 'SIGKILL in the settle'];
    const how = kinds[Math.floor(random() * kinds.length)];
    const done = count(db);
    const plan = { how, atPages: done + 1 + Math.floor(random() * Math.max(1, pages / 8)), jitterMs: Math.floor(random() * 40) };
    const run = await crawl(db, site.url, plan);
    const health = read(db, (d) => ({
      integrity: d.pragma('integrity_check', { simple: true }),
      pages: d.prepare('SELECT count(*) FROM pages').pluck().get(),
      distinct: d.prepare('SELECT count(DISTINCT url_id) FROM pages').pluck().get(),
    }));
    const problems = [];
    if (health.integrity !== 'ok') problems.push(`integrity ${health.integrity}`);
    if (health.distinct !== health.pages) problems.push('a page stored twice');
    if (health.pages < run.seen) problems.push(`lost pages (${health.pages} < ${run.seen} seen)`);
    if (run.signal === null && ![0, 130].includes(run.code)) problems.push(`exit ${run.code}: ${run.stderr.trim()}`);
    console.log(`round ${round}: ${how} at ${run.at}: exit ${run.code ?? run.signal}, ${health.pages} pages${problems.length ? `: ${problems.join('; ')}` : ''}`);
    if (problems.length) throw new Error(problems.join('; '));
    if (health.pages === pages && runStatus(db) === 'done') break;
  }
  const last = await crawl(db, site.url, null);
  if (last.code !== 0) throw new Error(`final crawl: ${last.stderr}`);
  const got = snapshot(db);
  const unfinished = read(db, (d) => d.prepare("SELECT count(*) FROM urls WHERE state IN ('queued', 'fetching')").pluck().get());
  if (got !== expected || unfinished !== 0) throw new Error(`the resumed crawl differs from the clean one (${unfinished} URLs unfinished)`);
  console.log(`seed ${seed}: the resumed crawl equals the clean crawl (${pages} pages)`);
} catch (err) {
  failed = true;
  console.error(`kill soak failed (seed ${seed}): ${err.message}; files kept in ${work}`);
} finally {
  await site.close();
  if (!failed) rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
