/**
 * WAL checkpoints on a thread of their own. SQLite checkpoints the WAL inside the commit that
 * passes its threshold (db.ts: every 8,000 pages, 16 MB): copying it into the file and two
 * fsyncs, 40-110 ms on the main thread a dozen times a bench crawl, while the parse threads, which
 * need the main thread for their next page, waited (README, "Where the time goes"). This thread
 * checkpoints a little after commits instead, at most one checkpoint at a time and one every
 * CHECKPOINT_INTERVAL_MS, so the WAL rarely reaches SQLite's threshold, and when it does (a slow
 * disk, a reader holding old frames) SQLite's own checkpoint still runs as before.
 */
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Between checkpoints, at least: at 400 bench pages a second ~7,000 WAL pages (14 MB), about what
 * SQLite's threshold copied. Not less: a page written by every commit (an index's, the search
 * index's) is copied once per checkpoint, so checkpoints every 500 ms cost 6 % more writes, 20 %
 * more reads and four times the fsyncs (`strace -c` of a 3,000-page bench).
 */
export const CHECKPOINT_INTERVAL_MS = 1_000;

/**
 * SQLite's own threshold while this thread checkpoints (db.ts sets 8,000): a pass that overlaps a
 * commit leaves the WAL to be started over at a later one, and at 8,000 the main thread still
 * checkpointed a few times a bench crawl; 32,000 (64 MB) is reached only when this thread cannot
 * keep up, and then SQLite checkpoints as it did before.
 */
export const FALLBACK_CHECKPOINT_PAGES = 32_000;

export class Checkpointer {
  readonly #worker: Worker;
  #isBusy = false;
  #lastAt = -Infinity;
  #isStopped = false;
  readonly #exited: Promise<void>;

  constructor(path: string) {
    const { dev, ino } = statSync(path);
    this.#worker = new Worker(new URL('./checkpoint-thread.js', import.meta.url), { workerData: { path, dev, ino } });
    // Never what keeps a process alive: the crawl stops it, and an exit cuts a checkpoint short safely.
    this.#worker.unref();
    // The result is not needed: frames a reader still holds are copied by a later checkpoint, as
    // they were by SQLite's, and a WAL that such a read keeps growing is the writer's to report.
    this.#worker.on('message', () => {
      this.#isBusy = false;
    });
    // A thread that fails only loses the early checkpoints: SQLite's own still run.
    this.#worker.on('error', () => {
      this.#isStopped = true;
    });
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
  }

  /** After a commit: starts a checkpoint unless one runs or the last began less than the interval ago. */
  committed(): void {
    if (this.#isStopped || this.#isBusy) return;
    const now = performance.now();
    if (now - this.#lastAt < CHECKPOINT_INTERVAL_MS) return;
    this.#lastAt = now;
    this.#isBusy = true;
    this.#worker.postMessage('checkpoint');
  }

  /** Lets a checkpoint under way finish, then ends the thread; before the file is settled (settle-file.ts). */
  async close(): Promise<void> {
    if (!this.#isStopped) {
      this.#isStopped = true;
      this.#worker.postMessage('stop');
    }
    // Held now: with nothing else left in the event loop, an unreferenced thread's exit would
    // never come, and the process would end before the caller settles the file.
    this.#worker.ref();
    await this.#exited;
  }
}
