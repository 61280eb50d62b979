import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { shellWord } from '../../src/shell-word.js';
import type { CrawlProgress, CrawlSummary } from '../../src/crawl.js';
import { formatCrawlDelay, formatDuration, formatHttpErrors, formatMaxTime, formatProgressLine, formatSitemaps, formatSummary, formatTrapSkips, formatWalGrowth, formatWalLeft, plural } from '../../src/cli/summary.js';

test('formatDuration rounds before splitting: never 60s or 60m in a field', () => {
  const cases: Array<[number, string]> = [
    [0, '0.0s'],
    [12_340, '12.3s'],
    [59_500, '59.5s'],
    [59_940, '59.9s'],
    [59_960, '1m00s'],
    [60_000, '1m00s'],
    [65_000, '1m05s'],
    [119_400, '1m59s'],
    [119_600, '2m00s'],
    [3_599_400, '59m59s'],
    [3_599_600, '1h00m'],
    [3_600_000, '1h00m'],
    [7_500_000, '2h05m'],
    [3 * 3_600_000 + 59 * 60_000 + 40_000, '4h00m'],
    [30 * 3_600_000, '30h00m'],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `${ms} ms`);
});

test('counts agree with their noun: 1 page, 1 error; 0 and 2 pages', () => {
  const progress = { pagesStored: 1, pagesPerSecond: 1, failures: 1, inFlight: 0, wireBytes: 10, elapsedMs: 1000 } as CrawlProgress;
  assert.equal(formatProgressLine(progress), 'crawlite: 1 page (1/s), 1 error, 0 in flight, 10 B, 1.0s');
  assert.equal(formatProgressLine({ ...progress, pagesStored: 2, failures: 0 }), 'crawlite: 2 pages (1/s), 0 errors, 0 in flight, 10 B, 1.0s');
  assert.equal(plural(0, 'page'), '0 pages');
  assert.equal(plural(1234, 'URL', '1,234'), '1,234 URLs');
});

test('stored pages that answered 4xx or 5xx get one summary line; none, no line', () => {
  assert.equal(formatHttpErrors(1), '  1 stored page answered with an HTTP error status (4xx or 5xx); list them: crawlite export --db data/crawl.db --status 4xx,5xx --fields url,status');
  assert.equal(formatHttpErrors(1234), '  1,234 stored pages answered with an HTTP error status (4xx or 5xx); list them: crawlite export --db data/crawl.db --status 4xx,5xx --fields url,status');
  assert.equal(formatHttpErrors(0), null);
});

test('trap skips get one summary line, largest code first; none, no line', () => {
  assert.equal(formatTrapSkips({ CRAWL_TRAP_URL_LENGTH: 3, CRAWL_TRAP_QUERY_VARIANTS: 1000 }),
    '  1,003 URLs skipped as spider traps (CRAWL_TRAP_QUERY_VARIANTS 1,000, CRAWL_TRAP_URL_LENGTH 3); see docs/hostile-web.md "Spider traps"');
  assert.equal(formatTrapSkips({ CRAWL_TRAP_DUPLICATE_CONTENT: 1 }),
    '  1 URL skipped as spider trap (CRAWL_TRAP_DUPLICATE_CONTENT 1); see docs/hostile-web.md "Spider traps"');
  assert.equal(formatTrapSkips({}), null);
});

test('the sitemaps line counts the URLs new to the database as queued, and says the known and skipped ones apart', () => {
  const report = { sitemaps: 3, urls: 1204, queued: 1204, skipped: 0, failures: [], cut: [] };
  assert.equal(formatSitemaps(report), 'crawlite: sitemaps: 3 read, 1,204 URLs queued');
  assert.equal(formatSitemaps({ ...report, urls: 6, queued: 0 }), 'crawlite: sitemaps: 3 read, 0 URLs queued (6 already known)');
  assert.equal(formatSitemaps({ ...report, urls: 4006, queued: 1, skipped: 4000 }), 'crawlite: sitemaps: 3 read, 1 URL queued (5 already known, 4,000 recorded as skipped)');
  assert.equal(formatSitemaps({ ...report, urls: 2, queued: 2, failures: [{ url: 'https://a.test/s.xml', message: 'HTTP 500' }] }),
    'crawlite: sitemaps: 3 read, 2 URLs queued; skipped:\n  https://a.test/s.xml: HTTP 500');
  assert.equal(formatSitemaps({ ...report, urls: 2, queued: 2, cut: [{ url: 'https://a.test/c.xml', message: 'cut short after 12.0 KiB; read to its last whole entry (2 entries)' }], failures: [{ url: 'https://a.test/s.xml', message: 'HTTP 500' }] }),
    'crawlite: sitemaps: 3 read, 2 URLs queued; read in part:\n  https://a.test/c.xml: cut short after 12.0 KiB; read to its last whole entry (2 entries); skipped:\n  https://a.test/s.xml: HTTP 500');
});

test('formatCrawlDelay names the origin and the delay, and the cap when it applies', () => {
  assert.equal(formatCrawlDelay({ origin: 'https://a.test:443', askedMs: 2_500, appliedMs: 2_500 }),
    'crawlite: https://a.test:443 asks for a Crawl-delay of 2.5 s in its robots.txt: its requests start that far apart');
  assert.equal(formatCrawlDelay({ origin: 'http://b.test:80', askedMs: 3_600_000, appliedMs: 30_000 }),
    'crawlite: http://b.test:80 asks for a Crawl-delay of 3600 s in its robots.txt; honoured as 30 s, the most crawlite waits: its requests start that far apart');
});

test('the summary of a run that left URLs queued names the command that continues it first, the database quoted for the shell', () => {
  const summary = { status: 'interrupted', pagesStored: 3, failures: 0, elapsedMs: 1000, pagesPerSecond: 3, errorsByCode: {}, dbPath: 'data/x.db' } as unknown as CrawlSummary;
  const next = (s: CrawlSummary, args: string[] = []) => formatSummary(s, args).split('next:\n')[1]!.split('\n');
  assert.equal(next({ ...summary, queuedAtEnd: 1234 })[0], '  crawlite crawl --db data/x.db                                # continue the crawl to its end (1,234 URLs queued)');
  assert.match(next({ ...summary, queuedAtEnd: 1, dbPath: "/tmp/it's here.db" })[0]!, /^ {2}crawlite crawl --db '\/tmp\/it'\\''s here\.db' +# continue the crawl to its end \(1 URL queued\)$/);
  assert.match(next({ ...summary, queuedAtEnd: 2 }, ['-H', '"Cookie: ..."'])[0]!, /^ {2}crawlite crawl --db data\/x\.db -H "Cookie: \.\.\." +# continue/);
  assert.match(next(summary)[0]!, /^ {2}crawlite stats --db data\/x\.db /, 'nothing queued: no continuing command');
  const rerun = (file: string, args: string[] = []) => formatSummary({ ...summary, queuedAtEnd: 2 }, args, { file, holds: 'header values', lifted: [] }).split('next:\n')[1]!.split('\n')[0];
  assert.match(rerun('config/x.yaml')!, /^ {2}crawlite crawl --config config\/x\.yaml --db data\/x\.db +# continue the crawl: the job again, for the header values in its file \(2 URLs queued\)$/);
  assert.match(rerun('my job.yaml', ['-H', '"X-Typed: ..."'])!, /^ {2}crawlite crawl --config 'my job\.yaml' --db data\/x\.db -H "X-Typed: \.\.\." +# continue/);
  assert.equal(formatMaxTime(600_000, 1234), '  stopped taking URLs at --max-time 10m00s; 1,234 URLs still queued: run the same command for 10m00s more');
});

test('a database path with a newline or other control character keeps every summary line one line, and the next: commands paste back to the same path', () => {
  const dbPath = "runs/a\nb\t'c'\\d\x01e f.db";
  const summary = { status: 'completed', pagesStored: 1, failures: 0, elapsedMs: 1000, pagesPerSecond: 1, errorsByCode: {}, dbPath, queuedAtEnd: 3 } as unknown as CrawlSummary;
  const text = formatSummary(summary);
  assert.ok(text.includes('database: runs/a\\nb\\t\'c\'\\d\\u0001e f.db\n'), text);
  const next = text.split('next:\n')[1]!.split('\n').filter((line) => line !== '');
  assert.equal(next.length, 5, 'five commands, one line each');
  const word = /^ {2}crawlite crawl --db ("\$\(printf -- '.*'\)") +# continue/.exec(next[0]!)?.[1];
  assert.ok(word !== undefined, next[0]);
  // sh (dash on Debian, which reads no $'...') and bash both read the word back as the path itself.
  for (const shell of ['sh', 'bash']) {
    const readBack: string = spawnSync(shell, ['-c', `printf %s ${word}`], { encoding: 'utf8' }).stdout;
    assert.equal(readBack, dbPath, `${shell} reads ${word}`);
  }
});

test('a path with a control character is pasted back by sh and bash alike, whatever else it holds (%, !, \\, quotes, a leading -)', () => {
  for (const path of ['a\nb.db', '-x\n.db', "it's\t100%!\\n.db", 'é\x7f\x1b[0m.db', 'runs/\n\n/x.db']) {
    const word = shellWord(path);
    assert.ok(!word.includes('\n') || word.startsWith('"$(printf'), word);
    assert.ok(!/[\x00-\x1f]/.test(word), `one line: ${JSON.stringify(word)}`);
    for (const shell of ['sh', 'bash']) {
      assert.equal(spawnSync(shell, ['-c', `printf %s ${word}`], { encoding: 'utf8' }).stdout, path, `${shell} reads ${word}`);
    }
  }
  // Command substitution drops trailing newlines: such a path keeps ANSI-C quotes (bash, zsh, ksh).
  assert.equal(shellWord('x.db\n'), "$'x.db\\n'");
});

test('the held-read warnings name the -wal beside the database, its size in binary units', () => {
  assert.equal(
    formatWalGrowth('data/crawl.db', 256 << 20),
    'crawlite: data/crawl.db-wal has grown to 256.0 MiB: a read held open in another process (sqlite3 inside a transaction, a long export) keeps SQLite from reusing it, and it grows with every page until that read ends',
  );
  assert.match(formatWalLeft('data/crawl.db'), /^crawlite: .* in data\/crawl\.db-wal, not yet in data\/crawl\.db: copy both files/);
  // A full disk, not a read, kept it there: the line blamed a read no other process had open (QA 19).
  assert.match(formatWalLeft('data/crawl.db', true), /^crawlite: the disk is full: .* in data\/crawl\.db-wal, not yet in data\/crawl\.db: copy both files, or free some space/);
  assert.doesNotMatch(formatWalLeft('data/crawl.db', true), /read/);
});
