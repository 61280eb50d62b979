/**
 * The one parser for numeric command-line values. Number() and yargs' own number parsing take ''
 * as 0 and also read 0x10, 1e2 and Infinity, so an unset shell variable (`--max-depth "$D"`)
 * silently became a limit of 0. Only plain decimal digits are numbers here; surrounding
 * whitespace is trimmed, as it is for sizes and header values.
 */
import { UsageError } from '../errors.js';

const WHOLE = /^\d+$/;
/** Seconds: digits with an optional decimal fraction (0.5, 1.25); no exponent, no bare dot. */
const DECIMAL = /^\d+(?:\.\d+)?$/;

/** A whole number within [min, max]; null when the flag was not given. `hint` ends the message (`; --no-max-depth for no limit`). */
export function wholeNumberFlag(flag: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER, hint = ''): number | null {
  if (value === undefined || value === null) return null;
  const n = readNumber(value, WHOLE);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
    throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${String(value)}': expected ${range}${hint}`);
  }
  return n;
}

/** A count of seconds (fractions allowed) checked by `isInRange`; null when the flag was not given. */
export function secondsFlag(flag: string, value: unknown, isInRange: (n: number) => boolean, expected: string): number | null {
  if (value === undefined || value === null) return null;
  const n = readNumber(value, DECIMAL);
  if (!Number.isFinite(n) || !isInRange(n)) throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${String(value)}': expected ${expected}`);
  return n;
}

/** NaN unless `value` is a finite number or text matching `shape` (yargs defaults arrive as numbers). */
function readNumber(value: unknown, shape: RegExp): number {
  if (typeof value === 'number') return shape === WHOLE && !Number.isInteger(value) ? NaN : value;
  if (typeof value !== 'string') return NaN;
  const text = value.trim();
  return shape.test(text) ? Number(text) : NaN;
}
