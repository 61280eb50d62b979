/**
 * The crawl command's verdict on a run that got nothing: it ran to its end (not interrupted),
 * no URL was answered with a status below 400 (or refused by a robots.txt the crawl could read),
 * and at least one failed or got a 4xx/5xx. A
 * script must be able to tell that from a crawl that worked, so the CLI exits 1 with one line
 * naming why. What was stored (a 404 seed's page, say) stays, and the run row is finalized as
 * for any finished run. A run with nothing left to do (a resumed, finished crawl) is no failure.
 */
import { CrawlError } from '../errors.js';
import type { CrawlSummary } from '../crawl.js';

export function nothingFetchedError(summary: CrawlSummary): CrawlError | null {
  const o = summary.outcome;
  if (summary.status !== 'done' || o.answered > 0 || o.unanswered === 0) return null;
  const what = o.isSeedsOnly ? 'every seed failed' : `all ${o.unanswered} URLs tried failed`;
  const more = o.unanswered > o.examples.length ? `, and ${o.unanswered - o.examples.length} more` : '';
  const examples = o.examples.map((e) => `${e.url}: ${e.reason}`).join(', ');
  return new CrawlError('CRAWL_NOTHING_FETCHED', `no page could be fetched: ${what} (${examples}${more})`);
}
