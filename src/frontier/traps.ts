/**
 * Spider-trap caps, checked on every discovered URL besides scope and --max-depth: a URL that is
 * too long, too deep, repeats a path segment too often (/a/b/a/b/a/b/...), or is one more query
 * variant of a path already seen with many (/calendar?month=2024-01, ...-02, ... forever) is
 * recorded as skipped with its CRAWL_TRAP_* code instead of entering the queue. So an infinite
 * calendar or an ever-deeper path ends by itself.
 *
 * Memory: distinct queries are counted per path in a Set of 32-bit hashes, at most
 * maxQueriesPerPath per path, for at most MAX_TRACKED_PATHS paths (the oldest path is forgotten
 * first); so at most ~MAX_TRACKED_PATHS * maxQueriesPerPath numbers whatever the site does. A
 * hash collision makes two queries count as one, which only lets one extra variant in.
 */
import type { TrapConfig } from '../config/schema.js';
import type { ErrorCode } from '../errors.js';

export type TrapCheck = (url: string) => ErrorCode | null;

const MAX_TRACKED_PATHS = 2048;

export function createTrapCheck(config: TrapConfig): TrapCheck {
  const queriesByPath = new Map<string, Set<number>>();

  const isQueryOverCap = (pathKey: string, query: string): boolean => {
    let seen = queriesByPath.get(pathKey);
    if (!seen) {
      if (queriesByPath.size >= MAX_TRACKED_PATHS) {
        const oldest = queriesByPath.keys().next().value;
        if (oldest !== undefined) queriesByPath.delete(oldest);
      }
      seen = new Set();
      queriesByPath.set(pathKey, seen);
    }
    const hash = fnv1a(query);
    if (seen.has(hash)) return false;
    if (seen.size >= config.maxQueriesPerPath) return true;
    seen.add(hash);
    return false;
  };

  return (url) => {
    if (url.length > config.maxUrlLength) return 'CRAWL_TRAP_URL_LENGTH';
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    if (pathStart === -1) return null;
    const queryStart = url.indexOf('?', pathStart);
    const path = url.slice(pathStart, queryStart === -1 ? url.length : queryStart);
    const segments = path.split('/').filter((s) => s !== '');
    if (segments.length > config.maxPathDepth) return 'CRAWL_TRAP_PATH_DEPTH';
    const counts = new Map<string, number>();
    for (const segment of segments) {
      const n = (counts.get(segment) ?? 0) + 1;
      if (n > config.maxRepeatedSegment) return 'CRAWL_TRAP_REPEATED_SEGMENT';
      counts.set(segment, n);
    }
    if (queryStart !== -1 && isQueryOverCap(url.slice(0, queryStart), url.slice(queryStart + 1))) {
      return 'CRAWL_TRAP_QUERY_VARIANTS';
    }
    return null;
  };
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
    case 'CRAWL_TRAP_QUERY_VARIANTS': return `spider trap: more than ${config.maxQueriesPerPath} distinct query strings for this path`;
    default: return null;
  }
}
