/**
 * The writer's lock tells its owner apart from an unrelated process that got the same pid (a
 * crawl killed in a container as pid 1, a pid reused after a reboot) by host and start time, and
 * never takes over a lock from another host.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { openForWrite } from '../../src/store/db.js';
import { Writer } from '../../src/store/writer.js';
import { processStart } from '../../src/store/writer-lock.js';
import { tempDbPath } from '../helpers/config.js';
import { assertOneLineError, crawlite } from '../helpers/cli.js';

/** A live process that is not a crawl. */
async function otherProcess(t: TestContext): Promise<number> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  await once(child, 'spawn');
  t.after(() => child.kill('SIGKILL'));
  return child.pid!;
}

/** A dead pid: a child that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

/** A database whose meta holds `lock`, as a killed crawl left it. */
function lockedDb(t: TestContext, lock: Record<string, string>): string {
  const path = tempDbPath(t);
  const db = openForWrite(path);
  for (const [key, value] of Object.entries(lock)) db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, value);
  db.close();
  return path;
}

function acquire(t: TestContext, path: string): Record<string, string> {
  const db = openForWrite(path);
  t.after(() => db.close());
  new Writer(db, { batchSize: 10, flushIntervalMs: 60_000 }).acquireLock(path);
  const rows = db.prepare(`SELECT key, value FROM meta WHERE key LIKE 'writer%'`).all() as Array<{ key: string; value: string }>;
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

test('the process start time is read from /proc on Linux, the same each time', { skip: process.platform !== 'linux' }, () => {
  const mine = processStart(process.pid);
  assert.match(mine ?? '', /^[0-9a-f-]{36}:\d+$/);
  assert.equal(processStart(process.pid), mine);
});

test('a lock whose live pid started at another time on this host is stale and taken over', { skip: process.platform !== 'linux' }, async (t) => {
  const pid = await otherProcess(t);
  const path = lockedDb(t, { writer_pid: String(pid), writer_host: hostname(), writer_started: `${processStart(pid)!.split(':')[0]}:1` });
  const lock = acquire(t, path);
  assert.deepEqual(lock, { writer_pid: String(process.pid), writer_host: hostname(), writer_started: processStart(process.pid)! });
});

test('a lock held by a live process with its recorded start time is refused, naming the pid', { skip: process.platform !== 'linux' }, async (t) => {
  const pid = await otherProcess(t);
  const path = lockedDb(t, { writer_pid: String(pid), writer_host: hostname(), writer_started: processStart(pid)! });
  assert.throws(() => acquire(t, path), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'CRAWL_STORE_LOCKED');
    assert.equal(err.message, `database ${path} is in use by another crawl (pid ${pid}); wait for it or use --db`);
    return true;
  });
});

test('a lock from another host is refused even when that pid is dead here, with how to take it over', async (t) => {
  const path = lockedDb(t, { writer_pid: String(await deadPid()), writer_host: 'box-in-a-container', writer_started: 'x:1' });
  const run = await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', path, '--no-progress']);
  assertOneLineError(run, 1, /^crawlite: database .* is locked by a crawl on host box-in-a-container \(pid \d+\), which cannot be checked from here; .*sqlite3 .* "DELETE FROM meta WHERE key LIKE 'writer%'" \[CRAWL_STORE_LOCKED\]$/);
});

test('a pid-only lock from an older crawlite: taken over when the pid is dead, refused with a way out when it lives', async (t) => {
  const dead = lockedDb(t, { writer_pid: String(await deadPid()) });
  assert.equal(acquire(t, dead).writer_pid, String(process.pid));

  const pid = await otherProcess(t);
  const live = lockedDb(t, { writer_pid: String(pid) });
  assert.throws(() => acquire(t, live), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'CRAWL_STORE_LOCKED');
    assert.match(err.message, new RegExp(`in use by another crawl \\(pid ${pid}\\); wait for it or use --db; if pid ${pid} is not a crawl, take the lock over with: sqlite3 `));
    return true;
  });
});

test('releasing the lock removes all of its keys', (t) => {
  const path = tempDbPath(t);
  const db = openForWrite(path);
  t.after(() => db.close());
  const writer = new Writer(db, { batchSize: 10, flushIntervalMs: 60_000 });
  writer.acquireLock(path);
  writer.releaseLock();
  assert.deepEqual(db.prepare(`SELECT key FROM meta WHERE key LIKE 'writer%'`).all(), []);
});
