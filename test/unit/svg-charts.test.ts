import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, columnChart, MAX_BARS, MAX_COLUMNS, MAX_TIME_STEPS, timeChart } from '../../src/report/svg-charts.js';

const N = 200_000;

const widthOf = (svg: string): number => Number(/width="(\d+)"/.exec(svg)![1]);
const heightOf = (svg: string): number => Number(/height="(\d+)"/.exec(svg)![1]);
const titles = (svg: string): string[] => [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]!);
/** The count at the end of a tooltip ("…: 1,234"). */
const countIn = (title: string): number => Number(/: ([\d,]+)$/.exec(title)![1]!.replace(/,/g, ''));

test('a column chart of 200,000 points draws at most MAX_COLUMNS columns, whose counts add up (QA: RangeError)', () => {
  const data = Array.from({ length: N }, (_, i) => ({ label: String(i), value: i % 7 }));
  const total = data.reduce((sum, d) => sum + d.value, 0);
  const svg = columnChart(data, { label: 'Pages by depth', xLabel: 'depth' });
  const cols = titles(svg);
  assert.ok(cols.length <= MAX_COLUMNS && cols.length > 1, `${cols.length} columns`);
  assert.ok(widthOf(svg) <= 56 + MAX_COLUMNS * 48 + 20, `width ${widthOf(svg)}`);
  assert.ok(heightOf(svg) < 400, `height ${heightOf(svg)}`);
  assert.equal(cols.reduce((sum, c) => sum + countIn(c), 0), total, 'no point lost or counted twice');
  assert.match(cols[0]!, /^depth 0–4999: /, 'a merged column says which points it covers');
  assert.match(cols.at(-1)!, /^depth 195000–199999: /);
});

test('a column chart of a few points keeps one column each, labels upright', () => {
  const svg = columnChart(['0', '1', '2'].map((label, i) => ({ label, value: i + 1 })), { label: 'x', xLabel: 'depth' });
  assert.deepEqual(titles(svg), ['depth 0: 1', 'depth 1: 2', 'depth 2: 3']);
  assert.doesNotMatch(svg, /rotate/);
});

test('range labels wider than their column are slanted, every one drawn', () => {
  const labels = [...Array.from({ length: 20 }, (_, i) => String(i)), '20–49', '50–99', '100–999', '1000+'];
  const svg = columnChart(labels.map((label) => ({ label, value: 1 })), { label: 'x', xLabel: 'depth' });
  for (const label of labels) assert.ok(svg.includes(`>${label}</text>`), label);
  assert.match(svg, /rotate\(-45/);
});

test('a bar chart of 200,000 rows draws MAX_BARS and says how many more there are', () => {
  const svg = barChart(Array.from({ length: N }, (_, i) => ({ label: `type-${i}`, value: N - i })), { label: 'x' });
  assert.equal(titles(svg).length, MAX_BARS);
  assert.match(svg, new RegExp(`… ${(N - MAX_BARS).toLocaleString('en-US')} more not shown`));
  assert.ok(heightOf(svg) <= (MAX_BARS + 1) * 24 + 8, `height ${heightOf(svg)}`);
});

test('a time chart of 200,000 buckets merges them, keeping the total', () => {
  const buckets = Array.from({ length: N }, (_, i) => ({ at: i * 1000, pages: 1 + (i % 3) }));
  const total = buckets.reduce((sum, b) => sum + b.pages, 0);
  const svg = timeChart(buckets, 1000, { label: 'x' });
  const steps = titles(svg);
  assert.ok(steps.length <= MAX_TIME_STEPS, `${steps.length} steps`);
  assert.match(steps.at(-1)!, new RegExp(`\\(${total.toLocaleString('en-US')} in all\\)$`));
  assert.ok(svg.length < 200_000, `${svg.length} characters`);
});

test('a time chart\'s tooltip says "1 page", not "1 pages" (QA)', () => {
  const svg = timeChart([{ at: 0, pages: 1 }, { at: 1000, pages: 2 }], 1000, { label: 'x' });
  assert.deepEqual(titles(svg).filter((t) => /^\ds:/.test(t)), ['0s: 1 page (1 in all)', '1s: 2 pages (3 in all)']);
});
