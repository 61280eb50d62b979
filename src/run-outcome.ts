/**
 * Whether a run got anything at all, for the CLI's exit code: how many URLs were answered (a
 * response below 400, a recrawl's 304 included, or a robots.txt that forbids them) and a few of
 * those that were not (a failure, or a 4xx/5xx answer, which is stored as a page but is not what
 * the user asked for). Bounded: two counts and at most MAX_EXAMPLES URLs, however long the crawl.
 */
import { describeCode, type ErrorCode } from './errors.js';
import type { FrontierEntry } from './types.js';

export interface RunOutcome {
  /** URLs answered with a status below 400, or forbidden by a robots.txt that was read. */
  answered: number;
  /** URLs that failed or were answered with a status of 400 or more. */
  unanswered: number;
  /** Of those, the ones answered with a status of 400 or more: stored as pages, yet no failures. */
  httpErrors: number;
  /** Every unanswered URL was a seed (depth 0). */
  isSeedsOnly: boolean;
  /** The first few unanswered URLs and why, in a few words: 'connection refused', 'HTTP 404'. */
  examples: Array<{ url: string; reason: string }>;
}

const MAX_EXAMPLES = 3;
/** Where fetch/fetcher.ts's hint starts in a redirect loop's message when a hop set a cookie. */
const COOKIE_LOOP_MARK = '; the server set a cookie';

/** fetch/fetcher.ts nextHop's message for a refused redirect: the target, and the scope's code. */
const REFUSED_REDIRECT = /^redirect to (\S+) refused \[(CRAWL_[A-Z_]+)\]/;

/**
 * A few words for a code; for a TLS failure the detail too ("TLS failed: self-signed certificate
 * [...]; to accept it, use --insecure", map-error.ts), since "TLS failed" alone says neither why
 * nor what to do, and a whole crawl failing on one certificate is the common case. Likewise a
 * redirect out of scope names its target and what refused it: a seed's redirect may leave the
 * scope, so for a seed it is --include/--exclude, which the user can change.
 */
function reasonOf(code: ErrorCode, message: string): string {
  const label = describeCode(code);
  // A consent or session wall (fetcher.ts COOKIE_LOOP_HINT): the loop is the symptom, the
  // cookie the cause, and --header the way through; a whole crawl ending on it is the usual case.
  const cookie = code === 'CRAWL_REDIRECT_LOOP' ? message.indexOf(COOKIE_LOOP_MARK) : -1;
  if (cookie >= 0) return label + message.slice(cookie);
  if (code === 'CRAWL_REDIRECT_OUT_OF_SCOPE') {
    const refused = REFUSED_REDIRECT.exec(message);
    if (refused === null) return label;
    const why = refused[2] === 'CRAWL_SCOPE_EXCLUDED' ? 'which --include/--exclude rejects' : 'outside the scope (--scope)';
    return `${label}: to ${refused[1]}, ${why}`;
  }
  // A redirect hop that failed: the fetcher's message ends "(at <hop>)", or starts "redirect to
  // <hop>: " when the hop's robots.txt could not be read; naming the hop keeps the line from
  // blaming a seed that did answer (with its redirect).
  const hop = / \(at (\S+)\)$/.exec(message) ?? /^redirect to (\S+): /.exec(message);
  if (code !== 'CRAWL_FETCH_TLS') return hop === null ? label : `${label} at ${hop[1]}`;
  const at = message.indexOf(`${label}: `);
  return at < 0 ? label : message.slice(at);
}

export function createRunOutcome() {
  const outcome: RunOutcome = { answered: 0, unanswered: 0, httpErrors: 0, isSeedsOnly: true, examples: [] };
  const miss = (entry: FrontierEntry, reason: string) => {
    outcome.unanswered += 1;
    if (entry.depth > 0) outcome.isSeedsOnly = false;
    if (outcome.examples.length < MAX_EXAMPLES) outcome.examples.push({ url: entry.url, reason });
  };
  return {
    /** A response arrived (after redirects and retries). */
    noteResponse(entry: FrontierEntry, status: number): void {
      if (status < 400) outcome.answered += 1;
      else {
        outcome.httpErrors += 1;
        miss(entry, `HTTP ${status}`);
      }
    },
    /** The URL ends failed, or blocked by robots.txt; `message` is the failure's own. */
    noteFailure(entry: FrontierEntry, code: ErrorCode, message = ''): void {
      // The site answered and the crawl obeyed: a crawl of a site that forbids it did what it was
      // told, and exits 0 (test/integration/cli-politeness.test.ts holds it to that).
      if (code === 'CRAWL_ROBOTS_DISALLOWED') outcome.answered += 1;
      else miss(entry, reasonOf(code, message));
    },
    result: (): RunOutcome => ({ ...outcome, examples: [...outcome.examples] }),
  };
}
