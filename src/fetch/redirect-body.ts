/**
 * The body of a response whose body is never wanted (a redirect, a 407, a refused redirect),
 * dropped without waiting on its server.
 *
 * It was drained with `dump()` before the redirect was followed, which waits for the body's end:
 * a redirect whose body never ends (an HTTP/1.0 `302` without a Content-Length from a server that
 * keeps the connection open, or a Content-Length never fulfilled) held its URL to --timeout and
 * failed it as CRAWL_FETCH_TIMEOUT, each retry again, although its Location had come with the
 * head. Browsers follow a redirect on its head (Chromium drains what is left in the background,
 * for the connection's sake, bounded in time: HttpResponseBodyDrainer). So here: a body read to
 * the close cannot leave its connection reusable and is dropped at once; a framed one is drained
 * (so the connection can carry the next request) for at most DRAIN_WAIT_MS and DRAIN_LIMIT_BYTES,
 * then dropped with its connection. Its errors do not matter: the answer is the head.
 */
import type { Dispatcher } from 'undici';

/** How long a redirect's framed body is waited for, to keep its connection. */
export const DRAIN_WAIT_MS = 1_000;
/** undici's own default for dump(): past it, dropping the connection is cheaper than reading. */
const DRAIN_LIMIT_BYTES = 128 * 1024;

export async function dropBody(body: Dispatcher.ResponseData['body'], isUnframed: boolean, signal: AbortSignal, waitMs = DRAIN_WAIT_MS): Promise<void> {
  body.on('error', () => {}); // a reset or abort while dropping it is no failure of the fetch
  if (isUnframed) {
    body.destroy();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const drained = body.dump({ limit: DRAIN_LIMIT_BYTES, signal }).then(() => true, () => false);
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, waitMs, false)));
  try {
    if (!(await Promise.race([drained, late]))) body.destroy();
  } finally {
    clearTimeout(timer);
  }
}
