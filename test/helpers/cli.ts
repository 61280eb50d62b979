/**
 * The crawlite binary as a user runs it: a child process, its exit code or signal, its output;
 * a poller that acts once a crawl has committed a number of pages (a reader, as sqlite3 is); and
 * the one-line-error assertion every bad-input test makes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { rows } from './db.js';

export const MAIN = new URL('../../src/cli/main.js', import.meta.url).pathname;

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  onSpawn?: (child: ChildProcess) => void;
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user and group (the test runs as root): for what only a non-root user meets, as EACCES. */
  user?: { uid: number; gid: number };
}

export function crawlite(args: string[], opts: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd, env: opts.env ?? process.env, ...opts.user });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`crawlite ${args.join(' ')} did not exit in time; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 90_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    opts.onSpawn?.(child);
  });
}

/** crawlite with its stdout opened on `path` (as `> path`): a full device, a file. */
export function crawliteTo(path: string, args: string[]): Promise<Run> {
  const fd = openSync(path, 'w');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout: '', stderr }));
  });
}

/** Exit code, a first line matching `pattern`, nothing else but blank lines, and no stack trace. */
export function assertOneLineError(run: Run, code: number, pattern: RegExp): void {
  assert.equal(run.code, code, `exit code; stderr: ${run.stderr}`);
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.match(lines[0] ?? '', pattern);
  assert.ok(!/\n\s+at /.test(run.stderr), `no stack trace: ${run.stderr}`);
  // yargs' own errors add one hint line pointing at --help; nothing else may follow.
  assert.ok(lines.length === 1 || (lines.length === 2 && /--help/.test(lines[1]!)), `one line: ${run.stderr}`);
}

/** Committed pages in `db`, or -1 while the file or its tables do not exist yet. */
export function countPages(db: string): number {
  try {
    const reader = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (reader.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n;
    } finally {
      reader.close();
    }
  } catch {
    return -1; // not created yet: the caller polls again
  }
}

/** Calls `act` once `db` holds at least `pages` committed pages; polls until the child exits. */
export function whenPages(child: ChildProcess, db: string, pages: number, act: (seen: number) => void): void {
  const poll = setInterval(() => {
    const n = countPages(db);
    if (n >= pages) {
      clearInterval(poll);
      act(n);
    }
  }, 15);
  child.on('exit', () => clearInterval(poll));
}

/** A bench database is replaced by the next bench, run after run: two benches leave one run. */
export async function assertBenchReplaces(benchDb: string): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const run = await crawlite(['bench', '--db', benchDb, '--pages', '5', '--page-bytes', '5000', '--workers', '0', '--json']);
    assert.equal(run.code, 0, run.stderr);
  }
  assert.deepEqual(rows(benchDb, 'SELECT id, pages FROM runs'), [{ id: 1, pages: 5 }], 'replaced: one run, not two');
}
