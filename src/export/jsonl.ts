/**
 * JSON Lines output, and the line writer CSV shares: lines are gathered into chunks of about
 * 64 KiB (one write, and on a pipe one syscall, per chunk instead of per row), and each chunk
 * waits for 'drain' when the stream's buffer is full, so a slow reader holds the export back
 * instead of the export filling memory.
 */
import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ExportRow } from './rows.js';
import { isBrokenPipe, whenWritable } from './stream-backpressure.js';
import { jsonLine } from '../json-line.js';

const CHUNK_CHARS = 64 * 1024;

/**
 * Writes each line (which carries its own line end) to `out`, respecting backpressure, and
 * resolves with the number of lines handed to the stream. Does not end `out`: it may be stdout.
 * A broken pipe stops the writing quietly and stops iterating `lines` (so a database cursor
 * behind it is released); any other stream error rejects.
 */
export async function writeLines(lines: Iterable<string>, out: Writable): Promise<number> {
  let failure: Error | null = null;
  const onError = (err: Error): void => {
    failure ??= err;
  };
  // Without a listener, EPIPE on stdout is an uncaught 'error' and a stack trace.
  out.on('error', onError);
  let chunk = '';
  let pending = 0;
  let written = 0;
  try {
    for (const line of lines) {
      chunk += line;
      pending++;
      if (chunk.length < CHUNK_CHARS) continue;
      // A failed write to a pipe destroys the stream synchronously; stop before formatting more.
      if (out.destroyed || failure !== null) break;
      const isBelowLimit = out.write(chunk);
      written += pending;
      chunk = '';
      pending = 0;
      if (!isBelowLimit) await whenWritable(out);
      // stdout on a Linux pipe writes synchronously and never asks for a drain; give the event
      // loop a turn per chunk anyway, so signals and stream errors are seen during a long export.
      else await nextTurn();
    }
    if (chunk !== '' && !out.destroyed && failure === null) {
      // Wait for the last chunk's callback, so an error on it is seen here, not after we return.
      await new Promise<void>((resolve) => out.write(chunk, () => resolve()));
      written += pending;
    }
  } finally {
    // Once destroyed, the stream may still emit the error on a later tick; keep the listener
    // for that (a destroyed stream emits at most one error, so nothing accumulates).
    if (!out.destroyed) out.off('error', onError);
  }
  const err = failure ?? (out.errored as Error | null);
  if (err !== null && !isBrokenPipe(err)) throw err;
  return written;
}

function* toJsonLines(rows: Iterable<ExportRow>): Generator<string> {
  for (const row of rows) yield jsonLine(row);
}

/** One JSON object per line, keys in field order; resolves with the number of rows written. */
export function writeJsonl(rows: Iterable<ExportRow>, out: Writable): Promise<number> {
  return writeLines(toJsonLines(rows), out);
}
