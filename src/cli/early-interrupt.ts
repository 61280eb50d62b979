/**
 * Ctrl+C (or SIGTERM) before a crawl has begun: while its modules load, its job and seeds are
 * read (`-i -` from a terminal or a pipe) and its proxies are checked, before run-crawl.ts puts
 * its own handler (onInterrupt) in place. Signal's default action ended the process there with
 * no line at all (QA 18); now it gets one, as a later Ctrl+C does, and the same exit 130.
 * Nothing has been written by then: the database is opened once the crawl's handler is in place.
 */
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Installs the handler; the function returned hands over to the crawl's, once it is installed. */
export function exitOnEarlyInterrupt(): () => Promise<void> {
  const handler = (signal: NodeJS.Signals) => {
    // A terminal has echoed ^C where the cursor was: the line starts on a line of its own, as onInterrupt's does.
    process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}crawlite: ${signal} received before the crawl began; nothing was written\n`);
    process.exit(130);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return async () => {
    // A signal that came while synchronous work held the event loop (a seeds file read from a
    // FIFO) is delivered in the loop's poll phase: two turns make sure one has passed, so it is
    // taken here, before the database is touched, not as a stop of the crawl about to begin.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    for (const signal of SIGNALS) process.off(signal, handler);
  };
}
