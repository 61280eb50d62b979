/**
 * Endless paginations: `/list?page=N` answering "No results" past the last page, each such page
 * linking `?page=N+1`; `/blog/page/N/` doing the same as a path; a `<meta refresh>` to `?n=N+1`.
 * Each page is the one before but for its own numbers ("page 8", a pager of 6 to 10, the next
 * link), so no other rule saw a trap: the query-variant cap stopped the first at 500 pages, the
 * path chain ran to --max-pages or --max-time (32,717 pages in 120 s on loopback).
 *
 * A page is a *repeat* when it is the RUN_LENGTH-th (or later) page in a row, in the order pages
 * are stored, of one URL pattern (the URL with each run of digits read as one placeholder) whose
 * body is the same as the one before it but for the numbers near those of its own URL (each
 * within NEAR_NUMBER of a number in the URL: the page number, the pager's window, the next link).
 * A repeat's new links are skipped as a copy's are (store/writer.ts), which ends the chain.
 *
 * Real pages of one pattern have items of their own, and one that differs ends the run: a
 * pagination whose pages list different things, a shop's `/p/123` pages, are crawled whole.
 * Numbers far from the URL's are compared as they are, so pages of numeric data (rows 351 to 400
 * on page 8) differ too. Pages of other patterns stored in between do not break a run; pages of
 * the same pattern from another chain do, which errs toward crawling.
 *
 * Memory: one hash and a count per pattern, for the last MAX_PATTERNS patterns met. Cost: an HTML
 * body of up to MAX_BODY_BYTES whose URL holds a digit is read once more on its parse thread, where
 * its hash is taken (repeatKeyOf); longer ones are never repeats.
 */
import { createHash } from 'node:crypto';
import type { RepeatKey } from '../types.js';

/** The page that makes a run this long is a repeat; so is each one after it. */
export const RUN_LENGTH = 8;
/** A number in a body is read as a placeholder when it is this close to one of its URL's. */
const NEAR_NUMBER = 10;
const MAX_PATTERNS = 2048;
const MAX_BODY_BYTES = 512 * 1024;

export interface RepeatRuns {
  /** Notes a stored page by its key; its place in its run when that is RUN_LENGTH or more, else 0. */
  note(key: RepeatKey): number;
}

/**
 * A page's key, on a parse thread (parse/worker.ts), which holds the body; null for a URL without
 * a number after its host or a body over MAX_BODY_BYTES.
 */
export function repeatKeyOf(url: string, body: Uint8Array): RepeatKey | null {
  if (body.byteLength > MAX_BODY_BYTES) return null;
  const numbers = urlNumbers(url);
  if (numbers.length === 0) return null;
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  return { pattern: url.slice(0, pathStart) + url.slice(pathStart).replace(/\d+/g, '#'), hash: hashBeyondNumbers(body, numbers) };
}

export function createRepeatRuns(runLength = RUN_LENGTH): RepeatRuns {
  const runs = new Map<string, { hash: string; count: number }>();
  return {
    note({ pattern, hash }) {
      const last = runs.get(pattern);
      // Least recently noted first out: a Map iterates in insertion order, so re-insert on use.
      if (last !== undefined) runs.delete(pattern);
      else if (runs.size >= MAX_PATTERNS) runs.delete(runs.keys().next().value!);
      const count = last !== undefined && last.hash === hash ? last.count + 1 : 1;
      runs.set(pattern, { hash, count });
      return count >= runLength ? count : 0;
    },
  };
}

/** The numbers in a URL after its host (its port is no page's number). */
function urlNumbers(url: string): number[] {
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  if (pathStart === -1) return [];
  const found = url.slice(pathStart).match(/\d+/g);
  // A run of more than 15 digits is no page number: it could not be compared exactly as a number.
  return found === null ? [] : found.filter((n) => n.length <= 15).map(Number);
}

/** The body's hash with each number near one of `numbers` read as a placeholder. */
function hashBeyondNumbers(body: Uint8Array, numbers: number[]): string {
  // Latin-1 maps each byte to one character, so any body reads whole; digits are ASCII in UTF-8 too.
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const blanked = text.replace(/\d+/g, (digits) => {
    if (digits.length > 15) return digits;
    const n = Number(digits);
    return numbers.some((own) => Math.abs(own - n) <= NEAR_NUMBER) ? '#' : digits;
  });
  return createHash('sha1').update(blanked, 'latin1').digest('hex');
}
