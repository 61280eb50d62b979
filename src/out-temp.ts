/**
 * The temporary file an `--out` is written to before it is renamed into place (out-file.ts), named
 * so that a later export can tell whether the process that made it is still running.
 *
 * SIGINT, SIGTERM and SIGHUP remove it, but `kill -9`, a crash, SIGQUIT (Ctrl+\), SIGUSR2 or
 * SIGALRM end the process at once and left `.pages.jsonl.<hex>.tmp` beside the output, one per
 * interrupted export, each as large as the partial export, until removed by hand. A file made with
 * O_TMPFILE and linked in once complete could not outlive the process, but Node can neither open
 * one nor link it (linkat with AT_EMPTY_PATH), so the name carries its maker instead:
 * `.<name>.<12 hex>.<pid>-<host>-<start>.tmp`, the host and the process's start time (boot id and
 * start tick, as the database lock records them: store/writer-lock.ts) as short hashes. The next
 * export to the same `--out` removes those whose process is gone: made on this host, by a pid that
 * no longer runs, or that now belongs to a process started at another time. One made on another
 * host (a shared folder), or by a live pid whose start cannot be read, is left alone: it may be
 * another export's, being written now, or between its last write and its rename.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isAlive, processStart } from './store/writer-lock.js';

/** A target name near NAME_MAX (255 bytes) must not fail for its temp's length. */
const NAME_CHARS = 100;
const UNKNOWN_START = '00000000';
const TEMP_NAME = /^\.(.*)\.[0-9a-f]{12}\.([1-9]\d*)-([0-9a-f]{6})-([0-9a-f]{8})\.tmp$/s;

function shortHash(text: string, chars: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, chars);
}

function startTag(pid: number): string {
  const started = processStart(pid);
  return started === null ? UNKNOWN_START : shortHash(started, 8);
}

/** A new temporary name beside `target`, owned by this process. */
export function tempPathFor(target: string): string {
  const owner = `${process.pid}-${shortHash(hostname(), 6)}-${startTag(process.pid)}`;
  return join(dirname(target), `.${basename(target).slice(0, NAME_CHARS)}.${randomBytes(6).toString('hex')}.${owner}.tmp`);
}

/** Whether the process named in a temp's name is known to be gone (never true when it cannot be told). */
function isOwnerGone(pid: number, host: string, start: string): boolean {
  if (host !== shortHash(hostname(), 6)) return false;
  if (pid === process.pid) return false; // this process's own: written now
  if (!isAlive(pid)) return true;
  if (start === UNKNOWN_START) return false;
  const now = processStart(pid);
  return now !== null && shortHash(now, 8) !== start;
}

/**
 * Removes the temporary files of earlier exports to `target` whose process is gone, except those
 * `shouldKeep` names (a database copy that may be the only one: store/db-temps.ts); returns how
 * many. Best effort: a folder that cannot be listed, or a file already gone, is no failure of
 * the export about to be written.
 */
export function removeStaleTemps(target: string, shouldKeep: (path: string) => boolean = () => false): number {
  const dir = dirname(target);
  const name = basename(target).slice(0, NAME_CHARS);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0; // the export's own open of its temp says what is wrong with the folder
  }
  let removed = 0;
  for (const entry of entries) {
    const match = TEMP_NAME.exec(entry);
    if (match === null || match[1] !== name) continue;
    if (!isOwnerGone(Number(match[2]), match[3]!, match[4]!)) continue;
    const path = join(dir, entry);
    try {
      // Only a regular file: never a folder or a link someone named like one.
      if (!lstatSync(path).isFile() || shouldKeep(path)) continue;
      unlinkSync(path);
      removed += 1;
    } catch {
      // removed meanwhile (another export cleaning up too), or not ours to remove: left
    }
  }
  return removed;
}
