/**
 * A user's search words -> an FTS5 MATCH expression, and the words to highlight in snippets.
 *
 * The grammar is small and never a syntax error: words are ANDed; `OR` between words; `-word`
 * excludes; `word*` matches a prefix; "quoted words" must all appear. Every word is quoted for
 * FTS5, so punctuation in a query cannot break the expression. The index keeps no positions
 * (detail=column, to stay small), so FTS5 cannot match a phrase in order: a quoted phrase and a
 * hyphenated word match pages holding all their words.
 */
import { UsageError } from '../errors.js';

export interface SearchQuery {
  /** The FTS5 MATCH expression. */
  match: string;
  /** Words that must or may appear (not excluded ones), lowercased, for snippets. */
  terms: Array<{ word: string; isPrefix: boolean }>;
}

const WORD = /[\p{L}\p{N}]+/gu;
const quote = (word: string, isPrefix: boolean): string => `"${word}"${isPrefix ? '*' : ''}`;

export function parseSearchQuery(input: string): SearchQuery {
  const parts: string[] = [];
  const terms: SearchQuery['terms'] = [];
  let hasPositive = false;
  for (const m of input.matchAll(/"([^"]*)"?|(\S+)/g)) {
    const raw = m[1] ?? m[2] ?? '';
    if (m[2] === 'OR') {
      // OR needs a term on each side; a leading, trailing or doubled OR is dropped.
      if (parts.length > 0 && parts.at(-1) !== 'OR') parts.push('OR');
      continue;
    }
    const isExcluded = m[2] !== undefined && raw.startsWith('-') && raw.length > 1;
    const isPrefix = m[2] !== undefined && raw.endsWith('*');
    const words = (raw.toLowerCase().match(WORD) ?? []);
    if (words.length === 0) continue;
    const expr = words.map((w, i) => quote(w, isPrefix && i === words.length - 1)).join(' AND ');
    const group = words.length > 1 ? `(${expr})` : expr;
    if (isExcluded) {
      if (parts.at(-1) === 'OR') parts.pop();
      parts.push(`NOT ${group}`);
      continue;
    }
    hasPositive = true;
    words.forEach((w, i) => terms.push({ word: w, isPrefix: isPrefix && i === words.length - 1 }));
    parts.push(group);
  }
  if (parts.at(-1) === 'OR') parts.pop();
  if (!hasPositive) {
    throw new UsageError('CRAWL_USAGE', `nothing to search for in '${input}': give at least one word that is not excluded`);
  }
  // FTS5's NOT is binary (a NOT b), so exclusions must follow a positive term; move them to the end.
  const positives = parts.filter((p) => !p.startsWith('NOT '));
  const negatives = parts.filter((p) => p.startsWith('NOT '));
  while (positives[0] === 'OR') positives.shift();
  return { match: [...positives, ...negatives].join(' '), terms };
}
