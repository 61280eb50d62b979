/**
 * One content-coding layer (gzip, deflate or brotli) as a pipeline stage that also tells whether
 * the compressed stream was complete. Like browsers, a stream that stops early (the server closed
 * a close-delimited body mid-stream, or sent a cut file) is accepted: the bytes before the cut are
 * real content. But the page is then partial and must be stored as truncated, which the engines'
 * lenient finishing flush (Z_SYNC_FLUSH) cannot tell: it ends quietly either way.
 *
 * So each input chunk is written with a sync flush and its output read in full before the next is
 * written; when the input ends, nothing decoded is left inside the engine, and only then does a
 * finishing flush (Z_FINISH, BROTLI_OPERATION_FINISH) ask whether the end marker (and, for gzip,
 * the trailer) arrived. A cut stream fails that flush with "unexpected end of file" (Z_BUF_ERROR,
 * brotli too), which destroys the engine; since its output is already out, nothing is lost and
 * the error only sets `mark.isCut`. Letting the engine's own finishFlush raise it instead would
 * drop whatever output still sat in the stream's buffer when it was destroyed.
 */
import type zlib from 'node:zlib';

type Engine = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

/** Shared by a body's layers: set when any of them ended before its compressed stream did. */
export interface CutMark {
  isCut: boolean;
  /** Set with isCut when the end is corrupt data, not an early end: waiting for more mends nothing. */
  isCorrupt?: boolean;
}

function isUnexpectedEnd(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'Z_BUF_ERROR';
}

/**
 * Decodes `source` through `engine` (created with a sync flush), yielding its output with the
 * stream's back-pressure: while the consumer does not pull, the engine stops. Corrupt data and
 * source errors are thrown; an early end sets `mark.isCut`. The engine is destroyed on any exit.
 */
export async function* decodeChecked(source: AsyncIterable<Buffer>, engine: Engine, finishFlag: number, mark: CutMark): AsyncGenerator<Buffer> {
  let failure: Error | null = null;
  let wake = (): void => {};
  engine.on('error', (err: Error) => {
    failure = err;
    wake();
  });
  engine.on('readable', () => wake());

  /** Issues one write (a chunk, or the finishing flush) and yields everything it decodes to. */
  async function* pass(write: (done: (err?: Error | null) => void) => void): AsyncGenerator<Buffer> {
    let isWritten = false;
    write((err) => {
      if (err) return; // the 'error' event carries it
      isWritten = true;
      wake();
    });
    for (;;) {
      let out: Buffer | null;
      while ((out = engine.read() as Buffer | null) !== null) yield out;
      if (failure !== null) throw failure;
      if (isWritten) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }

  let hasInput = false;
  try {
    for await (const input of source) {
      if (input.length === 0) continue;
      hasInput = true;
      yield* pass((done) => engine.write(input, done));
    }
    // An empty body is no stream at all: servers label 204s, 304s and empty pages with their
    // Content-Encoding too, and there is nothing partial to keep.
    if (!hasInput) return;
    try {
      yield* pass((done) => engine.flush(finishFlag, (err?: Error | null) => done(err)));
    } catch (err) {
      if (!isUnexpectedEnd(err)) throw err;
      mark.isCut = true;
    }
  } finally {
    engine.destroy();
  }
}
