/**
 * `crawlite bench`: serve a generated site from a child process on 127.0.0.1 and crawl it with the
 * same pipeline a real crawl uses, then print what it cost. The site runs in its own process so
 * that the crawler's CPU and memory figures are its own. Also the matrix and frontier modes.
 */
import { statSync } from 'node:fs';
import { defaultConfig, type CrawlConfig } from '../config/schema.js';
import { checkDbPath, optionalInt } from '../config/load.js';
import { mergeJob } from '../config/load-job.js';
import { removeCrawliteDb } from '../store/remove-db.js';
import { openReadOnly, refuseUnwritablePath } from '../store/db.js';
import { runCrawl } from '../crawl.js';
import { startSiteServer } from '../bench/serve-site.js';
import { MAX_PAGE_BYTES, MIN_PAGE_BYTES } from '../bench/site.js';
import { parseByteSize } from '../config/byte-size.js';
import { UsageError } from '../errors.js';
import { saveResult } from '../bench/results.js';
import { formatBytes, formatProgressLine } from './summary.js';
import { onInterrupt } from './run-crawl.js';
import type { BenchFlags } from './commands/bench.js';
import type { CrawlSummary } from '../crawl.js';
import { benchShortfall } from './bench-shortfall.js';
import { refuseIgnoredBenchOptions } from './bench-modes.js';
import { writeStdout } from '../export/stream-backpressure.js';
import { shellWord } from '../shell-word.js';

export async function runBench(typed: BenchFlags): Promise<number> {
  refuseIgnoredBenchOptions(typed);
  if (typed.matrix) return runMatrixBench(typed);
  if (typed.frontier !== undefined) return runFrontierBenchCommand(typed.db ?? 'data/frontier-bench.db', typed);
  const flags = { ...typed, db: typed.db ?? 'data/bench.db' };
  checkDbPath(flags.db);
  const pages = optionalInt('--pages', flags.pages, 1, 10_000_000) ?? 1000;
  const pageBytes = pageBytesFlag(flags.pageBytes) ?? 50_000;
  // A job file (--config) supplies every option but the seeds and the db; flags still win.
  // Its reader (yaml) and schema (zod) imported only then, as for a crawl (config/load-job.ts).
  const job = flags.config === undefined ? null : (await import('../config/job-file.js')).readJobFile(flags.config);
  const base = job ? mergeJob(defaultConfig(), job.job) : defaultConfig();
  const concurrency = optionalInt('--concurrency', flags.concurrency, 1, 1024) ?? (job?.job.fetch?.concurrency ?? 32);
  const workers = optionalInt('--workers', flags.workers, 0, 64) ?? base.parse.workers;
  removeCrawliteDb(flags.db);
  // Before the site is served and said to be: the crawl's open refused it only after that.
  refuseUnwritablePath(flags.db);

  if (!flags.json) process.stderr.write(`crawlite bench: serving ${pages} generated pages of ~${formatBytes(pageBytes)} on 127.0.0.1\n`);
  const site = await startSiteServer({ pages, pageBytes });
  const stop = new AbortController();
  const detach = onInterrupt(stop);
  let summary: CrawlSummary;
  let config: CrawlConfig;
  try {
    const { seeds: _seeds, ...options } = base as typeof base & { seeds?: string[] };
    config = {
      ...options,
      seeds: [site.url],
      dbPath: flags.db,
      // The site is ours and local, so the per-host bound is the global one; and it is reached
      // directly, whatever proxy a job file names: the bench measures crawlite, not a proxy.
      fetch: { ...base.fetch, concurrency, perHost: concurrency, proxy: null },
      parse: { ...base.parse, workers },
    };
    summary = await runCrawl(config, {
      signal: stop.signal,
      job: job ? { name: job.name, file: job.path } : undefined,
      onProgress: flags.json ? undefined : (p) => process.stderr.write(`${formatProgressLine(p)}\n`),
    });
  } finally {
    detach();
    await site.close();
  }
  const result = { pages, pageBytes, concurrency, workers, ...summary, ...storageFigures(flags.db) };
  // Through writeStdout: `bench --json > result.json` on a full disk lost the result and exited 0 (QA).
  await writeStdout(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatBench(result));
  if (flags.save) process.stderr.write(`crawlite bench: saved ${saveResult('crawl', result).path}\n`);
  if (summary.status === 'interrupted') return 130;
  const shortfall = benchShortfall(summary, pages, config, job?.path ?? null, flags.db);
  if (shortfall === null) {
    // The README's first command: the figures said where the crawl went, not how to look at it,
    // and `crawlite stats` next looked for data/crawl.db (QA 22).
    if (!flags.json) process.stderr.write(`${formatBenchNext(flags.db)}\n`);
    return 0;
  }
  process.stderr.write(`${shortfall}\n`);
  return 1;
}

/** --page-bytes as --max-bytes takes it, plain or with a unit (50000, 50KB): `5KB` was refused as no whole number (QA 21). */
function pageBytesFlag(value: unknown): number | null {
  if (value === undefined) return null;
  const n = parseByteSize(value);
  if (Number.isFinite(n) && n >= MIN_PAGE_BYTES && n <= MAX_PAGE_BYTES) return n;
  throw new UsageError('CRAWL_USAGE', `invalid --page-bytes '${String(value)}': expected a size from ${MIN_PAGE_BYTES} to ${MAX_PAGE_BYTES} bytes, plain or with a unit (50000, 50KB)`);
}

async function runMatrixBench(flags: BenchFlags): Promise<number> {
  const { runMatrix, DEFAULT_MATRIX, formatCell } = await import('../bench/matrix.js');
  process.stderr.write('crawlite bench --matrix: 36 cells, each a separate crawl of a generated site\n');
  // With --json, stdout is the one JSON document (`--matrix --json > m.json` held the cell lines before it): the lines go to stderr.
  const lines = flags.json ? process.stderr : process.stdout;
  const cells = await runMatrix({ ...DEFAULT_MATRIX, onCell: (c) => lines.write(`${formatCell(c)}\n`) });
  if (flags.json) await writeStdout(`${JSON.stringify(cells, null, 2)}\n`);
  if (flags.save) process.stderr.write(`crawlite bench: saved ${saveResult('matrix', cells).path}\n`);
  return 0;
}

async function runFrontierBenchCommand(db: string, flags: BenchFlags): Promise<number> {
  checkDbPath(db);
  const urls = optionalInt('--frontier', flags.frontier, 1000, 100_000_000)!;
  const { runFrontierBench } = await import('../bench/frontier-bench.js');
  const r = runFrontierBench(urls, db, (line) => process.stderr.write(`${line}\n`));
  if (flags.json) await writeStdout(`${JSON.stringify(r, null, 2)}\n`);
  else {
    await writeStdout(
      `\n  URLs                       ${r.urls.toLocaleString('en-US')} over ${r.hosts} hosts\n` +
        `  added                      ${r.addPerSecond.toFixed(0)} URLs/s\n` +
        `  taken and marked done      ${r.takeAndMarkPerSecond.toFixed(0)} URLs/s\n` +
        `  a claim, every host full   ${r.claimAllFullUs.toFixed(0)} µs (all but one full: ${r.claimOneOpenUs.toFixed(0)} µs)\n` +
        `  RSS after adding / peak    ${formatBytes(r.rssAfterAddBytes)} / ${formatBytes(r.peakRssBytes)}\n` +
        `  database                   ${r.dbPath}\n\n`,
    );
  }
  if (flags.save) process.stderr.write(`crawlite bench: saved ${saveResult('frontier', r).path}\n`);
  return 0;
}

/**
 * The database file against the HTML it holds (issue 6: at most 50 %, html and text both kept).
 * Read after the crawl, whose close checkpointed the WAL into the file.
 */
function storageFigures(dbPath: string): { dbBytes: number; rawHtmlBytes: number } {
  const size = (suffix: string): number => statSync(dbPath + suffix, { throwIfNoEntry: false })?.size ?? 0;
  // Read-only: the crawl left the file in rollback-journal mode (store/settle-file.ts), so this
  // connection leaves no -wal or -shm behind (a writable one would switch it back to WAL).
  const db = openReadOnly(dbPath);
  try {
    const raw = db.prepare<[], { n: number | null }>('SELECT SUM(raw_bytes) AS n FROM pages').get()?.n ?? 0;
    return { dbBytes: size('') + size('-wal'), rawHtmlBytes: raw };
  } finally {
    db.close();
  }
}

/** All threads, and the main thread's share where the OS tells it. */
function formatCpu(all: number, main: number | null): string {
  if (main === null) return `${all.toFixed(2)} ms`;
  return `${all.toFixed(2)} ms (main thread ${main.toFixed(2)}, other threads ${Math.max(0, all - main).toFixed(2)})`;
}

function formatBench(r: CrawlSummary & { pages: number; concurrency: number; workers: number; dbBytes: number; rawHtmlBytes: number }): string {
  const rows: Array<[string, string]> = [
    ['pages stored', `${r.pagesStored} / ${r.pages}`],
    ['pages per second', r.pagesPerSecond.toFixed(1)],
    ['CPU per page', formatCpu(r.cpuMsPerPage, r.mainThreadCpuMsPerPage)],
    ['peak memory (RSS)', formatBytes(r.peakRssBytes)],
    ['event-loop delay p50 / p99', `${r.loopDelayP50Ms.toFixed(1)} / ${r.loopDelayP99Ms.toFixed(1)} ms`],
    ['parse pool utilization', `${(r.poolUtilization * 100).toFixed(0)} %`],
    ['writer batch / commit', `${r.avgBatchSize.toFixed(1)} rows / ${r.avgCommitMs.toFixed(1)} ms`],
    ['concurrency / workers', `${r.concurrency} / ${r.workers}`],
    ['elapsed', `${(r.elapsedMs / 1000).toFixed(2)} s`],
    ['database / raw HTML', r.rawHtmlBytes > 0 ? `${formatBytes(r.dbBytes)} / ${formatBytes(r.rawHtmlBytes)} = ${((100 * r.dbBytes) / r.rawHtmlBytes).toFixed(1)} %` : '-'],
    ['database', r.dbPath],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n\n`;
}

/** What to run on the bench's database, as a crawl's summary names it (export, search, report take --db too). */
export function formatBenchNext(dbPath: string): string {
  return `crawlite bench: look at what it stored: crawlite stats --db ${shellWord(dbPath)} (export, search and report take --db too)`;
}
