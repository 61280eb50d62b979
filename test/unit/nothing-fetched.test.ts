import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CrawlSummary } from '../../src/crawl.js';
import type { FrontierEntry } from '../../src/types.js';
import { createRunOutcome } from '../../src/run-outcome.js';
import { nothingFetchedError } from '../../src/cli/nothing-fetched.js';

const entry = (path: string, depth = 0): FrontierEntry => ({ id: 1, url: `http://a.test${path}`, host: 'http://a.test', depth, attempt: 0 });

function verdict(note: (o: ReturnType<typeof createRunOutcome>) => void, status: CrawlSummary['status'] = 'done') {
  const o = createRunOutcome();
  note(o);
  // Only `status` and `outcome` decide; the rest of the summary is beside the point here.
  const err = nothingFetchedError({ status, outcome: o.result() } as CrawlSummary);
  return err && { code: err.code, message: err.message };
}

test('nothing answered and something failed: one message naming the URLs and why', () => {
  assert.deepEqual(verdict((o) => o.noteFailure(entry('/'), 'CRAWL_FETCH_REFUSED')), {
    code: 'CRAWL_NOTHING_FETCHED', message: 'no page could be fetched: every seed failed (http://a.test/: connection refused)',
  });
  assert.deepEqual(verdict((o) => {
    o.noteResponse(entry('/a'), 404);
    o.noteFailure(entry('/b'), 'CRAWL_ROBOTS_UNAVAILABLE');
    o.noteResponse(entry('/c'), 503);
    o.noteFailure(entry('/d'), 'CRAWL_FETCH_DNS');
    o.noteFailure(entry('/e'), 'CRAWL_FETCH_TIMEOUT');
  })?.message, 'no page could be fetched: every seed failed (http://a.test/a: HTTP 404, http://a.test/b: robots.txt unavailable, http://a.test/c: HTTP 503, and 2 more)');
  // A resumed crawl whose leftover URLs all failed: they are not seeds.
  assert.deepEqual(verdict((o) => {
    o.noteFailure(entry('/x', 2), 'CRAWL_FETCH_RESET');
    o.noteFailure(entry('/y', 1), 'CRAWL_FETCH_TIMEOUT');
  })?.message, 'no page could be fetched: all 2 URLs tried failed (http://a.test/x: connection reset, http://a.test/y: timed out)');
});

test('no verdict when something was answered, nothing was tried, or the crawl did not run to its end', () => {
  assert.equal(verdict((o) => {
    o.noteFailure(entry('/'), 'CRAWL_FETCH_REFUSED');
    o.noteResponse(entry('/ok'), 200);
  }), null);
  assert.equal(verdict((o) => o.noteResponse(entry('/'), 304)), null, 'a recrawl that found the page unchanged');
  assert.equal(verdict((o) => o.noteResponse(entry('/'), 301)), null, 'a final 3xx is an answer');
  assert.equal(verdict((o) => {
    o.noteFailure(entry('/'), 'CRAWL_ROBOTS_DISALLOWED');
    o.noteFailure(entry('/b'), 'CRAWL_FETCH_REFUSED');
  }), null, 'robots.txt forbids the seed: the site answered, and the crawl obeyed');
  assert.equal(verdict(() => {}), null, 'nothing left to do');
  assert.equal(verdict((o) => o.noteFailure(entry('/'), 'CRAWL_FETCH_REFUSED'), 'interrupted'), null);
  assert.equal(verdict((o) => o.noteFailure(entry('/'), 'CRAWL_FETCH_REFUSED'), 'failed'), null);
});

test('a redirect out of scope is named with its target and what refused it', () => {
  assert.equal(verdict((o) => o.noteFailure(entry('/'), 'CRAWL_REDIRECT_OUT_OF_SCOPE', 'redirect to https://b.test/home refused [CRAWL_SCOPE_EXCLUDED]'))?.message,
    'no page could be fetched: every seed failed (http://a.test/: redirected out of scope: to https://b.test/home, which --include/--exclude rejects)');
  assert.equal(verdict((o) => o.noteFailure(entry('/x', 1), 'CRAWL_REDIRECT_OUT_OF_SCOPE', 'redirect to https://b.test/ refused [CRAWL_SCOPE_OUT] (at http://a.test/y)'))?.message,
    'no page could be fetched: the one URL tried failed (http://a.test/x: redirected out of scope: to https://b.test/, outside the scope (--scope))');
  assert.equal(verdict((o) => o.noteFailure(entry('/'), 'CRAWL_REDIRECT_OUT_OF_SCOPE'))?.message,
    'no page could be fetched: every seed failed (http://a.test/: redirected out of scope)', 'a message of another shape: the label alone');
});

test('a redirect loop through a Set-Cookie names the cookie and --header; a plain loop stays short', () => {
  const hint = '; the server set a cookie on the way and --no-cookies sends none: crawl without --no-cookies, or pass the cookie with --header "Cookie: name=value"';
  assert.equal(verdict((o) => o.noteFailure(entry('/'), 'CRAWL_REDIRECT_LOOP', `redirect loop: http://a.test/ -> http://a.test/${hint}`))?.message,
    `no page could be fetched: every seed failed (http://a.test/: redirect loop${hint})`);
  assert.equal(verdict((o) => o.noteFailure(entry('/'), 'CRAWL_REDIRECT_LOOP', 'redirect loop: http://a.test/ -> http://a.test/b -> http://a.test/'))?.message,
    'no page could be fetched: every seed failed (http://a.test/: redirect loop)');
});
