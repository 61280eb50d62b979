/**
 * How far V8 lets a heap grow past what it holds before a full collection.
 *
 * V8 picks that factor itself, up to 4x the live size when collections look cheap. A crawl's main
 * thread holds ~24 MB live but promotes ~10 MB/s of short-lived objects (a page's result waits for
 * its writer batch, which outlives a young-generation collection), so its old generation climbed to
 * ~67 MB before each full collection and ~90 MB stayed committed: a quarter of the bench's peak RSS.
 * A fixed factor of 1.5 took the 5,000-page bench from 256-258 MB to 195-200 MB peak RSS at the
 * same pages/s and CPU per page (docs/performance.md, "Memory"). Full collections come about three times as
 * often; they mark concurrently and the live heap is small, so the event loop does not notice.
 *
 * V8's flags are process-wide and this one is read at every collection, so setting it at run time
 * takes effect at once, for the worker threads too. A user's own `node --heap-growing-percent=N`
 * wins (0 is V8's own choice). Node refuses V8 flags in NODE_OPTIONS, so only the command line
 * is looked at.
 */
import { setFlagsFromString } from 'node:v8';

const GROWING_PERCENT = 50;
const FLAG = /--heap[-_]growing[-_]percent\b/;

/** Returns the flag set, or null when the user's own setting was left in place. */
export function limitHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): string | null {
  if (execArgv.some((arg) => FLAG.test(arg))) return null;
  const flag = `--heap-growing-percent=${GROWING_PERCENT}`;
  setFlags(flag);
  return flag;
}
