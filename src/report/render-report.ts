/**
 * `crawlite report` as one self-contained HTML file: inline CSS and SVG, no script, no external
 * resource of any kind, so it opens offline and can be mailed or archived as it is.
 */
import type { ReportData, TopCounts } from './read-report.js';
import { barChart, columnChart, escapeHtml, timeChart, type Datum } from './svg-charts.js';
import { depthLabel, depthNote } from './depth-buckets.js';
import { formatBinaryBytes, formatCount, formatDuration } from '../format-numbers.js';

function duration(ms: number | null): string {
  return ms === null ? '–' : formatDuration(ms);
}

const CSS = `
:root { color-scheme: light; --fg: #1d2430; --muted: #667085; --line: #d0d5dd; --bg: #f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 1500px; margin: 0 auto; padding: 16px 24px; }
h1 { font-size: 22px; margin: 8px 0 2px; }
h2 { font-size: 16px; margin: 0 0 8px; }
.muted { color: var(--muted); fill: #667085; }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 12px; }
.tile { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 120px; }
.tile b { display: block; font-size: 20px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px; }
main > section { margin-bottom: 16px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; overflow-x: auto; }
svg.chart { max-width: 100%; height: auto; font-size: 12px; fill: var(--fg); }
svg .axis { stroke: #98a2b3; stroke-width: 1; }
svg .bar:hover rect { opacity: 0.8; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eaecf0; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.url { word-break: break-all; }
td.code { white-space: nowrap; }
td.text { overflow-wrap: anywhere; }
.empty { color: var(--muted); font-style: italic; }
`;

function section(title: string, body: string, note = ''): string {
  return `<section><h2>${escapeHtml(title)}</h2>${note ? `<p class="muted">${escapeHtml(note)}</p>` : ''}${body}</section>`;
}

/**
 * A column's class: `n` right-aligned figures, `url` broken anywhere (a long URL), `text` broken
 * between words (a long URL in it anywhere), `code` never broken. Taking every first column for
 * a URL broke the failure table's codes mid-word (`CRAWL_FET / CH_REFUSE / D`, QA 22).
 */
type ColumnKind = 'n' | 'url' | 'text' | 'code' | '';

function table(head: string[], rows: string[][], kinds: ColumnKind[]): string {
  if (rows.length === 0) return '<p class="empty">none</p>';
  const th = head.map((h, i) => `<th${kinds[i] === 'n' ? ' class="n"' : ''}>${escapeHtml(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c, i) => `<td class="${kinds[i] ?? ''}">${escapeHtml(c)}</td>`).join('')}</tr>`);
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs.join('')}</tbody></table>`;
}

/** The top values as bars, then one bar for all the others, so the bars add up to every page. */
function topBars<K>(counts: TopCounts<K>, label: (key: K) => string, noun: string): Datum[] {
  const bars = counts.top.map((r) => ({ label: label(r.key), value: r.count }));
  const { values, count } = counts.rest;
  if (values > 0) {
    const text = `other (${formatCount(values)} ${noun}${values === 1 ? '' : 's'})`;
    bars.push({ label: text, value: count });
  }
  return bars;
}

function depthBars(d: ReportData): Datum[] {
  return d.byDepth.map((b) => {
    const label = depthLabel(b);
    const deepest = b.to === null && b.deepest !== null ? `, the deepest at ${formatCount(b.deepest)}` : '';
    const span = b.from === b.to ? `depth ${b.from}` : `depths ${label}`;
    return { label, value: b.count, title: `${span}: ${formatCount(b.count)} page${b.count === 1 ? '' : 's'}${deepest}` };
  });
}

const orNone = (chart: string, isEmpty: boolean): string => (isEmpty ? '<p class="empty">none</p>' : chart);

function tiles(d: ReportData): string {
  const s = d.stats;
  const failed = s.urls.byState.failed;
  const items: Array<[string, string]> = [
    ['pages stored', formatCount(s.pages)],
    ['URLs seen', formatCount(s.urls.total)],
    ['failed URLs', formatCount(failed)],
    ['queued', formatCount(s.urls.byState.queued)],
    ['crawl time', duration(s.timing.durationMs)],
    ['pages / s', s.timing.pagesPerSecond === null ? '–' : s.timing.pagesPerSecond.toFixed(1)],
    ['on the wire', formatBinaryBytes(s.bytes.wire)],
    ['stored (compressed)', formatBinaryBytes(s.bytes.stored)],
  ];
  return `<div class="tiles">${items.map(([k, v]) => `<div class="tile"><b>${escapeHtml(v)}</b><span class="muted">${escapeHtml(k)}</span></div>`).join('')}</div>`;
}

export function renderReport(d: ReportData): string {
  const s = d.stats;
  const run = s.latestRun;
  const runLine = run ? `latest run #${run.id} ${run.status}, started ${run.startedAt}` : 'no runs recorded';
  // The most frequent statuses, shown in code order as `crawlite stats` lists them.
  const byCode = { ...d.byStatus, top: [...d.byStatus.top].sort((a, b) => a.key - b.key) };
  const statusData = topBars(byCode, String, 'code');
  const typeData = topBars(d.byContentType, (type) => type || '(none)', 'type');
  const depthData = depthBars(d);
  const hostData = d.slowestHosts.map((h) => ({
    label: h.host.replace(/^https?:\/\//, ''),
    value: h.avgMs,
    title: `${h.host}: ${formatCount(h.avgMs)} ms on average, ${formatCount(h.maxMs)} ms at most, ${formatCount(h.pages)} page${h.pages === 1 ? '' : 's'}`,
  }));
  const failureData = d.failures.map((f) => ({ label: f.code, value: f.count, title: `${f.code}: ${formatCount(f.count)} (e.g. ${f.sampleUrl}: ${f.sampleMessage})` }));
  const ms = (n: number) => `${formatCount(n)} ms`;
  const body = [
    section('Pages over time', timeChart(d.overTime.buckets, d.overTime.bucketMs, { label: 'Pages stored over time' }), 'Pages stored per interval (area) and in all (line).'),
    `<div class="grid">`,
    section('HTTP status', orNone(barChart(statusData, { label: 'Pages by HTTP status', colors: true }), statusData.length === 0)),
    section('Content type', orNone(barChart(typeData, { label: 'Pages by content type', colors: true }), typeData.length === 0)),
    section('Depth', orNone(columnChart(depthData, { label: 'Pages by depth', xLabel: 'link distance from a seed' }), depthData.length === 0), depthNote()),
    section('Slowest hosts', orNone(barChart(hostData, { label: 'Average response time by host', format: ms }), hostData.length === 0), 'Average time per response, connect to last byte.'),
    section(
      'Top failure codes',
      failureData.length === 0
        ? '<p class="empty">none</p>'
        : barChart(failureData, { label: 'Failed URLs by code' }) +
          table(['code', 'URLs', 'example'], d.failures.map((f) => [f.code, formatCount(f.count), `${f.sampleUrl} — ${f.sampleMessage}`]), ['code', 'n', 'text']),
    ),
    section('Largest pages', table(['URL', 'size', 'status', 'type'], d.largestPages.map((p) => [p.url, formatBinaryBytes(p.bytes), String(p.status), p.contentType]), ['url', 'n', 'n', ''])),
    `</div>`,
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>crawlite report: ${escapeHtml(s.dbPath)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>crawlite report</h1>
<div class="muted">${escapeHtml(s.dbPath)} · ${escapeHtml(runLine)} · generated ${escapeHtml(d.generatedAt)}</div>
${tiles(d)}
</header>
<main>
${body}
</main>
</body>
</html>
`;
}
