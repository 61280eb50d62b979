/**
 * Inline SVG charts as strings: no script, no fonts, no network, so the report renders the same
 * in any browser, offline, years later. Each bar or point carries a <title> for a hover tooltip.
 */

export interface Datum {
  label: string;
  value: number;
  /** Tooltip; defaults to "label: value". */
  title?: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const num = (n: number): string => n.toLocaleString('en-US');
const PALETTE = ['#3b6fb6', '#e0803a', '#4c9a5b', '#c2474a', '#8a62b3', '#8c6d4f', '#d16fb0', '#7f7f7f', '#b5b23a', '#3bb0c2'];

export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/**
 * Every chart draws at most this many bars, columns or time steps, whatever it is given: the
 * report must render, at a readable size, for any crawl (QA: one column per depth of an endless
 * /deep/N chain drew an SVG 24,084 pixels wide that browsers showed as an empty panel).
 */
export const MAX_BARS = 30;
export const MAX_COLUMNS = 40;
export const MAX_TIME_STEPS = 240;

/**
 * The largest value, at least 1. A loop, not Math.max(...values): spreading passes one argument
 * per element, and a few hundred thousand overflow the stack (RangeError).
 */
function maxOf(values: Iterable<number>): number {
  let max = 1;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** Runs of `size` neighbours merged into one, values summed, so the counts still add up. */
function mergeRuns<T>(items: T[], size: number, merge: (run: T[]) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < items.length; i += size) out.push(merge(items.slice(i, i + size)));
  return out;
}

/** Columns beyond MAX_COLUMNS merged with their neighbours, labelled "first–last". */
function boundColumns(data: Datum[], xLabel: string): Datum[] {
  if (data.length <= MAX_COLUMNS) return data;
  return mergeRuns(data, Math.ceil(data.length / MAX_COLUMNS), (run) => {
    const label = `${run[0]!.label}–${run[run.length - 1]!.label}`;
    const value = run.reduce((sum, d) => sum + d.value, 0);
    return { label, value, title: `${xLabel} ${label}: ${num(value)}` };
  });
}

const clipLabel = (label: string, chars: number): string => (label.length > chars ? `${label.slice(0, chars - 1)}…` : label);

/** Horizontal bars, one row per datum, labels on the left and values on the right. */
export function barChart(data: Datum[], opts: { label: string; format?: (n: number) => string; colors?: boolean }): string {
  const format = opts.format ?? num;
  const rowH = 24;
  const labelW = 230;
  const barW = 340;
  const width = labelW + barW + 110;
  // Values may be averages, not counts, so bars past MAX_BARS are left out and said to be, not summed.
  // Callers with counts fold their tail into an "other" bar first (render-report.ts).
  const shown = data.slice(0, MAX_BARS);
  const hidden = data.length - shown.length;
  const height = (Math.max(1, shown.length) + (hidden > 0 ? 1 : 0)) * rowH + 8;
  const max = maxOf(shown.map((d) => d.value));
  const rows = shown.map((d, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(1, Math.round((d.value / max) * barW));
    const label = clipLabel(d.label, 34);
    const fill = opts.colors ? colorAt(i) : PALETTE[0];
    return (
      `<g class="bar"><title>${escapeHtml(d.title ?? `${d.label}: ${format(d.value)}`)}</title>` +
      `<text x="${labelW - 8}" y="${y + 16}" text-anchor="end">${escapeHtml(label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" rx="2" fill="${fill}"/>` +
      `<text x="${labelW + w + 6}" y="${y + 16}">${escapeHtml(format(d.value))}</text></g>`
    );
  });
  if (hidden > 0) rows.push(`<text x="${labelW}" y="${4 + shown.length * rowH + 16}" class="muted">… ${num(hidden)} more not shown</text>`);
  return svg(width, height, opts.label, rows.join(''));
}

/**
 * Vertical columns over a category axis (depth 0, 1, 2, ...). More than MAX_COLUMNS are merged
 * into runs of neighbours; labels too wide for their column are drawn slanted.
 */
export function columnChart(input: Datum[], opts: { label: string; xLabel: string }): string {
  const data = boundColumns(input, opts.xLabel);
  const plotH = 180;
  const left = 56;
  const colW = Math.max(8, Math.min(48, Math.floor(620 / Math.max(1, data.length))));
  const labels = data.map((d) => clipLabel(d.label, 16));
  // About 7 px per character at the chart's 12 px font; a slanted label needs its width times sin 45°.
  const longestPx = maxOf(labels.map((l) => l.length * 7));
  const isSlanted = longestPx > colW - 2;
  const labelBand = isSlanted ? Math.ceil(longestPx * 0.71) + 8 : 16;
  const every = Math.max(1, Math.ceil((isSlanted ? 14 / 0.71 : longestPx + 4) / colW));
  const width = left + data.length * colW + 20;
  const height = plotH + labelBand + 34;
  const max = maxOf(data.map((d) => d.value));
  const cols = data.map((d, i) => {
    const h = Math.max(1, Math.round((d.value / max) * plotH));
    const x = left + i * colW;
    const cx = x + colW / 2;
    const ly = plotH + 26;
    const text = isSlanted
      ? `<text x="${cx}" y="${ly}" text-anchor="end" transform="rotate(-45 ${cx} ${ly})">${escapeHtml(labels[i]!)}</text>`
      : `<text x="${cx}" y="${ly}" text-anchor="middle">${escapeHtml(labels[i]!)}</text>`;
    return (
      `<g class="bar"><title>${escapeHtml(d.title ?? `${opts.xLabel} ${d.label}: ${num(d.value)}`)}</title>` +
      `<rect x="${x + 2}" y="${10 + plotH - h}" width="${colW - 4}" height="${h}" rx="2" fill="${PALETTE[0]}"/>` +
      (i % every === 0 ? text : '') +
      `</g>`
    );
  });
  return svg(width, height, opts.label, axes(left, plotH, width, max, opts.xLabel, plotH + labelBand + 28) + cols.join(''));
}

/** Pages per time bucket as an area, with the cumulative count as a line on its own scale. */
export function timeChart(input: Array<{ at: number; pages: number }>, inputBucketMs: number, opts: { label: string }): string {
  // read-report.ts sends about 60 buckets; more are merged so the SVG stays a few hundred elements.
  const size = Math.ceil(input.length / MAX_TIME_STEPS);
  const buckets = size > 1 ? mergeRuns(input, size, (run) => ({ at: run[0]!.at, pages: run.reduce((sum, b) => sum + b.pages, 0) })) : input;
  const bucketMs = inputBucketMs * Math.max(1, size);
  const plotH = 180;
  const left = 56;
  const plotW = 1000;
  const width = left + plotW + 70;
  const height = plotH + 50;
  if (buckets.length === 0) return svg(width, height, opts.label, `<text x="${left}" y="40">no pages stored</text>`);
  const max = maxOf(buckets.map((b) => b.pages));
  const total = buckets.reduce((a, b) => a + b.pages, 0);
  const step = plotW / Math.max(1, buckets.length);
  const y = (v: number, top: number) => 10 + plotH - (v / top) * plotH;
  let area = `M${left},${10 + plotH}`;
  let line = '';
  let cumulative = 0;
  const dots: string[] = [];
  buckets.forEach((b, i) => {
    const x0 = left + i * step;
    area += ` L${x0.toFixed(1)},${y(b.pages, max).toFixed(1)} L${(x0 + step).toFixed(1)},${y(b.pages, max).toFixed(1)}`;
    cumulative += b.pages;
    line += `${i === 0 ? 'M' : ' L'}${(x0 + step).toFixed(1)},${y(cumulative, total).toFixed(1)}`;
    const sec = ((b.at - buckets[0]!.at) / 1000).toFixed(0);
    dots.push(`<rect x="${x0.toFixed(1)}" y="10" width="${step.toFixed(1)}" height="${plotH}" fill="transparent"><title>${sec}s: ${num(b.pages)} page${b.pages === 1 ? '' : 's'} (${num(cumulative)} in all)</title></rect>`);
  });
  area += ` L${left + buckets.length * step},${10 + plotH} Z`;
  const spanS = (buckets.length * bucketMs) / 1000;
  const xLabels = timeTicks(spanS)
    .map((t) => `<text x="${(left + (t / spanS) * plotW).toFixed(0)}" y="${plotH + 26}" text-anchor="middle">${timeLabel(t)}</text>`)
    .join('');
  const body =
    axes(left, plotH, left + plotW, max, `time since the first page (bucket ${timeLabel(bucketMs / 1000)})`) +
    `<path class="area" d="${area}" fill="${PALETTE[0]}" fill-opacity="0.35" stroke="${PALETTE[0]}"/>` +
    `<path class="cumulative" d="${line}" fill="none" stroke="${PALETTE[1]}" stroke-width="2"/>` +
    `<text x="${left + plotW + 6}" y="16" fill="${PALETTE[1]}">${num(total)}</text>` +
    xLabels +
    dots.join('');
  return svg(width, height, opts.label, body);
}

/** Steps, in seconds, whose multiples a time axis label names exactly. */
const TICK_STEPS_S = [0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/**
 * Ticks at multiples of a round step, at most 7. Quarters of the span, each rounded to a whole
 * second or minute, labelled a 2-second crawl `0s 1s 1s 2s 2s` and put `3m` at 2m30s (QA 22).
 */
export function timeTicks(spanS: number): number[] {
  const step = TICK_STEPS_S.find((s) => spanS / s <= 6) ?? Math.ceil(spanS / 6 / 86400) * 86400;
  const ticks: number[] = [];
  for (let i = 0; i * step <= spanS + 1e-9; i++) ticks.push(i * step);
  return ticks;
}

/** A tick's time, exactly: `0.25s`, `45s`, `2m30s`, `1h`. */
export function timeLabel(s: number): string {
  if (s < 60) return `${Number(s.toFixed(2))}s`;
  const pad2 = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) {
    const sec = Math.round(s % 60);
    return `${Math.floor(s / 60)}m${sec > 0 ? `${pad2(sec)}s` : ''}`;
  }
  const min = Math.round((s % 3600) / 60);
  return `${Math.floor(s / 3600)}h${min > 0 ? `${pad2(min)}m` : ''}`;
}

function axes(left: number, plotH: number, right: number, max: number, xLabel: string, xLabelY = plotH + 44): string {
  return (
    `<line x1="${left}" y1="10" x2="${left}" y2="${10 + plotH}" class="axis"/>` +
    `<line x1="${left}" y1="${10 + plotH}" x2="${right}" y2="${10 + plotH}" class="axis"/>` +
    `<text x="${left - 6}" y="16" text-anchor="end">${num(max)}</text>` +
    `<text x="${left - 6}" y="${10 + plotH}" text-anchor="end">0</text>` +
    `<text x="${left}" y="${xLabelY}" class="muted">${escapeHtml(xLabel)}</text>`
  );
}

function svg(width: number, height: number, label: string, body: string): string {
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="${escapeHtml(label)}">${body}</svg>`
  );
}
