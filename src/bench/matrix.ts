/**
 * The benchmark matrix: workers × concurrency × page size, each cell a separate `crawlite bench`
 * process so that its CPU, peak memory and event-loop figures are its own. It shows where the
 * parse pool pays and where it costs; the defaults in config/schema.ts come from it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MatrixCell {
  workers: number;
  concurrency: number;
  pageBytes: number;
  pages: number;
  pagesPerSecond: number;
  cpuMsPerPage: number;
  peakRssBytes: number;
  loopDelayP99Ms: number;
  pagesStored: number;
}

export interface MatrixOptions {
  workers: number[];
  concurrency: number[];
  pageBytes: number[];
  /** Pages per cell for a page size; larger pages get fewer so every cell takes seconds, not minutes. */
  pagesFor: (pageBytes: number) => number;
  onCell?: (cell: MatrixCell) => void;
}

export const DEFAULT_MATRIX: Omit<MatrixOptions, 'onCell'> = {
  workers: [0, 1, 2, 4],
  concurrency: [8, 32, 128],
  pageBytes: [5_000, 50_000, 500_000],
  pagesFor: (bytes) => (bytes <= 5_000 ? 3_000 : bytes <= 50_000 ? 1_500 : 200),
};

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

function runCell(workers: number, concurrency: number, pageBytes: number, pages: number): Promise<MatrixCell> {
  const db = join(tmpdir(), `crawlite-matrix-${process.pid}.db`);
  const args = [MAIN, 'bench', '--json', '--pages', String(pages), '--page-bytes', String(pageBytes), '--concurrency', String(concurrency), '--workers', String(workers), '--db', db];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
      if (code !== 0) return reject(new Error(`bench cell workers=${workers} concurrency=${concurrency} pageBytes=${pageBytes} failed: ${err.trim().split('\n').pop()}`));
      const r = JSON.parse(out) as MatrixCell;
      resolve({ workers, concurrency, pageBytes, pages, pagesPerSecond: r.pagesPerSecond, cpuMsPerPage: r.cpuMsPerPage, peakRssBytes: r.peakRssBytes, loopDelayP99Ms: r.loopDelayP99Ms, pagesStored: r.pagesStored });
    });
  });
}

export async function runMatrix(opts: MatrixOptions): Promise<MatrixCell[]> {
  const cells: MatrixCell[] = [];
  for (const pageBytes of opts.pageBytes) {
    for (const workers of opts.workers) {
      for (const concurrency of opts.concurrency) {
        const cell = await runCell(workers, concurrency, pageBytes, opts.pagesFor(pageBytes));
        cells.push(cell);
        opts.onCell?.(cell);
      }
    }
  }
  return cells;
}

export function formatCell(c: MatrixCell): string {
  return [
    `${(c.pageBytes / 1000).toFixed(0).padStart(4)} KB`,
    `workers ${String(c.workers).padStart(1)}`,
    `concurrency ${String(c.concurrency).padStart(3)}`,
    `${c.pagesPerSecond.toFixed(0).padStart(5)} pages/s`,
    `${c.cpuMsPerPage.toFixed(2).padStart(6)} ms CPU/page`,
    `${(c.peakRssBytes / 1024 / 1024).toFixed(0).padStart(4)} MB RSS`,
    `p99 ${c.loopDelayP99Ms.toFixed(0).padStart(4)} ms`,
  ].join('  ');
}
