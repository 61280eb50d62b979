/**
 * Round 21b hints: the continuing command of a run stopped by Ctrl+C keeps its --max-time and
 * --max-db-size as well as its --max-pages, each written as the flag reads it back; that of a run
 * that ended at a limit says it has none (it said "to its end", which an endless site has not);
 * the earlier-failures line names export --failed; more of other tools' options are answered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromFlags } from '../../src/config/load.js';
import { continueHint, durationWord, limitArgs, sizeWord } from '../../src/config/continue-hint.js';
import { readDurationMs } from '../../src/config/duration.js';
import { parseByteSize } from '../../src/config/byte-size.js';
import type { CrawlSummary } from '../../src/crawl.js';
import { formatSummary } from '../../src/cli/summary.js';
import { otherToolOption } from '../../src/cli/other-tool-options.js';

const summary = { status: 'interrupted', pagesStored: 3, failures: 0, elapsedMs: 1000, pagesPerSecond: 3, errorsByCode: {}, dbPath: 'data/x.db', queuedAtEnd: 1234 } as unknown as CrawlSummary;
const firstNext = (text: string): string => text.split('next:\n')[1]!.split('\n')[0]!;

test('durations and sizes are written as --max-time and --max-db-size read them back, to the same value', () => {
  const durations: Array<[number, string]> = [[600_000, '10m'], [5_400_000, '1h30m'], [90_000, '1m30s'], [1000, '1s'], [1500, '1.5s'], [86_400_000, '1d'], [90_061_000, '1d1h1m1s']];
  for (const [ms, word] of durations) {
    assert.equal(durationWord(ms), word);
    assert.equal(readDurationMs(word), ms, word);
  }
  const sizes: Array<[number, string]> = [[2 * 1024 ** 3, '2GB'], [1536 * 1024 ** 2, '1536MB'], [512 * 1024, '512KB'], [1024 ** 4, '1TB'], [300_001, '300001']];
  for (const [bytes, word] of sizes) {
    assert.equal(sizeWord(bytes), word);
    assert.equal(parseByteSize(word), bytes, word);
  }
});

test('continueHint carries --max-pages, --max-time and --max-db-size, from the flags as typed', () => {
  const { limits } = continueHint(configFromFlags({ urls: ['https://a.test/'], maxPages: 100, maxTime: '10m', maxDbSize: '2GB' }), null, []);
  assert.deepEqual(limits, { maxPages: 100, maxTimeMs: 600_000, maxDbBytes: 2 * 1024 ** 3 });
  assert.deepEqual(limitArgs(limits), ['--max-pages', '100', '--max-time', '10m', '--max-db-size', '2GB']);
  assert.deepEqual(continueHint(configFromFlags({ urls: ['https://a.test/'] }), null, []).limits, { maxPages: null, maxTimeMs: null, maxDbBytes: null });
});

test('a run interrupted inside --max-time is continued with what is left of it (round 22); the job-file variant too', () => {
  // The summary ran 1 s (elapsedMs 1000) and took no URL.
  assert.match(firstNext(formatSummary(summary, [], null, { maxTimeMs: 600_000 })), /^ {2}crawlite crawl --db data\/x\.db --max-time 9m59s +# continue the crawl, for 9m59s at most \(the rest of --max-time 10m\) \(1,234 URLs queued\)$/);
  assert.match(firstNext(formatSummary(summary, [], null, { maxPages: 100, maxTimeMs: 5_400_000, maxDbBytes: 2 * 1024 ** 3 })),
    /^ {2}crawlite crawl --db data\/x\.db --max-pages 100 --max-time 1h29m59s --max-db-size 2GB +# continue the crawl, 100 more URLs at most, for 1h29m59s at most \(the rest of --max-time 1h30m\), the file 2GB at most \(1,234 URLs queued\)$/);
  assert.match(firstNext(formatSummary(summary, ['-H', '"X-Typed: ..."'], { file: 'job.yaml', holds: 'header values', lifted: [] }, { maxTimeMs: 600_000 })),
    /^ {2}crawlite crawl --config job\.yaml --db data\/x\.db -H "X-Typed: \.\.\." --max-time 9m59s +# continue the crawl: the job again, for the header values in its file \(1,234 URLs queued\)$/);
});

test('a run that ended at its limits is told the command has none, not "to its end"; without limits, to its end', () => {
  const done = { ...summary, status: 'done' } as CrawlSummary;
  assert.match(firstNext(formatSummary(done, [], null, { maxTimeMs: 600_000 })), /^ {2}crawlite crawl --db data\/x\.db +# continue the crawl with no time limit \(1,234 URLs queued\)$/);
  assert.match(firstNext(formatSummary(done, [], null, { maxPages: 100, maxTimeMs: 600_000 })), /# continue the crawl with no page or time limit \(1,234 URLs queued\)$/);
  assert.match(firstNext(formatSummary(done, [], null, { maxPages: 5, maxTimeMs: 600_000, maxDbBytes: 1024 ** 3 })), /# continue the crawl with no page, time or size limit \(/);
  // --max-db-size reached: the run failed, and its command goes on without the size limit.
  assert.match(firstNext(formatSummary({ ...summary, status: 'failed' } as CrawlSummary, [], null, { maxDbBytes: 1024 ** 3 })), /^ {2}crawlite crawl --db data\/x\.db +# continue the crawl with no size limit \(/);
  assert.match(firstNext(formatSummary(done, [], null, { maxPages: null, maxTimeMs: null, maxDbBytes: null })), /# continue the crawl to its end \(1,234 URLs queued\)$/);
  assert.match(firstNext(formatSummary(summary)), /# continue the crawl to its end \(1,234 URLs queued\)$/);
});

test('the earlier-failures line names export --failed, the database quoted for the shell', () => {
  const idle = { ...summary, status: 'done', queuedAtEnd: 0, dbPath: "it's.db", earlierFailures: { count: 3, topCode: 'CRAWL_FETCH_REFUSED' } } as unknown as CrawlSummary;
  assert.ok(formatSummary(idle).split('\n').includes(`3 URLs failed in earlier runs (most often CRAWL_FETCH_REFUSED); --retry-failed queues them again; list them: crawlite export --db 'it'\\''s.db' --failed --out failed.csv`));
  const one = { ...idle, dbPath: 'data/x.db', earlierFailures: { count: 1, topCode: null } } as unknown as CrawlSummary;
  assert.ok(formatSummary(one).split('\n').includes('1 URL failed in an earlier run; --retry-failed queues it again; list it: crawlite export --db data/x.db --failed --out failed.csv'));
});

test("other tools' cookie, credential, header-file and browser options get crawlite's answer on crawl only", () => {
  const crawl = ['header', 'cookies', 'proxy', 'max-depth', 'insecure'];
  const basic = /^-H "Authorization: Basic \$\(printf %s 'user:pass' \| base64\)"/;
  for (const typed of ['user', 'password', 'http-user', 'http-password', 'u', 'ask-password']) assert.match(otherToolOption(typed, crawl) ?? '', basic, typed);
  for (const typed of ['cookie', 'b', 'cookies-file', 'load-cookies']) assert.match(otherToolOption(typed, crawl) ?? '', /^-H "Cookie: name=value"/, typed);
  for (const typed of ['save-cookies', 'cookie-jar', 'keep-session-cookies']) assert.match(otherToolOption(typed, crawl) ?? '', /--cookies, the default\) and never saved to a file/, typed);
  assert.match(otherToolOption('header-file', crawl) ?? '', /^-H "Name: value" once per header/);
  assert.match(otherToolOption('headless', crawl) ?? '', /^no browser here/);
  assert.equal(otherToolOption('no-check-certificate', crawl), '--insecure');
  // stats and export have no -H: no answer there, the usual --help pointer instead.
  assert.equal(otherToolOption('user', ['db', 'json']), null);
  assert.equal(otherToolOption('cookie', ['db', 'out', 'format']), null);
});
