/**
 * The crawl command's body: flags -> config, Ctrl+C -> graceful stop, progress and summary on
 * stderr (stdout stays free for data). Returns the exit code; throws, for main's one line, when
 * the run failed, including a run that fetched nothing (nothing-fetched.ts).
 */
import { loadCrawlConfig, type JobFlags } from '../config/load-job.js';
import type { CrawlOptions, CrawlSummary } from '../crawl.js';
import { ParsePool } from '../parse/pool.js';
import { createViewFromFlags, type ViewFlags } from './progress-view.js';
import { nothingFetchedError } from './nothing-fetched.js';
import { formatCrawlDelay, formatRequeueSkipped, formatRetryFailed, formatSeedRedirect, formatSitemaps, formatWalGrowth, formatWalLeft } from './summary.js';
import { createCrawlNotices } from './crawl-notices.js';
import { continueHint } from '../config/continue-hint.js';
import { typedArgs } from '../config/typed-args.js';
import { checkProxies, describeProxy } from '../fetch/proxy-check.js';
import { readStdinSeeds } from '../config/seeds-file.js';
import { recordedOptions } from '../config/recorded-options.js';
import type { CrawlConfig } from '../config/schema.js';
import { escapeControls } from '../errors.js';

/**
 * `handOver`: removes the handler that ends the process on a Ctrl+C before the crawl began
 * (early-interrupt.ts), once this one's own is about to be installed.
 */
export async function runCrawlCommand(flags: JobFlags & ViewFlags & { dryRun?: boolean }, handOver: () => Promise<void> = async () => {}): Promise<number> {
  // `-i -`: stdin read without holding the event loop, so Ctrl+C while it is typed is answered.
  const stdin = flags.seedsFile === '-' ? await readStdinSeeds() : undefined;
  const { config, job, warnings, resumed } = await loadCrawlConfig(flags, stdin);
  // The parse pool's first thread starts now, before the crawl's own modules (undici, SQLite, the
  // pipeline: 0.2-0.4 s) load below: it sets itself up and loads the parser meanwhile, on the
  // other core, instead of after them, with the first page already waiting for it. Not for
  // --dry-run, which parses nothing.
  const pool = flags.dryRun ? undefined : new ParsePool(config.parse);
  try {
    return await crawlWith(pool, flags, { config, job, warnings, resumed }, handOver);
  } finally {
    // Closed by the crawl once it ran; not when the crawl never started (a refused flag, a proxy that failed its check).
    await pool?.close();
  }
}

async function crawlWith(
  pool: ParsePool | undefined,
  flags: JobFlags & ViewFlags & { dryRun?: boolean },
  { config, job, warnings, resumed }: Awaited<ReturnType<typeof loadCrawlConfig>>,
  handOver: () => Promise<void>,
): Promise<number> {
  const typedHeaders = (flags.header ?? []).map((h) => String(h).split(':')[0]!.trim());
  const view = await createViewFromFlags(flags, config.maxPages, continueHint(config, job?.path ?? null, typedHeaders, job === null ? undefined : typedArgs(flags)));
  const notices = createCrawlNotices(flags, view.say);
  for (const line of warnings) notices.warn(line);
  if (config.fetch.politeness?.ignoreRobots) {
    // With --sitemaps robots.txt is still fetched, once per seed origin, for its Sitemap: lines.
    const detail = config.sitemaps ? 'robots.txt is not obeyed in this crawl (--sitemaps still reads its Sitemap: lines)' : 'robots.txt is neither fetched nor obeyed in this crawl';
    notices.warn(`crawlite: --ignore-robots: ${detail}`);
  }
  if (config.fetch.insecure) {
    notices.warn('crawlite: --insecure: TLS certificates are not verified in this crawl (self-signed, expired and wrong-host certificates are accepted)');
    // Said so the user does not think the file narrows --insecure to its roots: it verifies no site.
    if (config.fetch.caFile !== undefined) {
      const from = flags.caFile === undefined && job !== null ? 'fetch.caFile' : '--ca-file';
      const proxies = [config.fetch.proxy?.http, config.fetch.proxy?.https];
      notices.warn(proxies.some((url) => url?.startsWith('https:'))
        ? `crawlite: ${from} ${config.fetch.caFile} verifies only the https:// proxy's own certificate: with --insecure no site's certificate is verified`
        : `crawlite: ${from} ${config.fetch.caFile} is not used: with --insecure no certificate is verified, so no root is needed (drop one of the two)`);
    }
  }
  // --dry-run: what the job file, the flags and a continued crawl's options came to, and nothing
  // else: no proxy asked, no database opened (Scrapy users check a spider with `scrapy check`,
  // compose users run `docker compose config`; a job file could only be checked by crawling).
  if (flags.dryRun) return printDryRun(config, resumed !== undefined);
  if (config.fetch.proxy) {
    notices.info(describeProxy(config.fetch.proxy));
    await checkProxies(config.fetch.proxy, config.seeds);
  }
  const { runCrawl } = await import('../crawl.js');
  await handOver();
  const stop = new AbortController();
  const detach = onInterrupt(stop, view.say);
  const opts: CrawlOptions = { signal: stop.signal, pool, job: job ? { name: job.name, file: job.path } : (resumed?.job ?? undefined), ...view.crawlOptions };
  let summary: CrawlSummary | null = null;
  // Only once the crawl has the database: printed before, a crawl refused because another one
  // holds the file said "continuing run 3's crawl" and then that it was not continued (QA).
  if (resumed) opts.onStart = ({ queued }) => notices.info(resumed.notice(queued));
  opts.onSitemaps = (r) => view.say(formatSitemaps(r));
  // Like the sitemaps line: on stderr in text modes; --log-format json has it in the summary object.
  opts.onRetryFailed = (queued) => view.say(formatRetryFailed(queued));
  opts.onRequeueSkipped = (queued) => notices.info(formatRequeueSkipped(queued));
  opts.onSeedRedirect = (redirect) => notices.info(formatSeedRedirect(redirect));
  // The peers ignore Crawl-delay; a crawl slowed by it says so once per origin, like a seed's redirect.
  opts.onCrawlDelay = (n) => notices.info(formatCrawlDelay(n));
  opts.onWalGrowth = (bytes) => notices.warn(formatWalGrowth(config.dbPath, bytes));
  opts.onSeedsExcluded = (excluded) => {
    for (const { url, reason } of excluded.seeds) view.say(`crawlite: seed ${url} is not crawled: ${reason}`);
  };
  try {
    summary = await runCrawl(config, opts);
    if (summary.status === 'interrupted') return 130;
    // Thrown after the summary is printed (finally below), so main's one line comes last: exit 1.
    const isTypedPatterns = flags.include !== undefined || flags.exclude !== undefined;
    const nothing = nothingFetchedError(summary, job && !isTypedPatterns ? job.path : null);
    if (nothing) throw nothing;
    return 0;
  } finally {
    // Erases the live status (also when the crawl failed) before the summary or the error line.
    view.finish(summary);
    if (summary?.isWalLeft) notices.warn(formatWalLeft(summary.dbPath, summary.isWalLeftByFullDisk === true));
    detach();
  }
}

/**
 * The first SIGINT/SIGTERM stops gracefully (pages in flight are abandoned and requeued, parsed
 * pages are stored); a second one exits at once. Committed data is safe either way: SQLite's WAL
 * keeps the last commit, and URLs left 'fetching' are requeued by the next run.
 * SIGHUP, which a closed terminal or a dropped ssh session sends, is not a stop: the crawl carries
 * on to its end without output, as wget does (closed-output.ts drops the writes that then fail).
 * Node's default for it killed the crawl at once, mid-batch, its run left 'running' (QA).
 */
export function onInterrupt(stop: AbortController, say: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      say(`crawlite: ${signal} again, exiting now`);
      process.exit(130);
    }
    // A SIGTERM comes from kill, a service manager or a container's stop, not from a keyboard.
    const again = signal === 'SIGINT' ? 'Ctrl+C again' : `${signal} again, or Ctrl+C,`;
    say(`\ncrawlite: ${signal} received, storing pages in progress (${again} to quit at once)`);
    stop.abort();
  };
  const carryOn = () => {};
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('SIGHUP', carryOn);
  return () => {
    process.off('SIGHUP', carryOn);
    if (!stop.signal.aborted) {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      return;
    }
    // Stopped by a signal, the run ended, the file settled, the summary printed: the process exits
    // 130 now. A second Ctrl+C that came after the first stop had finished found no handler and
    // killed it by the signal (143 for SIGTERM) where 130 was due; it is swallowed a moment longer.
    // Added before the handler goes: with no listener left, Node gives the signal back its default
    // action, and one landing between the two calls would kill the process.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    process.on('SIGTERM', ignore);
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    setTimeout(() => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', ignore);
    }, 2_000).unref();
  };
}

/** The options as JSON on stdout (header values and proxy passwords hidden, as a run records them), a line on stderr. */
function printDryRun(config: CrawlConfig, isContinued: boolean): number {
  process.stdout.write(`${JSON.stringify(recordedOptions(config), null, 2)}\n`);
  const seeds = `${config.seeds.length.toLocaleString('en-US')} seed${config.seeds.length === 1 ? '' : 's'}`;
  const what = isContinued ? `continuing the last crawl in ${config.dbPath}` : `${seeds}, database ${config.dbPath}`;
  process.stderr.write(`crawlite: --dry-run: the options are valid (${escapeControls(what)}); nothing was fetched or written\n`);
  return 0;
}
