/**
 * Writing `--out` (export and report) where the shell's `>` would, without its half-written files.
 *
 * A regular file (new or existing, or the target of a symlink) is written under a temporary name
 * beside it, flushed, and renamed into place, so a failed export leaves no half file and keeps the
 * previous one. The rename puts a new file in place of the old one, so the new file first takes the
 * old one's mode (and owner, where allowed): an export chmod 600'd because it holds Set-Cookie
 * headers stays 600 instead of becoming 0644. A hard link to the old file keeps the old contents,
 * as with `sed -i`.
 *
 * Anything else that exists is opened and written in place, as `>` does: a FIFO, a character device
 * (/dev/null, a terminal), the /dev/fd/N of `--out >(gzip > x.gz)`. Renaming onto those replaced
 * the device with a regular file (as root, `--out /dev/null` once did), left a FIFO's reader
 * waiting for data that never came, and failed outright for /proc/self/fd links, whose target
 * (`pipe:[123]`) is no path to write beside. A directory is refused.
 *
 * SIGINT, SIGTERM or SIGHUP while the temporary file exists removes it and fails the write with
 * InterruptedError CRAWL_INTERRUPTED (exit 130): the default action of those signals killed the
 * process and left one hidden `.pages.jsonl.<hex>.tmp` of the partial export per interrupt.
 * A signal once the file is in place is ignored: the export succeeded, and exits 0. What SIGKILL,
 * a crash or another fatal signal leaves behind is removed by the next export to the same file,
 * once its process is gone (out-temp.ts).
 */
import { constants, createWriteStream, rmSync, statSync, type Stats } from 'node:fs';
import { once } from 'node:events';
import { chmod, chown, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { InterruptedError, UsageError } from './errors.js';
import { outTarget } from './check-out-path.js';
import { removeStaleTemps, tempPathFor } from './out-temp.js';
import { refuseFolderForm } from './folder-form.js';
import { isBrokenPipe } from './export/stream-backpressure.js';
import { asOutputWriteError, asTempRefusedError } from './output-write-error.js';

export type OutPlan =
  /** Not a regular file: opened and written as it is. */
  | { kind: 'in-place'; out: string }
  /** A regular file, or nothing yet: written beside `target` and renamed onto it. */
  | { kind: 'replace'; out: string; target: string; existing: Stats | undefined };

function statOrNone(path: string): Stats | undefined {
  try {
    return statSync(path); // follows symlinks, and /proc/self/fd's links to pipes and sockets
  } catch {
    return undefined; // missing, or not reachable (ENOTDIR, EACCES): the write says why, in its own words
  }
}

/**
 * A symlink loop (`ln -s a b; ln -s b a`): the shell's `> a` fails with ELOOP, but the rename
 * replaced the link with the export, exit 0.
 */
function refuseLinkLoop(out: string): void {
  try {
    statSync(out);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UsageError('CRAWL_USAGE', `cannot write ${out}: too many levels of symbolic links (a loop); pass --out a file path`);
    }
  }
}

/**
 * How `out` will be written; checked before any work, so a bad path fails at once rather than
 * after the whole export. Throws UsageError CRAWL_USAGE for a directory (`example` is the file
 * name suggested in it) or a missing folder.
 */
export function planOut(out: string, example: string): OutPlan {
  refuseFolderForm('--out', out, example, false);
  refuseLinkLoop(out);
  const existing = statOrNone(out);
  if (existing?.isDirectory()) {
    throw new UsageError('CRAWL_USAGE', `cannot write ${out}: it is a directory; pass --out a file path (e.g. ${join(out, example)})`);
  }
  if (existing !== undefined && !existing.isFile()) return { kind: 'in-place', out };
  const target = outTarget(out);
  const dir = dirname(target);
  if (!statOrNone(dir)?.isDirectory()) throw new UsageError('CRAWL_USAGE', `cannot write ${out}: no directory ${dir}`);
  return { kind: 'replace', out, target, existing };
}

/**
 * Runs `write` on a stream to the planned output; resolves with its result once the output is
 * closed (and renamed). A failure to open, write, flush or rename is OutputError
 * CRAWL_OUTPUT_WRITE naming the --out the user gave, never our temporary file.
 */
export async function writeOut<T>(plan: OutPlan, write: (stream: Writable) => Promise<T>): Promise<T> {
  try {
    return plan.kind === 'in-place' ? await writeInPlace(plan.out, write) : await writeReplacing(plan, write);
  } catch (err) {
    throw asOutputWriteError(err, plan.out);
  }
}

async function writeInPlace<T>(path: string, write: (stream: Writable) => Promise<T>): Promise<T> {
  // No O_CREAT: if the FIFO or device went away since planOut, fail rather than create a plain
  // file. No O_TRUNC: devices and FIFOs have nothing to truncate. O_NOCTTY: a terminal given as
  // --out must not become our controlling terminal. Opening blocks (on a libuv thread) until a
  // FIFO has a reader, as `>` does. No flush: fsync fails with EINVAL on pipes and most devices.
  // (Numeric flags go through to fs.open, which takes them; @types/node types only strings.)
  const stream = createWriteStream(path, { flags: (constants.O_WRONLY | constants.O_NOCTTY) as unknown as string });
  const closed = once(stream, 'close');
  try {
    const result = await write(stream);
    stream.end();
    // A FIFO's reader that went away (`>(head -c 100)`) ends the output quietly, as on stdout:
    // the writers already stopped on that EPIPE.
    await closed.catch((err: Error) => {
      if (!isBrokenPipe(err)) throw err;
    });
    return result;
  } catch (err) {
    stream.destroy();
    await closed.catch(() => undefined); // already failing: the first error is the one worth reporting
    throw err;
  }
}

/** Gives `temp` the owner and mode of the file it is about to replace. */
async function takeOverMetadata(temp: string, existing: Stats): Promise<void> {
  if (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.()) {
    // Best effort: root may give the file back to its owner, others only to a group of theirs.
    // Failing that, the new file is ours, and its mode below still keeps others out.
    await chown(temp, existing.uid, existing.gid).catch(() => undefined);
  }
  // After chown, which clears set-id bits.
  await chmod(temp, existing.mode & 0o7777);
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Writes to a temporary file beside `target` (out-temp.ts), then renames it to `target` once flushed to disk. */
async function writeReplacing<T>(plan: OutPlan & { kind: 'replace' }, write: (stream: Writable) => Promise<T>): Promise<T> {
  const { target, existing } = plan;
  removeStaleTemps(target);
  const temp = tempPathFor(target);
  // flush: fsync before close, or a power loss after the rename can leave an empty file under the
  // real name. (Not a FileHandle stream with autoClose: false and our own sync: its close() never
  // resolves on Node 20, nodejs/node#54797.)
  // Created no more open than the file it replaces (the umask can only narrow it), so its
  // contents are never readable by more users than the old file's, even before the chmod.
  const stream = createWriteStream(temp, { flags: 'wx', flush: true, mode: existing ? existing.mode & 0o777 : 0o666 });
  const closed = once(stream, 'close');
  let interrupted: InterruptedError | null = null;
  let isRenaming = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // Once renaming, the file is complete: let it land rather than tear it down halfway.
    if (isRenaming || interrupted !== null) return;
    const outcome = existing === undefined ? 'not written' : 'left unchanged';
    interrupted = new InterruptedError('CRAWL_INTERRUPTED', `${signal} received; ${plan.out} ${outcome}`);
    // Synchronously, so the file is gone even if nothing after this gets to run.
    rmSync(temp, { force: true });
    // The writers stop at a destroyed stream; the catch below turns their error into this one.
    stream.destroy(interrupted);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  let isWritten = false;
  try {
    const result = await write(stream);
    if (interrupted !== null) throw interrupted;
    stream.end();
    await closed; // rejects with the stream's error (open, write or fsync failing)
    if (existing !== undefined) await takeOverMetadata(temp, existing);
    if (interrupted !== null) throw interrupted;
    isRenaming = true;
    await rename(temp, target);
    isWritten = true;
    return result;
  } catch (err) {
    stream.destroy();
    await closed.catch(() => undefined); // already failing: the first error is the one worth reporting
    await rm(temp, { force: true });
    throw interrupted ?? asTempRefusedError(err, temp, plan.out, existing !== undefined) ?? err;
  } finally {
    // Interrupted too: a second signal (Ctrl+C twice, a service manager's repeated SIGTERM) before
    // the exit found no handler and killed the process, 143 for `report --out` where 130 was due.
    if (isWritten || interrupted !== null) ignoreStopSignalsWhileExiting(onSignal);
    else for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

/**
 * The file is in place and the command is all but done (closing the database, printing its
 * line), or it was interrupted and is exiting with 130: a signal now would kill the process with
 * 130 or 143 for work that succeeded, or 143 for an interrupt already handled. The
 * handler (a no-op once renaming) stays a moment longer, and the command ends with its own status;
 * then the signals get their default action back, should the process live on.
 */
function ignoreStopSignalsWhileExiting(onSignal: (signal: NodeJS.Signals) => void): void {
  setTimeout(() => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }, 2_000).unref();
}
