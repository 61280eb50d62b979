/**
 * The copy rule of body-copies.ts, applied to the pages' copy signatures (parse/copy-signature.ts)
 * instead of their bodies: a catch-all or soft-404 page that echoes the requested path, or carries
 * a per-request token, is a new body on every copy but one signature.
 *
 * The same guards hold: a copy sits in a directory below a page of its origin with that signature
 * (BodyCopies), and was found through a page with that signature (its parent, or one of up to 8
 * pages above it on the chain that first linked it). The body rule reads the parents' bodies from
 * pages.content_hash; signatures are not stored, so the parents' are remembered here, by url id.
 *
 * Bounded: the 50,000 pages remembered last (~5 MB). A parent forgotten by then (more pages stored
 * between a page and its copies, as a wide level of a breadth-first crawl may) leaves that copy
 * uncaught: it is crawled, and its own copies, found on it, are caught a level lower.
 */
import { BodyCopies } from './body-copies.js';

const MAX_REMEMBERED = 50_000;

export class SignatureCopies {
  readonly #below = new BodyCopies();
  /** urls.id of a page whose links were followed -> its signature, oldest first. */
  readonly #byUrlId = new Map<number, string>();

  /**
   * Whether the page stored as `urlId` (at `url`), found through the urls rows `chainIds` returns
   * (its parent first), is a copy; remembers its signature either way. `chainIds` runs only when
   * the page is below one with its signature, which on most sites is never.
   */
  isCopy(url: string, origin: string, urlId: number, signature: string, chainIds: () => number[]): boolean {
    const isBelow = this.#below.isCopyBelow(url, origin, signature);
    const isCopy = isBelow && chainIds().some((id) => this.#byUrlId.get(id) === signature);
    this.#byUrlId.delete(urlId);
    if (this.#byUrlId.size >= MAX_REMEMBERED) this.#byUrlId.delete(this.#byUrlId.keys().next().value as number);
    this.#byUrlId.set(urlId, signature);
    return isCopy;
  }
}
