/**
 * Who is writing a database right now, seen from outside: the pid in meta.writer_pid (the
 * writer's lock, store/writer.ts) if that process is alive. For commands that must not touch a
 * file a live crawl owns before they open it for writing, such as `crawlite bench` replacing its
 * database.
 */
import { existsSync } from 'node:fs';
import { openReadOnly } from './db.js';

export function liveWriterPid(dbPath: string): number | null {
  if (!existsSync(dbPath)) return null;
  let pid = 0;
  try {
    const db = openReadOnly(dbPath);
    try {
      const row = db.prepare(`SELECT value FROM meta WHERE key = 'writer_pid'`).get() as { value: string } | undefined;
      pid = row ? Number(row.value) : 0;
    } finally {
      db.close();
    }
  } catch {
    return null; // not a crawlite database (or unreadable): no crawl of ours owns it
  }
  return pid && pid !== process.pid && isAlive(pid) ? pid : null;
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
