/**
 * The single writer: owner of the only write connection. Every write in a crawl goes through
 * this object, on the main thread, so writes are serialized by construction; pages, their links,
 * the URLs they discover and the frontier's state changes are buffered and committed together in
 * one transaction per batch (by count, by bytes and by time), which is what makes a URL's state durable
 * and a page's rows all-or-nothing.
 */
import { statSync } from 'node:fs';
import { setupError, type Db } from './db.js';
import type { Transaction } from 'better-sqlite3';
import { prepareStatements, type Statements } from './statements.js';
import { StoreError, type ErrorCode } from '../errors.js';
import { originKey } from '../frontier/normalize-url.js';
import { isFollowedStatus } from '../followed-status.js';
import { STORE_FULL_MESSAGE, isStoreFull } from './store-full.js';
import { corruptError, isStoreCorrupt } from './store-corrupt.js';
import type { AddedUrls, Discovered, FrontierEntry, LinkRecord, PageRecord, RedirectHop } from '../types.js';
import type { StoreConfig } from '../config/schema.js';
import { UrlIdCache } from './url-id-cache.js';
import { boundHeaders } from './stored-headers.js';
import { BodyCopies } from './body-copies.js';
import { SignatureCopies } from './signature-copies.js';
import { selectClaimable } from './claim-urls.js';
import { createLinkInserter, type LinkRow } from './link-inserts.js';
import { currentOwner, lockState, lockedMessage, parseLock } from './writer-lock.js';
import { WalGrowth } from './wal-growth.js';
import { fileChange, fileIdentity, movedError, restoreWal, sidecarIdentities, type FileChange, type FileIdentity } from './db-moved.js';
import { probeFiles } from './file-probe.js';

type Op =
  | { kind: 'page'; record: PageRecord; links: LinkRecord[]; extraUrls: Discovered[] }
  | { kind: 'failure'; entry: FrontierEntry; code: ErrorCode; message: string; redirectTo: string | null; recrawl: RecrawledRedirect | null; isRequested: boolean }
  | { kind: 'redirect'; entry: FrontierEntry; storedUrl: string; recrawl: RecrawledRedirect | null }
  | { kind: 'requeue'; entry: FrontierEntry }
  | { kind: 'skip'; entry: FrontierEntry; code: ErrorCode }
  | { kind: 'defer'; entry: FrontierEntry; dueAt: number; isAttempt: boolean; code: ErrorCode | null; message: string }
  | { kind: 'apply'; apply: (now: number) => void; storedUrl: string | null };

/**
 * Bytes of page bodies (stored frames, --archive's wire copies) past which a batch commits before
 * its count is reached. The count alone let it hold 16 bodies brotli cannot shrink (--store-non-html
 * on images, archives: ~9.5 MB each near the --max-bytes cap), ~150 MB; the bench's batches hold
 * ~16 frames of ~20 KB and never reach it.
 */
export const BATCH_BYTES = 16 << 20;

/**
 * Writes other store modules (store/recrawl.ts, search/search-index.ts) add to a page's own
 * transaction, on this connection, so they commit or roll back with the page.
 */
export interface PageHooks {
  /** Before the page row is inserted under `urlId` (e.g. to remove the row a recrawl replaces). */
  beforeInsert?(urlId: number, record: PageRecord, now: number): void;
  /** After the row was inserted as `pageId` (not called for a duplicate that was not stored). */
  afterInsert?(pageId: number, record: PageRecord, now: number): void;
  /**
   * A URL being recrawled answered with a redirect whose target was not stored by this fetch: a
   * stored page not fetched again (Writer.recordRedirect), or a target the crawl refused or could
   * not fetch (Writer.recordFailure). What beforeInsert does for a redirect whose target was fetched.
   */
  onRecrawledRedirect?(urlId: number, redirect: RecrawledRedirect, now: number): void;
}

/** A recrawled URL's answer that was a redirect (its hops; the target is the urls row's redirect_to). */
export interface RecrawledRedirect {
  recrawlId: number;
  redirects: RedirectHop[];
  fetchedAt: number;
  elapsedMs: number;
}

/** New URLs recorded as skipped, by CRAWL_TRAP_* code. */
export type TrapSkipCounts = Partial<Record<ErrorCode, number>>;

export interface WriterCounts {
  pagesStored: number;
  duplicates: number;
  failures: number;
  transactions: number;
  /** URLs this run recorded as skipped spider traps (new rows only), by code. */
  trapSkips: TrapSkipCounts;
}

/** A claim folded into a batch's commit (Writer.claim). */
interface ClaimRequest {
  limit: number;
  excludeHosts: readonly string[];
}

export class Writer {
  readonly #db: Db;
  readonly #s: Statements;
  readonly #insertLinks: (pageId: number | bigint, rows: LinkRow[]) => void;
  readonly #config: StoreConfig;
  readonly #commit: Transaction<(ops: Op[], claim: ClaimRequest | null) => FrontierEntry[]>;
  #ops: Op[] = [];
  /** Body bytes held by the page writes in #ops (BATCH_BYTES). */
  #opsBytes = 0;
  #timer: NodeJS.Timeout | null = null;
  /** checkFile between commits (watchFile). */
  #watch: NodeJS.Timeout | null = null;
  #runId: number | null = null;
  #failed: StoreError | null = null;
  #isClosed = false;
  readonly #urlIds = new UrlIdCache();
  readonly #bodyCopies = new BodyCopies();
  readonly #signatureCopies = new SignatureCopies();
  #onError: (err: StoreError) => void = () => {};
  /** The file opened, to tell when its path no longer names it (db-moved.ts); null in memory. */
  #identity: FileIdentity | null;
  /** Its -wal and -shm as opened (or made again), removed if the file moves (db-moved.ts). */
  #sidecars: Map<string, FileIdentity>;
  #moved: FileChange | null = null;
  readonly #walGrowth: WalGrowth | null;
  #onWalGrowth: (walBytes: number) => void = () => {};
  readonly #hooks: PageHooks[] = [];
  /** URLs the writes in #ops leave 'done' (pages' final URLs, a recrawl's 304s), for isStored() before they commit. */
  readonly #bufferedStored = new Set<string>();
  readonly counts: WriterCounts = { pagesStored: 0, duplicates: 0, failures: 0, transactions: 0, trapSkips: {} };
  /**
   * What the batch being committed adds to `counts`, added only once it commits: a batch rolled
   * back (disk full) must not count in the run row, which endRun writes from `counts`.
   */
  #batchCounts = { pagesStored: 0, duplicates: 0, failures: 0, trapSkips: {} as TrapSkipCounts };
  /** Milliseconds spent in the last commit, and their total; for the benchmark. */
  lastCommitMs = 0;
  totalCommitMs = 0;

  constructor(db: Db, config: StoreConfig) {
    this.#db = db;
    this.#s = prepareStatements(db);
    this.#insertLinks = createLinkInserter(db);
    this.#config = config;
    this.#identity = db.memory ? null : fileIdentity(db.name);
    this.#sidecars = db.memory ? new Map() : sidecarIdentities(db.name);
    this.#walGrowth = db.memory ? null : new WalGrowth(config.walWarnBytes);
    // better-sqlite3's transaction(): BEGIN/COMMIT around a synchronous function, ROLLBACK if it throws.
    // Every write transaction here is run .immediate(): it takes the write lock at BEGIN, waiting
    // up to busy_timeout for it. A deferred one that reads first and then writes fails at once
    // (SQLITE_BUSY_SNAPSHOT, no waiting) if any other connection committed in between, such as a
    // second crawl being refused on the same file.
    this.#commit = db.transaction((ops: Op[], claim: ClaimRequest | null): FrontierEntry[] => {
      const now = Date.now();
      this.#batchCounts = { pagesStored: 0, duplicates: 0, failures: 0, trapSkips: {} };
      for (const op of ops) this.#apply(op, now);
      // The run row carries the counts as of this commit, in the same transaction: a run killed
      // with -9 never reaches endRun, and its duplicates cannot be recounted from the rows (a
      // redirected URL does not say whether its target's page came from it or was already
      // stored). One UPDATE by primary key per batch; `crawlite stats` sees them while it runs.
      if (this.#runId !== null) {
        const { pagesStored, duplicates, failures } = this.#batchCounts;
        const c = this.counts;
        this.#s.runCounts.run(c.pagesStored + pagesStored, c.failures + failures, c.duplicates + duplicates, this.#runId);
      }
      return claim === null ? [] : this.#claimRows(claim.limit, claim.excludeHosts);
    });
  }

  /** Called once when a commit fails (disk full, I/O error): the crawl must stop. */
  onError(handler: (err: StoreError) => void): void {
    this.#onError = handler;
  }

  /** Called when the WAL passes the next size mark: a reader keeps it from being reused (wal-growth.ts). */
  onWalGrowth(handler: (walBytes: number) => void): void {
    this.#onWalGrowth = handler;
  }

  addPageHooks(hooks: PageHooks): void {
    this.#hooks.push(hooks);
  }

  /**
   * Buffers a write made by another store module; it runs, in order, inside the next batch's
   * transaction. `storedUrl`: a URL the write leaves 'done' (a recrawl's 304), stored for
   * isStored() already while it waits.
   */
  enqueue(apply: (now: number) => void, opts: { storedUrl?: string } = {}): void {
    this.#push({ kind: 'apply', apply, storedUrl: opts.storedUrl ?? null });
  }

  /** For an `enqueue`d write that stores a page again (a recrawl's 304): counted if its batch commits. */
  countPageStored(): void {
    this.#batchCounts.pagesStored += 1;
  }

  get failure(): StoreError | null {
    return this.#failed;
  }

  /** How the database's path stopped naming the file this writer writes, once found; null while it does. */
  get moved(): FileChange | null {
    return this.#moved;
  }

  /**
   * Whether the path still names the file being written; reported once through onError when it
   * does not. Not a failure of the writer: its commits still reach the open file, so the stop's
   * requeues and the run's end are written before the crawl copies it out (db-moved.ts). Then the
   * -wal: deleted, what it holds is put back into the file and a new one made (restoreWal), else
   * its size, for a read that keeps it growing (wal-growth.ts).
   */
  checkFile(): void {
    if (this.#identity === null || this.#moved !== null) return;
    const path = this.#db.name;
    const walPath = `${path}-wal`;
    let change = fileChange(path, this.#identity);
    let wal = statSync(walPath, { throwIfNoEntry: false });
    let opened = this.#sidecars.get(walPath);
    const isOtherWal = opened !== undefined && wal !== undefined && (wal.ino !== opened.ino || wal.dev !== opened.dev);
    if (change === 'replaced' || isOtherWal) {
      // Another inode is not always another file: asked of their contents (file-probe.ts).
      const probe = probeFiles(this.#db);
      if (change === 'replaced' && probe.file === true) {
        this.#identity = fileIdentity(path) ?? this.#identity;
        change = null;
      }
      if (change === null && isOtherWal && probe.wal === true) {
        this.#sidecars = sidecarIdentities(path);
        wal = statSync(walPath, { throwIfNoEntry: false });
        opened = this.#sidecars.get(walPath);
      }
    }
    if (change !== null) {
      this.#moved = change;
      this.#onError(movedError(path, change));
      return;
    }
    if (opened !== undefined && (wal === undefined || wal.ino !== opened.ino || wal.dev !== opened.dev)) {
      try {
        this.#sidecars = restoreWal(this.#db);
      } catch (err) {
        this.#sidecars = new Map(); // reported once
        this.#onError(new StoreError('CRAWL_STORE_WRITE', `${walPath} was deleted during the crawl, and what it held could not be put back into ${path} (${(err as Error).message}); the crawl stopped: run it again to continue`, { cause: err }));
      }
      return;
    }
    const walBytes = this.#walGrowth?.check(wal?.size ?? 0) ?? null;
    if (walBytes !== null) this.#onWalGrowth(walBytes);
  }

  /**
   * checkFile every `intervalMs` as well as after each commit, until close(). A crawl that commits
   * rarely (a slow site, a long --delay, every host waiting for a retry) checked its file only at
   * its next commit: with --delay 4 its deleted file lived 5.1 s in the crawl's open file alone
   * before the copy was back at the path, 1.6 s on a site answering in 1.5 s, and as long as the
   * wait for a 30 s timeout or a retry, during which a kill -9 lost every page. Two stat calls.
   */
  watchFile(intervalMs: number): void {
    if (this.#identity === null || this.#watch !== null) return;
    this.#watch = setInterval(() => {
      if (!this.#isClosed) this.checkFile();
    }, intervalMs);
    this.#watch.unref();
  }

  /** Its -wal and -shm as they are now, for db-moved.ts's dropSidecars. */
  get sidecars(): ReadonlyMap<string, FileIdentity> {
    return this.#sidecars;
  }

  /**
   * Refuses to share the file with another live crawl: the lock in meta names the process that owns
   * the write connection (store/writer-lock.ts). A lock whose process is gone, or whose pid now
   * belongs to another process on this host, is taken over; one from another host is not.
   */
  acquireLock(dbPath: string): void {
    const take = this.#db.transaction(() => {
      const state = lockState(parseLock(this.#s.readLock.all() as Array<{ key: string; value: string }>));
      if (state.kind !== 'free') throw new StoreError('CRAWL_STORE_LOCKED', lockedMessage(dbPath, state));
      const me = currentOwner();
      this.#s.clearLock.run(); // a stale owner's keys, writer_started included where we have none
      this.#s.writeLock.run('writer_pid', String(me.pid));
      this.#s.writeLock.run('writer_host', me.host);
      if (me.started !== null) this.#s.writeLock.run('writer_started', me.started);
    });
    try {
      take.immediate();
    } catch (err) {
      // The other crawl held the write lock past busy_timeout (e.g. both started at once).
      const code = (err as { code?: string }).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
        throw new StoreError('CRAWL_STORE_LOCKED', `database ${dbPath} is in use by another crawl; wait for it or use --db`, { cause: err });
      }
      // The lock is the crawl's first write. A file already in WAL mode (a crawl killed, or one a
      // reader kept in WAL mode) opens and sets up on a read-only mount or a full disk without
      // writing anything, so this is where that shows: it printed SQLite's bare "attempt to write
      // a readonly database", with no code (QA).
      throw setupError(dbPath, err);
    }
  }

  releaseLock(): void {
    this.#s.dropLock.run(String(process.pid));
  }

  /**
   * URLs left in 'fetching' by a crash or a kill go back to the queue, without the attempt their
   * claim counted, and the runs that never ended are marked 'crashed' (their counts as of their
   * last commit, their `queued` what is queued now, the URLs they had in flight included). Called after acquireLock,
   * so no live crawl owns either. No crash-loop guard: a URL that kills the process every time
   * is claimed again by every run.
   */
  recoverInterrupted(): number {
    const recover = this.#db.transaction(() => {
      this.#s.markCrashedRuns.run();
      return this.#s.recoverFetching.run(Date.now()).changes;
    });
    return recover.immediate();
  }

  /** `job` names the job file the run came from, when there was one. */
  startRun(options: unknown, job: { name: string; file: string | null } | null = null): number {
    const info = this.#s.startRun.run(Date.now(), JSON.stringify(options), job?.name ?? null, job?.file ?? null, process.pid);
    this.#runId = Number(info.lastInsertRowid);
    return this.#runId;
  }

  /** This crawl's run, once startRun wrote its row. */
  get runId(): number | null {
    return this.#runId;
  }

  /** Records how the run ended; returns the URLs it left queued, for the summary's next command. */
  endRun(status: 'done' | 'interrupted' | 'failed'): number {
    if (this.#runId === null) return 0;
    const queued = (this.#s.countQueued.get() as { n: number }).n;
    const { pagesStored, failures, duplicates } = this.counts;
    this.#s.endRun.run(Date.now(), status, pagesStored, failures, duplicates, queued, this.#runId);
    return queued;
  }

  /** Seeds: added like discovered URLs, and an existing skipped or deeper row is queued at depth 0. */
  addSeeds(urls: Discovered[]): void {
    const trapSkips: TrapSkipCounts = {};
    const insert = this.#db.transaction(() => {
      const now = Date.now();
      for (const d of urls) {
        this.#insertDiscovered(d, null, now, trapSkips);
        if (d.skipCode === null) this.#s.promoteSeed.run(now, d.url);
      }
    });
    insert.immediate();
    addTrapSkips(this.counts.trapSkips, trapSkips);
  }

  /** Other URLs that enter the frontier outside a page's transaction (sitemaps). Immediate. */
  addUrls(urls: Discovered[], parentId: number | null = null): AddedUrls {
    // Counted once the transaction commits; it throws otherwise.
    const trapSkips: TrapSkipCounts = {};
    const insert = this.#db.transaction(() => {
      const now = Date.now();
      const added: AddedUrls = { queued: 0, skipped: 0 };
      for (const d of urls) {
        if (this.#insertDiscovered(d, parentId, now, trapSkips)) added[d.skipCode ? 'skipped' : 'queued'] += 1;
      }
      return added;
    });
    const added = insert.immediate();
    addTrapSkips(this.counts.trapSkips, trapSkips);
    return added;
  }

  /**
   * Moves up to `limit` queued URLs to 'fetching', shallowest first, skipping the hosts in
   * `excludeHosts` (those already at their per-host bound). Buffered writes are committed first
   * so that links found by recent pages can be claimed.
   */
  claim(limit: number, excludeHosts: string[]): FrontierEntry[] {
    // Buffered writes are committed first, so the claim sees them; in the same transaction, which
    // saves a commit (a claim comes every ~28 bench pages, when the window runs dry). Either both
    // are durable or neither: a crash leaves claimed rows 'fetching' only with the batch before them.
    if (this.#ops.length > 0 || this.#failed) return this.#flush({ limit, excludeHosts });
    const take = this.#db.transaction(() => this.#claimRows(limit, excludeHosts));
    return take.immediate();
  }

  /** Marks the next claimable URLs 'fetching' for this run; inside a transaction. */
  #claimRows(limit: number, excludeHosts: readonly string[]): FrontierEntry[] {
    const rows = selectClaimable(this.#s, Date.now(), limit, excludeHosts);
    const now = Date.now();
    for (const r of rows) this.#s.markFetching.run(now, this.#runId, r.id);
    return rows.map((r) => ({ id: r.id, url: r.url, host: r.host, depth: r.depth, attempt: r.attempts }));
  }

  hasQueued(): boolean {
    this.flush();
    // EXISTS, not count(*): a count reads the whole queue, and this is asked on every idle turn.
    return this.#s.anyQueued.get() === 1;
  }

  #queuedSample = { n: 0, at: -Infinity };

  /**
   * URLs queued in the store, for the progress display: re-counted at most every `maxAgeMs`, so a
   * status line refreshed several times a second does not run a COUNT over a million-row index
   * each time. Buffered (uncommitted) discoveries are not included.
   */
  queuedCount(maxAgeMs = 2_000): number {
    const now = performance.now();
    if (now - this.#queuedSample.at >= maxAgeMs && !this.#failed && !this.#isClosed) {
      this.#queuedSample = { n: (this.#s.countQueued.get() as { n: number }).n, at: now };
    }
    return this.#queuedSample.n;
  }

  /**
   * Stores a page, its links, and the links' targets in the frontier (queued, or skipped with why).
   * `extraUrls` enter the frontier without being links of the page (a meta refresh target).
   */
  storePage(record: PageRecord, links: LinkRecord[], extraUrls: Discovered[] = []): void {
    this.#push({ kind: 'page', record, links, extraUrls });
  }

  /**
   * A URL that ends failed. `recrawl` when it was being recrawled and answered with a redirect
   * (its target out of scope, say): its stored page is no longer what the URL serves.
   * `isRequested` false: it failed before any request (robots.txt), and its claim's attempt is given back.
   */
  recordFailure(
    entry: FrontierEntry, code: ErrorCode, message: string, redirectTo: string | null = null, recrawl: RecrawledRedirect | null = null, isRequested = true,
  ): void {
    this.#push({ kind: 'failure', entry, code, message, redirectTo, recrawl, isRequested });
  }

  /**
   * Whether `url`'s page is stored: its row is 'done', committed or in a buffered page. Only
   * 'done': a URL queued (a recrawl's requeue included), in flight, failed or skipped has no
   * stored page this run should stop at. One indexed lookup (urls.url is UNIQUE).
   */
  isStored(url: string): boolean {
    if (this.#failed || this.#isClosed) return false;
    if (this.#bufferedStored.has(url)) return true;
    return (this.#s.selectUrl.get(url) as { state: string } | undefined)?.state === 'done';
  }

  /**
   * The depth `url` waits at, queued or in flight (committed rows), or null. A followed link's
   * depth is a path to it; a skipped row's is not, and a stored page has its own.
   */
  pendingDepth(url: string): number | null {
    if (this.#failed || this.#isClosed) return null;
    const row = this.#s.selectUrl.get(url) as { state: string; depth: number } | undefined;
    return row !== undefined && (row.state === 'queued' || row.state === 'fetching') ? row.depth : null;
  }

  /** The HTTP status of `url`'s committed page, or null (none, or not committed yet). */
  storedStatus(url: string): number | null {
    if (this.#failed || this.#isClosed) return null;
    return (this.#s.selectStoredStatus.get(url) as { status: number } | undefined)?.status ?? null;
  }

  /**
   * A URL that redirected to a stored page, the page not fetched again (RedirectToStored): the
   * row and count that storing the fetched page would have ended in, a duplicate, as
   * #applyPage leaves it. `recrawl` when the URL was being recrawled (PageHooks.onRecrawledRedirect).
   */
  recordRedirect(entry: FrontierEntry, storedUrl: string, recrawl: RecrawledRedirect | null = null): void {
    this.#push({ kind: 'redirect', entry, storedUrl, recrawl });
  }

  /**
   * A claimed URL this run will not fetch after all (queued by an earlier run under other limits:
   * deeper than this run's --max-depth, or rejected by its --include/--exclude): skipped with why,
   * the claim's attempt given back, and queued again by a later link or run that can follow it.
   * One a recrawl queued keeps its stored page or redirect instead: it is just not asked again.
   */
  skipClaimed(entry: FrontierEntry, code: ErrorCode): void {
    this.#push({ kind: 'skip', entry, code });
  }

  /** A URL whose fetch was abandoned at shutdown goes back to the queue for the next run. */
  requeue(entry: FrontierEntry): void {
    this.#push({ kind: 'requeue', entry });
  }

  /**
   * Puts a fetching URL back in the queue, not to be claimed before `dueAt`: a retry (`isAttempt`,
   * the attempt stays counted) or a wait that was no attempt (robots.txt unreachable). The last
   * reason is kept in error_code / error_message until the URL is done.
   */
  defer(entry: FrontierEntry, dueAt: number, opts: { isAttempt: boolean; code: ErrorCode | null; message: string }): void {
    this.#push({ kind: 'defer', entry, dueAt, ...opts });
  }

  /**
   * The earliest not-before time of a committed waiting URL, or null. It does not flush (the
   * scheduler asks on every idle turn, and flushing there would break up the batches); a deferral
   * still buffered is committed by the next claim.
   */
  nextDueAt(now = Date.now()): number | null {
    if (this.#failed) return null;
    return (this.#s.nextDueAt.get(now) as { t: number | null }).t;
  }

  get buffered(): number {
    return this.#ops.length;
  }

  /** Commits everything buffered in one transaction. Never throws: a failure is reported once through onError. */
  flush(): void {
    this.#flush(null);
  }

  /**
   * flush(), and with `claim` the claim's rows marked in the same transaction (its result; none
   * when the commit fails, which is reported as a failed batch is).
   */
  #flush(claim: ClaimRequest | null): FrontierEntry[] {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#ops.length === 0 || this.#failed) return [];
    const ops = this.#ops;
    this.#ops = [];
    this.#opsBytes = 0;
    this.#bufferedStored.clear();
    const started = performance.now();
    let claimed: FrontierEntry[];
    try {
      claimed = this.#commit.immediate(ops, claim);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'unknown';
      // The failed batch was rolled back: what was committed before it stays.
      const message = isStoreFull(err)
        ? STORE_FULL_MESSAGE
        : `cannot write to the database (${code}): ${(err as Error).message}`;
      this.#failed = isStoreCorrupt(err) ? corruptError(this.#db.name, err) : new StoreError('CRAWL_STORE_WRITE', message, { cause: err });
      this.#onError(this.#failed);
      return [];
    }
    this.lastCommitMs = performance.now() - started;
    this.totalCommitMs += this.lastCommitMs;
    this.counts.transactions += 1;
    this.counts.pagesStored += this.#batchCounts.pagesStored;
    this.counts.duplicates += this.#batchCounts.duplicates;
    this.counts.failures += this.#batchCounts.failures;
    addTrapSkips(this.counts.trapSkips, this.#batchCounts.trapSkips);
    // Two stats per batch: a file or WAL deleted under the crawl is found within a batch of its loss.
    this.checkFile();
    return claimed;
  }

  /** Commits what is buffered; later writes (from work abandoned at shutdown) are dropped. */
  close(): void {
    this.flush();
    this.#isClosed = true;
    if (this.#watch !== null) clearInterval(this.#watch);
    this.#watch = null;
  }

  #push(op: Op): void {
    if (this.#isClosed) return;
    this.#ops.push(op);
    if (op.kind === 'page') {
      this.#bufferedStored.add(op.record.fetch.finalUrl);
      this.#opsBytes += (op.record.parsed?.content.byteLength ?? 0) + (op.record.fetch.wireBody?.byteLength ?? 0);
    } else if (op.kind === 'apply' && op.storedUrl !== null) this.#bufferedStored.add(op.storedUrl);
    if (this.#ops.length >= this.#config.batchSize || this.#opsBytes >= BATCH_BYTES) this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => this.flush(), this.#config.flushIntervalMs);
      this.#timer.unref();
    }
  }

  #apply(op: Op, now: number): void {
    const s = this.#s;
    if (op.kind === 'apply') {
      op.apply(now);
    } else if (op.kind === 'requeue') {
      s.requeue.run(now, op.entry.id);
    } else if (op.kind === 'skip') {
      if (s.keepClaimed.run(now, op.entry.id).changes === 0) s.skipClaimed.run(op.code, skipMessage(op.code), now, op.entry.id);
    } else if (op.kind === 'defer') {
      s.deferUrl.run({ id: op.entry.id, dueAt: op.dueAt, uncount: op.isAttempt ? 0 : 1, errorCode: op.code, errorMessage: op.message, now });
    } else if (op.kind === 'failure') {
      if (op.isRequested) s.markState.run('failed', op.code, op.message, op.redirectTo, now, op.entry.id);
      else s.failUnrequested.run(op.code, op.message, op.redirectTo, now, op.entry.id);
      this.#batchCounts.failures += 1;
      if (op.recrawl !== null) for (const h of this.#hooks) h.onRecrawledRedirect?.(op.entry.id, op.recrawl, now);
    } else if (op.kind === 'redirect') {
      s.markState.run('redirected', null, null, op.storedUrl, now, op.entry.id);
      if (op.recrawl !== null) for (const h of this.#hooks) h.onRecrawledRedirect?.(op.entry.id, op.recrawl, now);
      this.#batchCounts.duplicates += 1;
    } else {
      this.#applyPage(op.record, op.links, op.extraUrls, now);
    }
  }

  /**
   * Stores a page once: the row is keyed by the URL the response was finally served from, so a
   * redirect to a URL that is (or will be) fetched directly, or two concurrent paths to the same
   * page, meet at pages.url_id's UNIQUE constraint and only the first is kept.
   */
  #applyPage(record: PageRecord, links: LinkRecord[], extraUrls: Discovered[], now: number): void {
    const s = this.#s;
    const { entry, fetch, parsed, error } = record;
    let urlId = entry.id;
    if (fetch.finalUrl !== entry.url) {
      const existing = s.selectUrl.get(fetch.finalUrl) as { id: number } | undefined;
      if (existing) urlId = existing.id;
      else {
        const info = s.insertUrl.run(fetch.finalUrl, originKey(fetch.finalUrl), entry.depth, 'fetching', entry.id, null, null, now, now, this.#runId);
        urlId = Number(info.lastInsertRowid);
      }
      s.markState.run('redirected', null, null, fetch.finalUrl, now, entry.id);
    }
    // An empty frame means the content is not kept (noindex, or a non-HTML body not asked for).
    const hasContent = parsed !== null && parsed.content.byteLength > 0;
    const isNewBody = hasContent
      && s.insertContent.run(parsed.contentHash, parsed.codec, parsed.htmlBytes, parsed.textBytes, parsed.content).changes > 0;
    // A catch-all site (every path answers 200 with the same page) shows itself as copies of one
    // body, each in a directory below an earlier one on the same origin (body-copies.ts), each
    // found through a page with that same body (its parent or one above): their relative links
    // resolve to new URLs on every copy, without end. Such a copy adds no new URL to the frontier (#linkTargetId); its absolute and
    // root-relative links point where the copy above pointed, so only what resolves under the
    // copy's own directory is lost, which is the trap. A copy found on a distinct page (a "latest"
    // alias: /docs/ serving /docs/v2/'s bytes, /docs/v2/ linked from the home page) is crawled:
    // its own copies are found on it, so a catch-all behind it still ends one level down. A
    // recrawled page meets its own body again, which says nothing.
    // The same holds for copies that are not byte-identical but share a copy signature (a soft-404
    // echoing the requested path, a per-request token: parse/copy-signature.ts), or are near
    // copies of a page above them on their chain (a random block per request: src/near-copy.ts);
    // each rule keeps its own memory, so a page counts as a copy by either.
    const areLinksFollowed = isFollowedStatus(fetch.status) && !(record.directives?.robots ?? '').includes('nofollow');
    const isCandidate = hasContent && areLinksFollowed && record.recrawl === undefined;
    const isByteCopy = isCandidate
      && this.#bodyCopies.isCopyBelow(fetch.finalUrl, originKey(fetch.finalUrl), parsed.contentHash)
      && this.#isFoundOnCopy(entry.id, parsed.contentHash);
    const signature = parsed?.copySignature;
    const isSignatureCopy = isCandidate && signature !== undefined
      && this.#signatureCopies.isCopy(fetch.finalUrl, originKey(fetch.finalUrl), urlId, { signature, tokenSignature: parsed.copyTokenSignature, sketch: parsed.copySketch }, () => this.#chainPages(entry.id));
    // A page that repeats the pages of its URL pattern before it (frontier/repeat-runs.ts): an
    // endless pagination, whose new links are the trap going on. Its content need not be kept:
    // the run was judged on the parse thread, and "No results" pages marked noindex, follow (as
    // SEO plugins mark empty archives) ran to --max-pages when only a page with content could be one.
    const isRepeat = areLinksFollowed && record.recrawl === undefined && record.repeatRun !== undefined;
    const isDuplicateBody = isByteCopy || isSignatureCopy || isRepeat;
    const copyMessage = isDuplicateBody && !isByteCopy && !isSignatureCopy ? repeatMessage(record.repeatRun!) : undefined;
    for (const h of this.#hooks) h.beforeInsert?.(urlId, record, now);
    const info = s.insertPage.run(
      urlId, entry.url, fetch.finalUrl, fetch.status, fetch.contentType,
      JSON.stringify(boundHeaders(fetch.headers)), fetch.redirects.length ? JSON.stringify(fetch.redirects) : null,
      fetch.fetchedAt, Math.round(fetch.elapsedMs), entry.depth,
      parsed?.title ?? null, parsed?.description ?? null, parsed?.canonical ?? null, parsed?.language ?? null, parsed?.encoding ?? null,
      parsed?.htmlBytes ?? 0, fetch.wireBytes, parsed?.content.byteLength ?? 0, fetch.isTruncated ? 1 : 0, parsed?.linksFound ?? 0,
      hasContent ? parsed.contentHash : null, error?.code ?? null, error?.message ?? null, this.#runId,
      record.directives?.robots ?? null, record.directives?.refreshUrl ?? null,
      parsed !== null && parsed.linksFound > parsed.links.length ? 1 : 0,
      !hasContent && parsed !== null && parsed.contentHash !== '' ? parsed.contentHash : null,
    );
    // A redirect's target that already has its page keeps its own state: queued again by a
    // recrawl, it is still to be recrawled by its own request, not settled by this copy.
    if (info.changes > 0 || urlId === entry.id) s.markState.run('done', error?.code ?? null, error?.message ?? null, null, now, urlId);
    if (info.changes === 0) {
      // The page was stored already (reached twice at once, or through a redirect): a body that
      // came in with this copy alone, changed since, would be a contents row no page points at.
      if (isNewBody) s.deleteContent.run(parsed.contentHash);
      this.#batchCounts.duplicates += 1;
      return;
    }
    this.#batchCounts.pagesStored += 1;
    const pageId = info.lastInsertRowid;
    const rows: LinkRow[] = new Array(links.length);
    for (let i = 0; i < links.length; i++) {
      const l = links[i]!;
      rows[i] = [this.#linkTargetId(l, urlId, now, isDuplicateBody, copyMessage), l.text, l.isInScope ? 1 : 0, l.isNofollow ? 1 : 0];
    }
    this.#insertLinks(pageId, rows);
    for (const d of extraUrls) {
      const isCopied = isDuplicateBody && d.skipCode === null;
      this.#insertDiscovered(isCopied ? { ...d, skipCode: 'CRAWL_TRAP_DUPLICATE_CONTENT' } : d, urlId, now, this.#batchCounts.trapSkips, isCopied ? copyMessage : undefined);
    }
    if (parsed?.fields) s.setPageFields.run(JSON.stringify(parsed.fields), pageId);
    for (const h of this.#hooks) h.afterInsert?.(Number(pageId), record, now);
  }

  /**
   * Whether the URL of row `urlId` was found (first, or by its shortest path) through a page whose
   * stored body is `hash`: its parent, or a page above that. A catch-all that alternates templates
   * (one body on directory paths, another on .html paths) finds each copy on a page of the other
   * body, so the parent alone never matches and the crawl would run to --max-pages; a page two
   * levels up does. A seed or sitemap URL has no such page.
   */
  #isFoundOnCopy(urlId: number, hash: string): boolean {
    return this.#s.selectFoundOnHash.get(urlId, hash) !== undefined;
  }

  /** The urls rows on the chain `urlId` was found by, its parent first (#isFoundOnCopy's chain). */
  #chainPages(urlId: number): Array<{ id: number; url: string }> {
    return this.#s.selectFoundOnChain.all(urlId);
  }

  /**
   * The urls.id of a link's target, inserting or upgrading its frontier row as needed. Most links
   * of a site (its navigation) repeat on every page; the cache answers those without SQL.
   * `isFromDuplicate`: the page's body was already stored under another URL (#applyPage), so a
   * link that would add a new URL to the queue adds it skipped instead; links to URLs that have a
   * row are recorded as from any page. A link skipped for its own reason keeps that reason.
   */
  #linkTargetId(l: LinkRecord, parentId: number, now: number, isFromDuplicate: boolean, copyMessage?: string): number {
    const cached = this.#urlIds.get(l.url);
    if (cached !== undefined && (cached.isSettled || l.skipCode !== null)) {
      // Pages are claimed shallowest first, so a link shorter than every earlier one to its target
      // is rare, and only then does a cache hit cost a statement (a no-op once the URL is claimed).
      if (l.skipCode === null && l.depth < cached.depth) {
        this.#s.shortenDepth.run(l.depth, parentId, now, cached.id, l.depth);
        cached.depth = l.depth;
      }
      return cached.id;
    }
    const s = this.#s;
    // INSERT OR IGNORE and a one-row UPDATE rather than one upsert (INSERT ... ON CONFLICT DO
    // UPDATE ... RETURNING): SQLite gives an upsert a statement journal, and opening one inside a
    // transaction calls every virtual table's xSavepoint, on which FTS5 flushes its pending terms
    // (search/search-index.ts) to a new segment. Each page's upserts thus flushed the previous
    // page's text: in a crawl the upsert took ~4x its cost without the index, plus the flush.
    const state = l.skipCode ? 'skipped' : 'queued';
    const insertCode = l.skipCode ?? (isFromDuplicate ? 'CRAWL_TRAP_DUPLICATE_CONTENT' : null);
    const info = s.insertUrl.run(
      l.url, l.host, l.depth, insertCode ? 'skipped' : 'queued', parentId, insertCode,
      insertCode ? (l.skipCode === null ? copyMessage : undefined) ?? skipMessage(insertCode) : null, now, now, this.#runId,
    );
    let id: number;
    let depth = l.depth;
    let code = l.skipCode;
    if (info.changes > 0) {
      id = Number(info.lastInsertRowid);
      code = insertCode;
      countTrapSkip(insertCode, this.#batchCounts.trapSkips);
    } else {
      const row = s.selectUrl.get(l.url) as { id: number; state: string; error_code: string | null; depth: number };
      id = row.id;
      if (state === 'queued' && row.state === 'skipped' && isLiftable(row.error_code, isFromDuplicate)) {
        s.liftSkipped.run(l.depth, parentId, now, id);
      } else if (state === 'queued' && row.state === 'queued' && row.depth > l.depth) {
        s.shortenDepth.run(l.depth, parentId, now, id, l.depth);
      } else {
        depth = Math.min(row.depth, l.depth);
        // Left skipped (a duplicate page does not lift another's skip): a later link may still.
        if (row.state === 'skipped' && isLiftable(row.error_code, false)) code = row.error_code as ErrorCode;
      }
    }
    // A row left skipped for depth, not-followed, scope or a duplicate page may still be queued by a
    // later link; ask again then.
    const isSettled = code === null || !isLiftable(code, false);
    // A skipped link's depth is no path to the URL: only a followed link may shorten it later.
    this.#urlIds.set(l.url, id, isSettled, code === null ? depth : Number.POSITIVE_INFINITY);
    return id;
  }

  /** `trapSkips`: where a new row skipped as a spider trap is counted (the batch's, or a transaction's own). */
  /** True when the URL is new to the database (INSERT OR IGNORE: a known one is left as it is). */
  #insertDiscovered(d: Discovered, parentId: number | null, now: number, trapSkips: TrapSkipCounts, message?: string): boolean {
    const info = this.#s.insertUrl.run(
      d.url, d.host, d.depth, d.skipCode ? 'skipped' : 'queued', parentId, d.skipCode, d.skipCode ? message ?? skipMessage(d.skipCode) : null, now, now, this.#runId,
    );
    if (info.changes === 0) return false;
    countTrapSkip(d.skipCode, trapSkips);
    return true;
  }
}

/**
 * Skips a later link may lift (queue the URL): they are about the page that linked it (too deep
 * from there, its links not followed, its body a duplicate), not about the URL, or about a scope
 * that can grow during a crawl (a seed's redirect, frontier/seed-redirects.ts) or between runs (a
 * resume with another seed). A duplicate page never lifts a row another duplicate skipped: that
 * is the trap going on.
 */
function isLiftable(code: string | null, isFromDuplicate: boolean): boolean {
  return code === 'CRAWL_DEPTH_LIMIT' || code === 'CRAWL_NOT_FOLLOWED' || code === 'CRAWL_SCOPE_OUT'
    || (code === 'CRAWL_TRAP_DUPLICATE_CONTENT' && !isFromDuplicate);
}

function addTrapSkips(into: TrapSkipCounts, from: TrapSkipCounts): void {
  for (const [code, n] of Object.entries(from) as Array<[ErrorCode, number]>) into[code] = (into[code] ?? 0) + n;
}

function countTrapSkip(code: ErrorCode | null, into: TrapSkipCounts): void {
  if (code !== null && code.startsWith('CRAWL_TRAP_')) into[code] = (into[code] ?? 0) + 1;
}

/** Why a repeat's new links were skipped (CRAWL_TRAP_DUPLICATE_CONTENT: a copy of the pages before it). */
function repeatMessage(place: number): string {
  const tens = place % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][place % 10] ?? 'th';
  return `spider trap: found on the ${place}${suffix} page in a row of its URL pattern with the same content but for its numbers (an endless pagination)`;
}

function skipMessage(code: ErrorCode): string {
  switch (code) {
    case 'CRAWL_SCOPE_OUT': return 'outside the crawl scope';
    case 'CRAWL_SCOPE_EXCLUDED': return 'rejected by --include/--exclude';
    case 'CRAWL_DEPTH_LIMIT': return 'deeper than --max-depth';
    case 'CRAWL_NOT_FOLLOWED': return 'linked only from pages whose links are not followed';
    case 'CRAWL_TRAP_URL_LENGTH': return 'spider trap: URL too long';
    case 'CRAWL_TRAP_PATH_DEPTH': return 'spider trap: too many path segments';
    case 'CRAWL_TRAP_REPEATED_SEGMENT': return 'spider trap: a path segment repeats too often';
    case 'CRAWL_TRAP_QUERY_VARIANTS': return 'spider trap: too many distinct query strings for this path';
    case 'CRAWL_TRAP_DUPLICATE_CONTENT': return 'spider trap: found on a catch-all copy of a page above it';
    default: return code;
  }
}
