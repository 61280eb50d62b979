import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readReport, TOP_VALUES } from '../../src/report/read-report.js';
import { renderReport } from '../../src/report/render-report.js';
import { RANGE_STARTS, SINGLE_DEPTHS } from '../../src/report/depth-buckets.js';
import { buildDeepCrawl } from '../helpers/deep-crawl-db.js';

/** The depth chart's <svg> element in the report. */
const depthChart = (html: string): string => /<svg [^>]*aria-label="Pages by depth"[^]*?<\/svg>/.exec(html)![0];

test('3,000 distinct depths: a bounded depth histogram, a report with a drawable depth chart (QA: width="24084")', (t) => {
  const db = buildDeepCrawl(t, { depths: 3_000 });
  const r = readReport(db);
  assert.equal(r.byDepth.length, SINGLE_DEPTHS + RANGE_STARTS.length);
  assert.deepEqual(r.byDepth.slice(SINGLE_DEPTHS - 1), [
    { from: 19, to: 19, count: 1, deepest: 19 },
    { from: 20, to: 49, count: 30, deepest: 49 },
    { from: 50, to: 99, count: 50, deepest: 99 },
    { from: 100, to: 999, count: 900, deepest: 999 },
    { from: 1000, to: null, count: 2_000, deepest: 2_999 },
  ]);
  assert.equal(r.byDepth.reduce((sum, b) => sum + b.count, 0), 3_000, 'every page in one column');

  const chart = depthChart(renderReport(r));
  const width = Number(/width="(\d+)"/.exec(chart)![1]);
  assert.ok(width < 1_000, `depth chart width ${width}`);
  for (const label of ['0', '19', '20–49', '100–999', '1000+']) assert.ok(chart.includes(`>${label}</text>`), label);
  assert.match(chart, /<title>depths 1000\+: 2,000 pages, the deepest at 2,999<\/title>/);
});

test('150,000 distinct depths: the report renders (QA: Maximum call stack size exceeded)', (t) => {
  const db = buildDeepCrawl(t, { depths: 150_000 });
  const html = renderReport(readReport(db));
  assert.match(depthChart(html), /<title>depths 1000\+: 149,000 pages, the deepest at 149,999<\/title>/);
});

test('a crawl shallower than the ranges keeps one column per depth, and no empty tail', (t) => {
  const r = readReport(buildDeepCrawl(t, { depths: 4 }));
  assert.deepEqual(r.byDepth.map((b) => [b.from, b.to, b.count]), [[0, 0, 1], [1, 1, 1], [2, 2, 1], [3, 3, 1]]);
});

test('many status codes and content types: the top ones, and one "other" that makes the counts add up', (t) => {
  const r = readReport(buildDeepCrawl(t, { depths: 2_000, statuses: 900, contentTypes: 1_500 }));
  assert.equal(r.byStatus.top.length, TOP_VALUES);
  assert.equal(r.byStatus.top[0]!.key, 200);
  assert.equal(r.byStatus.top[0]!.count, 1_101, '200 is also among the 900 codes 100 to 999');
  assert.deepEqual(r.byStatus.rest, { values: 900 - TOP_VALUES, count: 2_000 - 1_101 - (TOP_VALUES - 1) });
  assert.equal(r.byContentType.top.length, TOP_VALUES);
  assert.equal(r.byContentType.top[0]!.key, 'text/html');
  assert.deepEqual(r.byContentType.rest, { values: 1_500 + 1 - TOP_VALUES, count: 1_500 - (TOP_VALUES - 1) });
  const html = renderReport(r);
  assert.match(html, /<title>other \(888 codes\): 888<\/title>/);
  assert.match(html, /<title>other \(1,489 types\): 1,489<\/title>/);
});
