/**
 * Tells a catch-all site's copies from pages that merely share a body.
 *
 * A catch-all site answers every path with the same page; its relative links resolve to new URLs
 * under each copy's own directory (/about/ -> /about/blog/ -> /about/blog/docs/ ...), without end.
 * What marks the trap is not the identical body alone: two hosts with the same home page, sibling
 * folders each holding the same redirect stub (/proj1/, /proj2/), versioned docs sharing an index
 * (/docs/1.0/, /docs/1.1/), or a 404 page that is a copy of the home page all share bodies, and
 * their relative links are real pages. So a page counts as a copy only when, on the same origin,
 * a page with the same body whose links were followed sits in a directory above its own (here),
 * and it was found on a page with that same body (the writer asks the store: a "latest" alias
 * such as /docs/ = /docs/v2/, linked from a distinct page, is crawled).
 *
 * Per origin and body, the directories of the pages seen with it are kept, each only when none
 * above it is (a copy found above them, the home page after a deep 404 copy, takes their place,
 * so the trap under it is still caught). Several, not one: a site's soft-404 or catch-all page is
 * met under every broken link, in many branches of the site, and when only the first branch's
 * directory was kept (`/old-news/`), a copy in another (`/news/2019/help/`, below a soft-404 at
 * `/news/2019/summer-party`) was a "sibling", never below it, and that branch's trap ran to the
 * repeated-segment rule: with `help/` and `contact/` in the template, 66 more pages of "not
 * found" (test/helpers/real-sites.ts, calendar), and more with each further relative link. Bounded: at most 8 directories per body (the oldest forgotten first), and
 * the least recently used bodies are forgotten first; a forgotten or never-seen body is not a
 * copy (a trap re-seen is learned again from its next copy, which costs one level of the trap).
 */

/** ~200 bytes an entry with one directory (nearly every body); ~100 more a further directory. */
const MAX_ENTRIES = 20_000;
/** Branches of one site holding the same soft-404 or catch-all page, remembered at once. */
const MAX_DIRS_PER_BODY = 8;

export class BodyCopies {
  /** `${origin} ${hash}` -> the directories (URL up to its last '/' before any '?') of the pages seen, none below another. */
  readonly #dirs = new Map<string, string[]>();

  /**
   * Whether the page at `url`, with this body, is a copy below another page of its origin with the
   * same body; remembers it otherwise. Only pages whose links are followed take part: an error or
   * nofollow page's links were never crawled, so a copy below it loses nothing to skip.
   */
  isCopyBelow(url: string, origin: string, hash: string): boolean {
    const dir = directoryOf(url);
    const key = `${origin} ${hash}`;
    const known = this.#dirs.get(key);
    if (known !== undefined) this.#dirs.delete(key); // re-inserted below: least recently used out first
    let isCopy = false;
    let keep: string[];
    if (known === undefined) keep = [dir];
    else if (known.some((k) => dir.length > k.length && dir.startsWith(k))) {
      isCopy = true;
      keep = known;
    } else if (known.includes(dir)) keep = known;
    else {
      // A sibling branch, or one above some of them (which it replaces).
      keep = known.filter((k) => !(k.length > dir.length && k.startsWith(dir)));
      keep.push(dir);
      if (keep.length > MAX_DIRS_PER_BODY) keep.shift();
    }
    if (this.#dirs.size >= MAX_ENTRIES) this.#dirs.delete(this.#dirs.keys().next().value as string);
    this.#dirs.set(key, keep);
    return isCopy;
  }
}

/** The URL up to its last '/' before any '?': what "a directory above" compares. */
export function directoryOf(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.slice(0, path.lastIndexOf('/') + 1);
}
