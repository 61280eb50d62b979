/**
 * A bound on the bytes of fetched bodies held on the main thread: those being read, plus those
 * read and waiting downstream for a parse thread (the parse pool's queue, `waiting`). Past it, a
 * body's reading pauses between chunks (its socket stops being read, and TCP holds the server
 * back) until bytes are freed.
 *
 * Why: the crawl starts no fetch while the pool's queue is full of bytes, but the fetches already
 * started all finish and queue their bodies. On a site of ~9.5 MB pages the 8 fetches a host may
 * have in flight start together whenever the queue empties, and all 8 bodies (~76 MB) then wait
 * for two threads that take ~0.5 s a page; two such hosts, twice that.
 *
 * Progress: the reader that started first goes on past the bound once nothing waits downstream,
 * so a body always completes, whatever the others hold. The bound therefore holds to about one
 * body (at most --max-bytes) plus a chunk a reader. Bodies the size of the bench's (50 KB; 16
 * in flight, ~10 queued) stay far below it and never pause.
 */

/** The bound: 4x what the parse pool lets wait for 2 threads (pool.ts, QUEUED_BYTES_PER_WORKER). */
export const BODY_BUDGET_BYTES = 32 << 20;

export interface BodyReader {
  /**
   * Asks room for `bytes` about to be allocated at once (a buffer for an announced length): null,
   * counted now; a promise, counted when it resolves, and nothing is to be allocated before.
   */
  reserve(bytes: number): Promise<void> | null;
  /**
   * Counts `bytes` just read into the body. null: read on. A promise: the bound is reached, read
   * no further until it resolves.
   */
  add(bytes: number): Promise<void> | null;
  /** The body is done with (read, failed or abandoned): its bytes no longer count here. */
  close(): void;
}

interface Reader {
  bytes: number;
  /** Bytes asked for by a reserve() not granted yet. */
  asked: number;
  resume: (() => void) | null;
}

export class BodyBudget {
  readonly #limit: number;
  readonly #waiting: () => number;
  /** Open readers, in the order they started (a Set keeps insertion order). */
  readonly #readers = new Set<Reader>();
  #readingBytes = 0;

  /** `waiting`: bytes of bodies read already and waiting downstream; call wake() when it falls. */
  constructor(limit: number = BODY_BUDGET_BYTES, waiting: () => number = () => 0) {
    this.#limit = limit;
    this.#waiting = waiting;
  }

  /** Bytes of the bodies being read. */
  get readingBytes(): number {
    return this.#readingBytes;
  }

  /** Readers paused at the bound. */
  get paused(): number {
    let n = 0;
    for (const r of this.#readers) if (r.resume !== null) n++;
    return n;
  }

  open(): BodyReader {
    const reader: Reader = { bytes: 0, asked: 0, resume: null };
    this.#readers.add(reader);
    return {
      reserve: (bytes) => {
        reader.asked = bytes;
        if (!this.#mayRead(reader)) return new Promise<void>((resolve) => (reader.resume = resolve));
        this.#grant(reader);
        return null;
      },
      add: (bytes) => {
        reader.bytes += bytes;
        this.#readingBytes += bytes;
        if (this.#mayRead(reader)) return null;
        return new Promise<void>((resolve) => (reader.resume = resolve));
      },
      close: () => {
        if (!this.#readers.delete(reader)) return;
        this.#readingBytes -= reader.bytes;
        reader.resume?.();
        reader.resume = null;
        this.wake();
      },
    };
  }

  /** Resumes the paused readers the bound now lets read on, oldest first. */
  wake(): void {
    for (const reader of this.#readers) {
      if (reader.resume === null || !this.#mayRead(reader)) continue;
      const resume = reader.resume;
      reader.resume = null;
      this.#grant(reader);
      resume();
    }
  }

  #grant(reader: Reader): void {
    reader.bytes += reader.asked;
    this.#readingBytes += reader.asked;
    reader.asked = 0;
  }

  /** Whether `reader` may read on (its bytes counted already), or allocate what it asked for. */
  #mayRead(reader: Reader): boolean {
    const waiting = this.#waiting();
    if (this.#readingBytes + reader.asked + waiting < this.#limit) return true;
    // The oldest reader, once nothing waits downstream: someone must finish for bytes to free up.
    return waiting === 0 && this.#readers.values().next().value === reader;
  }
}
