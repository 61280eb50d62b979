/**
 * What every export writer needs from a Writable: waiting for room, and telling a reader that went
 * away (`crawlite export | head`, an ordinary end) from a real failure.
 */
import type { Writable } from 'node:stream';
import { asOutputWriteError } from '../output-write-error.js';

/** The reader closed the pipe: not a failure. */
export function isBrokenPipe(err: Error): boolean {
  return (err as NodeJS.ErrnoException).code === 'EPIPE';
}

/** Resolves on 'drain', or when the stream dies and no drain will come. */
export function whenWritable(out: Writable): Promise<void> {
  if (out.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}

/**
 * Writes `text` and resolves once the stream has taken it. A reader that went away (`crawlite
 * search … | head -c 100`) ends the output quietly, as it ends an export; any other stream error
 * rejects. Without an 'error' listener, the EPIPE would be an uncaught exception and a stack trace.
 */
export function writeWhole(out: Writable, text: string): Promise<void> {
  // Kept after the write: a destroyed stream may still emit its error on a later tick.
  out.on('error', () => {});
  return new Promise((resolve, reject) => {
    out.write(text, (err) => (err && !isBrokenPipe(err) ? reject(err) : resolve()));
  });
}

/** writeWhole to stdout; a failure (a disk filling up behind `> file`) is one CRAWL_OUTPUT_WRITE line. */
export async function writeStdout(text: string): Promise<void> {
  try {
    await writeWhole(process.stdout, text);
  } catch (err) {
    throw asOutputWriteError(err, null);
  }
}
