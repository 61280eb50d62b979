/**
 * Which claimed URLs need no request of their own because another URL's redirect fetched their
 * page meanwhile (`/r` -> `/docs/` while `/docs/` waits in the frontier's window for its turn).
 * Fetching them anyway cost a request, a download and a parse for a duplicate the writer dropped.
 *
 * Kept in memory, not asked of the store: the check runs for every URL, twice, and a SQLite
 * lookup by URL costs ~10-20 µs of the main thread, which paces the whole crawl. Two sets:
 * - arriving: final URLs of responses on their way through the parse pool to the writer, counted
 *   (two URLs can land on one page at once); noted inside the connection slot, before the next URL
 *   of the host can ask;
 * - landed: final URLs stored under another URL's request. Bounded: past the cap the oldest are
 *   forgotten, and a URL missed that way is only fetched again, as before. A claimed URL can only
 *   have been claimed before its page landed, so only recent landings matter.
 */
import type { FetchedElsewhere } from './fetch/polite-fetch.js';

/** Landings remembered; at ~100 bytes a URL, a few MB. */
const MAX_LANDED = 50_000;

export interface FetchedElsewhereTracker {
  /** The check for one claimed URL, and `release()` for when its own processing ends. */
  forUrl(url: string): FetchedElsewhere & { release(): void };
  /** A page was stored under `finalUrl` after a request for `requestedUrl`. */
  noteStored(requestedUrl: string, finalUrl: string): void;
}

export function createFetchedElsewhereTracker(maxLanded = MAX_LANDED): FetchedElsewhereTracker {
  const arriving = new Map<string, number>();
  const landed = new Set<string>();
  return {
    forUrl(url) {
      let arrived: string | null = null;
      return {
        isFetched: () => arriving.has(url) || landed.has(url),
        onFetched(finalUrl) {
          arrived = finalUrl;
          arriving.set(finalUrl, (arriving.get(finalUrl) ?? 0) + 1);
        },
        release() {
          if (arrived === null) return;
          const n = arriving.get(arrived) ?? 0;
          if (n <= 1) arriving.delete(arrived);
          else arriving.set(arrived, n - 1);
          arrived = null;
        },
      };
    },
    noteStored(requestedUrl, finalUrl) {
      if (finalUrl === requestedUrl || landed.has(finalUrl)) return;
      if (landed.size >= maxLanded) landed.delete(landed.values().next().value!);
      landed.add(finalUrl);
    },
  };
}
