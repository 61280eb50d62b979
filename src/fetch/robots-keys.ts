/**
 * robots.txt keys as Google's parser reads them (google/robotstxt, robots.cc's ParsedRobotsKey):
 * a key counts when it starts with the key's name, in any case, and a few frequent typos count
 * too: `useragent` and `user agent` for `user-agent`; `dissallow`, `dissalow`, `disalow`,
 * `diasllow` and `disallaw` for `disallow`; `site-map` for `sitemap`. robots-parser reads only the
 * exact names, so a site whose `Dissallow: /private` or `User agent: *` Googlebot obeys had those
 * rules ignored by crawlite, and their paths crawled. Erring this way only ever disallows more.
 *
 * Each line's key (the text before its first `:`) is rewritten to the name robots-parser reads
 * before it parses the file; other lines are left as they are. `Crawl-delay`, which Google does
 * not read, keeps its exact name.
 */

/** Google's prefixes for each key robots-parser reads, in the order Google tries them. */
const KEY_PREFIXES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['user-agent', ['user-agent', 'useragent', 'user agent']],
  ['allow', ['allow']],
  ['disallow', ['disallow', 'dissallow', 'dissalow', 'disalow', 'diasllow', 'disallaw']],
  ['sitemap', ['sitemap', 'site-map']],
];

/**
 * A line's key: leading blanks, then the text up to its first colon (none of `#`, which starts a
 * comment); blanks before the colon are parted from the key in canonicalRobotsKeys. The key
 * starts at a non-blank (else a line of blanks alone is split at each of them), then one greedy
 * run up to a colon, not `([ \t]*)([^:#\r\n]+?)([ \t]*:)`: that one looked for `[ \t]*:` after
 * every character of the key, so a long run of blanks in a line cost its length squared (a 70 KB
 * line held the crawl 10 s, found by bench/fuzz-21.mjs).
 */
const LINE_KEY = /^([ \t]*)((?:[^:#\r\n \t][^:#\r\n]*)?):/gm;

/** The key robots-parser reads for `key` (lowercased, trimmed), or null when it is none of them. */
function canonicalKey(key: string): string | null {
  for (const [name, prefixes] of KEY_PREFIXES) {
    if (prefixes.some((prefix) => key.startsWith(prefix))) return name;
  }
  return null;
}

/** `text` with each line's key written as robots-parser reads it, when Google's parser reads it as one. */
export function canonicalRobotsKeys(text: string): string {
  return text.replace(LINE_KEY, (line, blanks: string, spaced: string) => {
    // Not /[ \t]+$/, which tries every blank of a long run in the key's middle to its end.
    let end = spaced.length;
    while (end > 0 && (spaced[end - 1] === ' ' || spaced[end - 1] === '\t')) end--;
    const key = spaced.slice(0, end);
    if (key === '') return line;
    const colon = `${spaced.slice(key.length)}:`;
    const lower = key.toLowerCase();
    const name = canonicalKey(lower);
    return name === null || name === lower ? line : `${blanks}${name}${colon}`;
  });
}
