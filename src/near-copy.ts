/**
 * When two pages' copy sketches (parse/copy-sketch.ts) say "the same page but for one bounded
 * block": a catch-all or soft-404 page that makes up a block per request ("related posts", a
 * rotating quote, an ad's text) is a new body and a new copy signature on every copy, yet shares
 * nearly all its words and links with the copy it was found on. The parse workers sketch, the
 * writer compares (store/signature-copies.ts); both sides read the layout from here.
 *
 * A sketch must match exactly in its key: the title and every short number of the text, so "Docs
 * v1" and "Docs v2", or "Page 2" and "Page 3", stay apart however alike the rest. Of the rest, the
 * elements are the text's word 3-shingles and the distinct hrefs as written; a pair is a near copy
 * when, on each side, the elements the other page lacks are
 * - at most MAX_OWN_ELEMENTS (40): a block of some 30 words and a few links. A real page's own
 *   article is seldom shorter, a random block seldom longer. The bound errs low: a page merged
 *   wrongly loses its links, a trap not seen through costs only requests;
 * - at most MAX_OWN_SHARE (a third) of that page's elements: the block is the lesser part (a
 *   soft-404's "you might like" of 4 posts is a fifth of its page);
 * and the elements both share are at least MIN_SHARED_ELEMENTS (40): a short page is all its own
 * text, and two short pages that differ at all are two pages.
 * The share keeps a short page with a shorter block of its own apart, the absolute bound a long
 * template with a short article, the minimum a page too short to tell (a 3-shingle counts a
 * changed word up to 3 times, so one word changed in a page of under ~40 words and links is
 * never seen through). The writer also asks sharesFolderHref (below), so what is still merged:
 * pages of one title and the same numbers whose own words and links are under a third of the
 * page and under ~35 words, found through a page of that sketch in a directory above them that
 * carries one of their relative folder links; such a page says little that a catch-all's copy
 * would not, and one of the two has a broken link.
 *
 * A sketch is a bottom-k MinHash (Broder 1997; Cohen & Kaplan 2007): the SKETCH_HASHES smallest
 * distinct 32-bit hashes of the elements. A page of at most that many elements (a soft-404 of a
 * few hundred words and links) is sketched whole and compared exactly, so the same two pages are
 * always judged alike; beyond that, the union's smallest hashes are a uniform sample of it and
 * the counts are estimated from them (a standard error of about 0.035 on a Jaccard index of 0.8),
 * at the low end of the estimate (two standard errors), so that a sample errs toward two pages.
 * With 64 hashes a 107-element soft-404 with a 4-post block was judged a copy 83 % of the time.
 */
import type { CopySketch } from './types.js';

/** Hashes kept per page: 512 bytes (as a 512-character one-byte string). */
export const SKETCH_HASHES = 128;
export const MIN_SHARED_ELEMENTS = 40;
export const MAX_OWN_ELEMENTS = 40;
export const MAX_OWN_SHARE = 1 / 3;
/** Relative folder links kept per sketch: a soft-404's template has a handful. */
export const MAX_FOLDER_HREFS = 16;

/** The sorted distinct hashes, packed as the worker sends them (little-endian int32s as latin1). */
export function packHashes(sorted: Int32Array, count: number): string {
  return Buffer.from(sorted.buffer, sorted.byteOffset, count * 4).toString('latin1');
}

function unpackHashes(packed: string): Int32Array {
  const bytes = Buffer.from(packed, 'latin1');
  const out = new Int32Array(bytes.length >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt32LE(i * 4);
  return out;
}

/** Whether `a` and `b` are the same page but for a bounded block of their own (above). */
export function isNearCopy(a: CopySketch, b: CopySketch): boolean {
  if (a.key !== b.key || a.size < MIN_SHARED_ELEMENTS || b.size < MIN_SHARED_ELEMENTS) return false;
  const x = unpackHashes(a.minHashes);
  const y = unpackHashes(b.minHashes);
  // The union is known exactly up to the largest hash of a sketch that was cut: beyond it, that
  // page's elements are unknown. Every union element up to there is a uniform sample of it.
  const limit = Math.min(a.size > x.length ? x[x.length - 1]! : Infinity, b.size > y.length ? y[y.length - 1]! : Infinity);
  let i = 0;
  let j = 0;
  let union = 0;
  let both = 0;
  for (;;) {
    const xi = i < x.length ? x[i]! : Infinity;
    const yj = j < y.length ? y[j]! : Infinity;
    const least = Math.min(xi, yj);
    if (least === Infinity || least > limit) break;
    union++;
    if (xi === yj) {
      both++;
      i++;
      j++;
    } else if (xi < yj) i++;
    else j++;
  }
  const estimate = both / union;
  // A sample's estimate is taken at its low end (two standard errors down): a real page is not
  // merged on a lucky sample. A 50-word article over a 100-element template was, on one order of
  // the hashes, until this.
  const jaccard = limit === Infinity ? estimate : Math.max(0, estimate - 2 * Math.sqrt((estimate * (1 - estimate)) / union));
  // Rounded so that sketches compared whole give the exact count (floating point: 39.999...).
  const shared = Math.round(((jaccard * (a.size + b.size)) / (1 + jaccard)) * 1e6) / 1e6;
  const ownA = a.size - shared;
  const ownB = b.size - shared;
  return shared >= MIN_SHARED_ELEMENTS
    && ownA <= MAX_OWN_ELEMENTS && ownB <= MAX_OWN_ELEMENTS
    && ownA <= MAX_OWN_SHARE * a.size && ownB <= MAX_OWN_SHARE * b.size;
}

/**
 * Whether two sketches share a relative href that leads into a folder (copy-sketch.ts): the engine
 * of a catch-all trap, each copy carrying again the relative links that made it, so that they
 * resolve a level further down on every copy. Asked of a near copy besides isNearCopy, because a
 * real small site of one title and short pages is near by any count of words (a section page of
 * twenty words and three links under the home page), and its links, written from the root or
 * adjusted with "../", never resolve into the same folder name from two depths.
 */
export function sharesFolderHref(a: CopySketch, b: CopySketch): boolean {
  if (a.folderHrefs.length === 0 || b.folderHrefs.length === 0) return false;
  const x = unpackHashes(a.folderHrefs);
  const y = unpackHashes(b.folderHrefs);
  return x.some((h) => y.includes(h));
}
