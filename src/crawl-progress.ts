/**
 * What a running crawl reports about itself: a progress snapshot for the terminal and the summary
 * at the end, including the figures the benchmark prints (CPU per page, peak memory, event-loop
 * delay, writer batches).
 */
import type { SitemapReport } from './frontier/sitemaps.js';
import type { IntervalHistogram } from 'node:perf_hooks';
import type { TrapSkipCounts, Writer } from './store/writer.js';
import type { Frontier } from './frontier/frontier.js';
import type { RunOutcome } from './run-outcome.js';
import type { EarlierFailures } from './store/retry-failed.js';
import type { RecrawlStats } from './store/recrawl.js';
import { mainThreadCpuMs } from './thread-cpu.js';

export interface CrawlProgress {
  runId: number;
  elapsedMs: number;
  pagesStored: number;
  failures: number;
  /** Pages between the frontier and the writer. */
  active: number;
  inFlight: number;
  taken: number;
  /** URLs waiting: the frontier's window plus the store's queue (sampled every few seconds). */
  queued: number;
  wireBytes: number;
  errorsByCode: Record<string, number>;
  pagesPerSecond: number;
  /**
   * Nothing in flight and nothing ready: how long until the next URL comes due (a Retry-After, a
   * resting host, a robots.txt retry); null while the crawl is working.
   */
  waitingMs: number | null;
}

/**
 * One event per stored page and per failed URL, for machine-readable logs. A URL that redirected
 * to a page already stored, which was not requested again, is a 'page' event with that page as
 * finalUrl and the redirect's own status, 0 bytes and no title.
 */
export type CrawlEvent =
  | { type: 'page'; url: string; finalUrl: string; status: number; depth: number; bytes: number; elapsedMs: number; title: string | null; errorCode: string | null }
  | { type: 'error'; url: string; depth: number; code: string; message: string };

export interface ExcludedSeeds {
  seeds: Array<{ url: string; reason: string }>;
  /** No seed is crawled: a run with nothing else queued fetches nothing. */
  isEvery: boolean;
}

export interface CrawlSummary extends CrawlProgress {
  status: 'done' | 'interrupted' | 'failed';
  dbPath: string;
  duplicates: number;
  /** user + system CPU of the whole process (main thread and workers), per stored page. */
  cpuMsPerPage: number;
  /** The main thread's share of cpuMsPerPage; null where the OS does not tell (thread-cpu.ts). */
  mainThreadCpuMsPerPage: number | null;
  peakRssBytes: number;
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  transactions: number;
  avgBatchSize: number;
  avgCommitMs: number;
  poolUtilization: number;
  /** Whether the run got any answer, and a few URLs that got none (run-outcome.ts). */
  outcome: RunOutcome;
  /** With --retry-failed: failed URLs this run queued again when it started. */
  retriedFailed?: number;
  /** A run that tried no URL, without --retry-failed: the failed URLs that flag would queue again. */
  earlierFailures?: EarlierFailures;
  /**
   * A run that tried no URL and found none queued, no earlier failure waiting either (running a
   * finished crawl again), the database holding pages: the text summary names --recrawl. Present only then.
   */
  isNothingQueued?: true;
  /** Seeds that --include/--exclude reject, and why; present only when there are some. */
  excludedSeeds?: ExcludedSeeds;
  /** A run of a recrawl (started or continued): what the recrawl has found so far, as `stats` tells it; present only then. */
  recrawl?: RecrawlStats;
  /** URLs this run recorded as skipped spider traps, by CRAWL_TRAP_* code; present only when there are some. */
  trapSkips?: TrapSkipCounts;
  /**
   * Seeds answered with a download (Content-Disposition: attachment): stored, not parsed as HTML,
   * so no link was followed from them, and a crawl of one such seed ended at one page saying
   * nothing of why. The count, and the first few URLs; present only when there are some.
   */
  seedDownloads?: { count: number; urls: string[] };
  /** --max-time ended the run's taking of URLs, with the URLs left queued; present only then. */
  maxTimeReached?: { limitMs: number; queued: number };
  /** URLs the run left queued (--max-time, --max-pages, Ctrl+C), for the next run; present only when there are some. */
  queuedAtEnd?: number;
  /** With --sitemaps: what they gave (the text summary's `sitemaps:` line, read before the crawl); present only then. */
  sitemaps?: SitemapReport;
  /**
   * A read still in progress in another process when the crawl ended kept its last commits in the
   * `-wal` file (store/settle-file.ts): the database file alone lacks them. Present only then.
   */
  isWalLeft?: true;
  /** With isWalLeft: not a read but a full disk kept it there (no room for the file to grow). */
  isWalLeftByFullDisk?: true;
}

interface Sources {
  runId: number;
  dbPath: string;
  writer: Writer;
  limits: { inFlight: number };
  pool: { utilization: number };
  frontier: Frontier;
  loopDelay: IntervalHistogram;
  /** The histogram records whole timer intervals; the delay is what exceeds the resolution. */
  loopDelayResolutionMs: number;
  outcome: { result(): RunOutcome };
  /** When the crawl loop, idle, will look again for a URL that came due; null while it works. */
  idleUntil: () => number | null;
}

export function createProgressTracker(src: Sources) {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const mainCpuStart = mainThreadCpuMs();
  const errorsByCode: Record<string, number> = {};
  let wireBytes = 0;
  let fetched = 0;

  const snapshot = (active: number): CrawlProgress => {
    const elapsedMs = performance.now() - started;
    const pagesStored = src.writer.counts.pagesStored;
    return {
      runId: src.runId,
      elapsedMs,
      pagesStored,
      failures: Object.values(errorsByCode).reduce((a, b) => a + b, 0),
      active,
      inFlight: src.limits.inFlight,
      taken: src.frontier.taken,
      queued: src.frontier.windowed + src.writer.queuedCount(),
      wireBytes,
      errorsByCode: { ...errorsByCode },
      pagesPerSecond: elapsedMs > 0 ? (pagesStored * 1000) / elapsedMs : 0,
      waitingMs: waitingMs(active),
    };
  };

  const waitingMs = (active: number): number | null => {
    const until = src.idleUntil();
    return active === 0 && until !== null ? Math.max(0, until - Date.now()) : null;
  };

  return {
    countPage(bytes: number): void {
      fetched += 1;
      wireBytes += bytes;
    },
    countFailure(code: string): void {
      errorsByCode[code] = (errorsByCode[code] ?? 0) + 1;
    },
    get fetched(): number {
      return fetched;
    },
    snapshot,
    summary(status: CrawlSummary['status'], active: number): CrawlSummary {
      const base = snapshot(active);
      const cpu = process.cpuUsage(cpuStart);
      const mainCpuEnd = mainThreadCpuMs();
      const w = src.writer;
      const writes = w.counts.pagesStored + w.counts.duplicates + w.counts.failures;
      return {
        ...base,
        status,
        dbPath: src.dbPath,
        duplicates: w.counts.duplicates,
        cpuMsPerPage: base.pagesStored ? (cpu.user + cpu.system) / 1000 / base.pagesStored : 0,
        mainThreadCpuMsPerPage:
          mainCpuStart === null || mainCpuEnd === null ? null : base.pagesStored ? (mainCpuEnd - mainCpuStart) / base.pagesStored : 0,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        loopDelayP50Ms: Math.max(0, src.loopDelay.percentile(50) / 1e6 - src.loopDelayResolutionMs),
        loopDelayP99Ms: Math.max(0, src.loopDelay.percentile(99) / 1e6 - src.loopDelayResolutionMs),
        transactions: w.counts.transactions,
        avgBatchSize: w.counts.transactions ? writes / w.counts.transactions : 0,
        avgCommitMs: w.counts.transactions ? w.totalCommitMs / w.counts.transactions : 0,
        poolUtilization: src.pool.utilization,
        outcome: src.outcome.result(),
        ...(Object.keys(w.counts.trapSkips).length > 0 ? { trapSkips: { ...w.counts.trapSkips } } : {}),
      };
    },
  };
}
