/**
 * Creates a folder and its missing parents, for paths the user names (--db, bench results).
 * Not mkdirSync(dir, { recursive: true }): on a path such as /proc/self/x/y, where mkdir of a
 * missing level fails with ENOENT although its parent exists, Node's recursive mkdir retries
 * forever at 100 % CPU, deaf to SIGTERM (it never returns to the event loop). Here each missing
 * level is made once, top down, so such a path fails with the first mkdir's own error.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); ) {
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (err) {
      // Made meanwhile by someone else (another crawl on the same folder): as good as made here.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(level, { throwIfNoEntry: false })?.isDirectory()) continue;
      throw err;
    }
  }
}
