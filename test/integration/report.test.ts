/**
 * `crawlite report` renders in a real browser: headless Chromium loads the file over file://,
 * with no console errors, no network requests, and every chart drawn with a size.
 * Without Chromium the test fails in CI (CI set) and is skipped, loudly, elsewhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { runCrawl } from '../../src/crawl.js';
import { crawlite } from '../helpers/cli.js';
import { findChromium, visitPage } from '../helpers/chromium.js';
import { readReport } from '../../src/report/read-report.js';
import { renderReport } from '../../src/report/render-report.js';
import { buildDeepCrawl } from '../helpers/deep-crawl-db.js';

async function crawlMixedSite(t: import('node:test').TestContext): Promise<string> {
  const routes: Parameters<typeof startSite>[0] = {
    '/': page('Home <&> "quoted"', ['/a', '/b', '/big', '/gone', '/broken', '/reset', '/notes.txt']),
    '/a': page('A', ['/a/1', '/a/2']),
    '/b': page('B', ['/a/1']),
    '/a/1': page('A1', ['/a/1/x']),
    '/a/2': page('A2'),
    '/a/1/x': page('deep'),
    '/big': page('Big', [], `<p>${'lorem ipsum '.repeat(4000)}</p>`),
    '/broken': { status: 500, body: '<title>oops</title>' },
    '/notes.txt': { headers: { 'content-type': 'text/plain' }, body: 'plain text' },
    '/reset': (_req, res) => {
      res.socket?.destroy();
    },
  };
  const site = await startSite(routes);
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  return config.dbPath;
}

test('the report data: every section filled from the database', async (t) => {
  const db = await crawlMixedSite(t);
  const r = readReport(db);
  assert.equal(r.stats.pages, 10);
  assert.equal(r.overTime.buckets.reduce((a, b) => a + b.pages, 0), 10, 'every page in some time bucket');
  assert.ok(r.failures.some((f) => f.code === 'CRAWL_FETCH_RESET' && f.count === 1), JSON.stringify(r.failures));
  assert.match(r.largestPages[0]!.url, /\/big$/);
  assert.equal(r.slowestHosts.length, 1);
  assert.equal(r.slowestHosts[0]!.pages, 10);
});

test('a crawl that stored nothing still gets a report, saying so', async (t) => {
  const config = testConfig(t, ['http://127.0.0.1:9/']);
  await runCrawl(config);
  const html = renderReport(readReport(config.dbPath));
  assert.match(html, /no pages stored/);
  assert.match(html, /CRAWL_FETCH_REFUSED/);
});

test('crawlite report writes one self-contained file that Chromium draws without errors', async (t) => {
  const bin = findChromium();
  if (!bin) {
    if (process.env.CI) assert.fail('Chromium is required in CI for the report test (apt-get install chromium; see .ci/run)');
    t.diagnostic('SKIPPED: no chromium on PATH; install Debian\'s chromium package to run the report rendering test');
    t.skip('chromium not installed');
    return;
  }
  const db = await crawlMixedSite(t);
  const out = join(dirname(db), 'report.html');
  const run = await crawlite(['report', '--db', db, '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /wrote .*report\.html/);
  assert.equal(run.stdout, '', 'nothing on stdout when writing a file');

  const html = readFileSync(out, 'utf8');
  assert.ok(!/<(script|link|img|iframe)\b[^>]*\b(src|href)=/i.test(html), 'no external resources');
  assert.ok(!/url\(/i.test(html), 'no CSS url()');

  const expression = `(() => {
    const charts = [...document.querySelectorAll('svg.chart')];
    return {
      charts: charts.length,
      drawn: charts.filter((c) => { const b = c.getBoundingClientRect(); return b.width > 50 && b.height > 20; }).length,
      bars: document.querySelectorAll('svg.chart rect').length,
      labels: charts.map((c) => c.getAttribute('aria-label')),
      resources: performance.getEntriesByType('resource').length,
      headings: [...document.querySelectorAll('h2')].map((h) => h.textContent),
      text: document.body.innerText,
    };
  })()`;
  const visit = await visitPage(bin, pathToFileURL(out).href, expression);
  assert.deepEqual(visit.errors, [], 'no console errors or exceptions');
  const v = visit.value as { charts: number; drawn: number; bars: number; labels: string[]; resources: number; headings: string[]; text: string };
  assert.equal(v.resources, 0, 'the page loads nothing');
  assert.deepEqual(v.headings, ['Pages over time', 'HTTP status', 'Content type', 'Depth', 'Slowest hosts', 'Top failure codes', 'Largest pages']);
  assert.ok(v.charts >= 6, `${v.charts} charts`);
  assert.equal(v.drawn, v.charts, 'every chart has a size on the page');
  assert.ok(v.labels.includes('Pages by depth') && v.labels.includes('Failed URLs by code'), v.labels.join(', '));
  assert.ok(v.bars > 10, `${v.bars} bars`);
  assert.match(v.text, /CRAWL_FETCH_RESET/);
  assert.match(v.text, /\/big/);
});

test('the browser check notices errors (so a broken report cannot pass)', async (t) => {
  const bin = findChromium();
  if (!bin) {
    if (process.env.CI) assert.fail('Chromium is required in CI');
    t.skip('chromium not installed');
    return;
  }
  const dir = dirname(await crawlMixedSite(t));
  const bad = join(dir, 'bad.html');
  writeFileSync(bad, '<!doctype html><title>x</title><script>console.error("drawn wrong"); undefined.x;</script>');
  const visit = await visitPage(bin, pathToFileURL(bad).href, '1');
  assert.equal(visit.errors.length, 2, visit.errors.join('\n'));
});

test('crawlite report on an endless /deep/N crawl writes the report, its depth chart drawn (QA: Maximum call stack size exceeded)', async (t) => {
  const db = buildDeepCrawl(t, { depths: 150_000 });
  const out = join(dirname(db), 'r.html');
  const run = await crawlite(['report', '--db', db, '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /depths 1000\+: 149,000 pages, the deepest at 149,999/);

  const bin = findChromium();
  if (!bin) {
    if (process.env.CI) assert.fail('Chromium is required in CI');
    t.diagnostic('SKIPPED the browser half: no chromium on PATH');
    return;
  }
  const expression = `(() => {
    const chart = document.querySelector('svg.chart[aria-label="Pages by depth"]');
    const b = chart.getBoundingClientRect();
    const panel = chart.closest('section').getBoundingClientRect();
    return { width: b.width, height: b.height, panelWidth: panel.width, columns: chart.querySelectorAll('rect').length };
  })()`;
  const visit = await visitPage(bin, pathToFileURL(out).href, expression);
  assert.deepEqual(visit.errors, []);
  const v = visit.value as { width: number; height: number; panelWidth: number; columns: number };
  assert.equal(v.columns, 24, 'depths 0-19, 20-49, 50-99, 100-999, 1000+');
  assert.ok(v.width > 300 && v.width <= v.panelWidth, `chart ${v.width} px wide in a ${v.panelWidth} px panel`);
  assert.ok(v.height > 100, `chart ${v.height} px high`);
});
