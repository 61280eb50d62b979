/**
 * What the full-text index is given for a page: its text's distinct words, once each.
 *
 * The index is contentless with detail=column (search/search-index.ts): for each term it keeps
 * which pages and columns hold it, no counts and no positions, and ranking uses nothing else
 * (search/search.ts). So a page's distinct words index exactly as its whole text does, and
 * FTS5 tokenizes a tenth as much on the writer's thread: on the 50 KB bench article, ~800
 * distinct words instead of ~8,000.
 *
 * The split must never join what FTS5 would split, nor the other way round after FTS5 splits
 * again: it cuts only at ASCII characters that are not letters or digits, which unicode61 (the
 * default tokenizer) always treats as separators, and leaves every other character to FTS5.
 * Only ASCII capitals are lowercased, which is what unicode61 does to them too (Unicode case
 * mapping can change a character's class: 'İ' lowercases to 'i' plus a combining dot).
 */

/**
 * Byte classes: 1 for ASCII letters and digits, 2 for ASCII capitals (folded to lowercase, as
 * unicode61 folds them), 0 for ASCII separators. Every byte >= 0x80 belongs to a multi-byte UTF-8
 * character and is kept inside the word, for FTS5 to classify.
 */
const CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const c = String.fromCharCode(b);
  CLASS[b] = b >= 0x80 || /[a-z0-9]/.test(c) ? 1 : /[A-Z]/.test(c) ? 2 : 0;
}

const FNV_OFFSET = 0x811c9dc5 | 0; // an int32 from the start, or V8 keeps the hash as a double
const FNV_PRIME = 0x01000193;

/**
 * Distinct words of `text`, space-separated, in first-seen order, at most `maxBytes` of UTF-8.
 *
 * One pass over the text's UTF-8 bytes with a hand-rolled open-addressing table over (start,
 * length): a JS Set of sliced words cost more than FTS5 tokenizing the whole text (1.4 ms against
 * 0.5 ms on the bench article), and so did a charCodeAt scan. Bytes are cheap to read, ASCII
 * capitals fold in place, a repeated word is hashed during the scan and compared in place, and
 * the distinct words are copied into one output buffer, decoded once.
 */
export function searchWords(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  const n = bytes.length;
  const out = Buffer.allocUnsafe(Math.min(n, maxBytes));
  let outLength = 0;
  let capacity = 1024;
  let mask = capacity - 1;
  let starts = new Int32Array(capacity).fill(-1);
  let lengths = new Int32Array(capacity);
  let hashes = new Int32Array(capacity);
  let size = 0;
  let hash = FNV_OFFSET;
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const cls = i < n ? (CLASS[bytes[i] as number] as number) : 0;
    if (cls !== 0) {
      if (cls === 2) bytes[i] = (bytes[i] as number) | 0x20;
      if (start === -1) start = i;
      hash = Math.imul(hash ^ (bytes[i] as number), FNV_PRIME);
      continue;
    }
    if (start === -1) continue;
    const length = i - start;
    let slot = hash & mask;
    let isNew = true;
    for (;;) {
      const at = starts[slot] as number;
      if (at === -1) break;
      if (hashes[slot] === hash && lengths[slot] === length) {
        let k = 0;
        while (k < length && bytes[at + k] === bytes[start + k]) k++;
        if (k === length) {
          isNew = false;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (isNew) {
      if (outLength + (outLength > 0 ? 1 : 0) + length > out.length) break;
      if (outLength > 0) out[outLength++] = 0x20;
      bytes.copy(out, outLength, start, i);
      outLength += length;
      starts[slot] = start;
      lengths[slot] = length;
      hashes[slot] = hash;
      if (++size * 2 > capacity) {
        // Keep the table at most half full: rehash into twice the room.
        const old = { starts, lengths, hashes };
        capacity *= 2;
        mask = capacity - 1;
        starts = new Int32Array(capacity).fill(-1);
        lengths = new Int32Array(capacity);
        hashes = new Int32Array(capacity);
        for (let k = 0; k < old.starts.length; k++) {
          if (old.starts[k] === -1) continue;
          let to = (old.hashes[k] as number) & mask;
          while (starts[to] !== -1) to = (to + 1) & mask;
          starts[to] = old.starts[k] as number;
          lengths[to] = old.lengths[k] as number;
          hashes[to] = old.hashes[k] as number;
        }
      }
    }
    start = -1;
    hash = FNV_OFFSET;
  }
  return out.toString('utf8', 0, outLength);
}
