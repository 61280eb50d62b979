/**
 * The frontier's policy. The queue itself lives in SQLite (urls.state = 'queued'), so a crawl never
 * holds every URL in memory: only a bounded window of claimed URLs is kept here. What enters the
 * queue is decided here (scope, depth); every URL that does not enter is still recorded, with why.
 * Writes go through the writer; this module only decides.
 */
import type { Discovered, ExtractedLink, FrontierEntry, LinkRecord } from '../types.js';
import type { ErrorCode } from '../errors.js';
import { originKey } from './normalize-url.js';
import type { TrapCheck } from './traps.js';

/** The writer operations the frontier needs; shaped like a shared frontier service. */
export interface FrontierStore {
  addUrls(urls: Discovered[]): void;
  /** Like addUrls, but a seed the file already holds as skipped, or queued deeper, is queued at depth 0. */
  addSeeds(urls: Discovered[]): void;
  claim(limit: number, excludeHosts: string[]): FrontierEntry[];
  hasQueued(): boolean;
  /** Gives a claimed URL back to the queue untouched (issue 3: window entries of a resting host). */
  requeue(entry: FrontierEntry): void;
  /** Marks a claimed URL skipped with `code` instead of fetching it. */
  skipClaimed(entry: FrontierEntry, code: ErrorCode): void;
}

export interface FrontierOptions {
  /** Decides whether a normalized URL is in scope (null) or why not. */
  scope: (url: string) => ErrorCode | null;
  /** --include/--exclude alone (CRAWL_SCOPE_EXCLUDED or null), checked again on claimed URLs; absent when there are none. */
  patterns?: (url: string) => ErrorCode | null;
  maxDepth: number | null;
  /** Most URLs this run may take; null for no limit. */
  maxPages: number | null;
  /** Most claimed-but-not-started URLs held in memory. */
  windowSize: number;
  /**
   * Spider-trap caps (traps.ts): the URL's shape is checked after scope, the query-variant count
   * last, only for a link that would otherwise be queued.
   */
  trap?: TrapCheck;
  /** Enqueue rel="nofollow" links too; by default they are stored as links only. */
  followNofollow?: boolean;
}

export class Frontier {
  readonly #store: FrontierStore;
  readonly #opts: FrontierOptions;
  #window: FrontierEntry[] = [];
  #taken = 0;

  constructor(store: FrontierStore, opts: FrontierOptions) {
    this.#store = store;
    this.#opts = opts;
  }

  /** URLs handed out in this run. */
  get taken(): number {
    return this.#taken;
  }

  get windowed(): number {
    return this.#window.length;
  }

  get isAtLimit(): boolean {
    return this.#opts.maxPages !== null && this.#taken >= this.#opts.maxPages;
  }

  /**
   * Seeds enter at depth 0; their scope defines the crawl, so they are only checked by
   * include/exclude. Returns the seeds that rule rejects, which the user should hear about.
   */
  seed(urls: string[]): string[] {
    const records = urls.map((url) => {
      const code = this.#opts.scope(url);
      return { url, host: originKey(url), depth: 0, skipCode: code === 'CRAWL_SCOPE_EXCLUDED' ? code : null };
    });
    this.#store.addSeeds(records);
    return records.filter((r) => r.skipCode !== null).map((r) => r.url);
  }

  /**
   * The next URL whose host has room, or null when none is ready now. Refills the window from the
   * store, skipping hosts that are full, so one busy host cannot starve the others.
   */
  next(hasRoom: (host: string) => boolean, avoidHosts: () => readonly string[] = () => []): FrontierEntry | null {
    if (this.isAtLimit) return null;
    let entry = this.#takeFromWindow(hasRoom);
    // Hosts that are resting (a politeness delay, a cool-down, robots.txt pending) are not claimed;
    // a window full of their URLs would starve every other host, so those are given back.
    const avoid = entry ? [] : avoidHosts();
    if (!entry && avoid.length > 0 && this.#window.length >= this.#opts.windowSize) this.#releaseHosts(new Set(avoid));
    if (!entry && this.#window.length < this.#opts.windowSize) {
      const full = new Set<string>(avoid);
      for (const e of this.#window) full.add(e.host);
      const room = this.#opts.windowSize - this.#window.length;
      const limit = this.#opts.maxPages === null ? room : Math.min(room, this.#opts.maxPages - this.#taken - this.#window.length);
      // Claims again while a whole claim was skipped by #recheck: each round moves rows out of
      // the queue, so it ends, and a resume under a tighter limit does not idle between claims.
      let kept = 0;
      while (limit > 0 && kept === 0) {
        const claimed = this.#store.claim(limit, [...full]);
        if (claimed.length === 0) break;
        for (const c of claimed) {
          const code = this.#recheck(c);
          if (code !== null) this.#store.skipClaimed(c, code);
          else {
            this.#window.push(c);
            kept++;
          }
        }
      }
      entry = this.#takeFromWindow(hasRoom);
    }
    if (entry) this.#taken += 1;
    return entry;
  }

  /** A URL handed out by next() that waits instead of being fetched: it does not count against maxPages. */
  untake(): void {
    if (this.#taken > 0) this.#taken -= 1;
  }

  /** True when nothing is windowed and nothing is queued in the store. */
  isExhausted(): boolean {
    return this.#window.length === 0 && (this.isAtLimit || !this.#store.hasQueued());
  }

  /** Claimed URLs that were never started; the caller requeues them at shutdown. */
  drainWindow(): FrontierEntry[] {
    const rest = this.#window;
    this.#window = [];
    return rest;
  }

  /**
   * The frontier decision for each of a page's links: queued, or skipped with why (scope, depth,
   * or the page's links are not followed at all, as for error pages).
   */
  discover(from: FrontierEntry, links: ExtractedLink[], shouldFollow: boolean): LinkRecord[] {
    const depth = from.depth + 1;
    const isTooDeep = this.#opts.maxDepth !== null && depth > this.#opts.maxDepth;
    const records: LinkRecord[] = [];
    for (const link of links) {
      const scopeCode = this.#opts.scope(link.url);
      // rel="nofollow" links stay in `links` (is_nofollow = 1); their targets are recorded as
      // CRAWL_NOT_FOLLOWED, which the writer lifts when the same URL is linked normally elsewhere.
      const isNotFollowed = !shouldFollow || (link.isNofollow && !this.#opts.followNofollow);
      const skipCode: ErrorCode | null =
        scopeCode ?? this.#opts.trap?.checkUrl(link.url) ?? (isTooDeep ? 'CRAWL_DEPTH_LIMIT' : isNotFollowed ? 'CRAWL_NOT_FOLLOWED' : null)
        ?? this.#opts.trap?.checkQueryVariant(link.url, from.url) ?? null;
      records.push({
        url: link.url, host: originKey(link.url), depth, skipCode,
        text: link.text, isNofollow: link.isNofollow, isInScope: scopeCode === null,
      });
    }
    return records;
  }

  /**
   * A meta refresh target: one level deeper than the page, like a link, so --max-depth bounds a
   * chain of refreshes (at the page's own depth, /rp/0 -> /rp/1 -> ... stayed at depth 0 and only
   * --max-pages ended it). Scope and traps are checked; nofollow does not apply (the caller's call).
   */
  discoverRefresh(from: FrontierEntry, url: string): Discovered {
    const depth = from.depth + 1;
    const isTooDeep = this.#opts.maxDepth !== null && depth > this.#opts.maxDepth;
    const skipCode = this.#opts.scope(url) ?? this.#opts.trap?.checkUrl(url) ?? (isTooDeep ? 'CRAWL_DEPTH_LIMIT' : null)
      ?? this.#opts.trap?.checkQueryVariant(url, from.url) ?? null;
    return { url, host: originKey(url), depth, skipCode };
  }

  /**
   * Limits are per run and are not stored: a URL queued by an earlier run was admitted under that
   * run's --max-depth and --include/--exclude. This run's are checked again when it is claimed, so
   * a resume with a tighter limit does not fetch what the limit now excludes. The host scope is
   * not: it comes from the seeds, and a resume that adds a seed on another host must not drop the
   * queue of the first.
   */
  #recheck(entry: FrontierEntry): ErrorCode | null {
    if (this.#opts.maxDepth !== null && entry.depth > this.#opts.maxDepth) return 'CRAWL_DEPTH_LIMIT';
    return this.#opts.patterns?.(entry.url) ?? null;
  }

  #releaseHosts(hosts: ReadonlySet<string>): void {
    const keep: FrontierEntry[] = [];
    for (const e of this.#window) {
      if (hosts.has(e.host)) this.#store.requeue(e);
      else keep.push(e);
    }
    this.#window = keep;
  }

  #takeFromWindow(hasRoom: (host: string) => boolean): FrontierEntry | null {
    for (let i = 0; i < this.#window.length; i++) {
      const e = this.#window[i]!;
      if (hasRoom(e.host)) {
        this.#window.splice(i, 1);
        return e;
      }
    }
    return null;
  }
}
