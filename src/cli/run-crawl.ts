/**
 * The crawl command's body: flags -> config, Ctrl+C -> graceful stop, progress and summary on
 * stderr (stdout stays free for data). Returns the exit code.
 */
import { configFromFlags, type CrawlFlags } from '../config/load.js';
import { runCrawl, type CrawlOptions } from '../crawl.js';
import { formatProgressLine, formatSummary } from './summary.js';

export async function runCrawlCommand(flags: CrawlFlags & { progress?: boolean }): Promise<number> {
  const config = configFromFlags(flags);
  const stop = new AbortController();
  const detach = onInterrupt(stop);
  const opts: CrawlOptions = { signal: stop.signal };
  if (flags.progress !== false) opts.onProgress = (p) => process.stderr.write(`${formatProgressLine(p)}\n`);
  opts.onSitemaps = (r) => {
    const failed = r.failures.map((f) => `\n  ${f.url}: ${f.message}`).join('');
    process.stderr.write(`crawlite: sitemaps: ${r.sitemaps} read, ${r.urls} URLs queued${r.failures.length ? `; skipped:${failed}` : ''}\n`);
  };
  try {
    const summary = await runCrawl(config, opts);
    process.stderr.write(formatSummary(summary));
    return summary.status === 'interrupted' ? 130 : 0;
  } finally {
    detach();
  }
}

/**
 * The first SIGINT/SIGTERM stops gracefully (pages in flight are abandoned and requeued, parsed
 * pages are stored); a second one exits at once. Committed data is safe either way: SQLite's WAL
 * keeps the last commit, and URLs left 'fetching' are requeued by the next run.
 */
export function onInterrupt(stop: AbortController): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      process.stderr.write(`crawlite: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    process.stderr.write(`\ncrawlite: ${signal} received, storing pages in progress (Ctrl+C again to quit at once)\n`);
    stop.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
