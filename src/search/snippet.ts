/**
 * A snippet cut from a page's stored text around the first place the query's words occur, so the
 * index itself need not keep the text (it is contentless). Matching here is case-insensitive; a
 * page found only through diacritic folding (cafe ~ café) gets the start of its text instead.
 */
import type { SearchQuery } from './query.js';

export interface Snippet {
  text: string;
  /** [start, end) offsets of matched words in `text`, for highlighting. */
  matches: Array<[number, number]>;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function termPattern(terms: SearchQuery['terms']): RegExp | null {
  if (terms.length === 0) return null;
  // Longest first, so a word is not cut short by another word that is its prefix.
  const alternatives = [...terms]
    .sort((a, b) => b.word.length - a.word.length)
    .map((t) => `${escape(t.word)}${t.isPrefix ? '[\\p{L}\\p{N}]*' : ''}`);
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

/** Matches looked at when choosing where to cut; enough for any sensible page, bounded for any page. */
const MAX_MATCHES_SCANNED = 500;

/**
 * The match to cut around: the first one whose window holds the most distinct query words, so a
 * query for two words shows them together when the page has them together.
 */
function bestMatch(text: string, pattern: RegExp, width: number): { index: number } | null {
  const found: Array<{ index: number; word: string }> = [];
  for (const m of text.matchAll(pattern)) {
    found.push({ index: m.index, word: m[0].toLowerCase() });
    if (found.length >= MAX_MATCHES_SCANNED) break;
  }
  let best: { index: number } | null = null;
  let bestCount = 0;
  for (let i = 0; i < found.length; i++) {
    const words = new Set<string>();
    for (let j = i; j < found.length && found[j]!.index - found[i]!.index < (width * 2) / 3; j++) words.add(found[j]!.word);
    if (words.size > bestCount) {
      best = found[i]!;
      bestCount = words.size;
    }
  }
  return best;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** About `width` characters of `text` around the best match, whitespace collapsed, ellipses where cut. */
export function makeSnippet(text: string, terms: SearchQuery['terms'], width = 200): Snippet {
  const pattern = termPattern(terms);
  const first = pattern ? bestMatch(text, pattern, width) : null;
  let start = 0;
  if (first) start = Math.max(0, first.index - Math.floor(width / 3));
  let end = Math.min(text.length, start + width);
  // Snap to word boundaries so the snippet does not open or close mid-word.
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space !== -1 && space < (first?.index ?? end)) start = space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + width / 2) end = space;
  }
  // Nor between the halves of a surrogate pair (an emoji, a CJK Extension B character such as
  // 𠮷): a lone half is no character, and search --json's line held its escape, which jq refuses.
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start++;
  if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  const body = text.slice(start, end).replace(/\s+/g, ' ').trim();
  const out = `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
  const matches: Array<[number, number]> = [];
  if (pattern) {
    pattern.lastIndex = 0;
    for (const m of out.matchAll(pattern)) matches.push([m.index, m.index + m[0].length]);
  }
  return { text: out, matches };
}
