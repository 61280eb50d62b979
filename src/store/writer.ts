/**
 * The single writer: owner of the only write connection. Every write in a crawl goes through
 * this object, on the main thread, so writes are serialized by construction; pages, their links,
 * the URLs they discover and the frontier's state changes are buffered and committed together in
 * one transaction per batch (by count and by time), which is what makes a URL's state durable
 * and a page's rows all-or-nothing.
 */
import type { Db } from './db.js';
import { prepareStatements, type Statements } from './statements.js';
import { StoreError, type ErrorCode } from '../errors.js';
import { originKey } from '../frontier/normalize-url.js';
import type { Discovered, FrontierEntry, PageRecord } from '../types.js';
import type { StoreConfig } from '../config/schema.js';

/** A link as stored: the page's extracted link plus the scope decision. */
export interface StoredLink {
  url: string;
  text: string;
  isNofollow: boolean;
  isInScope: boolean;
}

type Op =
  | { kind: 'page'; record: PageRecord; links: StoredLink[]; discovered: Discovered[] }
  | { kind: 'failure'; entry: FrontierEntry; code: ErrorCode; message: string; redirectTo: string | null }
  | { kind: 'requeue'; entry: FrontierEntry }
  | { kind: 'apply'; apply: (now: number) => void };

/**
 * Writes other store modules (store/recrawl.ts, search/search-index.ts) add to a page's own
 * transaction, on this connection, so they commit or roll back with the page.
 */
export interface PageHooks {
  /** Before the page row is inserted under `urlId` (e.g. to remove the row a recrawl replaces). */
  beforeInsert?(urlId: number, record: PageRecord, now: number): void;
  /** After the row was inserted as `pageId` (not called for a duplicate that was not stored). */
  afterInsert?(pageId: number, record: PageRecord, now: number): void;
}

export interface WriterCounts {
  pagesStored: number;
  duplicates: number;
  failures: number;
  transactions: number;
}

export class Writer {
  readonly #db: Db;
  readonly #s: Statements;
  readonly #config: StoreConfig;
  readonly #commit: (ops: Op[]) => void;
  #ops: Op[] = [];
  #timer: NodeJS.Timeout | null = null;
  #runId: number | null = null;
  #failed: StoreError | null = null;
  #isClosed = false;
  #onError: (err: StoreError) => void = () => {};
  readonly #hooks: PageHooks[] = [];
  readonly counts: WriterCounts = { pagesStored: 0, duplicates: 0, failures: 0, transactions: 0 };
  /** Milliseconds spent in the last commit, and their total; for the benchmark. */
  lastCommitMs = 0;
  totalCommitMs = 0;

  constructor(db: Db, config: StoreConfig) {
    this.#db = db;
    this.#s = prepareStatements(db);
    this.#config = config;
    // better-sqlite3's transaction(): BEGIN/COMMIT around a synchronous function, ROLLBACK if it throws.
    this.#commit = db.transaction((ops: Op[]) => {
      const now = Date.now();
      for (const op of ops) this.#apply(op, now);
    });
  }

  /** Called once when a commit fails (disk full, I/O error): the crawl must stop. */
  onError(handler: (err: StoreError) => void): void {
    this.#onError = handler;
  }

  addPageHooks(hooks: PageHooks): void {
    this.#hooks.push(hooks);
  }

  /** Buffers a write made by another store module; it runs, in order, inside the next batch's transaction. */
  enqueue(apply: (now: number) => void): void {
    this.#push({ kind: 'apply', apply });
  }

  get failure(): StoreError | null {
    return this.#failed;
  }

  /**
   * Refuses to share the file with another live crawl: a pid in meta.writer_pid that is still
   * alive means another process owns the write connection. A pid left by a crash is taken over.
   */
  acquireLock(dbPath: string): void {
    const take = this.#db.transaction(() => {
      const row = this.#s.readLock.get() as { value: string } | undefined;
      const pid = row ? Number(row.value) : 0;
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new StoreError('CRAWL_STORE_LOCKED', `database ${dbPath} is in use by another crawl (pid ${pid}); wait for it or use --db`);
      }
      this.#s.writeLock.run(String(process.pid));
    });
    take.immediate();
  }

  releaseLock(): void {
    this.#s.dropLock.run(String(process.pid));
  }

  /** URLs left in 'fetching' by a crash or a kill go back to the queue. */
  recoverInterrupted(): number {
    return this.#s.recoverFetching.run(Date.now()).changes;
  }

  startRun(options: unknown): number {
    this.#runId = Number(this.#s.startRun.run(Date.now(), JSON.stringify(options)).lastInsertRowid);
    return this.#runId;
  }

  endRun(status: 'done' | 'interrupted' | 'failed'): void {
    if (this.#runId === null) return;
    this.#s.endRun.run(Date.now(), status, this.counts.pagesStored, this.counts.failures, this.#runId);
  }

  /** Seeds and other URLs that enter the frontier outside a page's transaction. Immediate. */
  addUrls(urls: Discovered[], parentId: number | null = null): void {
    const insert = this.#db.transaction(() => {
      const now = Date.now();
      for (const d of urls) this.#insertDiscovered(d, parentId, now);
    });
    insert();
  }

  /**
   * Moves up to `limit` queued URLs to 'fetching', shallowest first, skipping the hosts in
   * `excludeHosts` (those already at their per-host bound). Buffered writes are committed first
   * so that links found by recent pages can be claimed.
   */
  claim(limit: number, excludeHosts: string[]): FrontierEntry[] {
    this.flush();
    if (this.#failed) return [];
    const take = this.#db.transaction(() => {
      const rows = (excludeHosts.length === 0
        ? this.#s.claimAny.all(limit)
        : this.#s.claimExcluding.all(JSON.stringify(excludeHosts), limit)) as Array<{ id: number; url: string; host: string; depth: number; attempts: number }>;
      const now = Date.now();
      for (const r of rows) this.#s.markFetching.run(now, this.#runId, r.id);
      return rows.map((r) => ({ id: r.id, url: r.url, host: r.host, depth: r.depth, attempt: r.attempts }));
    });
    return take();
  }

  hasQueued(): boolean {
    this.flush();
    return (this.#s.countQueued.get() as { n: number }).n > 0;
  }

  storePage(record: PageRecord, links: StoredLink[], discovered: Discovered[]): void {
    this.#push({ kind: 'page', record, links, discovered });
  }

  recordFailure(entry: FrontierEntry, code: ErrorCode, message: string, redirectTo: string | null = null): void {
    this.#push({ kind: 'failure', entry, code, message, redirectTo });
  }

  /** A URL whose fetch was abandoned at shutdown goes back to the queue for the next run. */
  requeue(entry: FrontierEntry): void {
    this.#push({ kind: 'requeue', entry });
  }

  get buffered(): number {
    return this.#ops.length;
  }

  /** Commits everything buffered in one transaction. Never throws: a failure is reported once through onError. */
  flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#ops.length === 0 || this.#failed) return;
    const ops = this.#ops;
    this.#ops = [];
    const started = performance.now();
    try {
      this.#commit(ops);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'unknown';
      this.#failed = new StoreError('CRAWL_STORE_WRITE', `cannot write to the database (${code}): ${(err as Error).message}`, { cause: err });
      this.#onError(this.#failed);
      return;
    }
    this.lastCommitMs = performance.now() - started;
    this.totalCommitMs += this.lastCommitMs;
    this.counts.transactions += 1;
    for (const op of ops) {
      if (op.kind === 'failure') this.counts.failures += 1;
    }
  }

  /** Commits what is buffered; later writes (from work abandoned at shutdown) are dropped. */
  close(): void {
    this.flush();
    this.#isClosed = true;
  }

  #push(op: Op): void {
    if (this.#isClosed) return;
    this.#ops.push(op);
    if (this.#ops.length >= this.#config.batchSize) this.flush();
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
    } else if (op.kind === 'failure') {
      s.markState.run({ id: op.entry.id, state: 'failed', errorCode: op.code, errorMessage: op.message, redirectTo: op.redirectTo, now });
    } else {
      this.#applyPage(op.record, op.links, op.discovered, now);
    }
  }

  /**
   * Stores a page once: the row is keyed by the URL the response was finally served from, so a
   * redirect to a URL that is (or will be) fetched directly, or two concurrent paths to the same
   * page, meet at pages.url_id's UNIQUE constraint and only the first is kept.
   */
  #applyPage(record: PageRecord, links: StoredLink[], discovered: Discovered[], now: number): void {
    const s = this.#s;
    const { entry, fetch, parsed, error } = record;
    let urlId = entry.id;
    if (fetch.finalUrl !== entry.url) {
      const existing = s.selectUrl.get(fetch.finalUrl) as { id: number } | undefined;
      if (existing) urlId = existing.id;
      else {
        const info = s.insertUrl.run({
          url: fetch.finalUrl, host: originKey(fetch.finalUrl), depth: entry.depth, state: 'fetching',
          parentId: entry.id, errorCode: null, errorMessage: null, now, runId: this.#runId,
        });
        urlId = Number(info.lastInsertRowid);
      }
      s.markState.run({ id: entry.id, state: 'redirected', errorCode: null, errorMessage: null, redirectTo: fetch.finalUrl, now });
    }
    if (parsed) s.insertContent.run(parsed.contentHash, parsed.codec, parsed.htmlBytes, parsed.textBytes, parsed.content);
    for (const h of this.#hooks) h.beforeInsert?.(urlId, record, now);
    const info = s.insertPage.run({
      urlId, url: entry.url, finalUrl: fetch.finalUrl, status: fetch.status, contentType: fetch.contentType,
      headers: JSON.stringify(fetch.headers), redirects: fetch.redirects.length ? JSON.stringify(fetch.redirects) : null,
      fetchedAt: fetch.fetchedAt, elapsedMs: Math.round(fetch.elapsedMs), depth: entry.depth,
      title: parsed?.title ?? null, description: parsed?.description ?? null, canonical: parsed?.canonical ?? null,
      language: parsed?.language ?? null, encoding: parsed?.encoding ?? null,
      rawBytes: parsed?.htmlBytes ?? 0, wireBytes: fetch.wireBytes, storedBytes: parsed?.content.byteLength ?? 0,
      isTruncated: fetch.isTruncated ? 1 : 0, linksFound: parsed?.linksFound ?? 0, contentHash: parsed?.contentHash ?? null,
      errorCode: error?.code ?? null, errorMessage: error?.message ?? null, runId: this.#runId,
    });
    s.markState.run({ id: urlId, state: 'done', errorCode: error?.code ?? null, errorMessage: error?.message ?? null, redirectTo: null, now });
    if (info.changes === 0) {
      this.counts.duplicates += 1;
      return;
    }
    this.counts.pagesStored += 1;
    const pageId = info.lastInsertRowid;
    for (const l of links) s.insertLink.run(pageId, l.url, l.text, l.isInScope ? 1 : 0, l.isNofollow ? 1 : 0);
    for (const d of discovered) this.#insertDiscovered(d, urlId, now);
    for (const h of this.#hooks) h.afterInsert?.(Number(pageId), record, now);
  }

  #insertDiscovered(d: Discovered, parentId: number | null, now: number): void {
    this.#s.insertUrl.run({
      url: d.url, host: d.host, depth: d.depth, state: d.skipCode ? 'skipped' : 'queued', parentId,
      errorCode: d.skipCode, errorMessage: d.skipCode ? skipMessage(d.skipCode) : null, now, runId: this.#runId,
    });
  }
}

function skipMessage(code: ErrorCode): string {
  switch (code) {
    case 'CRAWL_SCOPE_OUT': return 'outside the crawl scope';
    case 'CRAWL_SCOPE_EXCLUDED': return 'rejected by --include/--exclude';
    case 'CRAWL_DEPTH_LIMIT': return 'deeper than --max-depth';
    default: return code;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
