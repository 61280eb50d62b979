/**
 * Benchmark results as JSON under bench/results/, one file per run, named by date and commit, so
 * the history accumulates in git when a result is committed.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { arch, cpus, platform, totalmem } from 'node:os';
import { join } from 'node:path';
import { makeDirs } from '../make-dirs.js';

function currentCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'nogit'; // not a checkout (an installed package): the file is still written
  }
}

export interface SavedResult {
  path: string;
  commit: string;
}

/** Writes `{ kind, machine, commit, date, result }` to bench/results/<date>-<commit>-<kind>.json. */
export function saveResult(kind: string, result: unknown, dir = 'bench/results'): SavedResult {
  const commit = currentCommit();
  const date = new Date().toISOString();
  makeDirs(dir);
  const path = join(dir, `${date.slice(0, 19).replace(/:/g, '')}-${commit}-${kind}.json`);
  const machine = { node: process.version, platform: platform(), arch: arch(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryBytes: totalmem() };
  writeFileSync(path, `${JSON.stringify({ kind, date, commit, machine, result }, null, 2)}\n`);
  return { path, commit };
}
