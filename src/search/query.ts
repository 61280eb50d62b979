/**
 * A user's search words -> an FTS5 MATCH expression, and the words to highlight in snippets.
 *
 * The grammar is small and never a syntax error: words are ANDed; `OR` between words (AND binds
 * tighter: `a b OR c` is (a AND b) OR c); `-word` excludes from the whole query; `word*` matches
 * a prefix; "quoted words" must all appear. Every word is quoted for FTS5 and every operator is
 * explicit, so punctuation in a query cannot break the expression. The index keeps no positions
 * (detail=none, to stay small), so FTS5 cannot match a phrase in order: a quoted phrase and a
 * hyphenated word match pages holding all their words. A query of exclusions only is refused.
 *
 * A word given again adds nothing (`a a` is `a`; `a OR a` is `a`) but FTS5 reads its match list
 * again, in each of the several statements a search runs: 2,000 times `w*` took 25 s on 3,000
 * pages. So repeats are dropped here, and a query of more than MAX_QUERY_WORDS different words, or
 * whose expression still holds more than MAX_QUERY_TERMS, is refused with one line rather than left
 * to run for minutes.
 */
import { UsageError } from '../errors.js';

export interface SearchQuery {
  /** The FTS5 MATCH expression. */
  match: string;
  /** Words that must or may appear (not excluded ones), lowercased, for snippets. */
  terms: Array<{ word: string; isPrefix: boolean }>;
}

const WORD = /[\p{L}\p{N}]+/gu;
/** Different words and prefixes a query may hold; far more than any query typed to find pages. */
export const MAX_QUERY_WORDS = 64;
/** Words in the expression searched for, counting each time a different group or branch repeats one. */
export const MAX_QUERY_TERMS = 256;
const quote = (word: string, isPrefix: boolean): string => `"${word}"${isPrefix ? '*' : ''}`;

export function parseSearchQuery(input: string): SearchQuery {
  // Each alternative is a list of ANDed groups; `OR` starts the next alternative.
  const alternatives: string[][] = [[]];
  const excluded: string[] = [];
  const terms: SearchQuery['terms'] = [];
  const termKeys = new Set<string>();
  const allKeys = new Set<string>();
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
    words.forEach((w, i) => {
      const term = { word: w, isPrefix: isPrefix && i === words.length - 1 };
      const key = quote(term.word, term.isPrefix);
      if (!isExcluded && !termKeys.has(key)) terms.push(term);
      if (!isExcluded) termKeys.add(key);
      allKeys.add(key);
    });
    if (allKeys.size > MAX_QUERY_WORDS) {
      throw new UsageError('CRAWL_USAGE', `the query holds more than ${MAX_QUERY_WORDS} different words; search for fewer`);
    }
    const into = isExcluded ? excluded : alternatives.at(-1)!;
    if (!into.includes(group)) into.push(group);
  }
  const branches = unique(alternatives.filter((a) => a.length > 0));
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
  const isOneGroup = branches.length === 1 && branches[0]!.length === 1;
  const match = excluded.length === 0 ? positive : `${isOneGroup ? positive : `(${positive})`} NOT ${join(excluded, ' OR ')}`;
  // Few different words can still make many different groups (`"a b" "b a" "a c" ...`).
  const size = (match.split('"').length - 1) / 2;
  if (size > MAX_QUERY_TERMS) {
    throw new UsageError('CRAWL_USAGE', `the query is too long: ${size} words once repeats are left out, at most ${MAX_QUERY_TERMS}; search for fewer`);
  }
  return { match, terms };
}

/** The branches with a repeated one left out: `a b OR a b` is `a b`. */
function unique(branches: string[][]): string[][] {
  const seen = new Set<string>();
  return branches.filter((b) => !seen.has(b.join(' AND ')) && seen.add(b.join(' AND ')) !== undefined);
}

/** Groups joined by `operator`, in parentheses when there are several. */
function join(groups: string[], operator = ' AND '): string {
  return groups.length > 1 ? `(${groups.join(operator)})` : groups[0]!;
}
