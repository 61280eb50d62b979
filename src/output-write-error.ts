/**
 * One line for an output that could not be opened or written: Node's own message names our
 * temporary file (`EACCES: permission denied, open '/dir/.out.csv.1a2b.tmp'`) or no file at all
 * (`ENOSPC: no space left on device, write`), and has no code of ours. This one names what the
 * user typed, or stdout.
 */
import { dirname } from 'node:path';
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

/**
 * A replacing --out whose temporary file its folder would not create, as OutputError
 * CRAWL_OUTPUT_WRITE naming the folder: /proc answers ENOENT for a file it does not hold, which
 * read "no such file or directory" about an --out that exists (`--out /proc/version`), and a
 * folder this user may not write refuses the temporary file even when the --out file itself is
 * writable, where "permission denied" pointed at the wrong thing. Null for other errors, and for
 * a folder refusing a new --out (it refuses what the user asked for: the plain message is right).
 */
export function asTempRefusedError(err: unknown, temp: string, out: string, isReplacing: boolean): OutputError | null {
  const { code, syscall, path } = (err ?? {}) as NodeJS.ErrnoException;
  if (syscall !== 'open' || path !== temp) return null;
  if (!(code === 'ENOENT' || (isReplacing && (code === 'EACCES' || code === 'EPERM')))) return null;
  return new OutputError(
    'CRAWL_OUTPUT_WRITE',
    `cannot write ${out}: the folder ${dirname(temp)} does not allow creating files (${code}), which --out needs: it is written there under a temporary name, then renamed into place; pass --out a file in a folder you can write`,
    { cause: err },
  );
}
