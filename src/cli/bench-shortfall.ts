/**
 * Why `crawlite bench` stored fewer pages than it served. With --config, the job's scope and
 * limits apply to the bench site too: a job whose scope.include names its real site's URLs
 * stored 0 of 1,000 pages with only "see crawlite stats" (QA 13). Every seed excluded is the
 * crawl command's CRAWL_NOTHING_FETCHED, thrown for main's one line, naming the job's keys; fewer
 * pages than served names the job keys that can leave pages out.
 */
import type { CrawlConfig } from '../config/schema.js';
import type { CrawlSummary } from '../crawl.js';
import { CrawlError } from '../errors.js';

export function benchShortfall(summary: CrawlSummary, pages: number, config: CrawlConfig, jobPath: string | null, dbPath: string): string | null {
  if (summary.pagesStored >= pages) return null;
  const root = config.seeds[0];
  const excluded = summary.excludedSeeds?.seeds[0];
  if (excluded) {
    const keys = jobPath === null ? '' : ` (scope.include/scope.exclude in ${jobPath})`;
    throw new CrawlError('CRAWL_NOTHING_FETCHED', `bench stored 0 of ${pages} pages: the bench site's root ${root} is not crawled: ${excluded.reason}${keys}; bench crawls only its generated site on 127.0.0.1, so use a job whose patterns admit it, or none`);
  }
  const limits = jobPath === null ? [] : limitingKeys(config);
  const why = limits.length ? `; ${jobPath} sets ${limits.join(', ')}, which may leave pages out` : '';
  return `crawlite bench: only ${summary.pagesStored} of ${pages} pages were stored${why}; see crawlite stats --db ${dbPath}`;
}

function limitingKeys(config: CrawlConfig): string[] {
  const keys: string[] = [];
  if (config.scope.include.length) keys.push('scope.include');
  if (config.scope.exclude.length) keys.push('scope.exclude');
  if (config.maxPages !== null) keys.push('maxPages');
  if (config.maxDepth !== null) keys.push('maxDepth');
  if (config.maxTimeMs !== null) keys.push('maxTimeMs');
  return keys;
}
