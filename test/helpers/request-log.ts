/** Wraps a route table so that every request's path and start time is logged, in order. */
import type { Route } from './site.js';

export interface LoggedRequest {
  path: string;
  at: number;
}

export function logRequests(routes: Record<string, Route>, log: LoggedRequest[]): Record<string, Route> {
  const out: Record<string, Route> = {};
  for (const [path, route] of Object.entries(routes)) {
    out[path] = async (req, res) => {
      log.push({ path, at: Date.now() });
      if (typeof route === 'function') return route(req, res);
      if (typeof route === 'string') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(route);
        return;
      }
      if (route.delayMs) await new Promise((r) => setTimeout(r, route.delayMs));
      res.writeHead(route.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...route.headers }).end(route.body ?? '');
    };
  }
  return out;
}

/** Smallest difference between consecutive times. */
export function minGap(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let gap = Infinity;
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, sorted[i]! - sorted[i - 1]!);
  return gap;
}
