/**
 * The fetch stage's semaphore, built on p-queue: never more than `concurrency` tasks running
 * overall and never more than `perHost` per origin key.
 *
 * A task first takes a slot on its host's queue and only then waits on the global queue. The
 * other order would let one busy host fill every global slot with tasks that are only waiting for
 * that host, starving all the others. In this order a task waiting on the global queue already
 * holds its host slot and needs nothing else, and every running task ends without needing
 * another slot, so the global queue always drains: no deadlock. (A task that itself awaits
 * `run()` for the same limits could still deadlock; fetch tasks do not.) The one nested wait is a
 * redirect hop to another host (runInHost): it waits for that host's slot only, holding its own,
 * so two fetches redirecting into each other's hosts at --per-host 1 wait on each other until
 * their deadlines end them; nothing waits forever.
 */
import PQueue from 'p-queue';

export interface HostLimitsOptions {
  /** Tasks running at once, all hosts together. */
  concurrency: number;
  /** Tasks running at once for one host. */
  perHost: number;
}

export interface HostLimits {
  /** Runs `fn` once both a global and a `host` slot are free; settles as `fn` does. */
  run<T>(host: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` once a `host` slot is free, without a global one: for a redirect hop to another
   * host, whose fetch already holds a global slot (and one of its own host). Rejects with an
   * AbortError if `signal` aborts while it waits.
   */
  runInHost<T>(host: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Whether `host` has fewer than perHost tasks queued or running, so a scheduler can skip saturated hosts. */
  hasRoom(host: string): boolean;
  /** Tasks running now. */
  readonly inFlight: number;
  /** Tasks accepted by run() and not yet running. */
  readonly queued: number;
  /** Hosts with at least one task queued or running (their queues exist only while they do). */
  readonly hostCount: number;
  /** Resolves when no task is queued or running. */
  onIdle(): Promise<void>;
}

interface HostSlot {
  queue: PQueue;
  /** Tasks queued or running on this host. Counted here because p-queue lowers `pending` a microtask after the task settles. */
  count: number;
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`Expected \`${name}\` to be a positive integer, got \`${value}\` (${typeof value})`);
  }
}

/** Creates the global and per-host limits; throws TypeError for a limit that is not a positive integer. */
export function createHostLimits(options: HostLimitsOptions): HostLimits {
  const { concurrency, perHost } = options;
  assertPositiveInteger('concurrency', concurrency);
  assertPositiveInteger('perHost', perHost);

  const global = new PQueue({ concurrency });
  const hosts = new Map<string, HostSlot>();
  let total = 0; // accepted by run() and not yet released
  let waiting = 0; // accepted and not yet started
  let running = 0;
  let idleWaiters: Array<() => void> = [];

  function release(host: string, slot: HostSlot): void {
    slot.count--;
    // Deleting an idle queue keeps the map bounded by the hosts in flight, not every host seen.
    if (slot.count === 0 && hosts.get(host) === slot) hosts.delete(host);
    total--;
    if (total === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  function slotOf(host: string): HostSlot {
    let slot = hosts.get(host);
    if (slot === undefined) {
      slot = { queue: new PQueue({ concurrency: perHost }), count: 0 };
      hosts.set(host, slot);
    }
    return slot;
  }

  async function runTask<T>(fn: () => Promise<T>): Promise<T> {
    waiting--;
    running++;
    try {
      return await fn();
    } finally {
      running--;
    }
  }

  return {
    async run<T>(host: string, fn: () => Promise<T>): Promise<T> {
      const slot = slotOf(host);
      slot.count++;
      total++;
      waiting++;
      try {
        return await slot.queue.add(() => global.add(() => runTask(fn)));
      } finally {
        release(host, slot);
      }
    },
    async runInHost<T>(host: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      const slot = slotOf(host);
      slot.count++;
      total++;
      try {
        return await slot.queue.add(fn, { signal });
      } finally {
        release(host, slot);
      }
    },
    hasRoom(host: string): boolean {
      return (hosts.get(host)?.count ?? 0) < perHost;
    },
    get inFlight() {
      return running;
    },
    get queued() {
      return waiting;
    },
    get hostCount() {
      return hosts.size;
    },
    onIdle(): Promise<void> {
      if (total === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
