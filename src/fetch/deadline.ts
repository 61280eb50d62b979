/**
 * A fetch's deadline: one AbortSignal that fires when the whole response (every hop and the body)
 * has taken `timeoutMs`, or when the caller's signal (the crawl's stop) fires, whichever is first.
 *
 * Built from one AbortController and a cleared setTimeout per fetch. Not AbortSignal.timeout(),
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

export function startDeadline(timeoutMs: number, caller: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  /** When the clock started, moved on by the time it was held. */
  let startedAt = performance.now();
  // Whichever fires first decides the outcome; the others then change nothing.
  let firstCause: 'timeout' | 'caller' | 'error' | null = null;
  const onTimeout = (): void => {
    if (firstCause !== null) return;
    firstCause = 'timeout';
    controller.abort(new DOMException(`no complete response within ${timeoutMs} ms`, 'TimeoutError'));
  };
  let timer = setTimeout(onTimeout, timeoutMs);
  let isDisposed = false;
  const remainingMs = (): number => Math.max(1, Math.ceil(timeoutMs - (performance.now() - startedAt)));
  const abortByCaller = (): void => {
    if (firstCause !== null) return;
    firstCause = 'caller';
    controller.abort(caller!.reason);
  };
  let unsubscribe: (() => void) | null = null;
  if (caller?.aborted) abortByCaller();
  else if (caller) unsubscribe = onAbort(caller, abortByCaller);
  return {
    signal: controller.signal,
    isTimedOut: () => firstCause === 'timeout',
    isCallerAborted: () => firstCause === 'caller',
    abortWith: (err) => {
      if (firstCause !== null) return;
      firstCause = 'error';
      controller.abort(err);
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
