/**
 * The parse stage's owner: a fixed set of worker threads (piscina) with a bounded queue in front.
 *
 * Backpressure: the pool holds at most `workers` running tasks plus `maxQueued` waiting ones.
 * A producer awaits `onRoom()` before each `run()`, so a slow parse stage slows the fetchers
 * instead of piling bodies up in memory:
 *
 *     await pool.onRoom();
 *     void pool.run(task).then(handleOutcome);
 *
 * The waiting tasks are bounded in bytes too (QUEUED_BYTES_PER_WORKER): a count alone let a site of
 * ~9.5 MB pages hold 8 of them, ~76 MB, waiting for two threads that each take half a second a page.
 *
 * run() itself never refuses work (a race of several producers can overshoot by one each, and a
 * body is never refused for its size); the bound holds for producers that wait.
 *
 * The waiting queue lives here rather than in piscina so that the task timeout counts running
 * time only: piscina gets a task when a thread is free, and the timer starts then.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ParseConfig } from '../config/schema.js';
import { ParseError } from '../errors.js';
import type { ParseFailure, ParseOutcome, ParseTask, WireParseOutcome } from '../types.js';
import { unpackLinks } from './link-columns.js';

/** Waiting tasks per thread; a handful keeps threads busy between a task's end and the next run(). */
const QUEUED_PER_WORKER = 4;

/**
 * How long tasks must have waited for a thread, every thread busy all along, before one more
 * thread starts. A thread costs 0.15-0.35 s of CPU to start (Node's own set-up of the thread,
 * piscina, the parse modules), a page 1-3 ms to parse once warm: a site of a few dozen pages is
 * parsed by one thread sooner than a second could start. Started all at once, as before, every
 * crawl paid for all of them, a 1-page one too.
 */
export const GROW_AFTER_MS = 100;

/**
 * Bytes of waiting bodies per thread past which there is no room. Far above the bench's 4 queued
 * 50 KB pages a thread (never reached there). A huge page takes a thread long enough (~0.5 s for
 * 9.5 MB) that the fetches still in flight refill the queue meanwhile: 8 MiB a thread was no faster.
 */
export const QUEUED_BYTES_PER_WORKER = 4 << 20;

interface QueuedTask {
  task: ParseTask;
  transferList: ArrayBuffer[];
  resolve: (outcome: ParseOutcome) => void;
}

export class ParsePool {
  readonly #piscina: Piscina<ParseTask, WireParseOutcome> | null;
  /**
   * The parser for inline parsing (workers 0), imported only then: with worker threads, the
   * crawl's own thread never parses, and loading htmlparser2 and the parse modules there cost
   * ~50 ms of every crawl's start-up.
   */
  readonly #inline: Promise<typeof import('./parse-page.js')> | null;
  readonly #workers: number;
  readonly #maxQueued: number;
  readonly #taskTimeoutMs: number;
  readonly #maxQueuedBytes: number;
  readonly #queue: QueuedTask[] = [];
  #queuedBytes = 0;
  #running = 0;
  #roomWaiters: Array<() => void> = [];
  #onDequeued: () => void = () => {};
  #idleWaiters: Array<() => void> = [];
  #isClosed = false;
  #closing: Promise<void> | null = null;
  /** Threads tasks are handed to, from 1 up to #workers as the work asks for them (GROW_AFTER_MS). */
  #threads = 0;
  /** When each of those threads was added, for utilization. */
  readonly #threadStarts: number[] = [];
  #growTimer: NodeJS.Timeout | null = null;
  #busyMs = 0;

  constructor(config: ParseConfig) {
    if (!Number.isInteger(config.workers) || config.workers < 0) {
      throw new TypeError(`parse.workers must be a non-negative integer, got ${String(config.workers)}`);
    }
    if (!(config.taskTimeoutMs > 0)) {
      throw new TypeError(`parse.taskTimeoutMs must be a positive number, got ${String(config.taskTimeoutMs)}`);
    }
    this.#workers = config.workers;
    this.#maxQueued = config.workers * QUEUED_PER_WORKER;
    this.#maxQueuedBytes = config.workers * QUEUED_BYTES_PER_WORKER;
    this.#taskTimeoutMs = config.taskTimeoutMs;
    this.#inline = config.workers === 0 ? import('./parse-page.js') : null;
    this.#piscina =
      config.workers === 0
        ? null
        : new Piscina<ParseTask, WireParseOutcome>({
            // A CommonJS entry that imports the worker module (see worker-entry.cts for why). A
            // path, not a file: URL, which piscina turns into a path again for every task (its
            // maybeFileURLToPath: a URL parse, ~2 µs, ~1 % of the main thread in a crawl's profile).
            filename: fileURLToPath(new URL('./worker-entry.cjs', import.meta.url)),
            workerData: { moduleUrl: (config.workerUrl ?? new URL('./worker.js', import.meta.url)).href },
            // One thread now; piscina starts the next when #dispatch hands it more tasks than
            // it has threads, which it does only once the work asks for one (#grow).
            minThreads: 1,
            maxThreads: config.workers,
            // Never reached (we hand over at most `workers` tasks); a backstop, not the bound.
            maxQueue: this.#maxQueued,
            idleTimeout: Infinity,
            // A parse makes ~1 MB of short-lived garbage; V8's default young generation (up to
            // 48 MB an isolate) only raised the workers' RSS. 4 MB means more, cheap scavenges:
            // against 8 MB, bench peak RSS 189-237 MB instead of 205-250, the same pages/s.
            resourceLimits: { maxYoungGenerationSizeMb: 4 },
          });
    // A thread that fails outside any task has no task to fail, so piscina emits 'error' instead,
    // and an 'error' nobody listens to ends the process. piscina replaces the thread either way
    // and a task in flight gets its own CRAWL_PARSE_CRASHED, so there is nothing more to do.
    this.#piscina?.on('error', () => {});
    if (this.#piscina !== null) this.#addThread();
  }

  /** Worker threads; 0 when parsing runs inline on the calling thread. */
  get size(): number {
    return this.#workers;
  }

  /** Most tasks held at once (running + queued); 0 inline, where run() parses each page as it is handed over (the first once the parser is imported). */
  get capacity(): number {
    return this.#piscina === null ? 0 : this.#workers + this.#maxQueued;
  }

  /**
   * Share of the threads' time spent on tasks since each started (from handing a task to a
   * thread to its result); 1 inline. Measured here: piscina's own figure stays 0 without its
   * timing histogram.
   */
  get utilization(): number {
    if (this.#piscina === null) return 1;
    const now = performance.now();
    let capacityMs = 0;
    for (const startedAt of this.#threadStarts) capacityMs += now - startedAt;
    return capacityMs > 0 ? Math.min(1, this.#busyMs / capacityMs) : 0;
  }

  /** Threads started so far: 1 at first, up to size while tasks keep waiting for one. */
  get threads(): number {
    return this.#threads;
  }

  /** Tasks accepted but not yet running. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Bytes of the bodies of the tasks accepted but not yet running. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /**
   * Whether the waiting bodies have reached their byte bound (never inline). The crawl's scheduler
   * asks this, not hasRoom: its own count (concurrency + capacity) already bounds the pages, and
   * also stopping fetches whenever the queue is full by count made them start in bursts (bench
   * event-loop p99 35-37 against 24-28 ms, 3 alternated pairs).
   */
  get isFullOfBytes(): boolean {
    return this.#piscina !== null && this.#queuedBytes >= this.#maxQueuedBytes;
  }

  /** Told each time a waiting body goes to a thread, so queuedBytes fell (the fetch stage's body budget listens). */
  onDequeued(listener: () => void): void {
    this.#onDequeued = listener;
  }

  /** Tasks accepted and not yet finished (running + queued). */
  get pending(): number {
    return this.#running + this.#queue.length;
  }

  /**
   * True when run() can take a task without going over the bound: fewer than capacity tasks, and
   * fewer than QUEUED_BYTES_PER_WORKER bytes a thread waiting. Always true inline.
   */
  get hasRoom(): boolean {
    return this.#piscina === null || (this.pending < this.#workers + this.#maxQueued && this.#queuedBytes < this.#maxQueuedBytes);
  }

  /** Resolves when hasRoom is true; each freed slot wakes one waiter, in order. */
  onRoom(): Promise<void> {
    if (this.hasRoom && this.#roomWaiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /**
   * Parses one page. Resolves with a ParseFailure (never rejects) for anything that goes wrong
   * with the page: CRAWL_PARSE_FAILED, CRAWL_PARSE_TIMEOUT, CRAWL_PARSE_CRASHED. Rejects only
   * when called after close().
   *
   * task.body is transferred to the worker: the caller must not use it afterwards.
   */
  run(task: ParseTask): Promise<ParseOutcome> {
    if (this.#isClosed) return Promise.reject(new ParseError('CRAWL_PARSE_FAILED', 'the parse pool is closed'));
    if (this.#piscina === null) return this.#inline!.then(({ parsePage }) => parsePage(task));
    const { body } = task;
    // Only a Uint8Array that owns its whole ArrayBuffer may be transferred: a Buffer from Node's
    // pool shares one ArrayBuffer with unrelated buffers, which transferring would detach.
    const isOwner =
      body.buffer instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
    const sent = isOwner ? task : { ...task, body: new Uint8Array(body) };
    return new Promise((resolve) => {
      this.#queue.push({ task: sent, transferList: [sent.body.buffer as ArrayBuffer], resolve });
      this.#queuedBytes += sent.body.byteLength;
      this.#dispatch();
    });
  }

  /** Finishes the accepted tasks, then stops the threads. run() afterwards rejects. A second call waits for the first. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#isClosed = true;
    if (this.pending > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    this.#stopGrowTimer();
    await this.#piscina?.destroy(); // idle by now: nothing is cut short
    // Nothing more will free a slot; release producers still waiting so they can see the close.
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }

  #addThread(): void {
    this.#threads++;
    this.#threadStarts.push(performance.now());
  }

  /**
   * Tasks wait and every thread is busy: in GROW_AFTER_MS one more thread takes tasks, unless
   * the wait ends first. A timer, not a check at the next dispatch, so that one long page on
   * the only thread, with no task ending meanwhile, still brings the next thread in.
   */
  #watchBacklog(): void {
    if (this.#queue.length === 0 || this.#threads >= this.#workers || this.#isClosed) {
      this.#stopGrowTimer();
      return;
    }
    if (this.#growTimer !== null) return;
    this.#growTimer = setTimeout(() => {
      this.#growTimer = null;
      if (this.#queue.length === 0 || this.#isClosed) return;
      this.#addThread();
      this.#dispatch();
    }, GROW_AFTER_MS);
    // Never what keeps the process up: a task waiting here has a producer awaiting it.
    this.#growTimer.unref();
  }

  #stopGrowTimer(): void {
    if (this.#growTimer === null) return;
    clearTimeout(this.#growTimer);
    this.#growTimer = null;
  }

  #dispatch(): void {
    const queued = this.#queue.length;
    while (this.#running < this.#threads && this.#queue.length > 0) {
      const next = this.#queue.shift() as QueuedTask;
      this.#queuedBytes -= next.task.body.byteLength;
      this.#running++;
      void this.#runOnThread(next).then((outcome) => {
        this.#running--;
        next.resolve(outcome);
        this.#dispatch();
        this.#wakeWaiters();
      });
    }
    if (this.#queue.length < queued) this.#onDequeued();
    this.#watchBacklog();
  }

  async #runOnThread({ task, transferList }: QueuedTask): Promise<ParseOutcome> {
    const pool = this.#piscina as Piscina<ParseTask, WireParseOutcome>;
    const timeout = new TaskTimeout();
    const timer = setTimeout(abortTask, this.#taskTimeoutMs, timeout);
    const startedAt = performance.now();
    try {
      const outcome = await pool.run(task, { transferList, signal: timeout });
      return outcome.ok ? { ...outcome, links: unpackLinks(outcome.links) } : outcome;
    } catch (err) {
      // piscina rejects on abort (and then replaces the thread) or when the thread died: an
      // uncaught throw, process.exit(), running out of memory. The pool carries on either way.
      if (timeout.aborted) {
        return failure('CRAWL_PARSE_TIMEOUT', `parse took longer than ${this.#taskTimeoutMs} ms`);
      }
      return failure('CRAWL_PARSE_CRASHED', `parse worker failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
      this.#busyMs += performance.now() - startedAt;
    }
  }

  #wakeWaiters(): void {
    let free = this.#queuedBytes < this.#maxQueuedBytes ? this.#workers + this.#maxQueued - this.pending : 0;
    while (free-- > 0 && this.#roomWaiters.length > 0) (this.#roomWaiters.shift() as () => void)();
    if (this.pending === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }
}

/**
 * A task's timeout, as the EventEmitter-style signal piscina also takes (`once`/`removeListener`
 * of 'abort'): piscina aborts the task on it as on an AbortSignal (terminating its thread if it
 * runs), but without an AbortController, an EventTarget and a listener added and removed per
 * task (~1 against ~15 µs a task with its timer, timed alone).
 */
class TaskTimeout {
  aborted = false;
  #listener: (() => void) | null = null;

  once(_name: 'abort', listener: () => void): void {
    this.#listener = listener;
  }

  off(_name: 'abort', listener: () => void): void {
    if (this.#listener === listener) this.#listener = null;
  }

  removeListener(name: 'abort', listener: () => void): void {
    this.off(name, listener);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listener = this.#listener;
    this.#listener = null;
    listener?.();
  }
}

function abortTask(timeout: TaskTimeout): void {
  timeout.abort();
}

function failure(code: ParseFailure['code'], message: string): ParseFailure {
  return { ok: false, code, message };
}
