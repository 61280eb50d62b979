/**
 * Wires the stages and owns start and stop; holds no stage logic of its own.
 *
 *   frontier (SQLite queue, bounded window) -> fetch (p-queue: global + per host, undici)
 *     -> parse pool (worker_threads, bounded queue) -> writer (single connection, batched)
 *
 * Backpressure: the scheduler starts a page only while fewer than `concurrency + pool capacity`
 * pages are between the frontier and the writer and the pool's waiting bodies are under its byte
 * bound (pool.ts), so when the pool is full fetching slows down,
 * and the writer commits synchronously, so it is never behind. Everything in memory is bounded by
 * that count, the frontier window and one write batch.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { defaultTrapConfig, type CrawlConfig } from './config/schema.js';
import { recordedOptions } from './config/recorded-options.js';
import type { FetchResult, FieldSpec, FrontierEntry, ParseOutcome, RedirectToStored, SeedRedirect, CrawlDelayNotice } from './types.js';
import type { ErrorCode, StoreError } from './errors.js';
import { openForWrite, type Db } from './store/db.js';
import { asStoreCorrupt } from './store/store-corrupt.js';
import { Writer } from './store/writer.js';
import { applyMaxDbSize, refuseFullAtStart } from './store/max-db-size.js';
import { nullEmptyEncodings } from './store/null-encodings.js';
import { settleForReaders } from './store/settle-file.js';
import { dropSidecars, rescueDb } from './store/db-moved.js';
import { isStoreFull } from './store/store-full.js';
import { recordRunEnd, storeFullError } from './run-end.js';
import { Frontier } from './frontier/frontier.js';
import { createPatternCheck, createScope, describeExclusion } from './frontier/scope.js';
import { createPoliteStage } from './fetch/polite-stage.js';
import type { FetchedElsewhere } from './fetch/polite-fetch.js';
import { createFetchedElsewhereTracker } from './fetched-elsewhere.js';
import { isFollowedStatus } from './followed-status.js';
import { createHostLimits } from './fetch/host-limits.js';
import { BODY_BUDGET_BYTES, BodyBudget } from './fetch/body-budget.js';
import { ParsePool } from './parse/pool.js';
import { createTrapCheck } from './frontier/traps.js';
import { formatDirectives, parseRefreshUrl, parseRobotsDirectives } from './parse/directives.js';
import { isRefreshValue } from './parse/refresh-value.js';
import { productToken } from './fetch/robots-matcher.js';
import { metadataOnly } from './parse/metadata-only.js';
import { isFeed } from './parse/feed-links.js';
import { isHtmlType, isUnknownType, isUntypedHtml } from './parse/sniff-untyped.js';
import { startsWithBinarySignature } from './parse/binary-signature.js';
import { isAttachment } from './parse/content-disposition.js';
import { createRepeatRuns } from './frontier/repeat-runs.js';
import { firstLanguage, linkHeaderCanonical } from './parse/header-metadata.js';
import { createSearchIndexHooks, mergeSearchSegments, spreadSearchMerges, unindexNoindexPages } from './search/search-index.js';
import { createArchiveHooks } from './store/archive.js';
import { openRecrawl, readRecrawlStats, type PriorPage, type RecrawlStats } from './store/recrawl.js';
import { readEarlierFailures, requeueFailed, type EarlierFailures } from './store/retry-failed.js';
import { requeueSkipped } from './store/requeue-skipped.js';
import { addSitemapSeeds, type SitemapReport } from './frontier/sitemaps.js';
import { createSeedRedirects } from './frontier/seed-redirects.js';
import { readSeedRedirects } from './store/seed-redirects.js';
import { createProgressTracker, type CrawlEvent, type CrawlProgress, type CrawlSummary, type ExcludedSeeds } from './crawl-progress.js';
import { createRunOutcome } from './run-outcome.js';
import { limitHeapGrowth } from './heap-growth.js';

export type { CrawlEvent, CrawlProgress, CrawlSummary, ExcludedSeeds } from './crawl-progress.js';

export interface CrawlOptions {
  /** Aborting it stops the crawl gracefully: no new fetches, in-flight ones abandoned and requeued, parsed pages stored. */
  signal?: AbortSignal;
  /** Test seam: an undici Dispatcher to fetch through instead of the crawler's own Agent. */
  dispatcher?: Dispatcher;
  onProgress?: (p: CrawlProgress) => void;
  progressIntervalMs?: number;
  /** With config.sitemaps: what reading the sitemaps found, once, before the first page. */
  onSitemaps?: (report: SitemapReport) => void;
  /** Seeds that --include/--exclude reject, and why, once, before the first page. */
  onSeedsExcluded?: (excluded: ExcludedSeeds) => void;
  /**
   * A seed redirected out of the scope and its final URL became a root of the scope
   * (frontier/seed-redirects.ts): once per seed, when its page is fetched or, for an earlier
   * run's redirect, before the first page.
   */
  onSeedRedirect?: (redirect: SeedRedirect) => void;
  /** An origin's robots.txt Crawl-delay slows the crawl (the first few origins, once each). */
  onCrawlDelay?: (notice: CrawlDelayNotice) => void;
  /**
   * The crawl holds the database's lock and goes on: once, before any other hook and before the
   * first request. A notice that the crawl goes on waits for it, so that a crawl refused (another
   * crawl holds the file) says only why, and the queue it gives is the one this crawl starts from
   * (the URLs a crashed run had in flight back in it; before the lock, a crawl ending meanwhile
   * could still change it). --retry-failed, a recrawl and --sitemaps add theirs after.
   */
  onStart?: (state: { queued: number }) => void;
  /** With config.retryFailed: how many failed URLs went back to the queue, once, before the first page. */
  onRetryFailed?: (queued: number) => void;
  /**
   * How many URLs an earlier run skipped (too deep, --include/--exclude, out of scope) this run's
   * limits admit and queued again, once, before the first page; not called for none.
   */
  onRequeueSkipped?: (queued: number) => void;
  /** Called synchronously for every stored page and failed URL; keep it cheap. */
  onEvent?: (e: CrawlEvent) => void;
  /**
   * The database's WAL passed a size that only a read held open in another process explains
   * (store/wal-growth.ts): once, and again each time it doubles.
   */
  onWalGrowth?: (walBytes: number) => void;
  /** The job file this crawl runs, recorded on its run row (a resumed crawl records its run's again). */
  job?: { name: string; file: string | null };
  /**
   * A parse pool for config.parse the caller started ahead, so that its thread sets itself up
   * while the crawl's modules load (cli/run-crawl.ts). The crawl closes it when it ends, as its
   * own; if the crawl throws before it began, the caller closes it.
   */
  pool?: ParsePool;
}

const LOOP_DELAY_RESOLUTION_MS = 5;

/** After a stop, pages still being parsed get this long before they are requeued instead. */
const STOP_GRACE_MS = 3_000;
/** How often the writer checks, between commits, that its --db still names its file (store/db-moved.ts). */
const FILE_WATCH_MS = 250;
/** A claimed URL whose page another URL's redirect is still parsing waits this long, then looks again. */
const ARRIVING_WAIT_MS = 1_000;

function describeExcludedSeeds(urls: string[], config: CrawlConfig): ExcludedSeeds | null {
  if (urls.length === 0) return null;
  const seeds = urls.map((url) => ({ url, reason: describeExclusion(url, config.scope) ?? 'rejected by --include/--exclude' }));
  return { seeds, isEvery: urls.length === config.seeds.length };
}

export async function runCrawl(config: CrawlConfig, opts: CrawlOptions = {}): Promise<CrawlSummary> {
  try {
    return await crawl(config, opts);
  } catch (err) {
    // A damaged page can surface in any read (claiming URLs, counting the queue), not only commits.
    throw asStoreCorrupt(err, config.dbPath);
  }
}

async function crawl(config: CrawlConfig, opts: CrawlOptions): Promise<CrawlSummary> {
  limitHeapGrowth();
  const scope = createScope(config.seeds, config.scope);
  const db = openForWrite(config.dbPath);
  if (config.store.maxDbBytes) applyMaxDbSize(db, config.store.maxDbBytes);
  const writer = new Writer(db, config.store);
  try {
    writer.acquireLock(config.dbPath);
  } catch (err) {
    db.close();
    throw err;
  }
  if (config.store.maxDbBytes) {
    try {
      refuseFullAtStart(db, config.dbPath, config.store.maxDbBytes);
    } catch (err) {
      writer.releaseLock();
      closeUnstarted(db, writer);
      throw err;
    }
  }
  writer.recoverInterrupted();
  if (opts.onStart) opts.onStart({ queued: writer.queuedCount(0) });
  const patterns = createPatternCheck(config.scope);
  const seedRedirects = createSeedRedirects({ seeds: config.seeds, scope, mode: config.scope.mode, patterns });
  // Before the recrawl and --retry-failed requeue anything: the rows read are the earlier runs'.
  const roots = [...seedRedirects.seeds];
  for (const { seed, target } of readSeedRedirects(db, seedRedirects.seeds)) {
    roots.push(target);
    const widened = seedRedirects.restore(seed, target);
    if (widened) opts.onSeedRedirect?.(widened);
  }
  unindexNoindexPages(db);
  spreadSearchMerges(db);
  nullEmptyEncodings(db);
  writer.addPageHooks(createSearchIndexHooks(db));
  writer.addPageHooks(createArchiveHooks(db));
  // Header values (Authorization, Cookie) and a proxy's password are secrets: the run records header names only.
  const runId = writer.startRun(recordedOptions(config), opts.job ?? null);
  let recrawl: ReturnType<typeof openRecrawl>;
  let retriedFailed: number | null;
  let requeuedSkipped: number;
  try {
    recrawl = openRecrawl(db, writer, { start: config.recrawl, runId });
    retriedFailed = config.retryFailed ? requeueFailed(db, writer, runId) : null;
    // Before the seeds: a seed the requeue takes is then promoted to depth 0 as usual.
    requeuedSkipped = requeueSkipped(db, writer, { runId, maxDepth: config.maxDepth, scope, roots });
  } catch (err) {
    // A requeue that could not be written (a full disk) ends the run it began as failed, not 'running'.
    const end = recordRunEnd(writer, 'failed');
    closeUnstarted(db, writer);
    throw isStoreFull(err) ? storeFullError(null, err, end.unmarkedRunId) : err;
  }
  if (retriedFailed !== null) opts.onRetryFailed?.(retriedFailed);
  if (requeuedSkipped > 0) opts.onRequeueSkipped?.(requeuedSkipped);

  const pool = opts.pool ?? new ParsePool(config.parse);
  // Bodies being read plus those waiting for a thread: past the bound, reading pauses (body-budget.ts).
  const bodyBudget = new BodyBudget(BODY_BUDGET_BYTES, () => pool.queuedBytes);
  pool.onDequeued(() => bodyBudget.wake());
  // The name robots.txt groups, X-Robots-Tag prefixes and <meta name> address us by, one for all.
  const robotsName = productToken(config.fetch.userAgent);
  const parseOptions: ParseOptions = {
    maxLinks: config.parse.maxLinksPerPage, shouldStoreNonHtml: config.parse.storeNonHtml === true, fields: config.parse.fields, robotsName,
  };
  const limits = createHostLimits({ concurrency: config.fetch.concurrency, perHost: config.fetch.perHost });
  const stop = new AbortController();
  const trap = createTrapCheck(config.traps ?? defaultTrapConfig());
  // A redirect hop meets the same URL-shape traps as a link (length, depth, repeated segments):
  // a Location is as much the server's to make up as an href.
  const checkRedirect = (url: string, from: FrontierEntry) => trap.checkUrl(url) ?? seedRedirects.checkRedirect(url, from);
  const fetchedElsewhere = createFetchedElsewhereTracker();
  const polite = createPoliteStage({
    config: config.fetch, limits, dispatcher: opts.dispatcher, checkRedirect, signal: stop.signal, shouldKeepWire: config.archive, headerOrigins: config.seeds, bodyBudget,
    isStored: (url) => writer.isStored(url),
    inFlight: fetchedElsewhere,
    // A URL that starts, or a robots.txt that loads, can make its host ready while every fetch
    // is still running: without this the loop slept until one ended (wakeUp is defined below).
    onHostReady: () => wakeUp(),
    onCrawlDelay: opts.onCrawlDelay,
  });
  const { fetcher, schedule } = polite;
  const frontier = new Frontier(writer, {
    scope,
    ...(patterns ? { patterns } : {}),
    maxDepth: config.maxDepth,
    maxPages: config.maxPages,
    windowSize: Math.max(64, config.fetch.concurrency * 2),
    trap,
    followNofollow: config.scope.followNofollow === true,
  });
  const excludedSeeds = describeExcludedSeeds(frontier.seed(config.seeds), config);
  if (excludedSeeds) opts.onSeedsExcluded?.(excludedSeeds);

  const onOuterAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let storeError: StoreError | null = null;
  /** The run whose row not even a one-row UPDATE could end (run-end.ts), and a full disk met outside the writer's batches. */
  let unmarkedRunId: number | null = null;
  let fullCause: unknown = null;
  writer.onError((err) => {
    storeError = err;
    stop.abort();
  });
  // A file deleted while no commit comes (a slow site, a long --delay) is found within this too.
  writer.watchFile(FILE_WATCH_MS);
  if (opts.onWalGrowth) writer.onWalGrowth(opts.onWalGrowth);

  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loopDelay.enable();
  const runOutcome = createRunOutcome();
  // Set while the loop, with nothing in flight, sleeps until a waiting URL comes due (progress shows it).
  let idleUntil: number | null = null;
  const tracker = createProgressTracker({
    runId, dbPath: config.dbPath, writer, limits, pool, frontier, loopDelay, loopDelayResolutionMs: LOOP_DELAY_RESOLUTION_MS, outcome: runOutcome,
    idleUntil: () => idleUntil,
  });
  const progressTimer = opts.onProgress
    ? setInterval(() => opts.onProgress!(tracker.snapshot(active.size)), opts.progressIntervalMs ?? 2_000)
    : null;
  progressTimer?.unref();

  const active = new Set<FrontierEntry>();
  const maxActive = config.fetch.concurrency + pool.capacity;
  let wake: (() => void) | null = null;
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const nextEvent = () => new Promise<void>((resolve) => (wake = resolve));
  stop.signal.addEventListener('abort', wakeUp, { once: true });

  const processEntry = async (entry: FrontierEntry): Promise<void> => {
    const prior = recrawl.lookup(entry);
    // Claimed a while ago, and fetched since as another URL's redirect target: a request would
    // only fetch a duplicate (fetched-elsewhere.ts). A recrawl's URLs are meant to be fetched again.
    const elsewhere = prior ? undefined : fetchedElsewhere.forUrl(entry.url);
    try {
      await fetchAndStore(entry, prior, elsewhere);
    } finally {
      elsewhere?.release();
      // A recrawled URL's hops are noted in flight too (fetcher.ts inFlight).
      fetchedElsewhere.endOwned(entry.url);
    }
  };

  const fetchAndStore = async (entry: FrontierEntry, prior: PriorPage | null, elsewhere: FetchedElsewhere | undefined): Promise<void> => {
    const fetched = await polite.fetchPolitely(entry, prior?.headers, elsewhere);
    if (fetched.kind === 'fetchedElsewhere') {
      frontier.untake();
      // Stored: the page's write marks this URL's row done. Still on its way to the writer, it
      // may yet not be stored (a 5xx to be retried), so the URL waits a moment and is claimed
      // again unless its page has been stored by then.
      if (!writer.isStored(entry.url)) {
        writer.defer(entry, Date.now() + ARRIVING_WAIT_MS, { isAttempt: false, code: null, message: 'its page is being fetched through a redirect; waiting' });
      }
      return;
    }
    if (fetched.kind === 'aborted') {
      writer.requeue(entry);
      // Not fetched, so not counted against --max-pages (the summary's continuing command gives
      // what is left of it); unless shutdown gave it up already, which counted it back then.
      if (active.has(entry)) frontier.untake();
      return;
    }
    if (fetched.kind === 'deferred') {
      frontier.untake();
      writer.defer(entry, fetched.dueAt, { isAttempt: fetched.isAttempt, code: fetched.code, message: fetched.message });
      return;
    }
    if (fetched.kind === 'redirectedToStored') {
      noteLanding(entry, fetched.redirect.storedUrl);
      recordRedirectToStored(entry, fetched.redirect, prior);
      return;
    }
    if (fetched.kind === 'blocked' || fetched.kind === 'failed') {
      const original = fetched.kind === 'blocked' ? fetched : fetched.failure;
      const failure = fetched.kind === 'failed' ? fetched.failure : null;
      // A recrawled URL that redirected last time and now gets no answer keeps that redirect (store/recrawl.ts).
      const kept = prior ? recrawl.unanswered(prior, original.code, original.message, (failure?.redirects.length ?? 0) > 0) : null;
      const { code, message } = original;
      tracker.countFailure(code);
      runOutcome.noteFailure(entry, code, message);
      // A recrawled URL that now redirects no longer serves its stored page, wherever the redirect leads.
      const recrawled = prior && failure && failure.redirects.length > 0
        ? { recrawlId: prior.recrawlId, redirects: failure.redirects, fetchedAt: failure.fetchedAt ?? Date.now(), elapsedMs: failure.elapsedMs ?? 0 }
        : null;
      // 'blocked': never requested (robots.txt), so no attempt is counted for it.
      const isRequested = fetched.kind === 'failed';
      if (kept) writer.recordFailure(entry, kept.code, kept.message, kept.redirectTo, null, isRequested);
      else writer.recordFailure(entry, code, message, failure?.redirectTo ?? null, recrawled, isRequested);
      opts.onEvent?.({ type: 'error', url: entry.url, depth: entry.depth, code, message });
      return;
    }
    const result = fetched.result;
    noteLanding(entry, result.finalUrl);
    runOutcome.noteResponse(entry, result.status);
    // A recrawled page whose server still errs after every retry, or now refuses the crawler (401,
    // 403), keeps its stored row (store/recrawl.ts).
    const recrawlFailure = prior ? recrawl.failed(entry, prior, result) : null;
    if (recrawlFailure) {
      const { code, message, redirectTo } = recrawlFailure;
      tracker.countFailure(code);
      writer.recordFailure(entry, code, message, redirectTo);
      opts.onEvent?.({ type: 'error', url: entry.url, depth: entry.depth, code, message });
      return;
    }
    if (prior && result.status === 304) {
      opts.onEvent?.({
        type: 'page', url: entry.url, finalUrl: result.finalUrl, status: 304, depth: entry.depth, bytes: result.wireBytes,
        elapsedMs: result.elapsedMs, title: null, errorCode: null,
      });
      tracker.countPage(result.wireBytes);
      recrawl.keepUnchanged(entry, prior, result);
      return;
    }
    // Before the parse, which takes the body over: its length decides whether a key is taken.
    const shouldKeyRepeat = !prior && repeatRuns.shouldKey(result.finalUrl, result.body.byteLength);
    const outcome = await parse(pool, result, shouldKeyRepeat ? { ...parseOptions, shouldKeyRepeat } : parseOptions);
    if (!active.has(entry)) return; // given up on at shutdown and already requeued
    storeOutcome(entry, result, outcome, prior);
  };

  /** Before the page's links are judged (storeOutcome), so that they meet the widened scope. */
  const noteLanding = (entry: FrontierEntry, finalUrl: string): void => {
    if (entry.depth !== 0 || finalUrl === entry.url) return;
    const widened = seedRedirects.noteLanding(entry, finalUrl);
    if (widened) opts.onSeedRedirect?.(widened);
  };

  /**
   * What fetching the stored target would have ended in, a duplicate that the writer does not
   * store, without the request: the same row, counts and event, the answer being the redirect.
   */
  const recordRedirectToStored = (entry: FrontierEntry, redirect: RedirectToStored, prior: PriorPage | null): void => {
    const status = redirect.redirects.at(-1)?.status ?? 0;
    // What the URL ends in is the stored page: a redirect to a stored 404 fetched nothing either.
    runOutcome.noteResponse(entry, writer.storedStatus(redirect.storedUrl) ?? status);
    const { redirects, fetchedAt, elapsedMs } = redirect;
    writer.recordRedirect(entry, redirect.storedUrl, prior ? { recrawlId: prior.recrawlId, redirects, fetchedAt, elapsedMs } : null);
    opts.onEvent?.({
      type: 'page', url: entry.url, finalUrl: redirect.storedUrl, status, depth: entry.depth, bytes: 0,
      elapsedMs: redirect.elapsedMs, title: null, errorCode: null,
    });
  };

  const repeatRuns = createRepeatRuns(config.traps?.maxRepeatRun ?? defaultTrapConfig().maxRepeatRun);
  const seedDownloads = { count: 0, urls: [] as string[] };
  const noteSeedDownload = (url: string): void => {
    seedDownloads.count += 1;
    if (seedDownloads.urls.length < MAX_SEED_DOWNLOADS_NAMED) seedDownloads.urls.push(url);
  };

  const storeOutcome = (fetchedEntry: FrontierEntry, result: FetchResult, outcome: ParseOutcome, prior: PriorPage | null): void => {
    const { body: _body, entry: _entry, ...fetch } = result;
    // A redirect may land on a URL queued or in flight at a shorter distance (a link to /docs on a
    // deep page, redirecting to /docs/, which the home page links): the page is that close to a
    // seed, and so are its links. At the redirect's depth, links within --max-depth were skipped
    // as too deep, its own fetch then being a duplicate that stores nothing (QA).
    const pendingDepth = result.finalUrl === fetchedEntry.url ? null : writer.pendingDepth(result.finalUrl);
    const entry = pendingDepth !== null && pendingDepth < fetchedEntry.depth ? { ...fetchedEntry, depth: pendingDepth } : fetchedEntry;
    const recrawled = prior ? { recrawl: { id: prior.recrawlId, status: recrawl.classify(prior, result, outcome) } } : {};
    opts.onEvent?.({
      type: 'page', url: entry.url, finalUrl: result.finalUrl, status: result.status, depth: entry.depth, bytes: result.wireBytes,
      elapsedMs: result.elapsedMs, title: outcome.ok ? outcome.title : null, errorCode: outcome.ok ? (encodingError(result)?.code ?? null) : outcome.code,
    });
    if (!outcome.ok) {
      tracker.countFailure(outcome.code);
      writer.storePage({ entry, fetch, parsed: null, error: { code: outcome.code, message: outcome.message }, ...recrawled }, []);
      if (!prior) fetchedElsewhere.noteStored(entry.url, result.finalUrl);
      return;
    }
    // Links of error pages are kept for the link graph but not followed (followed-status.ts); nor are a nofollow page's.
    const directives = parseRobotsDirectives([outcome.metaRobots, result.headers['x-robots-tag']], robotsName);
    // A Refresh header is the same directive as the meta tag (WHATWG HTML), and browsers act on it
    // first: a document takes one refresh, and the header's comes before the HTML is parsed.
    // Of several Refresh lines (one per "\n", fetcher.ts), the first. The meta tag's query is in
    // the page's encoding, as its links' are; the header's stays UTF-8. The tag's target resolves
    // against a <base href> before it; the header's against the page's URL (no <base> exists yet).
    // Read whole (the fetcher caps header bytes): parseRefreshUrl drops an over-long target.
    // A header that is no refresh ("url=/a" with no delay) leaves the meta tag its turn, as in Chromium.
    const refreshHeader = result.headers.refresh?.split('\n', 1)[0];
    const refreshUrl = refreshHeader !== undefined && isRefreshValue(refreshHeader)
      ? parseRefreshUrl(refreshHeader, result.finalUrl)
      : parseRefreshUrl(outcome.metaRefresh, outcome.metaRefreshBase ?? result.finalUrl, outcome.encoding ?? undefined);
    const isOk = isFollowedStatus(result.status);
    // Only a page that leads somewhere can carry an endless pagination on; nor is a recrawl's page news.
    const isLeading = isOk && !directives.isNofollow && !prior && (outcome.links.length > 0 || refreshUrl !== null);
    const repeatRun = isLeading && outcome.repeatKey !== undefined ? repeatRuns.note(outcome.repeatKey) : 0;
    if (isOk && seedRedirects.isSeed(fetchedEntry) && isAttachment(result.headers['content-disposition'])) noteSeedDownload(entry.url);
    const links = frontier.discover(entry, outcome.links, isOk && !directives.isNofollow);
    // A meta refresh is followed whatever nofollow says (the page itself points there), one level deeper.
    const extraUrls = isOk && refreshUrl !== null ? [frontier.discoverRefresh(entry, refreshUrl)] : [];
    // noindex: the page's row stays (status, headers, title), its content is not stored.
    const withHeaders = withHeaderMetadata(outcome, result);
    const parsed = directives.isNoindex ? { ...withHeaders, content: new Uint8Array(0) } : withHeaders;
    // Fetched and stored, so counted as a page; its code goes in the error counts as well.
    const error = encodingError(result);
    if (error) tracker.countFailure(error.code);
    tracker.countPage(result.wireBytes);
    writer.storePage({
      entry, fetch, parsed, error, directives: { robots: formatDirectives(directives), refreshUrl }, ...recrawled, ...(repeatRun > 0 ? { repeatRun } : {}),
    }, links, extraUrls);
    // A recrawl stores a page that now redirects as the redirect; its target is fetched on its own.
    if (!prior) fetchedElsewhere.noteStored(entry.url, result.finalUrl);
  };

  let status: CrawlSummary['status'] = 'done';
  let isTimeUp = false;
  let queuedAtEnd = 0;
  let earlierFailures: EarlierFailures | null = null;
  let recrawlStats: RecrawlStats | null = null;
  let isNothingQueued = false;
  let sitemapReport: SitemapReport | null = null;
  let isWalLeft = false;
  let isWalLeftByFullDisk = false;
  try {
    // --max-time: from here on no URL is taken; those in flight finish, the queue waits for the next run.
    // The clock starts before the sitemaps, which are requests of the run too.
    const stopTakingAt = config.maxTimeMs === null ? null : Date.now() + config.maxTimeMs;
    if (config.sitemaps) {
      const report = await addSitemapSeeds({
        seeds: config.seeds, fetcher, limits, scope, trap: trap.checkUrl, writer, signal: stop.signal, robots: polite.robots, stopAt: stopTakingAt,
      });
      sitemapReport = report;
      opts.onSitemaps?.(report);
    }
    for (;;) {
      if (stop.signal.aborted) break;
      if (!isTimeUp && stopTakingAt !== null && Date.now() >= stopTakingAt) isTimeUp = true;
      if (isTimeUp) {
        if (active.size === 0) break;
        await nextEvent();
        continue;
      }
      // The pool's bound in bytes: while its waiting bodies fill it (pages of megabytes), no fetch starts.
      if (active.size >= maxActive || pool.isFullOfBytes) {
        await nextEvent();
        continue;
      }
      const entry = frontier.next(polite.isReady, polite.restingHosts);
      if (!entry) {
        if (active.size === 0 && frontier.isExhausted()) break;
        // Nothing ready now: wait for a page to finish or for the next resting host or waiting
        // URL to come due, whichever is first; never sleep while another host could go on.
        const due = earliest(earliest(schedule.nextReadyAt(), writer.nextDueAt()), stopTakingAt);
        idleUntil = active.size === 0 ? due : null;
        await waitForWork(nextEvent, active.size > 0, due);
        continue;
      }
      idleUntil = null;
      schedule.take(entry.host);
      active.add(entry);
      processEntry(entry)
        .catch((err: unknown) => {
          // A bug in a stage must cost one URL, not the crawl.
          schedule.cancel(entry.host);
          tracker.countFailure('CRAWL_FETCH_NETWORK');
          runOutcome.noteFailure(entry, 'CRAWL_FETCH_NETWORK');
          writer.recordFailure(entry, 'CRAWL_FETCH_NETWORK', `internal error: ${(err as Error).message}`);
        })
        .finally(() => {
          active.delete(entry);
          wakeUp();
        });
    }
    if (stop.signal.aborted) status = storeError ? 'failed' : 'interrupted';
    // A URL given back unfetched does not count as taken: the summary's continuing command gives a
    // run stopped by Ctrl+C what is left of its --max-pages, and the next run fetches this one.
    await drain(active, nextEvent, STOP_GRACE_MS, (entry) => {
      writer.requeue(entry);
      frontier.untake();
    });
    // A run that tried no URL says why when earlier failures are the reason: resuming never
    // fetches a failed URL again, only --retry-failed does. (Nothing tried: nothing buffered.)
    // Not when --max-time ran out before the first URL came due (a --delay, a sitemap read): the
    // queue is full, and "nothing left to crawl: no URL is queued" sat under "12 URLs still
    // queued" (QA round 19).
    const tried = runOutcome.result();
    if (!config.retryFailed && !isTimeUp && status === 'done' && tried.answered + tried.unanswered === 0) {
      earlierFailures = readEarlierFailures(db);
      // QA: "0 pages stored" alone read as a crawl that did not work, on a day-two rerun.
      isNothingQueued = earlierFailures === null && !config.recrawl && !excludedSeeds
        && db.prepare('SELECT EXISTS (SELECT 1 FROM pages) AS has').pluck().get() === 1;
    }
  } catch (err) {
    // Not 'done' whatever stopped the loop. A write outside a batch (claiming URLs, deferring one)
    // that found the disk full ends the run as a batch's would: marked failed, one line.
    status = 'failed';
    if (!isStoreFull(err)) throw err;
    fullCause = err;
  } finally {
    for (const entry of frontier.drainWindow()) writer.requeue(entry);
    if (progressTimer) clearInterval(progressTimer);
    opts.signal?.removeEventListener('abort', onOuterAbort);
    recrawl.finish();
    writer.flush();
    // Deleted since the last commit: the run ends failed, in the file that is copied out below.
    writer.checkFile();
    if (writer.moved !== null || storeError !== null) status = 'failed';
    // Fresh, not the progress line's sample: the summary tells how much the next run has left.
    const end = recordRunEnd(writer, status);
    queuedAtEnd = end.queued;
    unmarkedRunId = end.unmarkedRunId;
    // QA: the summary said "N pages stored" after a --recrawl, which read as N new pages.
    recrawlStats = recrawl.id === null ? null : readRecrawlSummary(db);
    writer.close();
    loopDelay.disable();
    await Promise.allSettled([pool.close(), fetcher.close()]);
    if (writer.moved !== null) {
      // The open file is all there is of the crawl now: its name is gone (store/db-moved.ts).
      storeError = rescueDb(db, config.dbPath, writer.moved, countPages(db));
      dropSidecars(writer.sidecars);
    } else {
      if (status === 'done') mergeAtEnd(db);
      // Also after a failed write (--max-db-size, a full disk): what was committed stays readable.
      const settled = settleForReaders(db);
      isWalLeft = settled === 'partial' || settled === 'full';
      isWalLeftByFullDisk = settled === 'full';
    }
    db.close();
  }
  const summary: CrawlSummary = {
    ...tracker.summary(status, active.size),
    ...(retriedFailed !== null ? { retriedFailed } : {}),
    ...(earlierFailures !== null ? { earlierFailures } : {}),
    ...(recrawlStats !== null ? { recrawl: recrawlStats } : {}),
    ...(isNothingQueued ? { isNothingQueued: true as const } : {}),
    ...(excludedSeeds ? { excludedSeeds } : {}),
    ...(seedDownloads.count > 0 ? { seedDownloads } : {}),
    ...(isTimeUp && status === 'done' ? { maxTimeReached: { limitMs: config.maxTimeMs as number, queued: queuedAtEnd } } : {}),
    ...(queuedAtEnd > 0 ? { queuedAtEnd } : {}),
    ...(sitemapReport !== null ? { sitemaps: sitemapReport } : {}),
    ...(isWalLeft ? { isWalLeft: true as const } : {}),
    ...(isWalLeftByFullDisk ? { isWalLeftByFullDisk: true as const } : {}),
  };
  if (storeError || fullCause !== null || unmarkedRunId !== null) throw storeFullError(storeError, fullCause, unmarkedRunId);
  return summary;
}

/**
 * The search index's segments merged, within a bound (search-index.ts mergeSearchSegments), once a
 * crawl has ended by itself: not after Ctrl+C, which should end the process at once, nor after a
 * failed write. A step that fails (a full disk, --max-db-size: the merge writes before it frees)
 * is rolled back whole and the rest left to the next crawl's automerge; nothing stored is lost.
 */
function mergeAtEnd(db: Db): void {
  try {
    mergeSearchSegments(db);
  } catch {
    // The index as the crawl left it is whole: queries find the same pages, in more segments.
  }
}

function countPages(db: Db): number {
  return db.prepare('SELECT count(*) FROM pages').pluck().get() as number;
}

/** The figures for the summary's recrawl line; a file too damaged to read them has no line, not a failed summary. */
function readRecrawlSummary(db: Db): RecrawlStats | null {
  try {
    return readRecrawlStats(db);
  } catch {
    return null;
  }
}

/** Closes a crawl that stopped before its stages started, its file left readable as a finished crawl leaves it. */
function closeUnstarted(db: Db, writer: Writer): void {
  writer.close();
  settleForReaders(db);
  db.close();
}

interface ParseOptions {
  maxLinks: number;
  shouldStoreNonHtml: boolean;
  fields: Record<string, FieldSpec> | undefined;
  robotsName: string;
  /** Take the page's key for endless paginations (frontier/repeat-runs.ts shouldKey). */
  shouldKeyRepeat?: boolean;
}

/** Canonical and language from the Link and Content-Language headers, where the HTML named none (header-metadata.ts). */
function withHeaderMetadata<T extends { canonical: string | null; language: string | null }>(outcome: T, result: FetchResult): T {
  const canonical = outcome.canonical ?? linkHeaderCanonical(result.headers.link, result.finalUrl);
  const language = outcome.language ?? firstLanguage(result.headers['content-language']);
  return canonical === outcome.canonical && language === outcome.language ? outcome : { ...outcome, canonical, language };
}

/** The summary names at most this many seeds that were downloads; it counts them all. */
const MAX_SEED_DOWNLOADS_NAMED = 3;

/** The page's error when its body kept a content-coding we cannot remove (see parse() below). */
function encodingError(result: FetchResult): { code: ErrorCode; message: string } | null {
  if (result.unknownEncoding === undefined) return null;
  return { code: 'CRAWL_FETCH_ENCODING', message: `unsupported content-encoding ${result.unknownEncoding}; stored as received` };
}

function parse(pool: ParsePool, result: FetchResult, opts: ParseOptions): Promise<ParseOutcome> {
  const { maxLinks, fields, robotsName } = opts;
  const type = result.contentType.toLowerCase();
  // A body still under a content-coding we cannot remove is not HTML whatever its type says:
  // parsed, its bytes gave garbage text, links and search words. It is kept like a non-HTML body.
  // An untyped body is HTML unless its first bytes are binary, as browsers sniff it (sniff-untyped.ts);
  // one labelled HTML is not when it starts as a PDF, an image or an archive does (binary-signature.ts).
  // A response to be saved, not shown (Content-Disposition: attachment), is a download as in
  // browsers, whatever its type (content-disposition.ts).
  const isDownload = isAttachment(result.headers['content-disposition']);
  const isHtml = result.unknownEncoding === undefined && !isDownload
    && ((isHtmlType(type) && !startsWithBinarySignature(result.body))
      || (isUnknownType(type) && isUntypedHtml(result.body)));
  // A feed's items are its links, read on a parse thread as a page is (a 10 MB feed takes about
  // half a second). A body whose coding we could not remove is no feed we can read; one served as
  // a download (a user's upload) is a download as any type is, its links not followed.
  if (!isHtml && !isDownload && result.unknownEncoding === undefined && isFeed(type, result.body)) {
    return pool.run({ url: result.finalUrl, contentType: result.contentType, body: result.body, isHtml, isFeed: true, shouldKeepBody: opts.shouldStoreNonHtml, maxLinks });
  }
  if (!isHtml && !opts.shouldStoreNonHtml) return Promise.resolve(metadataOnly(result.body));
  if (!isHtml) return pool.run({ url: result.finalUrl, contentType: result.contentType, body: result.body, isHtml, maxLinks });
  return pool.run({
    url: result.finalUrl, contentType: result.contentType, body: result.body, isHtml, maxLinks, robotsName,
    ...(fields ? { fields } : {}), ...(opts.shouldKeyRepeat ? { shouldKeyRepeat: true } : {}),
  });
}

/** The earlier of two times, either of which may be unknown (null). */
function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

/** Until the next event, or `due` (at least 1 ms, at most 1 s, so a stop or a new due time is seen). */
async function waitForWork(nextEvent: () => Promise<void>, hasActive: boolean, due: number | null): Promise<void> {
  if (due === null && hasActive) return nextEvent();
  const waitMs = due === null ? 50 : Math.min(1_000, Math.max(1, due - Date.now()));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([nextEvent(), new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
  clearTimeout(timer);
}

/** Waits for in-flight pages; after `graceMs` the stragglers are requeued and left behind. */
async function drain(
  active: Set<FrontierEntry>,
  nextEvent: () => Promise<void>,
  graceMs: number,
  requeue: (e: FrontierEntry) => void,
): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (active.size > 0) {
    const left = deadline - Date.now();
    if (left <= 0) {
      for (const entry of active) requeue(entry);
      active.clear();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([nextEvent(), new Promise<void>((r) => (timer = setTimeout(r, left)))]);
    clearTimeout(timer);
  }
}
