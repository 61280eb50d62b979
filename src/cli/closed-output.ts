/**
 * A command outlives its output. When the reader of stderr or stdout goes away (`crawlite crawl …
 * 2>&1 | head -1`, a closed terminal), Node ignores SIGPIPE and the next write fails with EPIPE as
 * an 'error' event; unheard, that event killed a crawl mid-batch, leaving the run row 'running'
 * and URLs 'fetching', and turned `report`'s closing line into an uncaught exception after the
 * report was written. Like wget, the command carries on to its end without output, so the
 * database and files end in the same state as if the stream had stayed open. main.ts installs
 * this for every command; writers that must stop early on EPIPE (export) add their own listener.
 */
export function keepRunningWhenOutputCloses(streams: NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  // Whatever the error (EPIPE, EIO from a vanished terminal), there is nowhere left to report it;
  // later writes to the destroyed stream are dropped by Node.
  for (const s of streams) s.on('error', () => {});
}
