/**
 * Ctrl+C (or SIGTERM) before a crawl has begun: while the CLI loads and parses the command line
 * (main.ts installs this first), while the crawl's modules load, its job and seeds are
 * read (`-i -` from a terminal or a pipe) and its proxies are checked, before run-crawl.ts puts
 * its own handler (onInterrupt) in place. Signal's default action ended the process there with
 * no line at all (QA 18); now it gets one, as a later Ctrl+C does, and the same exit 130.
 * Nothing has been written by then: the database is opened once the crawl's handler is in place.
 */
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** The one installed, so main.ts's and the crawl command's calls share it: one handler, one line. */
let installed: ((signal: NodeJS.Signals) => void) | null = null;

/**
 * Whether the command typed is `crawl`: its first word not an option (the only option before a
 * command, --debug, takes no value). Read before yargs is loaded, so by hand.
 */
export function namesCrawl(args: readonly string[]): boolean {
  return args.find((word) => !word.startsWith('-')) === 'crawl';
}

/**
 * Installs the handler (main.ts, at start-up; again by the crawl command, which then shares the
 * one in place); the function returned hands over to the crawl's, once it is installed.
 */
export function exitOnEarlyInterrupt(): () => Promise<void> {
  const handler = installed ?? ((signal: NodeJS.Signals) => {
    // A terminal has echoed ^C where the cursor was: the line starts on a line of its own, as onInterrupt's does.
    process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}crawlite: ${signal} received before the crawl began; nothing was written\n`);
    process.exit(130);
  });
  if (installed === null) for (const signal of SIGNALS) process.on(signal, handler);
  installed = handler;
  return async () => {
    // A signal that came while synchronous work held the event loop (a seeds file read from a
    // FIFO) is delivered in the loop's poll phase: two turns make sure one has passed, so it is
    // taken here, before the database is touched, not as a stop of the crawl about to begin.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    for (const signal of SIGNALS) process.off(signal, handler);
    installed = null;
  };
}
