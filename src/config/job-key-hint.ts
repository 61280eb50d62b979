/**
 * The key an unknown job-file key most likely meant. Job files are written by people who know the
 * command-line flags, so `max-pages:`, `max_depth:`, `timeout:` and a flat `concurrency:` or
 * `delay:` (which live under fetch and fetch.politeness) are the usual mistakes; the line listed
 * the keys of that mapping only, and for fetch.politeness listed fetch's (QA).
 */
import { suggestOption } from '../cli/suggest-option.js';
import { allKeyPaths } from './job-schema.js';

/** Letters and digits only, lowercased: max-pages, max_pages and maxpages are maxPages. */
const loose = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

/**
 * Flags whose key is named otherwise (loose spelling → key path). A Map, not an object literal:
 * the typed key is the user's, and `constructor` found Object's there (a TypeError, bench/fuzz-22.mjs).
 */
const RENAMED: ReadonlyMap<string, string> = new Map([
  ['maxbytes', 'fetch.maxBodyBytes'],
  ['maxdbsize', 'store.maxDbBytes'],
  ['nofollow', 'scope.followNofollow'],
  ['maxqueryvariants', 'traps.maxQueriesPerPath'],
  ['maxrepeatrun', 'traps.maxRepeatRun'],
  ['header', 'fetch.headers'],
]);

/**
 * `did you mean maxPages?` for a key of the same mapping, `did you mean fetch.politeness.delayMs?`
 * for one that belongs elsewhere; null when nothing is close. `at` is the mapping's path ('' or `fetch.`).
 */
export function jobKeyHint(typed: string, at: string, siblings: readonly string[]): string | null {
  const renamed = RENAMED.get(loose(typed));
  if (renamed !== undefined) return `did you mean ${renamed.startsWith(at) && !renamed.slice(at.length).includes('.') ? renamed.slice(at.length) : renamed}?`;
  const same = siblings.find((k) => loose(k) === loose(typed)) ?? suggestOption(loose(typed), siblings);
  if (same !== null) return `did you mean ${same}?`;
  // The same name, or with its unit (timeout → timeoutMs), one level up or down from where it was written.
  const wanted = new Set([loose(typed), `${loose(typed)}ms`, `${loose(typed)}bytes`]);
  const elsewhere = allKeyPaths().filter((path) => !path.startsWith(at) || path.slice(at.length).includes('.'))
    .filter((path) => wanted.has(loose(path.split('.').at(-1)!)));
  return elsewhere.length === 1 ? `did you mean ${elsewhere[0]}?` : null;
}
