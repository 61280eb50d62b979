/**
 * Filters every export takes: `--run <id>`, `--status <code|class,...>`, `--since`/`--until`
 * <ISO time>, `--content-type <type,...>`. They become one SQL condition on the pages table
 * (alias `p`) with bound parameters; each bad value is a UsageError naming the flag and value.
 */
import { UsageError } from '../errors.js';
import { wholeNumberFlag } from '../config/numeric-flag.js';

export interface FilterFlags {
  run?: unknown;
  status?: unknown;
  since?: unknown;
  until?: unknown;
  contentType?: unknown;
}

export interface PageFilter {
  /** `WHERE ...` on alias p, or '' for every page. */
  sql: string;
  params: Array<string | number>;
}

export const NO_FILTER: PageFilter = { sql: '', params: [] };

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value])
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');

function statusCondition(value: unknown, params: PageFilter['params']): string {
  const parts = list(value).map((item) => {
    const cls = /^([1-5])xx$/i.exec(item);
    if (cls) {
      params.push(Number(cls[1]) * 100, Number(cls[1]) * 100 + 99);
      return 'p.status BETWEEN ? AND ?';
    }
    if (/^[1-5][0-9][0-9]$/.test(item)) {
      params.push(Number(item));
      return 'p.status = ?';
    }
    throw new UsageError('CRAWL_USAGE', `invalid --status '${item}': expected a code like 200 or a class like 2xx (comma-separated)`);
  });
  if (parts.length === 0) throw new UsageError('CRAWL_USAGE', '--status is empty: give a code like 200 or a class like 4xx');
  return `(${parts.join(' OR ')})`;
}

/** The media type as stats.ts shows it: lowercased, parameters dropped. */
export const MEDIA_TYPE = `lower(trim(CASE WHEN instr(p.content_type, ';') > 0 THEN substr(p.content_type, 1, instr(p.content_type, ';') - 1) ELSE p.content_type END))`;

function contentTypeCondition(value: unknown, params: PageFilter['params']): string {
  const parts = list(value).map((item) => {
    // Parameters are ignored, as in the stored types compared (MEDIA_TYPE): "text/html; charset=utf-8" is text/html.
    const type = (item.split(';')[0] as string).trim().toLowerCase();
    if (!/^[a-z0-9!#$&^_.+-]+\/(?:\*|[a-z0-9!#$&^_.+-]+)$/.test(type)) {
      throw new UsageError('CRAWL_USAGE', `invalid --content-type '${item}': expected a media type like text/html or text/*`);
    }
    if (type.endsWith('/*')) {
      params.push(`${type.slice(0, -1)}%`);
      return `${MEDIA_TYPE} LIKE ?`;
    }
    params.push(type);
    return `${MEDIA_TYPE} = ?`;
  });
  if (parts.length === 0) throw new UsageError('CRAWL_USAGE', '--content-type is empty: give a media type like text/html');
  return `(${parts.join(' OR ')})`;
}

function time(flag: string, value: unknown): number {
  const text = String(value).trim();
  // Only ISO 8601 forms: Date.parse also takes loose strings like "May 1" that mean different things in different places.
  const form = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
  // A time without an offset is UTC, as a date alone is and as every time crawlite prints is
  // (fetched_at, stats): Date.parse reads it as local time, so on a machine outside UTC
  // `--since 2026-11-01 --until 2026-11-01T12:00` spanned 12 hours plus the offset (QA).
  const isZoneless = form !== null && text.length > 10 && form[1] === undefined;
  const ms = form === null ? NaN : Date.parse(isZoneless ? `${text.slice(0, 10)}T${text.slice(11)}Z` : text);
  if (!Number.isFinite(ms) || !isCalendarDate(text)) {
    throw new UsageError('CRAWL_USAGE', `invalid ${flag} '${text}': expected an ISO 8601 time like 2024-05-01 or 2024-05-01T12:00:00Z (UTC unless it gives an offset)`);
  }
  return ms;
}

/**
 * --since and --until in ms (null when absent). An empty window is a typo (the two swapped), not a
 * question whose answer is no `noun` (page, URL).
 */
export function timeWindow(flags: FilterFlags, noun: string): { since: number | null; until: number | null } {
  const since = flags.since === undefined ? null : time('--since', flags.since);
  const until = flags.until === undefined ? null : time('--until', flags.until);
  if (since !== null && until !== null && since >= until) {
    throw new UsageError('CRAWL_USAGE', `--since ${String(flags.since).trim()} is not before --until ${String(flags.until).trim()}: no ${noun} can match`);
  }
  return { since, until };
}

/** Builds the condition; absent flags add nothing. --since is inclusive, --until exclusive. */
export function parseFilter(flags: FilterFlags): PageFilter {
  const conditions: string[] = [];
  const params: PageFilter['params'] = [];
  if (flags.run !== undefined) {
    const run = wholeNumberFlag('--run', flags.run, 1)!;
    conditions.push('p.run_id = ?');
    params.push(run);
  }
  if (flags.status !== undefined) conditions.push(statusCondition(flags.status, params));
  const { since, until } = timeWindow(flags, 'page');
  if (since !== null || until !== null) {
    // The window picks page ids from the pages_fetched index, which SQLite then reads in id order
    // (the order of every export) from a list of ids. As `p.fetched_at >= ? AND p.fetched_at < ?`
    // SQLite read the window by the index and sorted its rows, bodies included, before writing
    // the first: 60,000 pages in the window, 1.1 s (jsonl --with text,html) to 3.4 s (links)
    // before the first byte, and the sort growing with the window.
    const window: string[] = [];
    if (since !== null) window.push('fetched_at >= ?');
    if (until !== null) window.push('fetched_at < ?');
    conditions.push(`p.id IN (SELECT id FROM pages WHERE ${window.join(' AND ')})`);
    if (since !== null) params.push(since);
    if (until !== null) params.push(until);
  }
  if (flags.contentType !== undefined) conditions.push(contentTypeCondition(flags.contentType, params));
  return conditions.length === 0 ? NO_FILTER : { sql: `WHERE ${conditions.join(' AND ')}`, params };
}

/** Date.parse rolls 2026-02-30 over to March 2; a day past its month's end is a typo to report. */
function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
