/**
 * The text of the live status: the block redrawn in place on a terminal and the plain line written
 * every few seconds elsewhere. Pure functions of a progress snapshot, so tests call them directly.
 */
import type { CrawlProgress } from '../crawl.js';
import { formatBytes, formatDuration, plural } from './summary.js';

export interface StatusContext {
  /** --max-pages, for the bar and the ETA; null when the crawl is unbounded. */
  maxPages: number | null;
  /** Pages per second over the last few seconds; null until there are two samples. */
  recentRate: number | null;
  isColor: boolean;
  /** Terminal width; lines are cut to fit so that the block never wraps. */
  columns: number;
}

const count = (n: number): string => n.toLocaleString('en-US');
const counted = (n: number, noun: string): string => plural(n, noun, count(n));
const shortCode = (code: string): string => code.replace(/^CRAWL_/, '').toLowerCase();

/** `CRAWL_FETCH_TIMEOUT 3, CRAWL_FETCH_REFUSED 1` as `fetch_timeout 3, fetch_refused 1`, most frequent first. */
export function formatErrorKinds(errorsByCode: Record<string, number>, limit = 3): string {
  const kinds = Object.entries(errorsByCode).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = kinds.slice(0, limit).map(([code, n]) => `${shortCode(code)} ${count(n)}`);
  if (kinds.length > limit) shown.push(`+${kinds.length - limit} more kinds`);
  return shown.join(', ');
}

/** Time left at the run's average rate of URLs taken, as 1m05s; null when it cannot be told. */
export function formatEta(p: CrawlProgress, ctx: Pick<StatusContext, 'maxPages' | 'recentRate'>): string | null {
  if (ctx.maxPages === null) return null;
  const left = Math.max(0, ctx.maxPages - p.taken) + p.active;
  // taken counts failures too, so the rate of URLs taken is the one that finishes the bound.
  const rate = p.elapsedMs > 0 ? (p.taken * 1000) / p.elapsedMs : 0;
  if (left === 0) return '0s';
  if (rate <= 0) return null;
  // Idle until a URL comes due (a Retry-After of minutes): nothing ends before that wait does.
  const seconds = Math.ceil((p.waitingMs ?? 0) / 1000 + left / rate);
  return seconds < 60 ? `${seconds}s` : formatDuration(seconds * 1000);
}

/**
 * A wait as the status shows it, rounded up so it never reads shorter than it is: tenths under
 * 10 s (`0.3s`, where a whole second up read `1s` for every gap of a `--delay 0.3` crawl: QA),
 * whole seconds under a minute (`12s`), then `4m10s`.
 */
export function formatWait(ms: number): string {
  const tenths = Math.max(1, Math.ceil(ms / 100));
  if (tenths < 100) return `${(tenths / 10).toFixed(1)}s`;
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `${seconds}s` : formatDuration(seconds * 1000);
}

/**
 * "waiting 4m10s for a URL to come due" while the crawl is idle; '' while it works. Its causes name
 * the user's own --delay (and robots.txt's Crawl-delay) first: the usual wait, which without them
 * read as the site pushing back (QA); then a retry's backoff, the wait of a crawl with no delay
 * whose last URLs answered 5xx or timed out, which the line left unnamed (QA round 19).
 */
function waiting(p: CrawlProgress): string {
  if (p.waitingMs === null || p.waitingMs === undefined) return '';
  return `waiting ${formatWait(p.waitingMs)} for a URL to come due (--delay or Crawl-delay, a retry's backoff or Retry-After, robots.txt, a resting host)`;
}

function bar(done: number, total: number, width: number): string {
  const filled = Math.round((Math.min(done, total) / total) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

const paint = (isColor: boolean, code: string, text: string): string => (isColor ? `\u001B[${code}m${text}\u001B[0m` : text);

/** Cuts a line to `columns` visible characters, ignoring colour escapes when counting. */
function fit(line: string, columns: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\u001B') {
      const end = line.indexOf('m', i);
      out += line.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible >= columns - 1) break;
    out += line[i];
    visible += 1;
  }
  return out;
}

/** Visible characters of a line: colour escapes do not count. */
const visibleLength = (line: string): number => line.replace(/\u001B\[[0-9;]*m/g, '').length;

/**
 * The rows `block`, drawn fitting an earlier, wider terminal, takes once the terminal is `columns`
 * wide: a terminal that reflows its lines on resize (tmux, VTE, iTerm2, kitty, Windows Terminal)
 * splits each line longer than the new width over several rows, and erasing only as many rows as
 * lines were drawn left the first of them on screen, a stale status line (QA 21).
 */
export function rowsOnScreen(block: string, columns: number): number {
  if (block === '') return 0;
  const width = Math.max(1, columns);
  return block.split('\n').reduce((rows, line) => rows + Math.max(1, Math.ceil(visibleLength(line) / width)), 0);
}

/** The status block for a terminal: two lines, three with a bar when --max-pages bounds the crawl. */
export function formatStatusBlock(p: CrawlProgress, ctx: StatusContext): string {
  const c = ctx.isColor;
  const recent = ctx.recentRate === null ? '–' : ctx.recentRate.toFixed(1);
  const lines = [
    `${paint(c, '1', 'crawlite')} ${paint(c, '32', `${counted(p.pagesStored, 'page')} stored`)}  ` +
      `${recent}/s now  ${p.pagesPerSecond.toFixed(1)}/s avg  ${formatBytes(p.wireBytes)}  ${formatDuration(p.elapsedMs)} elapsed`,
    `  ${count(p.inFlight)} in flight  ${count(p.queued)} queued  ` +
      (p.failures > 0 ? paint(c, '31', `${counted(p.failures, 'error')}: ${formatErrorKinds(p.errorsByCode)}`) : '0 errors'),
  ];
  if (waiting(p) !== '') lines.push(`  ${paint(c, '33', waiting(p))}`);
  if (ctx.maxPages !== null) {
    const eta = formatEta(p, ctx);
    const pct = Math.min(100, Math.floor((p.taken / ctx.maxPages) * 100));
    lines.push(`  ${paint(c, '36', bar(p.taken, ctx.maxPages, 24))} ${pct}%  ${count(p.taken)}/${count(ctx.maxPages)} URLs  ETA ${eta ?? '–'}`);
  }
  return lines.map((l) => fit(l, ctx.columns)).join('\n');
}

/** The one-line form for logs and pipes. */
export function formatStatusLine(p: CrawlProgress, ctx: Pick<StatusContext, 'maxPages' | 'recentRate'>): string {
  const recent = ctx.recentRate === null ? '' : `, ${ctx.recentRate.toFixed(1)}/s now`;
  const errors = p.failures > 0 ? `${counted(p.failures, 'error')} (${formatErrorKinds(p.errorsByCode)})` : '0 errors';
  const bound = ctx.maxPages === null ? '' : `, ${count(p.taken)}/${count(ctx.maxPages)} URLs, ETA ${formatEta(p, ctx) ?? '?'}`;
  return (
    `crawlite: ${counted(p.pagesStored, 'page')} (${p.pagesPerSecond.toFixed(1)}/s avg${recent}), ${errors}, ` +
    `${p.inFlight} in flight, ${count(p.queued)} queued, ${formatBytes(p.wireBytes)}, ${formatDuration(p.elapsedMs)}${bound}` +
    (waiting(p) === '' ? '' : `, ${waiting(p)}`)
  );
}

/** Pages per second over a sliding window of recent snapshots. */
export function createRateMeter(windowMs = 10_000) {
  const samples: Array<{ at: number; pages: number }> = [];
  return (p: CrawlProgress): number | null => {
    samples.push({ at: p.elapsedMs, pages: p.pagesStored });
    while (samples.length > 2 && p.elapsedMs - samples[0]!.at > windowMs) samples.shift();
    const first = samples[0]!;
    const dt = p.elapsedMs - first.at;
    return dt > 0 ? ((p.pagesStored - first.pages) * 1000) / dt : null;
  };
}
