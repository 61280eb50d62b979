/**
 * The binary counterpart of jsonl.ts's writeLines, for WARC: buffers are written one by one,
 * waiting for 'drain' when the stream's buffer is full, so a slow reader holds the export back
 * instead of the export filling memory. A broken pipe (`| head`) ends quietly and stops the
 * iteration (releasing a database cursor behind it); any other stream error rejects.
 */
import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isBrokenPipe, whenWritable } from './stream-backpressure.js';

/** Resolves with the number of buffers handed to the stream. Does not end `out`: it may be stdout. */
export async function writeBuffers(chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, out: Writable): Promise<number> {
  let failure: Error | null = null;
  const onError = (err: Error): void => {
    failure ??= err;
  };
  out.on('error', onError);
  let written = 0;
  try {
    for await (const chunk of chunks) {
      if (out.destroyed || failure !== null) break;
      written += 1;
      if (!out.write(chunk)) await whenWritable(out);
      // As in writeLines: a pipe that never asks for a drain still gives the loop a turn.
      else if (written % 16 === 0) await nextTurn();
    }
    if (!out.destroyed && failure === null) await new Promise<void>((resolve) => out.write(Buffer.alloc(0), () => resolve()));
  } finally {
    if (!out.destroyed) out.off('error', onError);
  }
  const err = failure ?? (out.errored as Error | null);
  if (err !== null && !isBrokenPipe(err)) throw err;
  return written;
}
