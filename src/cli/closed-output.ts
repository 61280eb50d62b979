/**
 * A crawl outlives its output. When the reader of stderr or stdout goes away (`crawlite crawl …
 * 2>&1 | head -1`, a closed terminal), Node ignores SIGPIPE and the next write fails with EPIPE as
 * an 'error' event; unheard, that event killed the process mid-batch, leaving the run row
 * 'running' and URLs 'fetching'. Like wget, the crawl carries on to its end without output, so the
 * database ends in the same state as if the stream had stayed open.
 */
export function keepRunningWhenOutputCloses(streams: NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  // Whatever the error (EPIPE, EIO from a vanished terminal), there is nowhere left to report it;
  // later writes to the destroyed stream are dropped by Node.
  for (const s of streams) s.on('error', () => {});
}
