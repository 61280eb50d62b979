/**
 * Endless paginations: `/list?page=N` answering "No results" past the last page, each such page
 * linking `?page=N+1`; `/blog/page/N/` doing the same as a path; a `<meta refresh>` to `?n=N+1`.
 * Each page is the one before but for its own numbers ("page 8", a pager of 6 to 10, the next
 * link), so no other rule saw a trap: the query-variant cap stopped the first at 500 pages, the
 * path chain ran to --max-pages or --max-time (32,717 pages in 120 s on loopback).
 *
 * A page is a *repeat* when it is the RUN_LENGTH-th (or later) page in a row, in the order pages
 * are stored, of one URL pattern (the URL after its host with each run of digits read as one
 * placeholder) that is the page before it but for numbers that moved with the URL's: its body
 * with every number read as a placeholder is the same, and each number in it is the one at that
 * place in the page before, or differs from it by what one of the URL's numbers moved by (page 8
 * to page 9: by 1). A repeat's new links are skipped as a copy's are (store/writer.ts), which ends
 * the chain.
 *
 * Real pages of one pattern have items of their own, and one that differs ends the run: a
 * pagination whose pages list different things, a shop's `/p/123` pages, are crawled whole; so
 * are pages of numeric data (rows 1,021 to 1,040 on page 2, 1,041 to 1,060 on page 3: they moved
 * by 20, the page number by 1). Pages of other patterns stored in between do not break a run;
 * pages of the same pattern from another chain do, which errs toward crawling.
 *
 * Off unless --max-repeat-run is given: "the same but for its numbers" is a looser test than the
 * same bytes, and a site generated for a test, a demo or a benchmark can be a chain of pages that
 * say only their number ("page 5", a next link), which no rule can tell from an endless listing.
 * At 20, generated sites of 60 such pages in crawlite's own tests stopped at 21; at 100, one of 120
 * stopped at 119. A user crawling such a site expects all of it, as wget, Scrapy and Crawlee give.
 *
 * Memory: per pattern, a length, a hash and at most MAX_NUMBERS numbers, for the last
 * MAX_PATTERNS patterns met. The key is taken on the parse thread that holds the body (repeatKeyOf,
 * parse/worker.ts), for an HTML body of up to MAX_BODY_BYTES whose URL holds a digit and whose
 * length is near the last of its pattern's (shouldKey): 0.15 ms for a 49 KiB page, 7 % of its
 * parse, which pages of one pattern that differ in length (articles) do not pay.
 */
import { createHash } from 'node:crypto';
import type { RepeatKey } from '../types.js';

/**
 * The page that makes a run this long is a repeat; so is each one after it. The crawl's run length
 * is --max-repeat-run, off (0) unless given; this is the length the docs suggest.
 */
export const RUN_LENGTH = 100;
const MAX_PATTERNS = 512;
/** A moved copy's body is this close in length to the page before (a pager crossing 99 to 100). */
const LENGTH_SLACK = 64;
const MAX_BODY_BYTES = 512 * 1024;
/** A body with more numbers (a table of figures) is never a repeat: its numbers are not kept. */
const MAX_NUMBERS = 2000;
/** A run of more digits is no number to compare: read as text. */
const MAX_DIGITS = 15;
const DIGITS = /\d+/g;

export interface RepeatRuns {
  /**
   * Before a page's parse: whether its parse thread should take its key. Only when its body is
   * within LENGTH_SLACK bytes of the last page of its pattern's: a moved copy is, and most pages
   * of a pattern (articles, products) are not, so they cost no key. A page not keyed ends its
   * pattern's run.
   */
  shouldKey(url: string, bodyBytes: number): boolean;
  /** Notes a stored page by its key; its place in its run when it is a moved copy and that place is the run length or more, else 0. */
  note(key: RepeatKey): number;
}

/**
 * A page's key, on a parse thread (parse/worker.ts), which holds the body; null for a URL without
 * a number after its host, a body over MAX_BODY_BYTES or with over MAX_NUMBERS numbers.
 */
export function repeatKeyOf(url: string, body: Uint8Array): RepeatKey | null {
  if (body.byteLength > MAX_BODY_BYTES) return null;
  const pathStart = pathStartOf(url);
  if (pathStart === -1) return null;
  const path = url.slice(pathStart);
  const urlNumbers = numbersOf(path);
  if (urlNumbers === null || urlNumbers.length === 0) return null;
  // Latin-1 maps each byte to one character, so any body reads whole; digits are ASCII in UTF-8 too.
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const numbers = numbersOf(text);
  if (numbers === null) return null;
  const blanked = text.replace(DIGITS, (digits) => (digits.length > MAX_DIGITS ? digits : '#'));
  return {
    pattern: patternOf(url, pathStart),
    hash: createHash('sha1').update(blanked, 'latin1').digest('hex'),
    numbers,
    urlNumbers,
  };
}

/** `runLength` 0: no page is ever a repeat (--max-repeat-run 0), and none is keyed. */
export function createRepeatRuns(runLength = RUN_LENGTH): RepeatRuns {
  const runs = new Map<string, { key: RepeatKey; count: number }>();
  const lengths = new Map<string, number>();
  return {
    shouldKey(url, bodyBytes) {
      if (runLength === 0) return false;
      const pathStart = pathStartOf(url);
      if (pathStart === -1 || bodyBytes > MAX_BODY_BYTES || !/\d/.test(url.slice(pathStart))) return false;
      const pattern = patternOf(url, pathStart);
      const last = lengths.get(pattern);
      if (last !== undefined) lengths.delete(pattern);
      else if (lengths.size >= MAX_PATTERNS) lengths.delete(lengths.keys().next().value!);
      lengths.set(pattern, bodyBytes);
      const isNear = last !== undefined && Math.abs(last - bodyBytes) <= LENGTH_SLACK;
      if (!isNear) runs.delete(pattern);
      return isNear;
    },
    note(key) {
      if (runLength === 0) return 0;
      const last = runs.get(key.pattern);
      // Least recently noted first out: a Map iterates in insertion order, so re-insert on use.
      if (last !== undefined) runs.delete(key.pattern);
      else if (runs.size >= MAX_PATTERNS) runs.delete(runs.keys().next().value!);
      const isCopy = last !== undefined && isMovedCopy(key, last.key);
      const count = isCopy ? last.count + 1 : 1;
      runs.set(key.pattern, { key, count });
      // A page that begins a run is no copy, whatever the cap (--max-repeat-run 1 took every
      // keyed page for one).
      return isCopy && count >= runLength ? count : 0;
    },
  };
}

/** Where a URL's path begins (after its host, whose digits are no page number); -1 for none. */
function pathStartOf(url: string): number {
  return url.indexOf('/', url.indexOf('//') + 2);
}

/** The URL's pattern: after its host, each run of digits one placeholder (`/list?page=#`). */
function patternOf(url: string, pathStart: number): string {
  return url.slice(0, pathStart) + url.slice(pathStart).replace(DIGITS, '#');
}

/** `page` is `before` but for numbers that moved by what one of its URL's numbers moved by. */
function isMovedCopy(page: RepeatKey, before: RepeatKey): boolean {
  if (page.hash !== before.hash || page.numbers.length !== before.numbers.length || page.urlNumbers.length !== before.urlNumbers.length) return false;
  const moves = new Set<number>();
  for (let i = 0; i < page.urlNumbers.length; i++) {
    const move = page.urlNumbers[i]! - before.urlNumbers[i]!;
    if (move !== 0) moves.add(move);
  }
  for (let i = 0; i < page.numbers.length; i++) {
    const move = page.numbers[i]! - before.numbers[i]!;
    if (move !== 0 && !moves.has(move)) return false;
  }
  return true;
}

/** The numbers in `text` in order (runs of up to MAX_DIGITS digits); null past MAX_NUMBERS. */
function numbersOf(text: string): number[] | null {
  const numbers: number[] = [];
  for (const [digits] of text.matchAll(DIGITS)) {
    if (digits.length > MAX_DIGITS) continue;
    if (numbers.length === MAX_NUMBERS) return null;
    numbers.push(Number(digits));
  }
  return numbers;
}
