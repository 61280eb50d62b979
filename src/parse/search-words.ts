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
 * Lowercasing is only done on all-ASCII text, where it is what unicode61 does too (Unicode case
 * mapping can change a character's class: 'İ' lowercases to 'i' plus a combining dot).
 */

const NON_ASCII = /[^\u0000-\u007f]/;

/** 1 for ASCII letters and digits; every non-ASCII code unit is a word character too (FTS5 classifies those itself). */
const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_WORD[c] = /[A-Za-z0-9]/.test(String.fromCharCode(c)) ? 1 : 0;

const FNV_OFFSET = 0x811c9dc5 | 0; // an int32 from the start, or V8 keeps the hash as a double
const FNV_PRIME = 0x01000193;

/**
 * Distinct words of `text`, space-separated, in first-seen order, at most `maxChars`.
 *
 * One pass with a hand-rolled open-addressing table over (start, length) of the source string:
 * a JS Set of sliced words cost more than FTS5 tokenizing the whole text (1.4 ms against 0.5 ms
 * on the bench article), because every word was sliced and hashed on its own. Here the hash is
 * built during the scan, a repeated word is compared in place, and only first occurrences are
 * sliced (0.3 ms).
 */
export function searchWords(text: string, maxChars: number): string {
  const source = NON_ASCII.test(text) ? text : text.toLowerCase();
  let capacity = 1024;
  let mask = capacity - 1;
  let starts = new Int32Array(capacity).fill(-1);
  let lengths = new Int32Array(capacity);
  let hashes = new Int32Array(capacity);
  let size = 0;
  const words: string[] = [];
  let total = 0;
  let hash = FNV_OFFSET;
  let start = -1;
  const n = source.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? source.charCodeAt(i) : 0x20;
    if (c >= 0x80 || ASCII_WORD[c] === 1) {
      if (start === -1) start = i;
      hash = Math.imul(hash ^ c, FNV_PRIME);
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
        while (k < length && source.charCodeAt(at + k) === source.charCodeAt(start + k)) k++;
        if (k === length) {
          isNew = false;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (isNew) {
      total += length + 1;
      if (total > maxChars + 1) break;
      words.push(source.slice(start, i));
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
  return words.join(' ');
}
