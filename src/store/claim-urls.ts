/**
 * Which queued URLs to claim next: the shallowest (then oldest) that are due, away from the hosts
 * that are full (at their per-host bound, resting, or waiting for robots.txt).
 *
 * One query that walks the queue in (depth, id) order and skips the full hosts' rows costs what
 * it skips: on a one-site crawl the only host is full whenever its bound is reached, so every
 * claim walked the whole queue to return nothing (37 ms a claim on a 100,000-URL queue, which
 * took the crawl from 500 to 35 pages a second; QA). So the hosts with queued URLs are stepped
 * through first, in host order, one index seek each (urls_queued_host). When every queued host
 * is full, nothing is read; when a few are not, each one's shallowest URLs are read from the
 * same index and merged, which gives the rows the one query would have. Only with many hosts
 * (a broad crawl, where a host that is not full is soon met in the walk) does the one query run.
 */
import type { Statements } from './statements.js';

export interface ClaimRow {
  id: number;
  url: string;
  host: string;
  depth: number;
  attempts: number;
}

/** Index seeks through the queued hosts before a claim falls back to the one query. */
const MAX_HOST_STEPS = 64;
/** Hosts that are not full, read one by one and merged; more, and the one query is cheaper. */
const MAX_OPEN_HOSTS = 16;

export function selectClaimable(s: Statements, now: number, limit: number, excludeHosts: readonly string[]): ClaimRow[] {
  if (excludeHosts.length === 0) return s.claimAny.all(now, limit) as ClaimRow[];
  const excluded = new Set(excludeHosts);
  const open: string[] = [];
  let host = s.nextQueuedHost.get('') as string | undefined;
  for (let steps = 0; host !== undefined; steps++) {
    if (steps === MAX_HOST_STEPS || open.length > MAX_OPEN_HOSTS) {
      return s.claimExcluding.all(now, JSON.stringify(excludeHosts), limit) as ClaimRow[];
    }
    if (!excluded.has(host)) open.push(host);
    host = s.nextQueuedHost.get(host) as string | undefined;
  }
  if (open.length === 0) return [];
  const rows = open.flatMap((h) => s.claimHost.all(h, now, limit) as ClaimRow[]);
  if (open.length > 1) rows.sort((a, b) => a.depth - b.depth || a.id - b.id);
  return rows.length > limit ? rows.slice(0, limit) : rows;
}
