/** Runs the built crawlite binary in a child process and collects its exit code and output. */
import { spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';

export const MAIN = new URL('../../src/cli/main.js', import.meta.url).pathname;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { onSpawn?: (child: ChildProcess) => void; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`crawlite ${args.join(' ')} did not exit in time; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    opts.onSpawn?.(child);
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
