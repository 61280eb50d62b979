/**
 * A user's search words -> an FTS5 MATCH expression, and the words to highlight in snippets.
 *
 * The grammar is small and never a syntax error: words are ANDed; `OR` between words (AND binds
 * tighter: `a b OR c` is (a AND b) OR c); `-word` excludes from the whole query; `word*` matches
 * a prefix; "quoted words" must all appear. Every word is quoted for FTS5 and every operator is
 * explicit, so punctuation in a query cannot break the expression. The index keeps no positions
 * (detail=none, to stay small), so FTS5 cannot match a phrase in order: a quoted phrase and a
 * hyphenated word match pages holding all their words. A query of exclusions only is refused.
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
  // Each alternative is a list of ANDed groups; `OR` starts the next alternative.
  const alternatives: string[][] = [[]];
  const excluded: string[] = [];
  const terms: SearchQuery['terms'] = [];
  let hasOr = false;
  for (const m of input.matchAll(/"([^"]*)"?|(\S+)/g)) {
    const raw = m[1] ?? m[2] ?? '';
    if (m[2] === 'OR') {
      hasOr = true;
      // OR needs a term on each side; a leading, trailing or doubled OR is dropped.
      if (alternatives.at(-1)!.length > 0) alternatives.push([]);
      continue;
    }
    const isExcluded = m[2] !== undefined && raw.startsWith('-') && raw.length > 1;
    const isPrefix = m[2] !== undefined && raw.endsWith('*');
    const words = raw.toLowerCase().match(WORD) ?? [];
    if (words.length === 0) continue;
    const group = join(words.map((w, i) => quote(w, isPrefix && i === words.length - 1)));
    if (isExcluded) {
      excluded.push(group);
      continue;
    }
    words.forEach((w, i) => terms.push({ word: w, isPrefix: isPrefix && i === words.length - 1 }));
    alternatives.at(-1)!.push(group);
  }
  const branches = alternatives.filter((a) => a.length > 0);
  if (branches.length === 0) {
    if (excluded.length > 0) throw new UsageError('CRAWL_USAGE', `nothing to search for in '${input}': give at least one word that is not excluded`);
    if (hasOr) throw new UsageError('CRAWL_USAGE', `nothing to search for in '${input}': OR goes between two words`);
    // Emoji and punctuation alone (`😀`, `!!!`) hold nothing unicode61 indexes: nothing was
    // excluded, so saying so would send the user looking for a '-' that is not there.
    throw new UsageError('CRAWL_USAGE', `'${input}' has no searchable words (letters or digits)`);
  }
  // Every operator is explicit: FTS5 rejects an implicit AND beside a parenthesized group. Its NOT
  // binds tighter than AND and OR, so a positive part of several groups is wrapped: `a OR b -c`
  // excludes c from both branches.
  const positive = branches.length === 1 ? branches[0]!.join(' AND ') : branches.map((b) => join(b)).join(' OR ');
  if (excluded.length === 0) return { match: positive, terms };
  const isOneGroup = branches.length === 1 && branches[0]!.length === 1;
  return { match: `${isOneGroup ? positive : `(${positive})`} NOT ${join(excluded, ' OR ')}`, terms };
}

/** Groups joined by `operator`, in parentheses when there are several. */
function join(groups: string[], operator = ' AND '): string {
  return groups.length > 1 ? `(${groups.join(operator)})` : groups[0]!;
}
