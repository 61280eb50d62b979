/**
 * Round 22: the continuing command of a run stopped by Ctrl+C gives what is left of --max-pages
 * and --max-time (it gave them whole again: 1,000 pages stopped at 600 became 1,600), and the job
 * run again carries the flags typed beside --config (they were dropped: a --max-depth 2 crawl was
 * continued unbounded).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { remainingLimits } from '../../src/config/continue-hint.js';
import { typedArgs } from '../../src/config/typed-args.js';
import { formatSummary } from '../../src/cli/summary.js';
import type { CrawlSummary } from '../../src/crawl.js';

const interrupted = { status: 'interrupted', pagesStored: 600, failures: 0, taken: 600, elapsedMs: 240_400, pagesPerSecond: 2.5, errorsByCode: {}, dbPath: 'data/x.db', queuedAtEnd: 5000 } as unknown as CrawlSummary;
const firstNext = (text: string): string => text.split('next:\n')[1]!.split('\n')[0]!;

test('remainingLimits: pages less those taken, time less the time run (to the next whole second), size as it was', () => {
  assert.deepEqual(remainingLimits({ maxPages: 1000, maxTimeMs: 600_000, maxDbBytes: 1024 ** 3 }, { taken: 600, elapsedMs: 240_400 }),
    { limits: { maxPages: 400, maxTimeMs: 360_000, maxDbBytes: 1024 ** 3 }, isUsedUp: false });
  assert.deepEqual(remainingLimits({ maxPages: null, maxTimeMs: 600_000 }, { taken: 3, elapsedMs: 1 }),
    { limits: { maxPages: null, maxTimeMs: 600_000, maxDbBytes: null }, isUsedUp: false });
  assert.equal(remainingLimits({ maxPages: 100 }, { taken: 100, elapsedMs: 5 }).isUsedUp, true, 'every page taken: the limit was reached');
  assert.equal(remainingLimits({ maxTimeMs: 10_000 }, { taken: 1, elapsedMs: 10_200 }).isUsedUp, true, 'Ctrl+C while the last pages finished');
});

test('Ctrl+C at 600 of --max-pages 1000: the continuing command fetches the other 400, and says so', () => {
  assert.match(firstNext(formatSummary(interrupted, [], null, { maxPages: 1000 })),
    /^ {2}crawlite crawl --db data\/x\.db --max-pages 400 +# continue the crawl, 400 more URLs at most \(the rest of --max-pages 1,000\) \(5,000 URLs queued\)$/);
  assert.match(firstNext(formatSummary(interrupted, [], null, { maxPages: 1000, maxTimeMs: 600_000, maxDbBytes: 2 * 1024 ** 3 })),
    /--max-pages 400 --max-time 6m --max-db-size 2GB +# continue the crawl, 400 more URLs at most \(the rest of --max-pages 1,000\), for 6m at most \(the rest of --max-time 10m\), the file 2GB at most \(/);
  // Nothing left of one limit: the run reached it, and goes on as one that ended there.
  assert.match(firstNext(formatSummary({ ...interrupted, taken: 1000 }, [], null, { maxPages: 1000 })), /^ {2}crawlite crawl --db data\/x\.db +# continue the crawl with no page limit \(/);
});

test('the job again: typed flags carried, limits as what is left, a typed --no-max-pages kept', () => {
  const job = { file: 'job.yaml', holds: 'header values', lifted: ['--no-max-time'] };
  assert.match(firstNext(formatSummary(interrupted, ['--max-depth', '2', '-H', '"X-Typed: ..."'], job, { maxPages: 1000 })),
    /^ {2}crawlite crawl --config job\.yaml --db data\/x\.db --max-depth 2 -H "X-Typed: \.\.\." --max-pages 400 --no-max-time +# continue the crawl: the job again/);
  const ended = { ...interrupted, status: 'done' } as CrawlSummary;
  assert.match(firstNext(formatSummary(ended, ['--max-depth', '2'], job, { maxPages: 1000 })), /^ {2}crawlite crawl --config job\.yaml --db data\/x\.db --max-depth 2 --no-max-time +# continue/);
});

test('typedArgs: what was typed, as words to paste; secrets, one-off actions, --workers and display flags left out', () => {
  const { args, lifted } = typedArgs({
    config: 'job.yaml', db: 'x.db', urls: ['https://a.test/x?y=1'], maxDepth: '2', include: ['^https://a\\.test/'], exclude: [false], scope: 'prefix',
    delay: false, cookies: false, insecure: true, header: ['Authorization: secret'], proxy: 'http://u:pw@proxy.test:3128', recrawl: true, retryFailed: true,
    workers: '4', maxPages: '50', maxTime: false, maxDbSize: '1GB', userAgent: 'bot/1 (+https://a.test/)',
  } as never);
  assert.deepEqual(args, ["'https://a.test/x?y=1'", '--max-depth', '2', '--scope', 'prefix', '--include', "'^https://a\\.test/'", '--no-exclude',
    '--no-delay', '--user-agent', "'bot/1 (+https://a.test/)'", '--no-cookies', '--insecure']);
  assert.deepEqual(lifted, ['--no-max-time']);
  assert.deepEqual(typedArgs({ proxy: 'http://proxy.test:3128', seedsFile: '-' } as never).args, ['-i', '<seeds file>', '--proxy', "'http://proxy.test:3128'"]);
  assert.deepEqual(typedArgs({ proxy: false } as never).args, ['--no-proxy']);
  assert.deepEqual(typedArgs({} as never), { args: [], lifted: [] });
});
