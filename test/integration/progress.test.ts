/**
 * What a crawl shows while it runs, seen from outside: on a terminal (tmux) a status block redrawn
 * in place and erased at the end or on Ctrl+C; on a pipe plain lines; --log-format json one JSON
 * event per line; --quiet nothing. stdout stays empty in every mode.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, page, type TestSite } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { MAIN, crawlite } from '../helpers/cli.js';
import { hasTmux, openTerminal } from '../helpers/tmux.js';

/** A chain of slow pages, so a crawl at concurrency 1 lasts a few seconds; plus one failing URL. */
async function slowSite(t: TestContext, pages: number, delayMs: number): Promise<TestSite> {
  const routes: Parameters<typeof startSite>[0] = {};
  for (let i = 0; i < pages; i++) routes[`/p${i}`] = page(`page ${i}`, [`/p${i + 1}`, ...(i === 2 ? ['/reset'] : [])]);
  routes['/reset'] = (_req, res) => {
    res.socket?.destroy();
  };
  const site = await startSite(routes, { delayMs });
  t.after(() => site.close());
  return site;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function terminalOrSkip(t: TestContext): boolean {
  if (hasTmux()) return true;
  if (process.env.CI) assert.fail('tmux is required in CI for the terminal tests (see .ci/run)');
  t.diagnostic('SKIPPED: tmux not installed; the terminal progress tests need it');
  t.skip('tmux not installed');
  return false;
}

test('on a terminal: one status block redrawn in place, erased at the end, cursor restored', async (t) => {
  if (!terminalOrSkip(t)) return;
  const site = await slowSite(t, 40, 60);
  const db = tempDbPath(t);
  const cmd = `${shellQuote(process.execPath)} ${shellQuote(MAIN)} crawl ${site.url('/p0')} --db ${shellQuote(db)} --concurrency 1 --workers 1 --retries 0 --max-pages 30; echo EXIT=$?; sleep 60`;
  const term = openTerminal(t, cmd);

  const first = await term.waitFor(/\d+ pages? stored/);
  const shown = new Set<string>([first.match(/(\d+) pages? stored/)![1]!]);
  for (let i = 0; i < 100 && shown.size < 3 && !/EXIT=/.test(term.screen()); i++) {
    await new Promise((r) => setTimeout(r, 100));
    const screen = term.screen();
    const lines = screen.split('\n').filter((l) => /pages? stored/.test(l));
    if (/EXIT=/.test(screen)) break;
    // In place: however many times it was redrawn, the screen and scrollback hold one block.
    assert.ok(lines.length <= 1, `one status line on screen, got:\n${screen}`);
    const m = screen.match(/(\d+) pages? stored/);
    if (m) shown.add(m[1]!);
    if (lines.length === 1) {
      assert.match(screen, /\d+ in flight {2}\d+ queued/);
      assert.match(screen, /\d+\/30 URLs {2}ETA/);
      assert.match(screen, /[█░]{24} \d+%/);
      assert.match(screen, /\/s now .*\/s avg .* elapsed/);
    }
  }
  assert.ok(shown.size >= 2, `the count changed while running: ${[...shown].join(', ')}`);

  const end = await term.waitFor(/EXIT=\d+/);
  assert.match(end, /EXIT=0/);
  assert.match(end, /crawl done: 29 pages stored, 1 failed/);
  assert.match(end, /crawlite report --db/);
  assert.doesNotMatch(end, /pages? stored {2}/, 'the status block was erased');
  assert.doesNotMatch(end, /ETA/, 'the bar was erased');
  assert.ok(term.isCursorVisible(), 'cursor shown again');
});

test('on a terminal, Ctrl+C erases the status block, says what it does, exits 130', async (t) => {
  if (!terminalOrSkip(t)) return;
  const site = await slowSite(t, 200, 80);
  const db = tempDbPath(t);
  const cmd = `${shellQuote(process.execPath)} ${shellQuote(MAIN)} crawl ${site.url('/p0')} --db ${shellQuote(db)} --concurrency 1 --workers 1; echo EXIT=$?; sleep 60`;
  const term = openTerminal(t, cmd);
  await term.waitFor(/[1-9]\d* pages? stored/);
  term.sendKeys('C-c');
  const end = await term.waitFor(/EXIT=\d+/);
  assert.match(end, /EXIT=130/);
  assert.match(end, /SIGINT received, storing pages in progress/);
  assert.match(end, /crawl interrupted: \d+ pages? stored/);
  assert.doesNotMatch(end, /pages? stored {2}/, 'the status block was erased');
  assert.ok(term.isCursorVisible(), 'cursor shown again');
});

test('colour on a terminal, none with NO_COLOR', async (t) => {
  if (!terminalOrSkip(t)) return;
  const site = await slowSite(t, 60, 60);
  for (const noColor of [false, true]) {
    const db = tempDbPath(t);
    const cmd = `${shellQuote(process.execPath)} ${shellQuote(MAIN)} crawl ${site.url('/p0')} --db ${shellQuote(db)} --concurrency 1 --workers 1; sleep 60`;
    const term = openTerminal(t, cmd, noColor ? { NO_COLOR: '1' } : {});
    await term.waitFor(/[1-9]\d* pages? stored/);
    const raw = term.screen(true);
    // tmux re-encodes the colours it was sent as SGR sequences in capture-pane -e.
    if (noColor) assert.doesNotMatch(raw, /\u001B\[[0-9;]*3[1-7]m[^\n]*pages? stored/, 'no colour with NO_COLOR');
    else assert.match(raw, /\u001B\[[0-9;]*32m[^\n]*pages? stored/, 'pages stored in green');
  }
});

test('not a terminal: a plain progress line every --progress-interval, then the summary; stdout empty', async (t) => {
  const site = await slowSite(t, 30, 60);
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/p0'), '--db', db, '--concurrency', '1', '--workers', '1', '--retries', '0', '--progress-interval', '0.3', '--max-pages', '20']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('crawlite: '));
  assert.ok(lines.length >= 2, run.stderr);
  for (const line of lines) {
    assert.match(line, /^crawlite: \d+ pages? \([\d.]+\/s avg(, [\d.]+\/s now)?\), \d+ errors?.*, \d+ in flight, \d+ queued, [\d.]+ (B|KB), [\d.]+s, \d+\/20 URLs, ETA \S+$/);
  }
  assert.ok(!run.stderr.includes('\u001B'), 'no escape codes on a pipe');
  assert.match(run.stderr, /crawl done: 19 pages stored, 1 failed/);
  assert.match(run.stderr, / {7}1 {2}CRAWL_FETCH_RESET/);
  assert.match(run.stderr, /crawlite search --db .* "<query>"/);
});

test('--log-format json: one parseable event per page and per failed URL, then a summary', async (t) => {
  const site = await slowSite(t, 12, 0);
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/p0'), '--db', db, '--log-format', 'json', '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
  const events = run.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const pages = events.filter((e) => e.type === 'page');
  const errors = events.filter((e) => e.type === 'error');
  assert.equal(pages.length, 13, 'p0..p11 and the 404 for p12');
  assert.deepEqual(errors.map((e) => [e.code, e.url]), [['CRAWL_FETCH_RESET', site.url('/reset')]]);
  assert.ok(pages.every((e) => typeof e.time === 'string' && typeof e.status === 'number' && typeof e.url === 'string'));
  assert.ok(pages.some((e) => e.status === 404));
  const summary = events.at(-1)!;
  assert.equal(summary.type, 'summary');
  assert.equal(summary.pagesStored, 13);
  assert.deepEqual(summary.errorsByCode, { CRAWL_FETCH_RESET: 1 });
});

test('--quiet prints nothing when all goes well', async (t) => {
  const site = await slowSite(t, 5, 0);
  const run = await crawlite(['crawl', site.url('/p0'), '--db', tempDbPath(t), '--quiet', '--workers', '1']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.equal(run.stdout, '');
});
