/**
 * Per-host timing: the least gap between request starts (`--delay`, raised by a robots.txt
 * Crawl-delay up to a cap) and cool-downs (429/503, robots.txt unreachable). It only answers
 * "may this host start now?" and "when is the next host ready?": the scheduler skips hosts that
 * are not ready and takes another host's URL instead, so a slow or resting host never blocks the
 * others, and nothing sleeps while holding a connection slot.
 *
 * With a gap, at most one URL per host is between being taken and starting (`pending`), so a
 * host's requests start one gap apart even while earlier ones are still in flight. Without one,
 * only the per-host bound (host-limits.ts) applies.
 *
 * Redirect hops reach a host without being taken from the frontier (another host's URL led
 * there), so they ask hopTurn() instead: hops queue for the host's turns in arrival order, each
 * reserving the next turn (`hopsUntil`, which the scheduler also waits for), and every start,
 * a page's or a hop's, is checked against the last one at the moment it is counted, inside the
 * host's slot. The gap thus holds between all requests to a host, however they got there.
 *
 * After a cool-down the host is probed: one request at a time (`isProbing`) until one is answered
 * with a status that is no 429 or 503, then its full --per-host again. A host still overloaded at
 * the end of its Retry-After got every URL taken meanwhile at once, each answered 429 again and
 * each spending an attempt: a host busy for four Retry-Afters lost every URL of each burst (4 of
 * 12 pages, stored as 429, with --per-host 4), where now only the probing one spends its tries.
 *
 * Memory: an entry exists only while a host has something to remember (a gap running, a hold, a
 * pending start, or a Crawl-delay); entries with nothing left are dropped as they are met.
 */

export interface HostSchedule {
  /** May a URL of `host` be taken now? */
  isReady(host: string, now?: number): boolean;
  /** A URL of `host` was taken; until it starts, no other is (when the host has a gap). */
  take(host: string): void;
  /** Resolves when the taken URL may start (its gap has passed); rejects never, resolves early on `signal`. */
  turn(host: string, signal?: AbortSignal): Promise<void>;
  /** The request really starts now; call it from inside the connection slot. */
  start(host: string, now?: number): void;
  /** Another request to the host starts now (robots.txt): it counts for the gap but was never taken. */
  touch(host: string, now?: number): void;
  /** The taken URL will not start (deferred, disallowed, failed before fetching). */
  cancel(host: string): void;
  /** Cool the host down: nothing of it is taken before `untilMs`, then one request at a time until one is answered. */
  hold(host: string, untilMs: number): void;
  /**
   * A request counted by start() ended; `status` when it was answered. A status other than 429
   * and 503 ends the probing after a cool-down.
   */
  end(host: string, status?: number): void;
  /** Whether another request of the host would start beside a probe in flight (it waits instead). */
  isProbeBusy(host: string): boolean;
  /** Until when the host is cooled down (0 when it is not). */
  heldUntil(host: string): number;
  /**
   * While the host is probed after a cool-down: since when it has been answering 429/503 (the hold
   * that began it) and how many probes it answered so; null when it is not being probed.
   */
  busyState(host: string): BusyState | null;
  /**
   * `url` of the host was answered 429/503: noted for the cool-down being probed (its busyState's
   * `isManyUrls`). Nothing when the host is not being probed.
   */
  noteOverload(host: string, url: string): void;
  /**
   * Whether `url`, about to probe the host, should step aside once: it is the URL that began the
   * cool-down and no other URL of the host has been answered 429/503 in it. Then another URL of
   * the host probes first, and its answer tells a busy host from one broken URL. True at most once
   * per cool-down (a host with no other URL due gets the same URL back after the wait).
   */
  stepAside(host: string, url: string): boolean;
  /**
   * When the host may next start a request: its cool-down and its gap since the last start, but
   * not hop reservations (a taken URL rechecks this inside its slot: a hop may have started since).
   */
  gapReadyAt(host: string): number;
  /**
   * A redirect hop to `host` waits for its turn: resolves null once the host's gap has passed (the
   * caller then counts the start with touch(), from inside the host's slot), or a time to come
   * back when the host is cooling down or its turn is more than `maxWaitMs` away (nothing is
   * reserved then). Resolves early, with a time, on `signal`.
   */
  hopTurn(host: string, maxWaitMs: number, signal?: AbortSignal): Promise<number | null>;
  /** Robots.txt Crawl-delay for the host, in ms (capped); the gap becomes max(--delay, it). */
  setCrawlDelay(host: string, delayMs: number): void;
  /** Hosts not ready now (for the frontier: do not claim their URLs). */
  notReadyHosts(now?: number): string[];
  /** Earliest time a host that is not ready becomes ready, or null. */
  nextReadyAt(now?: number): number | null;
}

/** A cool-down being probed (HostSchedule.busyState). */
export interface BusyState {
  since: number;
  overloads: number;
  /** 429/503 came for more than one URL of the host in it: the host is busy, not one URL broken. */
  isManyUrls: boolean;
}

interface HostState {
  lastStartAt: number;
  heldUntil: number;
  pending: number;
  crawlDelayMs: number;
  /** The gap after the last turn a waiting redirect hop has reserved (0 when none). */
  hopsUntil: number;
  /** Since a cool-down: one request at a time, until one is answered with no 429 or 503. */
  isProbing: boolean;
  /** Requests started and not ended (counted only while probing matters). */
  inFlight: number;
  /** When the cool-down being probed began (the hold that set isProbing). */
  busySince: number;
  /**
   * Requests answered 429/503 since then: the one that began it, any already in flight, then the
   * probes (polite-fetch.ts subtracts the first when it sizes a probe's wait).
   */
  overloads: number;
  /** A URL answered 429/503 in this cool-down, and whether another one was too. */
  overloadedUrl: string | null;
  isManyUrls: boolean;
  /** The URL that began the cool-down has stepped aside for another probe (stepAside). */
  hasSteppedAside: boolean;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * `onTurnFreed`: told when a taken URL of a host starts or is cancelled. While it was pending
 * the host was not ready and had no time to become ready at (nextReadyAt knows none), so a
 * scheduler with nothing else to wait for slept until some fetch ended: a slow page (up to
 * --timeout) then held every other URL of its host, however short the gap.
 */
export function createHostSchedule(opts: { delayMs: number; maxCrawlDelayMs: number; onTurnFreed?: () => void }): HostSchedule {
  const hosts = new Map<string, HostState>();
  const get = (host: string): HostState => {
    let s = hosts.get(host);
    if (!s) {
      s = { lastStartAt: -Infinity, heldUntil: 0, pending: 0, crawlDelayMs: 0, hopsUntil: 0, isProbing: false, inFlight: 0, busySince: 0, overloads: 0, overloadedUrl: null, isManyUrls: false, hasSteppedAside: false };
      hosts.set(host, s);
    }
    return s;
  };
  const gapOf = (s: HostState) => Math.max(opts.delayMs, s.crawlDelayMs);
  const gapReadyAt = (s: HostState) => Math.max(s.heldUntil, gapOf(s) > 0 ? s.lastStartAt + gapOf(s) : 0);
  const readyAt = (s: HostState) => Math.max(gapReadyAt(s), s.hopsUntil);
  const isOneAtATime = (s: HostState) => gapOf(s) > 0 || s.isProbing;
  const isReadyState = (s: HostState, now: number) => readyAt(s) <= now && (!isOneAtATime(s) || s.pending === 0)
    && (!s.isProbing || s.inFlight === 0);
  const forget = (host: string, s: HostState, now: number) => {
    if (s.pending === 0 && s.crawlDelayMs === 0 && !s.isProbing && s.inFlight === 0 && readyAt(s) <= now) hosts.delete(host);
  };

  return {
    isReady(host, now = Date.now()) {
      const s = hosts.get(host);
      return s === undefined || isReadyState(s, now);
    },
    take(host) {
      get(host).pending += 1;
    },
    async turn(host, signal) {
      const s = hosts.get(host);
      if (s) await sleep(readyAt(s) - Date.now(), signal);
    },
    start(host, now = Date.now()) {
      const s = get(host);
      s.lastStartAt = now;
      s.inFlight += 1;
      if (s.pending > 0) {
        s.pending -= 1;
        // Without a gap a pending URL never made its host wait (isReadyState).
        if (isOneAtATime(s)) opts.onTurnFreed?.();
      }
    },
    end(host, status) {
      const s = hosts.get(host);
      if (!s) return;
      if (s.inFlight > 0) s.inFlight -= 1;
      const wasProbing = s.isProbing;
      if (status !== undefined && status !== 429 && status !== 503) s.isProbing = false;
      else if (wasProbing && (status === 429 || status === 503)) s.overloads += 1;
      if (wasProbing) opts.onTurnFreed?.();
      forget(host, s, Date.now());
    },
    isProbeBusy(host) {
      const s = hosts.get(host);
      return s !== undefined && s.isProbing && s.inFlight > 0;
    },
    touch(host, now = Date.now()) {
      get(host).lastStartAt = now;
    },
    cancel(host) {
      const s = hosts.get(host);
      if (!s) return;
      if (s.pending > 0) {
        s.pending -= 1;
        if (isOneAtATime(s)) opts.onTurnFreed?.();
      }
      forget(host, s, Date.now());
    },
    hold(host, untilMs) {
      const s = get(host);
      s.heldUntil = Math.max(s.heldUntil, untilMs);
      if (!s.isProbing) {
        s.busySince = Date.now();
        s.overloads = 0;
        s.overloadedUrl = null;
        s.isManyUrls = false;
        s.hasSteppedAside = false;
      }
      s.isProbing = true;
    },
    heldUntil(host) {
      return hosts.get(host)?.heldUntil ?? 0;
    },
    busyState(host) {
      const s = hosts.get(host);
      return s !== undefined && s.isProbing ? { since: s.busySince, overloads: s.overloads, isManyUrls: s.isManyUrls } : null;
    },
    noteOverload(host, url) {
      const s = hosts.get(host);
      if (s === undefined || !s.isProbing) return;
      if (s.overloadedUrl === null) s.overloadedUrl = url;
      else if (s.overloadedUrl !== url) s.isManyUrls = true;
    },
    stepAside(host, url) {
      const s = hosts.get(host);
      if (s === undefined || !s.isProbing || s.isManyUrls || s.hasSteppedAside || s.overloadedUrl !== url) return false;
      s.hasSteppedAside = true;
      return true;
    },
    gapReadyAt(host) {
      const s = hosts.get(host);
      return s === undefined ? 0 : gapReadyAt(s);
    },
    async hopTurn(host, maxWaitMs, signal) {
      const now = Date.now();
      const s = get(host);
      if (s.heldUntil > now) return s.heldUntil;
      const at = Math.max(now, readyAt(s));
      if (at - now > maxWaitMs) return at;
      s.hopsUntil = at + gapOf(s);
      let wakeAt = at;
      for (;;) {
        await sleep(wakeAt - Date.now(), signal);
        if (signal?.aborted) return Date.now();
        // Looked up again: an entry with nothing left to remember may have been dropped meanwhile.
        const state = get(host);
        const t = Date.now();
        if (state.heldUntil > t) return state.heldUntil;
        // A page of the host (or robots.txt) may have started since the turn was reserved: the
        // gap counts from it, so the hop waits again rather than start too close behind it.
        wakeAt = gapReadyAt(state);
        if (wakeAt <= t) return null;
      }
    },
    setCrawlDelay(host, delayMs) {
      get(host).crawlDelayMs = Math.min(Math.max(0, delayMs), opts.maxCrawlDelayMs);
    },
    notReadyHosts(now = Date.now()) {
      const out: string[] = [];
      for (const [host, s] of hosts) {
        if (!isReadyState(s, now)) out.push(host);
        else forget(host, s, now);
      }
      return out;
    },
    nextReadyAt(now = Date.now()) {
      let next: number | null = null;
      for (const s of hosts.values()) {
        const at = readyAt(s);
        if (at > now && (next === null || at < next)) next = at;
      }
      return next;
    },
  };
}
