/**
 * One line for an output that could not be opened or written: Node's own message names our
 * temporary file (`EACCES: permission denied, open '/dir/.out.csv.1a2b.tmp'`) or no file at all
 * (`ENOSPC: no space left on device, write`), and has no code of ours. This one names what the
 * user typed, or stdout.
 */
import { isCrawlError, OutputError } from './errors.js';

function hintFor(code: string, out: string | null): string {
  if (code === 'ENOSPC' || code === 'EDQUOT') return '; free some space and run it again';
  if (out !== null && (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')) return '; pass --out a writable file path';
  return '';
}

/**
 * `err` as OutputError CRAWL_OUTPUT_WRITE when it is a system call's failure (it has a syscall:
 * open, write, fsync, rename...), naming `out`, or stdout when `out` is null; any other error
 * (ours, SQLite's) is returned as it is.
 */
export function asOutputWriteError(err: unknown, out: string | null): unknown {
  if (!(err instanceof Error) || isCrawlError(err)) return err;
  const { code, syscall } = err as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof syscall !== 'string') return err;
  // "EACCES: permission denied, open '…'" → "permission denied"
  const reason = /^[A-Z0-9_]+: ([^,]+)/.exec(err.message)?.[1] ?? syscall;
  const what = out === null ? 'to stdout' : out;
  return new OutputError('CRAWL_OUTPUT_WRITE', `cannot write ${what}: ${reason} (${code})${hintFor(code, out)}`, { cause: err });
}
