/**
 * Seeds from a file (--seeds-file, wget's -i): one URL per line, `-` for stdin. Blank lines and
 * lines starting with # are skipped; a line with a space inside (two URLs, a comment after one)
 * is refused (seed-url.ts). Each URL is checked as a seed typed on the command line is,
 * and a bad one is named by file and line: a list of thousands is fixed faster that way.
 *
 * The seeds are the crawl's scope and live in its config, so the list is bounded: past
 * MAX_SEEDS the file is refused, and a longer list is split over runs on the same --db (each run
 * adds its seeds to the frontier the earlier ones left).
 */
import { readSync } from 'node:fs';
import { isatty } from 'node:tty';
import { decodeTextFile, notUtf8Words, readBounded } from './text-file.js';
import { UsageError } from '../errors.js';
import { seedPortProblem, seedUrlProblem, suggestSeed, SPACE_IN_SEED, type SeedProblem } from './seed-url.js';

export const MAX_SEEDS = 100_000;
/** About MAX_SEEDS URLs of 300 characters: a bigger file is not a seed list worth reading. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

/**
 * All of stdin. Not readFileSync(0): typed in a terminal (`crawlite crawl -i -`, then the URLs and
 * Ctrl+D, as with `wget -i -`), the terminal's descriptor, shared with stdout, is non-blocking
 * once Node has set stdout up, and readFileSync failed at once with EAGAIN (QA). Read as it
 * comes instead, waiting a moment whenever nothing is there yet; a pipe or file reads as before.
 */
function readStdin(): Buffer {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let size = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 50);
        continue;
      }
      if (code === 'EOF') break;
      throw err;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
    size += n;
    // Past the bound the file is refused below anyway: no need to hold more of it.
    if (size > MAX_FILE_BYTES) break;
  }
  return Buffer.concat(chunks);
}

/**
 * All of stdin, as readStdin, but as it comes on the event loop: the synchronous read held the
 * loop, so a Ctrl+C while the URLs were typed (or piped) could only end the process by the
 * signal's default action, with no line (QA 18); now cli/early-interrupt.ts answers it.
 */
export async function readStdinSeeds(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    if (isatty(0)) promptTerminal();
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      // Past the bound the file is refused anyway: no need to hold more of it.
      if (size > MAX_FILE_BYTES) break;
    }
  } catch (err) {
    throw readError('-', err);
  }
  return Buffer.concat(chunks);
}

function promptTerminal(): void {
  process.stderr.write('crawlite: reading seed URLs from the terminal, one per line; end with Ctrl+D\n');
}

function readError(path: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'a part of its path is a file, not a folder' : (err as Error).message;
  return new UsageError('CRAWL_USAGE', `cannot read --seeds-file ${path === '-' ? 'stdin' : path}: ${why}`);
}

/** `stdin`: stdin's bytes, for path '-', when readStdinSeeds has read them. */
function readText(path: string, stdin?: Buffer): string {
  const name = path === '-' ? 'stdin' : path;
  let bytes: Buffer;
  try {
    if (path === '-' && stdin === undefined && isatty(0)) promptTerminal();
    bytes = path === '-' ? (stdin ?? readStdin()) : readBounded(path, MAX_FILE_BYTES);
  } catch (err) {
    throw readError(path, err);
  }
  if (bytes.length > MAX_FILE_BYTES) {
    throw new UsageError('CRAWL_USAGE', `--seeds-file ${name} is larger than 32 MB; split it over several runs on the same --db`);
  }
  return decodeTextFile(bytes, (at) => new UsageError('CRAWL_SEED_INVALID', `${name}:${at.line}: column ${at.column}: ${notUtf8Words(at)}`));
}

/** A bad line as quoted in the error: control characters escaped, so the terminal shows them. */
function quoteLine(line: string): string {
  const shown = line.length > 200 ? `${line.slice(0, 200)}...` : line;
  return shown.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** The file's URLs, in order, as given (the config normalizes and dedups them). */
export function readSeedsFile(path: string, stdin?: Buffer): string[] {
  const name = path === '-' ? 'stdin' : path;
  const seeds: string[] = [];
  const bad: number[] = [];
  let firstBad = '';
  let firstProblem: SeedProblem = 'not-http';
  let firstPort: string | null = null;
  let firstSuggested: string | null = null;
  // A bare CR ends a line too (old Mac files): the URL parser drops CRs, tabs and newlines inside
  // a URL, so two URLs on CR-ended lines were silently one (QA).
  const lines = readText(path, stdin).split(/\r\n|\r|\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    // A control character inside the URL (a tab between two URLs) would be dropped by the URL
    // parser, joining what was written apart: refused with the line instead.
    const problem = /[\u0000-\u001f\u007f]/.test(line) ? 'not-http' : seedUrlProblem(line);
    if (problem) {
      if (bad.length === 0) [firstBad, firstProblem, firstPort, firstSuggested] = [quoteLine(line), problem, seedPortProblem(line), suggestSeed(line)];
      bad.push(i + 1);
      continue;
    }
    seeds.push(line);
    if (seeds.length > MAX_SEEDS) {
      throw new UsageError('CRAWL_USAGE', `--seeds-file ${name} holds more than ${MAX_SEEDS.toLocaleString('en-US')} URLs; split it over several runs on the same --db`);
    }
  }
  if (bad.length > 0) {
    const more = bad.length > 1 ? ` (and ${bad.length - 1} more line${bad.length > 2 ? 's' : ''}: ${bad.slice(1, 6).join(', ')}${bad.length > 6 ? ', ...' : ''})` : '';
    const fix = firstProblem === 'space'
      ? `${SPACE_IN_SEED}; give one URL per line, a # comment on a line of its own, and a space inside a URL as %20`
      // As a typed seed's line offers the URL meant (a list of bare host names: example.org/docs).
      : firstPort ?? `give one absolute http:// or https:// URL per line${firstSuggested === null ? '' : `, e.g. ${firstSuggested}`}`;
    throw new UsageError('CRAWL_SEED_INVALID', `${name}:${bad[0]}: invalid seed URL '${firstBad}'${more}: ${fix}`);
  }
  if (seeds.length === 0) throw new UsageError('CRAWL_USAGE', `--seeds-file ${name} holds no URL (one per line; blank lines and # comments are skipped)`);
  return seeds;
}
