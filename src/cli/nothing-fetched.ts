/**
 * The crawl command's verdict on a run that got nothing: it ran to its end (not interrupted),
 * no URL was answered with a status below 400 (or refused by a robots.txt the crawl could read),
 * and at least one failed or got a 4xx/5xx. A
 * script must be able to tell that from a crawl that worked, so the CLI exits 1 with one line
 * naming why. What was stored (a 404 seed's page, say) stays, and the run row is finalized as
 * for any finished run. A run with nothing left to do (a resumed, finished crawl) is no failure,
 * unless --include/--exclude rejected every seed: then nothing was ever going to be fetched.
 */
import { CrawlError } from '../errors.js';
import type { CrawlSummary } from '../crawl.js';

/** As many URLs as run-outcome.ts keeps as examples of failures. */
const MAX_NAMED = 3;

/**
 * `patternsFrom`: the job file the scope patterns came from, when none was typed: the reason says
 * "--include" and a user who typed none did not know where it came from (QA 13).
 */
export function nothingFetchedError(summary: CrawlSummary, patternsFrom: string | null = null): CrawlError | null {
  const o = summary.outcome;
  if (summary.status !== 'done' || o.answered > 0) return null;
  // Every seed rejected by --include/--exclude and nothing else queued (a fresh crawl): the run
  // tried nothing, which would otherwise pass for a finished crawl with nothing left to do.
  if (o.unanswered === 0 && summary.excludedSeeds?.isEvery) {
    const all = summary.excludedSeeds.seeds;
    const named = all.slice(0, MAX_NAMED).map((s) => `${s.url}: ${s.reason}`).join(', ');
    const more = all.length > MAX_NAMED ? `, and ${all.length - MAX_NAMED} more` : '';
    const from = patternsFrom === null ? '' : `; the patterns are scope.include/scope.exclude in ${patternsFrom} (--no-include, --no-exclude drop them)`;
    return new CrawlError('CRAWL_NOTHING_FETCHED', `no page could be fetched: every seed is excluded (${named}${more})${from}`);
  }
  if (o.unanswered === 0) return null;
  // "all 1 URLs tried failed" was what a resumed --max-pages 1 run that met a 404 said (QA).
  const what = o.isSeedsOnly ? 'every seed failed' : o.unanswered === 1 ? 'the one URL tried failed' : `all ${o.unanswered} URLs tried failed`;
  const more = o.unanswered > o.examples.length ? `, and ${o.unanswered - o.examples.length} more` : '';
  const examples = o.examples.map((e) => `${e.url}: ${e.reason}`).join(', ');
  return new CrawlError('CRAWL_NOTHING_FETCHED', `no page could be fetched: ${what} (${examples}${more})`);
}
