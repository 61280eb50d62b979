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
 * And one map of requests in flight, by the URL requested: a URL's own request from the moment it
 * starts, and a redirect hop's from the moment it is to be sent, each until the URL that made it
 * has been processed (its page stored or its failure recorded). A hop to a URL whose own request
 * is out waits for it (fetcher.ts) and, its page stored, is not requested: both were fetched
 * (`/r` -> `/docs/` while `/docs/` was being downloaded), a request, a download and a parse for a
 * duplicate. A URL whose page a hop is fetching right now is fetched elsewhere, as above.
 * A wait that would close a circle (the request's owner waits, itself or through others, on one of
 * the waiter's: /x -> /x/ -> /x, both fetched at once) is not taken: each sat out half its timeout
 * for the other, holding a slot of the host, before failing as the loop it is.
 */
import type { FetchedElsewhere } from './fetch/polite-fetch.js';

/** Landings remembered; at ~100 bytes a URL, a few MB. */
const MAX_LANDED = 50_000;

/** Requests in flight by URL, for a redirect hop (fetcher.ts FetcherOptions.inFlight). */
export interface InFlightRequests {
  /**
   * Settles once no request for `url` is in flight (its page stored or its failure recorded); null
   * when none is, or when `owner` (whose fetch would wait) is what that request waits on.
   */
  whenDone(url: string, owner?: string): Promise<void> | null;
  /** A redirect hop of `owner`'s fetch is to request `url`: in flight until `owner` is processed. */
  begin(url: string, owner: string): void;
}

export interface FetchedElsewhereTracker extends InFlightRequests {
  /** The check for one claimed URL, and `release()` for when its own processing ends. */
  forUrl(url: string): FetchedElsewhere & { release(): void };
  /** `owner` has been processed: its requests (its own, its hops') are no longer in flight. Also done by forUrl's release(). */
  endOwned(owner: string): void;
  /** A page was stored under `finalUrl` after a request for `requestedUrl`. */
  noteStored(requestedUrl: string, finalUrl: string): void;
}

export function createFetchedElsewhereTracker(maxLanded = MAX_LANDED): FetchedElsewhereTracker {
  const arriving = new Map<string, number>();
  const landed = new Set<string>();
  /** URL requested -> how many requests for it are out, and who waits for them. */
  const requests = new Map<string, { count: number; done: Promise<void>; settle: () => void; owners: string[] }>();
  /** A claimed URL -> the URLs its fetch has requests out for (its own, its hops'). */
  const owned = new Map<string, string[]>();
  /** A claimed URL -> the URL its fetch's hop is waiting for (whenDone). */
  const waits = new Map<string, string>();
  /** Whether a request for `url` waits, through its owners' waits, on one of `owner`'s. */
  const waitsOn = (url: string, owner: string): boolean => {
    const seen = new Set<string>();
    for (let urls = [url]; urls.length > 0;) {
      const next: string[] = [];
      for (const u of urls) {
        for (const o of requests.get(u)?.owners ?? []) {
          if (o === owner) return true;
          if (seen.has(o)) continue;
          seen.add(o);
          const waited = waits.get(o);
          if (waited !== undefined) next.push(waited);
        }
      }
      urls = next;
    }
    return false;
  };
  const begin = (url: string, owner: string): void => {
    let r = requests.get(url);
    if (r === undefined) {
      let settle!: () => void;
      const done = new Promise<void>((resolve) => (settle = resolve));
      r = { count: 0, done, settle, owners: [] };
      requests.set(url, r);
    }
    r.count += 1;
    r.owners.push(owner);
    const list = owned.get(owner);
    if (list === undefined) owned.set(owner, [url]);
    else list.push(url);
  };
  const endOwned = (owner: string): void => {
    const list = owned.get(owner);
    if (list === undefined) return;
    owned.delete(owner);
    waits.delete(owner);
    for (const url of list) {
      const r = requests.get(url);
      if (r === undefined) continue;
      const at = r.owners.indexOf(owner);
      if (at !== -1) r.owners.splice(at, 1);
      if (--r.count > 0) continue;
      requests.delete(url);
      r.settle();
    }
  };
  return {
    whenDone(url, owner) {
      const r = requests.get(url);
      if (r === undefined) return null;
      if (owner === undefined) return r.done;
      if (waitsOn(url, owner)) return null;
      waits.set(owner, url);
      void r.done.then(() => {
        if (waits.get(owner) === url) waits.delete(owner);
      });
      return r.done;
    },
    begin,
    endOwned,
    forUrl(url) {
      let arrived: string | null = null;
      return {
        // A hop of another URL's fetch requesting this one right now counts as well.
        isFetched: () => arriving.has(url) || landed.has(url) || requests.has(url),
        onStart: () => begin(url, url),
        onFetched(finalUrl) {
          arrived = finalUrl;
          arriving.set(finalUrl, (arriving.get(finalUrl) ?? 0) + 1);
        },
        release() {
          endOwned(url);
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
