/**
 * The one parser for numeric command-line values. Number() and yargs' own number parsing take ''
 * as 0 and also read 0x10, 1e2 and Infinity, so an unset shell variable (`--max-depth "$D"`)
 * silently became a limit of 0. Only plain decimal digits are numbers here; surrounding
 * whitespace is trimmed, as it is for sizes and header values.
 */
import { UsageError } from '../errors.js';
import { readDurationMs } from './duration.js';

const WHOLE = /^\d+$/;

/** A whole number within [min, max]; null when the flag was not given. `hint` ends the message (`; --no-max-depth for no limit`). */
export function wholeNumberFlag(flag: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER, hint = ''): number | null {
  if (value === undefined || value === null) return null;
  const n = readNumber(value, WHOLE);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    // A number past the largest exact one was told "expected a whole number >= 1", which it is (QA).
    const bound = n > max ? `, at most ${max}` : '';
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}${bound}` : `a whole number from ${min} to ${max}`;
    throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${String(value)}': expected ${range}${hint}`);
  }
  return n;
}

/**
 * A count of seconds checked by `isInRange`: digits with an optional decimal fraction (0.5, 1.25),
 * no exponent, no bare dot; or with units, as --max-time takes them (config/duration.ts: 500ms,
 * 10s, 2m, 1m30s). Null when the flag was not given. `expected` names the range in seconds; the
 * units are added.
 */
export function secondsFlag(flag: string, value: unknown, isInRange: (n: number) => boolean, expected: string): number | null {
  if (value === undefined || value === null) return null;
  const n = readSeconds(value);
  if (!Number.isFinite(n) || !isInRange(n)) {
    throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${String(value)}': expected ${expected}, plain or with units (500ms, 10s, 2m, 1m30s)`);
  }
  return n;
}

function readSeconds(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? readDurationMs(value) / 1000 : NaN;
}

/** NaN unless `value` is a finite number or text matching `shape` (yargs defaults arrive as numbers). */
function readNumber(value: unknown, shape: RegExp): number {
  if (typeof value === 'number') return shape === WHOLE && !Number.isInteger(value) ? NaN : value;
  if (typeof value !== 'string') return NaN;
  const text = value.trim();
  return shape.test(text) ? Number(text) : NaN;
}
