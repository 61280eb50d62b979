/**
 * A bounded map from URL to urls.id for the writer, so links that repeat on every page (a site's
 * navigation) are resolved without SQL. Oldest entries are dropped first (a Map iterates in
 * insertion order); a miss only costs the upsert it would have cost anyway.
 */
export interface CachedUrlId {
  id: number;
  /** False while the row is skipped in a way a later link could lift (depth, not followed). */
  isSettled: boolean;
  /** The smallest depth a followable link to the URL was applied at; a shorter one still has to reach the row. */
  depth: number;
}

/** ~100 bytes an entry: about 10 MB at the bound. */
const MAX_ENTRIES = 100_000;

export class UrlIdCache {
  readonly #map = new Map<string, CachedUrlId>();

  get(url: string): CachedUrlId | undefined {
    return this.#map.get(url);
  }

  set(url: string, id: number, isSettled: boolean, depth: number): void {
    if (this.#map.size >= MAX_ENTRIES && !this.#map.has(url)) {
      const oldest = this.#map.keys().next().value as string;
      this.#map.delete(oldest);
    }
    this.#map.set(url, { id, isSettled, depth });
  }

  get size(): number {
    return this.#map.size;
  }
}
