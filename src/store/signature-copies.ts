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
 * A page whose signature matches none is still a copy when it is a near copy (src/near-copy.ts:
 * the same page but for a bounded block made up per request) of a page on that chain that sits in
 * a directory above its own. Stricter than the signature rule, which asks only for some page
 * above: a sketch match is a judgement, so the page it matches must be one the copy was found
 * through, above it. The
 * chain is read only when some page remembered has the copy's sketch key (its title and numbers),
 * which on a site whose pages have titles of their own is seldom.
 *
 * A page is also a copy when its token signature (the signature with the nonce-length tokens of its
 * URL and hrefs as placeholders) is that of a page of its origin on that chain: a page made per
 * request whose links carry a new timestamp or random token each time (`/news?ts=<now>` linking
 * `/news/<now>`, which links `/news?ts=<now>` again; a `?nocache=<now>` link to itself), which
 * no path or query-variant cap ended, since each hop is a new URL on another path. No directory
 * above is asked for: the copy's URL is the page's own but for its tokens (they are in the token
 * signature), so what its links reach is what the page's reached, a token later.
 *
 * Bounded: the signatures of the 50,000 pages remembered last (~5 MB), as many token signatures
 * (~5 MB), the sketches of the last
 * 20,000 that had one (~16 MB). A parent forgotten by then (more pages stored
 * between a page and its copies, as a wide level of a breadth-first crawl may) leaves that copy
 * uncaught: it is crawled, and its own copies, found on it, are caught a level lower.
 */
import { isNearCopy, sharesFolderHref } from '../near-copy.js';
import type { CopySketch } from '../types.js';
import { originKey } from '../frontier/normalize-url.js';
import { BodyCopies, directoryOf } from './body-copies.js';

const MAX_REMEMBERED = 50_000;
/** A sketch and its key cost ~800 bytes (measured): fewer of them, ~16 MB at the bound. */
const MAX_SKETCHES = 20_000;

export interface CopyMarks {
  signature: string;
  tokenSignature?: string | undefined;
  sketch?: CopySketch | undefined;
}

export class SignatureCopies {
  readonly #below = new BodyCopies();
  /** urls.id of a page whose links were followed -> its signature, oldest first. */
  readonly #byUrlId = new Map<number, string>();
  /** urls.id -> its token signature, oldest first; and how many remembered pages have each. */
  readonly #tokensByUrlId = new Map<number, string>();
  readonly #tokenCounts = new Map<string, number>();
  /** The same for the pages that have a sketch, fewer of them. */
  readonly #sketches = new Map<number, CopySketch>();
  /** How many remembered sketches have each key: no chain to read for a key none has. */
  readonly #keyCounts = new Map<string, number>();

  /**
   * Whether the page stored as `urlId` (at `url`), found through the urls rows `chain` returns
   * (its parent first), is a copy; remembers its marks either way. `chain` runs only when the page
   * is below one with its signature, or some page remembered has its sketch key.
   */
  isCopy(url: string, origin: string, urlId: number, marks: CopyMarks, chain: () => Array<{ id: number; url: string }>): boolean {
    const { signature, tokenSignature, sketch } = marks;
    const isBelow = this.#below.isCopyBelow(url, origin, signature);
    this.#byUrlId.delete(urlId);
    this.#forgetSketch(urlId);
    this.#forgetTokens(urlId);
    const mayBeNear = sketch !== undefined && this.#keyCounts.has(sketch.key);
    const mayLoop = tokenSignature !== undefined && this.#tokenCounts.has(tokenSignature);
    let isCopy = false;
    if (isBelow || mayBeNear || mayLoop) {
      const pages = chain();
      isCopy = (isBelow && pages.some((p) => this.#byUrlId.get(p.id) === signature))
        || (mayBeNear && pages.some((p) => this.#isNearAbove(p, url, sketch)))
        || (mayLoop && pages.some((p) => this.#tokensByUrlId.get(p.id) === tokenSignature && originKey(p.url) === origin));
    }
    if (this.#byUrlId.size >= MAX_REMEMBERED) this.#byUrlId.delete(this.#byUrlId.keys().next().value as number);
    this.#byUrlId.set(urlId, signature);
    if (tokenSignature !== undefined) {
      if (this.#tokensByUrlId.size >= MAX_REMEMBERED) this.#forgetTokens(this.#tokensByUrlId.keys().next().value as number);
      this.#tokensByUrlId.set(urlId, tokenSignature);
      this.#tokenCounts.set(tokenSignature, (this.#tokenCounts.get(tokenSignature) ?? 0) + 1);
    }
    if (sketch !== undefined) {
      if (this.#sketches.size >= MAX_SKETCHES) this.#forgetSketch(this.#sketches.keys().next().value as number);
      this.#sketches.set(urlId, sketch);
      this.#keyCounts.set(sketch.key, (this.#keyCounts.get(sketch.key) ?? 0) + 1);
    }
    return isCopy;
  }

  /** Whether the chain page `page` sits in a directory above `url`, shares a relative folder link with it, and `sketch` is a near copy of its own. */
  #isNearAbove(page: { id: number; url: string }, url: string, sketch: CopySketch): boolean {
    const above = this.#sketches.get(page.id);
    if (above === undefined || above.key !== sketch.key) return false;
    const dir = directoryOf(url);
    const aboveDir = directoryOf(page.url);
    return dir.length > aboveDir.length && dir.startsWith(aboveDir) && sharesFolderHref(sketch, above) && isNearCopy(sketch, above);
  }

  #forgetTokens(urlId: number): void {
    const tokens = this.#tokensByUrlId.get(urlId);
    if (tokens === undefined) return;
    this.#tokensByUrlId.delete(urlId);
    const n = this.#tokenCounts.get(tokens)! - 1;
    if (n === 0) this.#tokenCounts.delete(tokens);
    else this.#tokenCounts.set(tokens, n);
  }

  #forgetSketch(urlId: number): void {
    const key = this.#sketches.get(urlId)?.key;
    if (key === undefined) return;
    this.#sketches.delete(urlId);
    const n = this.#keyCounts.get(key)! - 1;
    if (n === 0) this.#keyCounts.delete(key);
    else this.#keyCounts.set(key, n);
  }
}
