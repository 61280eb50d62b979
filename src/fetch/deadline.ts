/**
 * A fetch's deadline: one AbortSignal that fires when the whole response (every hop and the body)
 * has taken `timeoutMs`, or when the caller's signal (the crawl's stop) fires, whichever is first.
 *
 * Built from one DeadlineSignal (below) and a cleared setTimeout per fetch. Not AbortSignal.timeout(),
 * whose timer cannot be cancelled and would outlive every fetch that finished early; and not
 * AbortSignal.any(), which on Node 20 costs two more signals per request, each registered with its
 * long-lived source (issue 6: signal creation was among the fetch path's largest costs in a
 * profile). The caller's signal gets one listener however many fetches share it, rather than one
 * per fetch, which at a concurrency above 10 would also trip Node's MaxListeners warning.
 */
export interface Deadline {
  signal: AbortSignal;
  isTimedOut(): boolean;
  isCallerAborted(): boolean;
  remainingMs(): number;
  /** Ends the fetch with `err` (what the request then rejects with), unless it has ended already. */
  abortWith(err: Error): void;
  /**
   * Stops the clock until the returned function is called: for a body whose reading crawlite
   * itself holds back (body-budget.ts), which is no slowness of the server's. The caller's signal
   * still aborts meanwhile.
   */
  hold(): () => void;
  dispose(): void;
}

/** The aborts waiting on each caller signal: one listener per signal, added on first use and kept for its life. */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

function onAbort(signal: AbortSignal, abort: () => void): () => void {
  let set = waiting.get(signal);
  if (set === undefined) {
    const fresh = new Set<() => void>();
    set = fresh;
    waiting.set(signal, fresh);
    signal.addEventListener('abort', () => {
      waiting.delete(signal);
      for (const fn of fresh) fn();
    }, { once: true });
  }
  set.add(abort);
  return () => set.delete(abort);
}

/**
 * The surface of an AbortSignal that a fetch's signal is read through: `aborted`, `reason`,
 * `throwIfAborted()` and add/removeEventListener of 'abort' (undici's request() and body.dump(),
 * p-queue's add() for a hop's host slot, and fetcher.ts and politeness.ts themselves), without
 * an AbortController and the EventTarget behind it. On Node 20 making one and adding and
 * removing undici's listener cost 30-55 µs a fetch timed alone (a loaded host), ~1 µs this
 * way; it is one per page on the main thread. It is no AbortSignal: never hand it to an API
 * that needs one for real (AbortSignal.any(), or anything that checks `instanceof`).
 */
class DeadlineSignal {
  aborted = false;
  reason: unknown = undefined;
  #listeners: Array<(event: { type: 'abort' }) => void> = [];

  addEventListener(type: string, listener: (event: { type: 'abort' }) => void): void {
    // As on an EventTarget: a listener is added once, and one added after the abort never runs.
    if (type !== 'abort' || this.aborted || this.#listeners.includes(listener)) return;
    this.#listeners.push(listener);
  }

  removeEventListener(type: string, listener: (event: { type: 'abort' }) => void): void {
    if (type !== 'abort') return;
    const at = this.#listeners.indexOf(listener);
    if (at !== -1) this.#listeners.splice(at, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = [];
    const event = { type: 'abort' as const };
    for (const listener of listeners) {
      // An EventTarget runs every listener and reports a throw as an uncaught exception later.
      try {
        listener.call(this, event);
      } catch (err) {
        process.nextTick(() => {
          throw err;
        });
      }
    }
  }
}

export function startDeadline(timeoutMs: number, caller: AbortSignal | undefined): Deadline {
  const signal = new DeadlineSignal();
  /** When the clock started, moved on by the time it was held. */
  let startedAt = performance.now();
  // Whichever fires first decides the outcome; the others then change nothing.
  let firstCause: 'timeout' | 'caller' | 'error' | null = null;
  const onTimeout = (): void => {
    if (firstCause !== null) return;
    firstCause = 'timeout';
    signal.abort(new DOMException(`no complete response within ${timeoutMs} ms`, 'TimeoutError'));
  };
  let timer = setTimeout(onTimeout, timeoutMs);
  let isDisposed = false;
  const remainingMs = (): number => Math.max(1, Math.ceil(timeoutMs - (performance.now() - startedAt)));
  const abortByCaller = (): void => {
    if (firstCause !== null) return;
    firstCause = 'caller';
    signal.abort(caller!.reason);
  };
  let unsubscribe: (() => void) | null = null;
  if (caller?.aborted) abortByCaller();
  else if (caller) unsubscribe = onAbort(caller, abortByCaller);
  return {
    signal: signal as unknown as AbortSignal,
    isTimedOut: () => firstCause === 'timeout',
    isCallerAborted: () => firstCause === 'caller',
    abortWith: (err) => {
      if (firstCause !== null) return;
      firstCause = 'error';
      signal.abort(err);
    },
    remainingMs,
    hold: () => {
      const heldAt = performance.now();
      const left = remainingMs();
      clearTimeout(timer);
      let isHeld = true;
      return () => {
        if (!isHeld) return;
        isHeld = false;
        startedAt += performance.now() - heldAt;
        if (firstCause === null && !isDisposed) timer = setTimeout(onTimeout, left);
      };
    },
    dispose: () => {
      isDisposed = true;
      clearTimeout(timer);
      unsubscribe?.();
    },
  };
}
