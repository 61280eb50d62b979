/**
 * What the full-text index is given for a page: its text's distinct words, once each.
 *
 * The index is contentless with detail=none (store/db.ts; detail=column in files
 * made by 0.1): for each term it keeps which pages (and columns) hold it, no counts and no
 * positions, and ranking uses nothing else (search/search.ts). So a page's distinct words
 * index exactly as its whole text does, and FTS5 tokenizes a tenth as much on the writer's
 * thread: on the 50 KB bench article, ~800 distinct words instead of ~8,000.
 *
 * The split must never join what FTS5 would split, nor the other way round after FTS5 splits
 * again: it cuts only at ASCII characters that are not letters or digits, which unicode61 (the
 * default tokenizer) always treats as separators, and leaves every other character to FTS5.
 * Only ASCII capitals are lowercased, which is what unicode61 does to them too (Unicode case
 * mapping can change a character's class: 'İ' lowercases to 'i' plus a combining dot).
 */

/**
 * Each byte as it goes into a word: ASCII letters and digits as they are, ASCII capitals folded to
 * lowercase (as unicode61 folds them), 0 for ASCII separators (NUL among them: it is one too).
 * Every byte >= 0x80 belongs to a multi-byte UTF-8 character and is kept inside the word, for FTS5
 * to classify.
 */
const FOLD = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const c = String.fromCharCode(b);
  FOLD[b] = b >= 0x80 || /[a-z0-9]/.test(c) ? b : /[A-Z]/.test(c) ? b | 0x20 : 0;
}

/**
 * Scratch space kept between calls (one module instance per thread, and the function never
 * yields, so calls cannot interleave). Allocating the text's bytes, the output and three tables
 * afresh for every page cost 0.50 against 0.44 ms on the bench article (timed alone; in the
 * whole of parsePage the difference is within bench/parse-instructions.mjs's noise). Buffers past SCRATCH_KEEP_BYTES are used once and
 * dropped, so one huge page does not pin its size in every worker for good.
 */
const SCRATCH_KEEP_BYTES = 4 << 20;
const INITIAL_SLOTS = 4096;
const KEEP_SLOTS = 1 << 16;
const encoder = new TextEncoder();
let textScratch = new Uint8Array(64 * 1024);
let outScratch = Buffer.allocUnsafeSlow(16 * 1024);

/**
 * Open-addressing table over the words seen, one slot per four int32s (stamp, then the word's
 * key low and high, then its start, at offsets 0-3: see scanWords), so that a probe reads one cache line rather
 * than one from each of four arrays. A slot is live when its stamp equals the current call's, so
 * a new call starts with an empty table without clearing it. With the loop's state in locals
 * too, the bench article took 0.31-0.32 ms against 0.35-0.41 ms (best of 60 alternated passes).
 */
let slots = INITIAL_SLOTS;
let table = new Int32Array(slots * 4);
let stamp = 0;

function resetTable(size: number): void {
  slots = size;
  table = new Int32Array(size * 4);
  stamp = 0;
}

/** Doubles the table, moving this call's live slots. */
function growTable(): void {
  const old = table;
  const oldStamp = stamp;
  resetTable(slots * 2);
  stamp = 1;
  const mask = slots - 1;
  for (let k = 0; k < old.length; k += 4) {
    if (old[k] !== oldStamp) continue;
    let to = mixKey(old[k + 1] as number, old[k + 2] as number) & mask;
    while (table[to * 4] === stamp) to = (to + 1) & mask;
    table.set(old.subarray(k, k + 4), to * 4);
    table[to * 4] = stamp;
  }
}

/** Distinct words of `text`, space-separated, in first-seen order, at most `maxBytes` of UTF-8. */
export function searchWords(text: string, maxBytes: number): string {
  return collectSearchWords(text, maxBytes).words;
}

export interface SearchWords {
  words: string;
  /**
   * The whole text's length in UTF-8 (lone surrogates count 3, as U+FFFD): the scan encodes the
   * text anyway, so the caller need not measure it again (Buffer.byteLength over a 45 KB text
   * is ~0.4 M instructions, 2 % of parsePage).
   */
  textBytes: number;
}

/**
 * searchWords, and the text's UTF-8 length found on the way.
 *
 * One pass over the text's UTF-8 bytes with a hand-rolled open-addressing table over the words'
 * bytes: a JS Set of sliced words cost more than FTS5 tokenizing the whole text (1.4 ms against
 * 0.5 ms on the bench article), and so did a charCodeAt scan. Bytes are cheap to read, ASCII
 * capitals fold in place, a repeated word is keyed during the scan (compared in place only when
 * longer than 7 bytes), and
 * the distinct words are copied into one output buffer, decoded once.
 */
export function collectSearchWords(text: string, maxBytes: number): SearchWords {
  // encodeInto writes at most 3 bytes per UTF-16 unit (a surrogate pair makes 4 from 2). Two
  // sentinels follow the text: a space that ends the last word, so the word loop needs no end
  // test, and a letter that stops the separator loop, whose end is then tested once per word.
  const need = text.length * 3 + 2;
  let bytes = textScratch;
  if (need > bytes.length) {
    bytes = new Uint8Array(need);
    if (need <= SCRATCH_KEEP_BYTES) textScratch = bytes;
  }
  const n = encoder.encodeInto(text, bytes).written;
  bytes[n] = 0x20;
  bytes[n + 1] = 0x61;
  const limit = Math.min(n, Math.max(0, maxBytes));
  let out = outScratch;
  if (limit > out.length) {
    out = Buffer.allocUnsafeSlow(limit);
    if (limit <= SCRATCH_KEEP_BYTES) outScratch = out;
  }
  const outLength = scanWords(bytes, n, limit, out);
  return { words: out.toString('utf8', 0, outLength), textBytes: n };
}

/**
 * The scan itself, apart from the string work around it: it returns a number and touches only
 * typed arrays and the table. On a page's first call V8 compiles the loop on stack replacement,
 * before the code after the loop has ever run; with `out.toString` and the result object after
 * the loop in the same function, that code had no type feedback, and the optimized loop, cached
 * for stack replacement, deoptimized at its end on every later call too (with
 * --single-threaded: once per page, 240 in 240 pages; with V8's compiler threads a few times per
 * worker before the whole function was optimized).
 */
function scanWords(bytes: Uint8Array, n: number, limit: number, out: Uint8Array): number {
  if (slots > KEEP_SLOTS) resetTable(INITIAL_SLOTS); // a huge vocabulary last time
  if (++stamp === 0x7fffffff) resetTable(slots);
  if (stamp === 0) stamp = 1;
  // Locals, not the module's bindings: a module-level `let` costs a context load and a hole
  // check on every use in the loop.
  const folds = FOLD;
  let t = table;
  let live = stamp;
  let mask = slots - 1;
  let slotMask = mask << 2;
  let size = 0;
  let outLength = 0;
  let i = 0;
  for (;;) {
    // A word and its separators each in a loop of their own: one table load and test per byte
    // instead of a branch on the state (in a word or not) as well.
    let b = folds[bytes[i] as number] as number;
    while (b === 0) b = folds[bytes[++i] as number] as number;
    if (i > n) break;
    const start = i;
    // The word's last 8 bytes, shifted through two int32s: `low` the last four, `high` the four
    // before. No byte of a word is 0, so a word of up to 7 bytes is exactly its (low, high) with
    // high's top byte 0, and equal keys mean equal words without comparing bytes: ~9 of 10 words
    // on a page repeat one seen before, and comparing them byte by byte was half of the scan.
    let low = 0;
    let high = 0;
    do {
      bytes[i] = b;
      high = (high << 8) | (low >>> 24);
      low = (low << 8) | b;
      b = folds[bytes[++i] as number] as number;
    } while (b !== 0);
    const length = i - start;
    const hash = mixKey(low, high);
    let slot = (hash & mask) << 2;
    let isNew = true;
    while (t[slot] === live) {
      if (t[slot + 1] === low && t[slot + 2] === high && ((high & 0xff000000) === 0 || sameLongWord(bytes, t[slot + 3] as number, start, length))) {
        isNew = false;
        break;
      }
      slot = (slot + 4) & slotMask;
    }
    if (isNew) {
      if (outLength + (outLength > 0 ? 1 : 0) + length > limit) break;
      if (outLength > 0) out[outLength++] = 0x20;
      for (let k = start; k < i; k++) out[outLength++] = bytes[k] as number;
      t[slot] = live;
      t[slot + 1] = low;
      t[slot + 2] = high;
      t[slot + 3] = start;
      // Keep the table at most half full.
      if (++size * 2 > slots) {
        growTable();
        t = table;
        live = stamp;
        mask = slots - 1;
        slotMask = mask << 2;
      }
    }
  }
  return outLength;
}

/** A 32-bit hash of a word's key, its low bits well mixed (they pick the slot). */
function mixKey(low: number, high: number): number {
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 13);
}

/**
 * Whether the word seen at `at` is the `length` bytes at `start`, for words of 8 bytes or more
 * (whose keys hold only their last 8). The word at `at` was folded in place and ends at a
 * separator, which is never a folded word byte, so a shorter word there fails the byte loop and a
 * longer one the end test.
 */
function sameLongWord(bytes: Uint8Array, at: number, start: number, length: number): boolean {
  let k = 0;
  while (k < length && bytes[at + k] === bytes[start + k]) k++;
  return k === length && FOLD[bytes[at + length] as number] === 0;
}
