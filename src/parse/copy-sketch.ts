/**
 * A page's copy sketch: what the writer compares to tell a catch-all's copy that carries a random
 * block per request from the page it was found on (src/near-copy.ts says when two match, and why
 * there). Taken from copy-signature.ts's view of the page (its own path and nonces already read as
 * the root's and as placeholders), so an echo of the path costs nothing here either.
 *
 * - key: a hash of the title and of the text's short numbers in order (tokens holding a digit
 *   that copy-signature.ts kept: "v1", "2", "3.4"), which must be equal;
 * - the elements: each word 3-shingle of the text (words split at spaces and line ends, so a
 *   changed word changes the 3 shingles around it) and each distinct href as written;
 * - their count and their SKETCH_HASHES smallest 32-bit hashes (as signed integers).
 *
 * Only for short pages: a text of at most 8 K characters (copy-signature.ts reads a longer one by
 * its ends, which on a real site may be template alone) and at most MAX_HREFS links. Soft-404 and
 * catch-all pages are short; a page with fewer elements than near-copy.ts's minimum is not
 * sketched (it could match nothing). Cost: one JavaScript pass over the text and the hrefs
 * (FNV-1a per word and href, MurmurHash3's finalizer per element), one over the hashes to drop
 * repeats, and a partial sort of the smallest.
 */
import { createHash } from 'node:crypto';
import { MAX_FOLDER_HREFS, MIN_SHARED_ELEMENTS, packHashes, SKETCH_HASHES } from '../near-copy.js';
import type { CopySketch } from '../types.js';

/** More links than any soft-404 carries: a link farm is not hashed link by link. */
const MAX_HREFS = 2000;
/** As int32s (`| 0`): a start above 2^31 would make the hash a double until the first multiply. */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Another FNV start for hrefs, so an href and a shingle never share a hash by construction. */
const HREF_OFFSET = 0x9747b28c | 0;
/**
 * Reused from page to page: a typed array of more than 64 bytes gets a backing store outside
 * V8's heap (a malloc, and memory the GC must track), which per page is waste. Grows to the
 * largest page sketched.
 */
let scratch = new Int32Array(4096);
/** The open-addressing set keepDistinct counts with, reused likewise. */
let table = new Int32Array(8192);

/**
 * `title` and `text` as copy-signature.ts reads them; `numbers`: the short digit-holding tokens it
 * kept, in order. Undefined for a page that is too long or too short to be a near copy.
 */
export function copySketch(title: string, text: string, hrefs: readonly string[], numbers: readonly string[]): CopySketch | undefined {
  if (hrefs.length > MAX_HREFS) return undefined;
  const most = (text.length >>> 1) + 1 + hrefs.length;
  if (scratch.length < most) scratch = new Int32Array(most);
  const hashes = scratch;
  let count = shingleHashes(text, hashes);
  for (const href of hrefs) hashes[count++] = mix(fnv(href, HREF_OFFSET));
  const size = keepDistinct(hashes, count);
  if (size < MIN_SHARED_ELEMENTS) return undefined;
  sortSmallest(hashes, 0, size - 1, SKETCH_HASHES);
  const key = createHash('sha1').update(title).update('\n').update(numbers.join(' ')).digest('base64url').slice(0, 16);
  return { key, size, minHashes: packHashes(hashes, Math.min(size, SKETCH_HASHES)), folderHrefs: folderHrefHashes(hrefs) };
}

/** The hashes of the first MAX_FOLDER_HREFS distinct relative hrefs that lead into a folder. */
function folderHrefHashes(hrefs: readonly string[]): string {
  const out = new Int32Array(MAX_FOLDER_HREFS);
  let n = 0;
  for (const href of hrefs) {
    if (!leadsIntoFolder(href)) continue;
    const h = mix(fnv(href.trim(), HREF_OFFSET));
    if (!out.subarray(0, n).includes(h)) out[n++] = h;
    if (n === MAX_FOLDER_HREFS) break;
  }
  return packHashes(out, n);
}

/**
 * Whether `href` as written resolves into a folder below the page's own: relative ("about/",
 * "./posts/x"), not from the root ("/about/"), a scheme ("http:", "mailto:"), up ("../") or
 * within the page ("#top", "?page=2"). On a catch-all every such link makes a new copy a level
 * down; a real site whose pages at two depths both carry one has a broken link on one of them.
 */
export function leadsIntoFolder(href: string): boolean {
  const s = href.trim();
  let i = 0;
  while (s.startsWith('./', i)) i += 2;
  const first = s.charCodeAt(i);
  if (Number.isNaN(first) || first === 0x2f || first === 0x5c || first === 0x2e || first === 0x23 || first === 0x3f) return false;
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x2f || c === 0x5c) return true;
    if (c === 0x3f || c === 0x23 || c === 0x3a) return false;
  }
  return false;
}

/**
 * Moves the distinct values of `hashes[0, count)` to its front and returns how many there are: a
 * linear-probing set at most half full, 0 marking an empty slot (a hash of 0 is read as 1).
 * Sorting every hash to drop the repeats cost ~185 K instructions on a 3 K-character page
 * (TypedArray.prototype.sort), three times the hashing.
 */
function keepDistinct(hashes: Int32Array, count: number): number {
  let slots = 16;
  while (slots < 2 * count) slots *= 2;
  if (table.length < slots) table = new Int32Array(slots);
  else table.fill(0, 0, slots);
  const mask = slots - 1;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const h = hashes[i]! || 1;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const v = table[at]!;
      if (v === h) break;
      if (v === 0) {
        table[at] = h;
        hashes[n++] = h;
        break;
      }
    }
  }
  return n;
}

/**
 * Sorts `a[lo, hi]` (distinct values) only as far as its first `k` places need: a quicksort
 * that leaves alone a part lying wholly past them.
 */
function sortSmallest(a: Int32Array, lo: number, hi: number, k: number): void {
  while (hi - lo > 16) {
    const x = a[lo]!;
    const y = a[(lo + hi) >>> 1]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (i < k) sortSmallest(a, i, hi, k);
    hi = j;
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** Writes the hash of each word 3-shingle of `text` (of its 1 or 2 words when that is all) into `out`. */
function shingleHashes(text: string, out: Int32Array): number {
  let count = 0;
  let words = 0;
  let w1 = 0;
  let w2 = 0;
  let h = FNV_OFFSET;
  let isInWord = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x20;
    if (c === 0x20 || c === 0x0a || c === 0xa0) {
      if (!isInWord) continue;
      if (words >= 2) out[count++] = shingle(w1, w2, h);
      w1 = w2;
      w2 = h;
      words++;
      h = FNV_OFFSET;
      isInWord = false;
    } else {
      h = Math.imul(h ^ c, FNV_PRIME);
      isInWord = true;
    }
  }
  if (words > 0 && words < 3) out[count++] = shingle(0, w1, w2);
  return count;
}

function shingle(a: number, b: number, c: number): number {
  return mix(Math.imul(a, 0x9e3779b1) ^ Math.imul((b << 13) | (b >>> 19), 0x85ebca77) ^ Math.imul((c << 26) | (c >>> 6), 0xc2b2ae3d));
}

function fnv(s: string, offset: number): number {
  let h = offset;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * MurmurHash3's 32-bit finalizer: FNV's low bits are poor, and the sketch keeps the smallest
 * values. Signed: any fixed order of the hashes makes a bottom-k sample, and V8 sorts an
 * Int32Array faster than a Uint32Array, whose values above 2^31 are doubles.
 */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
