/**
 * CPU time of the main thread alone, where Linux tells it: process.cpuUsage() counts every
 * thread of the process (parse workers, V8's GC and compiler threads), and Node 20 has no
 * per-thread figure (process.threadCpuUsage() came in Node 23.9). The split shows, in every
 * bench run, how much of a page's CPU the event loop spends against the other threads.
 *
 * /proc/<pid>/task/<tid>/schedstat starts with the thread's time on a CPU in nanoseconds; the
 * main thread's id is the process id. Elsewhere (macOS, Windows, a kernel without it): null.
 */
import { readFileSync } from 'node:fs';

export function mainThreadCpuMs(): number | null {
  try {
    const first = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'latin1').split(' ', 1)[0];
    const ns = Number(first);
    return Number.isFinite(ns) ? ns / 1e6 : null;
  } catch {
    return null;
  }
}
