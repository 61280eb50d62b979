/**
 * A duration as people write it on a command line: seconds (`90`, `1.5`), or with a unit
 * (`90s`, `10m`, `2h`, `1d`). For --max-time, where seconds alone would make `2h` a sum.
 */
import { UsageError } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SHAPE = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/i;

/** Milliseconds, or null when `value` is undefined; a UsageError naming `flag` outside minMs..maxMs. */
export function parseDuration(flag: string, value: unknown, minMs: number, maxMs: number): number | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = SHAPE.exec(text);
  const ms = match ? Math.round(Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!) : NaN;
  if (!Number.isFinite(ms) || ms < minMs || ms > maxMs) {
    throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${String(value)}': expected a duration from ${minMs / 1000}s to ${maxMs / 86_400_000}d, in seconds or with a unit: 90, 90s, 10m, 2h, 1d`);
  }
  return ms;
}
