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
 * Per origin and body, the shallowest such directory seen is kept: a copy found above it (the home
 * page after a deep 404 copy) takes its place, so the trap under it is still caught. Bounded: the
 * least recently used entries are forgotten first, and a forgotten or never-seen body is not a copy
 * (a trap re-seen is learned again from its next copy, which costs one level of the trap).
 */

/** ~200 bytes an entry: about 4 MB at the bound. */
const MAX_ENTRIES = 20_000;

export class BodyCopies {
  /** `${origin} ${hash}` -> the directory (URL up to its last '/' before any '?') of the shallowest copy seen. */
  readonly #dirs = new Map<string, string>();

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
    let keep = dir;
    if (known !== undefined) {
      if (dir.length > known.length && dir.startsWith(known)) {
        isCopy = true;
        keep = known;
      } else if (!(known.length > dir.length && known.startsWith(dir))) {
        keep = known; // a sibling or the same directory: not a copy, and the earlier one stays
      }
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
