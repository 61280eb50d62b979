/**
 * Who owns a database's write lock, and whether that owner is still running. A pid alone cannot
 * tell: a crawl killed in a container ran as pid 1, which always exists on the host, and pids are
 * reused after a reboot. So the lock also records the host name and, on Linux, the process's
 * start time (boot id and /proc/<pid>/stat field 22): on the same host a live pid whose start
 * differs is another process, and the lock is stale. A lock from another host cannot be checked
 * from here and is never taken over silently.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** The meta keys of the lock; writer_pid alone is what databases from before hosts were recorded hold. */
export const LOCK_KEYS = ['writer_pid', 'writer_host', 'writer_started'] as const;

export interface LockOwner {
  pid: number;
  /** Null in a lock written before hosts were recorded. */
  host: string | null;
  /** Null before start times were recorded, or off Linux. */
  started: string | null;
}

/** `isVerified`: the live pid was matched by its start time, not by the pid alone. */
export type LockState =
  | { kind: 'free' }
  | { kind: 'held'; pid: number; isVerified: boolean }
  | { kind: 'other-host'; pid: number; host: string };

export function currentOwner(): LockOwner {
  return { pid: process.pid, host: hostname(), started: processStart(process.pid) };
}

/** The lock as read from meta rows (key, value); null when no crawl holds it. */
export function parseLock(rows: ReadonlyArray<{ key: string; value: string }>): LockOwner | null {
  const value = (key: string) => rows.find((r) => r.key === key)?.value ?? null;
  const pid = Number(value('writer_pid'));
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, host: value('writer_host'), started: value('writer_started') };
}

export function lockState(owner: LockOwner | null): LockState {
  if (owner === null) return { kind: 'free' };
  const me = currentOwner();
  if (owner.host !== null && owner.host !== me.host) return { kind: 'other-host', pid: owner.pid, host: owner.host };
  if (owner.pid === process.pid || !isAlive(owner.pid)) return { kind: 'free' };
  // A live pid that started at another time (or in another boot) is not the crawl that locked.
  const started = owner.started === null ? null : processStart(owner.pid);
  if (started !== null && started !== owner.started) return { kind: 'free' };
  return { kind: 'held', pid: owner.pid, isVerified: started !== null };
}

/** The one-line refusal for a lock a live (or uncheckable) crawl holds. */
export function lockedMessage(dbPath: string, state: Exclude<LockState, { kind: 'free' }>): string {
  const takeOver = `sqlite3 ${dbPath} "DELETE FROM meta WHERE key LIKE 'writer%'"`;
  if (state.kind === 'other-host') {
    return `database ${dbPath} is locked by a crawl on host ${state.host} (pid ${state.pid}), which cannot be checked from here; wait for it, or if it is no longer running take the lock over with: ${takeOver}`;
  }
  const held = `database ${dbPath} is in use by another crawl (pid ${state.pid}); wait for it or use --db`;
  // Only the pid matched (a lock from an older crawlite, or no /proc): it may be a reused pid.
  return state.isVerified ? held : `${held}; if pid ${state.pid} is not a crawl, take the lock over with: ${takeOver}`;
}

/** Whether a process with this pid exists (the lock's owner may belong to another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `<boot id>:<start time in clock ticks since boot>` on Linux; null elsewhere or when unreadable,
 * and the lock then falls back to the pid alone. The command name in field 2 may hold spaces and
 * parentheses, so fields are counted after its last ')'.
 */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19]; // field 22; fields[0] is field 3 (state)
    if (!ticks || !/^\d+$/.test(ticks)) return null;
    return `${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}:${ticks}`;
  } catch {
    return null; // no /proc (macOS, Windows) or the process is gone: decided by the pid alone
  }
}
