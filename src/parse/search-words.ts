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
 * Each UTF-16 code unit as it goes into a word: ASCII letters and digits as they are, ASCII
 * capitals folded to lowercase (as unicode61 folds them), 0 for ASCII separators (NUL among them:
 * it is one too). Every unit >= 0x80 is kept inside the word, for FTS5 to classify. A table over
 * all 65,536 units (128 KB a thread) rather than a branch on ASCII: one load per unit.
 */
const FOLD = new Uint16Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  const isAsciiWord = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a);
  FOLD[c] = c >= 0x80 || isAsciiWord ? c : c >= 0x41 && c <= 0x5a ? c | 0x20 : 0;
}

/**
 * Scratch space kept between calls (one module instance per thread, and the function never
 * yields, so calls cannot interleave). Allocating the text's units, the output and three tables
 * afresh for every page cost 0.50 against 0.44 ms on the bench article (timed alone; in the
 * whole of parsePage the difference is within bench/parse-instructions.mjs's noise). Buffers past SCRATCH_KEEP_BYTES are used once and
 * dropped, so one huge page does not pin its size in every worker for good.
 */
const SCRATCH_KEEP_BYTES = 4 << 20;
const INITIAL_SLOTS = 4096;
const KEEP_SLOTS = 1 << 16;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Buffer#write in 'utf16le' writes little-endian units; a Uint16Array reads them in the platform's order. */
const IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
let unitBytes = Buffer.allocUnsafeSlow(128 * 1024);
let outScratch = Buffer.allocUnsafeSlow(16 * 1024);
/** UTF-8 bytes beyond one per code unit in the text scanWords last read (its result is the output's length). */
let extraBytes = 0;

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
   * The whole text's length in UTF-8 (lone surrogates count 3, as U+FFFD): the scan reads every
   * unit anyway and only its non-ASCII words need measuring, so the caller need not measure the
   * text again (Buffer.byteLength over a 45 KB text is ~0.4 M instructions, 2 % of parsePage).
   */
  textBytes: number;
}

/**
 * searchWords, and the text's UTF-8 length found on the way.
 *
 * One pass over the text's UTF-16 code units with a hand-rolled open-addressing table over the
 * words: a JS Set of sliced words cost more than FTS5 tokenizing the whole text (1.4 ms against
 * 0.5 ms on the bench article), and so did a charCodeAt scan. The units are copied out with
 * Buffer#write in 'utf16le', a plain copy of a two-byte string; encoding the text to UTF-8 to scan
 * its bytes instead (TextEncoder#encodeInto) cost ~0.9 M instructions a bench page, more than a
 * third of the function. Units are cheap to read, ASCII capitals fold in place, a repeated word
 * is keyed during the scan (compared in place only when longer than 7 units or not ASCII), and
 * only the distinct words are encoded to UTF-8, into one output buffer decoded once.
 */
export function collectSearchWords(text: string, maxBytes: number): SearchWords {
  const n = text.length;
  // Two sentinels follow the text: a space that ends the last word, so the word loop needs no
  // end test, and a letter that stops the separator loop, whose end is then tested once per word.
  const need = 2 * (n + 2);
  let bytes = unitBytes;
  if (need > bytes.length) {
    bytes = Buffer.allocUnsafeSlow(need);
    if (need <= SCRATCH_KEEP_BYTES) unitBytes = bytes;
  }
  bytes.write(text, 0, 'utf16le');
  if (!IS_LITTLE_ENDIAN) bytes.subarray(0, 2 * n).swap16();
  const units = new Uint16Array(bytes.buffer, 0, n + 2);
  units[n] = 0x20;
  units[n + 1] = 0x61;
  // A word is never longer in UTF-8 than 3 bytes a unit.
  const limit = Math.min(3 * n, Math.max(0, maxBytes));
  let out = outScratch;
  if (limit > out.length) {
    out = Buffer.allocUnsafeSlow(limit);
    if (limit <= SCRATCH_KEEP_BYTES) outScratch = out;
  }
  const outLength = scanWords(units, n, limit, out);
  // A lone surrogate becomes U+FFFD in UTF-8 (and so in FTS5, and in the words given to it): the
  // text is made well-formed the same way and scanned again. Decoded HTML never holds one.
  if (outLength === -1) return collectSearchWords(text.replace(LONE_SURROGATE, '\ufffd'), maxBytes);
  return { words: out.toString('utf8', 0, outLength), textBytes: n + extraBytes };
}

/**
 * The scan itself, apart from the string work around it: it returns a number and touches only
 * typed arrays and the table. On a page's first call V8 compiles the loop on stack replacement,
 * before the code after the loop has ever run; with `out.toString` and the result object after
 * the loop in the same function, that code had no type feedback, and the optimized loop, cached
 * for stack replacement, deoptimized at its end on every later call too (with
 * --single-threaded: once per page, 240 in 240 pages; with V8's compiler threads a few times per
 * worker before the whole function was optimized).
 *
 * Returns the output's length, or -1 when the text holds a lone surrogate; leaves the text's UTF-8
 * bytes beyond one a unit in extraBytes.
 */
function scanWords(units: Uint16Array, n: number, limit: number, out: Uint8Array): number {
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
  let extra = 0;
  let i = 0;
  for (;;) {
    // A word and its separators each in a loop of their own: one table load and test per unit
    // instead of a branch on the state (in a word or not) as well.
    let b = folds[units[i] as number] as number;
    while (b === 0) b = folds[units[++i] as number] as number;
    if (i > n) break;
    const start = i;
    // The word's last 8 units, a byte of each, shifted through two int32s: `low` the last four,
    // `high` the four before. No unit of a word is 0, so a word of up to 7 ASCII units is exactly
    // its (low, high) with high's top byte 0, and equal keys mean equal words without comparing
    // units: ~9 of 10 words on a page repeat one seen before, and comparing them unit by unit was
    // half of the scan. Any other word gets high's top bit set, and is compared in place.
    let low = 0;
    let high = 0;
    // Every unit ORed together: whether the word is all ASCII, tested once it ends. A test per
    // unit in the loop cost more than the UTF-8 encoding it replaced (the loop's state spilled).
    let any = 0;
    // Two units a turn: V8 checks the array's map, reloads its fields and checks the stack once
    // per turn of a loop, which was half of the loop's instructions with one unit a turn.
    do {
      units[i] = b;
      any |= b;
      high = (high << 8) | (low >>> 24);
      low = (low << 8) | b;
      b = folds[units[++i] as number] as number;
      if (b === 0) break;
      units[i] = b;
      any |= b;
      high = (high << 8) | (low >>> 24);
      low = (low << 8) | b;
      b = folds[units[++i] as number] as number;
    } while (b !== 0);
    const length = i - start;
    let wordExtra = 0;
    if (any >= 0x80) {
      wordExtra = extraUtf8Bytes(units, start, i);
      if (wordExtra === -1) return -1;
      extra += wordExtra;
      high |= 0x80000000;
    } else if (length > 7) {
      high |= 0x80000000;
    }
    const hash = mixKey(low, high);
    let slot = (hash & mask) << 2;
    let isNew = true;
    while (t[slot] === live) {
      if (t[slot + 1] === low && t[slot + 2] === high && (high >= 0 || sameLongWord(units, t[slot + 3] as number, start, length))) {
        isNew = false;
        break;
      }
      slot = (slot + 4) & slotMask;
    }
    if (isNew) {
      if (outLength + (outLength > 0 ? 1 : 0) + length + wordExtra > limit) {
        const rest = extraUtf8Bytes(units, i, n);
        if (rest === -1) return -1;
        extra += rest;
        break;
      }
      if (outLength > 0) out[outLength++] = 0x20;
      if (wordExtra === 0) for (let k = start; k < i; k++) out[outLength++] = units[k] as number;
      else outLength = writeUtf8(units, start, i, out, outLength);
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
  extraBytes = extra;
  return outLength;
}

/** Whether the surrogate `c` at `i` lacks its other half (the unit before it was folded, which leaves surrogates as they are). */
function isLoneSurrogate(units: Uint16Array, i: number, c: number): boolean {
  return c < 0xdc00 ? ((units[i + 1] as number) & 0xfc00) !== 0xdc00 : i === 0 || ((units[i - 1] as number) & 0xfc00) !== 0xd800;
}

/** UTF-8 bytes beyond one a unit in units[from, to); -1 on a lone surrogate. */
function extraUtf8Bytes(units: Uint16Array, from: number, to: number): number {
  let extra = 0;
  for (let k = from; k < to; k++) {
    const c = units[k] as number;
    if (c < 0x80) continue;
    // UTF-8 takes 2 bytes up to U+07FF, 3 up to U+FFFF, 4 for a surrogate pair.
    if (c < 0x800) extra += 1;
    else if ((c & 0xf800) !== 0xd800) extra += 2;
    else if (isLoneSurrogate(units, k, c)) return -1;
    else extra += 1;
  }
  return extra;
}

/** units[from, to), well-formed UTF-16, written to `out` at `at` as UTF-8; returns the new end. */
function writeUtf8(units: Uint16Array, from: number, to: number, out: Uint8Array, at: number): number {
  for (let k = from; k < to; k++) {
    const c = units[k] as number;
    if (c < 0x80) {
      out[at++] = c;
    } else if (c < 0x800) {
      out[at++] = 0xc0 | (c >> 6);
      out[at++] = 0x80 | (c & 0x3f);
    } else if ((c & 0xf800) !== 0xd800) {
      out[at++] = 0xe0 | (c >> 12);
      out[at++] = 0x80 | ((c >> 6) & 0x3f);
      out[at++] = 0x80 | (c & 0x3f);
    } else {
      const cp = 0x10000 + ((c - 0xd800) << 10) + ((units[++k] as number) - 0xdc00);
      out[at++] = 0xf0 | (cp >> 18);
      out[at++] = 0x80 | ((cp >> 12) & 0x3f);
      out[at++] = 0x80 | ((cp >> 6) & 0x3f);
      out[at++] = 0x80 | (cp & 0x3f);
    }
  }
  return at;
}

/** A 32-bit hash of a word's key, its low bits well mixed (they pick the slot). */
function mixKey(low: number, high: number): number {
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 13);
}

/**
 * Whether the word seen at `at` is the `length` units at `start`, for words whose keys do not hold
 * them whole. The word at `at` was folded in place and ends at a separator, which is never a
 * folded word unit, so a shorter word there fails the unit loop and a longer one the end test.
 */
function sameLongWord(units: Uint16Array, at: number, start: number, length: number): boolean {
  let k = 0;
  while (k < length && units[at + k] === units[start + k]) k++;
  return k === length && FOLD[units[at + length] as number] === 0;
}
