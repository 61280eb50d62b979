/**
 * A page's body framed by a Content-Length whose server falls silent before its end: the commonest
 * case is a GET answered like a HEAD (the head, its Content-Length, then no body at all, the
 * connection left open: a misrouted HEAD handler, a proxy that lost its upstream). Nothing will
 * come, yet the fetch waited for --timeout (30 s, each retry again) and failed as a plain
 * timeout, which told nothing of why.
 *
 * So once the head is in, a Content-Length body that gets no byte for BODY_IDLE_MS fails as
 * CRAWL_FETCH_STALLED, retried as a timeout is, saying how much of the length came. A body dripped
 * slowly is untouched: each byte restarts the wait, and the --timeout deadline still ends it. A
 * chunked body is not watched: a script may flush its head first and then work for a while (PHP's
 * flush() before a slow query), which is no stall. A body read to the close has its own watch
 * (unframed-body.ts).
 *
 * One timer per body, moved on only when it fires, and one clock read per chunk: the common body
 * (a few chunks inside a second) costs a setTimeout and a clearTimeout.
 */
import { FetchError } from '../errors.js';
import { STALLED_IDLE_MS } from './unframed-body.js';

/** Silence within a Content-Length body, once the head is in, before the fetch fails as stalled. */
export const BODY_IDLE_MS = STALLED_IDLE_MS;

export interface BodyIdleWatch {
  /** `bytes` of the body came (as sent, before any content-coding is removed). */
  onRead(bytes: number): void;
  /** crawlite itself holds the reading back (body-budget.ts): no silence of the server's. Returns the resume. */
  hold(): () => void;
  stop(): void;
}

/** The CRAWL_FETCH_STALLED message for a Content-Length body that fell silent. */
export function idleMessage(received: number, length: string, seconds: number): string {
  return received === 0
    ? `the server sent a head with a Content-Length of ${length} bytes, then none of its body for ${seconds} s without closing the connection (an answer as to a HEAD request)`
    : `the server sent ${received} of the ${length} bytes of its Content-Length, then nothing for ${seconds} s without closing the connection`;
}

/**
 * Starts the watch for a body of `length` (the Content-Length as sent); `fail` ends the fetch
 * (Deadline.abortWith). `idleMs` is for tests.
 */
export function watchBodyIdle(length: string, fail: (err: Error) => void, idleMs = BODY_IDLE_MS): BodyIdleWatch {
  let received = 0;
  let lastAt = performance.now();
  let timer: NodeJS.Timeout | null = null;
  let isStopped = false;
  const check = (): void => {
    timer = null;
    if (isStopped) return;
    const quietMs = performance.now() - lastAt;
    if (quietMs < idleMs) {
      timer = setTimeout(check, idleMs - quietMs);
      return;
    }
    isStopped = true;
    fail(new FetchError('CRAWL_FETCH_STALLED', idleMessage(received, length, idleMs / 1000), { retryable: true }));
  };
  timer = setTimeout(check, idleMs);
  return {
    onRead(bytes) {
      received += bytes;
      lastAt = performance.now();
    },
    hold() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      let isHeld = true;
      return () => {
        if (!isHeld || isStopped) return;
        isHeld = false;
        lastAt = performance.now();
        timer = setTimeout(check, idleMs);
      };
    },
    stop() {
      isStopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
