/**
 * A duration as people write it on a command line: seconds (`90`, `1.5`), or with a unit
 * (`500ms`, `90s`, `10m`, `2h`, `1d`), or units in a row, largest first (`1m30s`, `2h05m`,
 * `1d12h`): the form crawlite prints (`--max-time 10m00s; ... run the same command for 10m00s
 * more`, `waiting 4m10s`), which was refused when typed back (QA). For --max-time, where seconds
 * alone would make `2h` a sum, and for the seconds flags (--timeout, --delay: numeric-flag.ts).
 */
import { UsageError } from '../errors.js';

const PART = String.raw`(\d+(?:\.\d+)?)\s*`;
// Each unit at most once, largest first; `m` not followed by `s`, which is ms.
const SHAPE = new RegExp(String.raw`^(?:${PART}d\s*)?(?:${PART}h\s*)?(?:${PART}m(?!s)\s*)?(?:${PART}s\s*)?(?:${PART}ms)?$`, 'i');
const PLAIN = /^\d+(?:\.\d+)?$/;
const PART_MS = [86_400_000, 3_600_000, 60_000, 1000, 1];

/** Milliseconds that `text` spells (a plain number is seconds); NaN when it spells none. */
export function readDurationMs(text: string): number {
  const trimmed = text.trim();
  if (PLAIN.test(trimmed)) return Number(trimmed) * 1000;
  const match = trimmed === '' ? null : SHAPE.exec(trimmed);
  if (match === null) return NaN;
  return match.slice(1).reduce((sum, part, i) => sum + (part === undefined ? 0 : Number(part) * PART_MS[i]!), 0);
}

/** Milliseconds, or null when `value` is undefined; a UsageError naming `flag` outside minMs..maxMs. */
export function parseDuration(flag: string, value: unknown, minMs: number, maxMs: number): number | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const ms = Math.round(readDurationMs(text));
  if (!Number.isFinite(ms) || ms < minMs || ms > maxMs) {
    throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${String(value)}': expected a duration from ${minMs / 1000}s to ${maxMs / 86_400_000}d, in seconds or with units: 90, 90s, 10m, 1h30m, 2h, 1d`);
  }
  return ms;
}
