/**
 * Spider-trap caps, checked on every discovered URL besides scope and --max-depth: a URL that is
 * too long, too deep, repeats a path segment too often (/a/b/a/b/a/b/...), or is one more query
 * variant of a path that keeps linking new variants of itself (/calendar?month=2024-01 -> ...-02
 * -> ... forever) is recorded as skipped with its CRAWL_TRAP_* code instead of entering the
 * queue. So an infinite calendar or an ever-deeper path ends by itself.
 *
 * Query variants count toward their path's cap only when the page that links them has that same
 * path (scheme, host, port, path; the query differs or is absent): a calendar or an endless
 * pagination chains through its own path. Siblings linked from another path (a forum index's
 * /viewtopic.php?t=1..1500, a category page's /product?id=...) are real content and never count:
 * capping them lost all but 500 of them. URLs with no linking page (seeds, sitemap URLs) do not
 * count either. A site that lists many variants of one path from that same path (WordPress's
 * /?p=N on /?paged=N) still meets the cap; --max-query-variants raises it.
 *
 * Memory: distinct queries are counted per path in a Set of 32-bit hashes, at most
 * maxQueriesPerPath per path, for at most MAX_TRACKED_PATHS paths, the least recently counted
 * forgotten first (so an active chain stays tracked however many other paths pass by); so at most
 * ~MAX_TRACKED_PATHS * maxQueriesPerPath numbers whatever the site does. A hash collision makes
 * two queries count as one, which only lets one extra variant in.
 */
import type { TrapConfig } from '../config/schema.js';
import type { ErrorCode } from '../errors.js';

export interface TrapCheck {
  /** Length, path depth, repeated segments: decided by the URL alone. */
  checkUrl(url: string): ErrorCode | null;
  /**
   * The query-variant cap for `url` linked from the page at `fromUrl`. It counts what it admits,
   * so the frontier asks it last, only for a URL that would otherwise be queued: a link that is
   * not followed anyway (nofollow, too deep) must not use up its path's variants or tracking.
   */
  checkQueryVariant(url: string, fromUrl: string): ErrorCode | null;
}

const MAX_TRACKED_PATHS = 2048;

export function createTrapCheck(config: TrapConfig): TrapCheck {
  const queriesByPath = new Map<string, Set<number>>();

  const isQueryOverCap = (pathKey: string, query: string): boolean => {
    let seen = queriesByPath.get(pathKey);
    if (seen) {
      // Least recently used first out: a Map iterates in insertion order, so re-insert on use.
      queriesByPath.delete(pathKey);
    } else {
      if (queriesByPath.size >= MAX_TRACKED_PATHS) {
        const oldest = queriesByPath.keys().next().value;
        if (oldest !== undefined) queriesByPath.delete(oldest);
      }
      seen = new Set();
    }
    queriesByPath.set(pathKey, seen);
    const hash = fnv1a(query);
    if (seen.has(hash)) return false;
    if (seen.size >= config.maxQueriesPerPath) return true;
    seen.add(hash);
    return false;
  };

  return {
    checkUrl(url) {
      if (url.length > config.maxUrlLength) return 'CRAWL_TRAP_URL_LENGTH';
      const pathStart = url.indexOf('/', url.indexOf('//') + 2);
      if (pathStart === -1) return null;
      const queryStart = url.indexOf('?', pathStart);
      const pathEnd = queryStart === -1 ? url.length : queryStart;
      // Counted in place first: asked for every link of every page, and nearly every URL has
      // fewer segments than a segment may repeat, which settles it without splitting the path.
      const depth = countSegments(url, pathStart, pathEnd);
      if (depth > config.maxPathDepth) return 'CRAWL_TRAP_PATH_DEPTH';
      if (depth <= config.maxRepeatedSegment) return null;
      const segments = url.slice(pathStart, pathEnd).split('/').filter((s) => s !== '');
      const counts = new Map<string, number>();
      for (const segment of segments) {
        const n = (counts.get(segment) ?? 0) + 1;
        if (n > config.maxRepeatedSegment) return 'CRAWL_TRAP_REPEATED_SEGMENT';
        counts.set(segment, n);
      }
      return null;
    },
    checkQueryVariant(url, fromUrl) {
      const queryStart = url.indexOf('?');
      if (queryStart === -1) return null;
      // Same path as the linking page: its URL up to its own '?' (or whole) equals ours up to ours.
      // Normalized URLs have no fragment, so the first '?' starts the query.
      const fromQuery = fromUrl.indexOf('?');
      const fromPathEnd = fromQuery === -1 ? fromUrl.length : fromQuery;
      if (fromPathEnd !== queryStart || !url.startsWith(fromUrl.slice(0, fromPathEnd))) return null;
      return isQueryOverCap(url.slice(0, queryStart), url.slice(queryStart + 1)) ? 'CRAWL_TRAP_QUERY_VARIANTS' : null;
    },
  };
}

/** The non-empty '/'-separated segments of url[start, end), as split('/').filter(nonEmpty) counts them. */
function countSegments(url: string, start: number, end: number): number {
  let n = 0;
  let segmentStart = start;
  for (;;) {
    const slash = url.indexOf('/', segmentStart);
    const segmentEnd = slash === -1 || slash > end ? end : slash;
    if (segmentEnd > segmentStart) n++;
    if (segmentEnd === end) return n;
    segmentStart = segmentEnd + 1;
  }
}

/** 32-bit FNV-1a over UTF-16 code units: cheap, and good enough to tell query strings apart. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function trapMessage(code: ErrorCode, config: TrapConfig): string | null {
  switch (code) {
    case 'CRAWL_TRAP_URL_LENGTH': return `spider trap: URL longer than ${config.maxUrlLength} characters`;
    case 'CRAWL_TRAP_PATH_DEPTH': return `spider trap: more than ${config.maxPathDepth} path segments`;
    case 'CRAWL_TRAP_REPEATED_SEGMENT': return `spider trap: a path segment repeated more than ${config.maxRepeatedSegment} times`;
    case 'CRAWL_TRAP_QUERY_VARIANTS': return `spider trap: more than ${config.maxQueriesPerPath} distinct query strings for this path, each linked from the path itself`;
    case 'CRAWL_TRAP_DUPLICATE_CONTENT': return 'spider trap: found on a catch-all copy of a page above it';
    default: return null;
  }
}
