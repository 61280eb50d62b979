/** Text for the terminal: the periodic progress line and the end-of-crawl summary. */
import { escapeControls } from '../errors.js';
import { shellWord } from '../shell-word.js';
import type { CrawlProgress, CrawlSummary } from '../crawl.js';
import type { CrawlDelayNotice, SeedRedirect } from '../types.js';
import type { SitemapReport } from '../frontier/sitemaps.js';
import { formatBinaryBytes, formatCount, formatDuration } from '../format-numbers.js';
import { durationWord, limitArgs, remainingLimits, sizeWord, type LimitsUsed, type RerunJob, type RunLimits } from '../config/continue-hint.js';
import type { RecrawlStats } from '../store/recrawl.js';

// The one duration format (1m05s) of the summary, the status lines, stats and report.
export { formatDuration };

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** `1 page`, `2 pages`: the count as given (already formatted or not) and the noun agreeing with it. */
export function plural(n: number, noun: string, shown: string = String(n)): string {
  return `${shown} ${n === 1 ? noun : `${noun}s`}`;
}

export function formatProgressLine(p: CrawlProgress): string {
  return (
    `crawlite: ${plural(p.pagesStored, 'page')} (${p.pagesPerSecond.toFixed(0)}/s), ${plural(p.failures, 'error')}, ` +
    `${p.inFlight} in flight, ${formatBytes(p.wireBytes)}, ${formatDuration(p.elapsedMs)}`
  );
}

/**
 * What to run next, with the database named so the lines can be pasted as they are. With URLs
 * left queued, continuing comes first: `crawl --db` with no URL continues the run just ended
 * (config/resume-options.ts), with `resumeArgs` for what it does not store (header values), or
 * the job again when its file holds those (`rerunJob`).
 */
function nextCommands(dbPath: string, queued: number, resumeArgs: readonly string[], rerunJob: RerunJob | null, limits: RunLimits, interrupted: LimitsUsed | null): string[] {
  const db = shellWord(dbPath);
  const rows: Array<[string, string]> = [
    ...(queued > 0 ? [continueRow(db, queued, resumeArgs, rerunJob, limits, interrupted)] : []),
    [`crawlite stats --db ${db}`, 'counts, errors, bytes'],
    [`crawlite export --db ${db} --format jsonl > pages.jsonl`, 'one JSON object per page'],
    [`crawlite search --db ${db} "<query>"`, 'full-text search'],
    [`crawlite report --db ${db} --out report.html`, 'charts in one HTML file'],
  ];
  const width = Math.max(...rows.map(([cmd]) => cmd.length));
  return rows.map(([cmd, what]) => `  ${cmd.padEnd(width)}  # ${what}`);
}

/** What an interrupted run used of its limits (continueRow); null for a run that ended. */
function limitsUsed(s: CrawlSummary): LimitsUsed | null {
  return s.status === 'interrupted' ? { taken: s.taken ?? 0, elapsedMs: s.elapsedMs ?? 0 } : null;
}

/**
 * The command that continues the crawl, as the text summary's first next: row gives it; null when
 * the run left nothing queued. For `--log-format json`, whose summary had only the queued count.
 */
export function continueCommand(s: CrawlSummary, resumeArgs: readonly string[] = [], rerunJob: RerunJob | null = null, limits: RunLimits = {}): string | null {
  const queued = s.queuedAtEnd ?? 0;
  return queued > 0 ? continueRow(shellWord(s.dbPath), queued, resumeArgs, rerunJob, limits, limitsUsed(s))[0] : null;
}

/**
 * Per-run limits are not carried to a run continued without URLs. A run interrupted before them
 * (Ctrl+C; `interrupted`: what it had used of them) is given what is left of them: "to its end"
 * of an endless site (a calendar, a search) is never, and that run was meant to stop at a limit
 * (QA 21); the whole of them again made 1,000 pages stopped at 600 into 1,600 (QA 22). A run that
 * ended at one got what it asked for, and its command goes on without: the row says so rather
 * than "to its end", which an endless site has not (the same command again, in the --max-time
 * line, would stop at them again). The job again (`rerunJob`) keeps a limit typed away
 * (--no-max-pages), and is given what is left of the run's limits when it was interrupted.
 */
function continueRow(db: string, queued: number, resumeArgs: readonly string[], rerunJob: RerunJob | null, limits: RunLimits, interrupted: LimitsUsed | null): [string, string] {
  const left = plural(queued, 'URL', queued.toLocaleString('en-US'));
  const rest = interrupted === null ? null : remainingLimits(limits, interrupted);
  const inside = rest === null || rest.isUsedUp ? null : rest.limits;
  if (rerunJob !== null) {
    // A typed --no-max-pages stays: without it the file's maxPages would apply again.
    const kept = inside === null ? rerunJob.lifted : [...limitArgs(inside), ...rerunJob.lifted];
    return [['crawlite crawl --config', shellWord(rerunJob.file), '--db', db, ...resumeArgs, ...kept].join(' '), `continue the crawl: the job again, for the ${rerunJob.holds} in its file (${left} queued)`];
  }
  const kept = inside === null ? [] : limitArgs(inside);
  return [['crawlite crawl --db', db, ...resumeArgs, ...kept].join(' '), `${continueWhat(limits, inside)} (${left} queued)`];
}

/** `inside`: what is left of `limits` when the run was interrupted before them; null when it ended. */
function continueWhat(limits: RunLimits, inside: RunLimits | null): string {
  if (inside !== null) {
    const restOf = (isWhole: boolean, flag: string, whole: string): string => (isWhole ? '' : ` (the rest of ${flag} ${whole})`);
    const within = [
      ...(inside.maxPages != null ? [`${plural(inside.maxPages, 'more URL', formatCount(inside.maxPages))} at most${restOf(inside.maxPages === limits.maxPages, '--max-pages', formatCount(limits.maxPages!))}`] : []),
      ...(inside.maxTimeMs != null ? [`for ${durationWord(inside.maxTimeMs)} at most${restOf(inside.maxTimeMs === limits.maxTimeMs, '--max-time', durationWord(limits.maxTimeMs!))}`] : []),
      ...(inside.maxDbBytes != null ? [`the file ${sizeWord(inside.maxDbBytes)} at most`] : []),
    ];
    if (within.length > 0) return `continue the crawl, ${within.join(', ')}`;
  }
  const lifted = [
    ...(limits.maxPages != null ? ['page'] : []),
    ...(limits.maxTimeMs != null ? ['time'] : []),
    ...(limits.maxDbBytes != null ? ['size'] : []),
  ];
  if (lifted.length === 0) return 'continue the crawl to its end';
  const names = lifted.length === 1 ? lifted[0] : `${lifted.slice(0, -1).join(', ')} or ${lifted.at(-1)}`;
  return `continue the crawl with no ${names} limit`;
}

/**
 * What --sitemaps queued, before the first page: the URLs new to the database. A resume reads the
 * sitemaps again and leaves the URLs the database holds as they are, so counting every URL read
 * said "6 URLs queued" for none (QA); those known, and the new ones recorded as skipped (scope,
 * --include/--exclude, trap caps), are said apart.
 */
export function formatSitemaps(r: SitemapReport): string {
  const known = r.urls - r.queued - r.skipped;
  const others = [
    ...(known > 0 ? [`${formatCount(known)} already known`] : []),
    ...(r.skipped > 0 ? [`${formatCount(r.skipped)} recorded as skipped`] : []),
  ];
  const listed = (list: Array<{ url: string; message: string }>): string => list.map((f) => `\n  ${f.url}: ${f.message}`).join('');
  // Sitemaps cut short were read to their last whole entry: counted as read, and named, since
  // entries after the cut were not seen.
  const cut = r.cut.length > 0 ? `; read in part:${listed(r.cut)}` : '';
  return `crawlite: sitemaps: ${r.sitemaps} read, ${plural(r.queued, 'URL', formatCount(r.queued))} queued`
    + `${others.length > 0 ? ` (${others.join(', ')})` : ''}${cut}${r.failures.length > 0 ? `; skipped:${listed(r.failures)}` : ''}`;
}

/** The start-of-run notice of --retry-failed. */
export function formatRetryFailed(queued: number): string {
  if (queued === 0) return 'crawlite: --retry-failed: no failed URLs to queue again';
  return `crawlite: --retry-failed: ${formatCount(queued)} failed URL${queued === 1 ? '' : 's'} queued again`;
}

/**
 * The start-of-run notice of URLs an earlier run skipped and this one queues again (a resume with
 * --no-max-depth, say): without it "continuing ...: 0 URLs queued" preceded a run that fetched
 * them (QA).
 */
export function formatRequeueSkipped(queued: number): string {
  return `crawlite: ${formatCount(queued)} URL${queued === 1 ? '' : 's'} an earlier run skipped (too deep, excluded or out of scope) queued again: this run's limits admit ${queued === 1 ? 'it' : 'them'}`;
}

/** The notice of a seed whose redirect widened the scope (frontier/seed-redirects.ts). */
export function formatSeedRedirect(r: SeedRedirect): string {
  const what = r.mode === 'domain' ? 'its domain is' : r.mode === 'prefix' ? 'its directory is' : 'its host is';
  return `crawlite: seed ${r.seed} redirected to ${r.target}; ${what} crawled too`;
}

/** The notice of an origin whose robots.txt Crawl-delay paces the crawl (fetch/polite-stage.ts). */
export function formatCrawlDelay(n: CrawlDelayNotice): string {
  const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;
  const capped = n.appliedMs < n.askedMs ? `; honoured as ${seconds(n.appliedMs)}, the most crawlite waits` : '';
  return `crawlite: ${n.origin} asks for a Crawl-delay of ${seconds(n.askedMs)} in its robots.txt${capped}: its requests start that far apart`;
}
/** A run of a finished crawl: resuming fetches only queued URLs, and none is. */
export const NOTHING_QUEUED = 'nothing left to crawl: no URL is queued in this database; --recrawl fetches its stored pages again';

/** A run that had nothing to do while failed URLs wait: resuming never retries them (store/retry-failed.ts). */
function formatEarlierFailures(e: NonNullable<CrawlSummary['earlierFailures']>, dbPath: string): string {
  const one = e.count === 1;
  const code = e.topCode === null ? '' : one ? ` (${e.topCode})` : ` (most often ${e.topCode})`;
  // Which URLs, and why each failed: export --failed (round 21) lists them.
  const list = `crawlite export --db ${shellWord(dbPath)} --failed --out failed.csv`;
  return one
    ? `1 URL failed in an earlier run${code}; --retry-failed queues it again; list it: ${list}`
    : `${formatCount(e.count)} URLs failed in earlier runs${code}; --retry-failed queues them again; list them: ${list}`;
}

/**
 * Trap skips are not failures, so they are not among the error lines; without this line a crawl
 * that skipped 1,000 real pages as a calendar said only "501 pages stored, 0 failed".
 */
export function formatTrapSkips(counts: NonNullable<CrawlSummary['trapSkips']>): string | null {
  const byCode = Object.entries(counts).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const total = byCode.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const codes = byCode.map(([code, n]) => `${code} ${formatCount(n)}`).join(', ');
  return `  ${plural(total, 'URL', formatCount(total))} skipped as spider ${total === 1 ? 'trap' : 'traps'} (${codes}); see docs/hostile-web.md "Spider traps"`;
}

/**
 * Seeds that were downloads (Content-Disposition: attachment): kept as files, not parsed, so a
 * crawl of one ended at one page, its summary saying only "1 page stored" (QA 21).
 */
export function formatSeedDownloads(d: NonNullable<CrawlSummary['seedDownloads']>): string {
  const more = d.count > d.urls.length ? `, and ${formatCount(d.count - d.urls.length)} more` : '';
  const which = d.count === 1 ? `seed ${escapeControls(d.urls[0] ?? '')} was` : `${formatCount(d.count)} seeds were`;
  const named = d.count === 1 ? '' : ` (${d.urls.map(escapeControls).join(', ')}${more})`;
  return `  ${which} a download (Content-Disposition: attachment), not an HTML page: stored, and no link followed from ${d.count === 1 ? 'it' : 'them'}${named}`;
}

/**
 * 4xx and 5xx answers are stored as pages, not counted as failures; without this line a run of
 * 404 seeds said "2 pages stored, 0 failed" and then exited 1 with "every seed failed (HTTP 404)".
 */
export function formatHttpErrors(count: number, dbPath = 'data/crawl.db'): string | null {
  if (count === 0) return null;
  // The command that lists them: stats counts them by status but names no URL (QA 21).
  const list = `crawlite export --db ${shellWord(dbPath)} --status 4xx,5xx --fields url,status`;
  // "N pages of those answered", under the line of URLs that failed without a response, read as
  // N of those failed URLs (QA 22): the pages meant are stored ones.
  return `  ${plural(count, 'stored page', count.toLocaleString('en-US'))} answered with an HTTP error status (4xx or 5xx); list them: ${list}`;
}

const PAGE_ERROR_CODE = /^(CRAWL_PARSE_|CRAWL_FETCH_ENCODING$)/;

/**
 * The failures are counted by code above; this names the command that lists them, URL by URL,
 * with why and where each was found: only sqlite3 could before (round 21).
 */
export function formatFailedList(count: number, dbPath = 'data/crawl.db'): string | null {
  if (count === 0) return null;
  const list = `crawlite export --db ${shellWord(dbPath)} --failed --out failed.csv`;
  return `  ${plural(count, 'URL', formatCount(count))} failed without a response; list them: ${list}`;
}

/**
 * A run --max-time ended: how long, and what is left. The same command continues for as long
 * again; the next: lines name the one that continues to the end.
 */
export function formatMaxTime(maxTimeMs: number, queued: number): string {
  const left = queued > 0 ? `; ${plural(queued, 'URL', queued.toLocaleString('en-US'))} still queued: run the same command for ${formatDuration(maxTimeMs)} more` : '';
  return `  stopped taking URLs at --max-time ${formatDuration(maxTimeMs)}${left}`;
}

/**
 * `resumeArgs`: what a continuing `crawl --db` must be given again (config/continue-hint.ts
 * resumeArgs); `rerunJob`: the job file to run again instead (continueHint).
 */
/** The recrawl's figures as `stats` gives them, so "N pages stored" is not read as N new pages. */
export function formatRecrawl(r: RecrawlStats): string {
  const left = r.pending > 0 ? `, ${formatCount(r.pending)} left for the next run` : '';
  return `recrawl #${r.id}: ${formatCount(r.unchanged)} unchanged, ${formatCount(r.changed)} changed, ${formatCount(r.gone)} gone, ${formatCount(r.failed)} failed${left}`;
}

/**
 * Another process was still reading when the crawl ended (store/settle-file.ts): the last commits
 * are in the -wal file, which a copy of the database file alone leaves behind. A warning, kept by
 * --quiet: the summary just said the pages were stored.
 */
export function formatWalLeft(dbPath: string, isDiskFull = false): string {
  // The file could not grow by what -wal holds: nothing of another process's to wait for (QA 19).
  if (isDiskFull) return `crawlite: the disk is full: the end of this crawl stays in ${dbPath}-wal, not yet in ${dbPath}: copy both files, or free some space and open it once with sqlite3`;
  return `crawlite: a read still open in another process (an export, sqlite3) kept the end of this crawl in ${dbPath}-wal, not yet in ${dbPath}: copy both files, or open it once with sqlite3 when that read is over`;
}

/** The WAL a held read keeps growing (store/wal-growth.ts); a warning, kept by --quiet. */
export function formatWalGrowth(dbPath: string, walBytes: number): string {
  return `crawlite: ${dbPath}-wal has grown to ${formatBinaryBytes(walBytes)}: a read held open in another process (sqlite3 inside a transaction, a long export) keeps SQLite from reusing it, and it grows with every page until that read ends`;
}

export function formatSummary(s: CrawlSummary, resumeArgs: readonly string[] = [], rerunJob: RerunJob | null = null, limits: RunLimits = {}): string {
  const trapLine = s.trapSkips ? formatTrapSkips(s.trapSkips) : null;
  const httpErrorLine = formatHttpErrors(s.outcome?.httpErrors ?? 0, s.dbPath);
  // Parse failures and an unremovable content-encoding are stored pages, counted among the errors.
  const unanswered = Object.entries(s.errorsByCode).filter(([code]) => !PAGE_ERROR_CODE.test(code)).reduce((sum, [, n]) => sum + n, 0);
  const failedLine = formatFailedList(unanswered, s.dbPath);
  const errors = Object.entries(s.errorsByCode).sort((a, b) => b[1] - a[1]);
  const lines = [
    '',
    // Counts with separators, as the status block, stats and the next: lines print them: the
    // summary of a 1,754-page crawl said "1754 pages stored" under "1,216 URLs queued" (QA).
    `crawl ${s.status}: ${plural(s.pagesStored, 'page', formatCount(s.pagesStored))} stored, ${formatCount(s.failures)} failed, in ${formatDuration(s.elapsedMs)} (${s.pagesPerSecond.toFixed(1)} pages/s)`,
    ...errors.map(([code, n]) => `  ${formatCount(n).padStart(7)}  ${code}`),
    ...(failedLine ? [failedLine] : []),
    ...(httpErrorLine ? [httpErrorLine] : []),
    ...(trapLine ? [trapLine] : []),
    ...(s.seedDownloads ? [formatSeedDownloads(s.seedDownloads)] : []),
    ...(s.recrawl ? [formatRecrawl(s.recrawl)] : []),
    ...(s.earlierFailures ? [formatEarlierFailures(s.earlierFailures, s.dbPath)] : []),
    ...(s.maxTimeReached !== undefined ? [formatMaxTime(s.maxTimeReached.limitMs, s.maxTimeReached.queued)] : []),
    ...(s.isNothingQueued ? [NOTHING_QUEUED] : []),
    `database: ${escapeControls(s.dbPath)}`,
    'next:',
    ...nextCommands(s.dbPath, s.queuedAtEnd ?? 0, resumeArgs, rerunJob, limits, limitsUsed(s)),
    '',
  ];
  return lines.join('\n');
}
