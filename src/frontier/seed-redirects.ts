/**
 * Seeds that redirect out of the scope they define: `http://example.com/` answering 301 to
 * `https://www.example.com/` (another host), http -> https under --scope prefix (another
 * origin). Refusing that hop, as for any link, failed the whole crawl on the first URL, so a
 * seed's redirect chain may leave the scope, and the URL it lands on becomes a root of the
 * scope, as if it had been given as a seed (the same mode; wget and browsers behave alike).
 * Only seeds: a link that redirects off the site is still CRAWL_REDIRECT_OUT_OF_SCOPE, or one
 * off-site redirect on any page would open the crawl to that site.
 *
 * --include / --exclude still apply to every hop: they are the user's explicit word, and a
 * target they reject fails the seed with a message naming it. Each hop still goes through
 * robots.txt and politeness (fetch/polite-stage.ts); only the scope question changes.
 *
 * A seed is a depth-0 entry whose URL is one of this run's seeds; sitemap URLs are depth 0 too
 * but are not seeds. A resumed crawl gets the earlier runs' widening from the database
 * (store/seed-redirects.ts) before its first page, so links found then are judged the same way.
 */
import type { ScopeMode } from '../config/schema.js';
import type { ErrorCode } from '../errors.js';
import type { FrontierEntry, SeedRedirect } from '../types.js';
import { normalizeUrl } from './normalize-url.js';
import type { Scope, ScopeCheck } from './scope.js';

export interface SeedRedirectsOptions {
  /** This run's seeds (normalized or not). */
  seeds: readonly string[];
  scope: Scope;
  mode: ScopeMode;
  /** --include / --exclude alone (scope.ts createPatternCheck); null when there are none. */
  patterns: ScopeCheck | null;
}

export interface SeedRedirects {
  /** This run's seeds, normalized. */
  seeds: readonly string[];
  /** Whether `entry` is one of this run's seeds: depth 0, and not a sitemap's URL (depth 0 too). */
  isSeed(entry: FrontierEntry): boolean;
  /** The fetcher's checkRedirect: the scope for a link's hops, only --include/--exclude for a seed's. */
  checkRedirect(url: string, from: FrontierEntry): ErrorCode | null;
  /**
   * A fetch of `from` ended at `finalUrl` (normalized): when `from` is a seed and `finalUrl` is
   * outside the scope, the scope grows to take it in. Call it before the page's links are judged.
   * Returns what was widened, or null.
   */
  noteLanding(from: FrontierEntry, finalUrl: string): SeedRedirect | null;
  /** The same for a seed's redirect an earlier run followed (store/seed-redirects.ts). */
  restore(seed: string, target: string): SeedRedirect | null;
}

export function createSeedRedirects(opts: SeedRedirectsOptions): SeedRedirects {
  const { scope, mode, patterns } = opts;
  const seeds = new Set(opts.seeds.map((s) => normalizeUrl(s) ?? s));
  const isSeed = (entry: FrontierEntry) => entry.depth === 0 && seeds.has(entry.url);
  const widen = (seed: string, target: string): SeedRedirect | null => {
    // A target --include/--exclude rejects was never followed live; one an earlier run followed
    // under other patterns is not made a root against this run's.
    if (seed === target || scope(target) !== 'CRAWL_SCOPE_OUT' || (patterns?.(target) ?? null) !== null) return null;
    return scope.addRoot(target) ? { seed, target, mode } : null;
  };
  return {
    seeds: [...seeds],
    isSeed,
    checkRedirect: (url, from) => (isSeed(from) ? patterns?.(url) ?? null : scope(url)),
    noteLanding: (from, finalUrl) => (isSeed(from) ? widen(from.url, finalUrl) : null),
    restore: (seed, target) => widen(seed, target),
  };
}
