/**
 * `--log-format json`: one JSON object per line on stderr, for machines. Each stored page and each
 * failed URL is one event, as the crawl reports it; the run ends with one `summary` event. Every
 * event has `type` and `time` (ISO 8601) first.
 */
import type { CrawlEvent, CrawlSummary } from '../crawl.js';
import type { SitemapReport } from '../frontier/sitemaps.js';
import { jsonLine } from '../json-line.js';

export function formatJsonEvent(e: CrawlEvent, now = new Date()): string {
  // `type` first, then the time, then the event's own fields, so a log reads well in `head`.
  const { type, ...fields } = e;
  return jsonLine({ type, time: now.toISOString(), ...fields });
}

/**
 * A notice the CLI gives before the crawl starts (--ignore-robots, --insecure, credentials removed
 * from a seed) or while it runs (a seed's redirect widened the scope), as a `notice` event: with --log-format json every line on stderr is one JSON
 * object, so a JSON Lines reader never meets plain text. `message` is the text line without its
 * "crawlite: " prefix.
 */
export function formatJsonNotice(line: string, now = new Date()): string {
  return jsonLine({ type: 'notice', time: now.toISOString(), message: line.replace(/^crawlite: /, '') });
}

/** `continueWith`: the command that continues the crawl (summary.ts continueCommand), when URLs are left queued. */
export function formatJsonSummary(s: CrawlSummary, now = new Date(), continueWith: string | null = null): string {
  return jsonLine({
    type: 'summary', time: now.toISOString(), status: s.status, dbPath: s.dbPath, pagesStored: s.pagesStored,
    failures: s.failures, errorsByCode: s.errorsByCode, httpErrorPages: s.outcome?.httpErrors ?? 0, elapsedMs: Math.round(s.elapsedMs),
    pagesPerSecond: Number(s.pagesPerSecond.toFixed(2)), wireBytes: s.wireBytes,
    // Only when they apply, as the text summary's lines: the --retry-failed count, the hint, the
    // seeds excluded, the URLs skipped as spider traps, --max-time reached, the URLs left queued.
    ...(s.retriedFailed !== undefined ? { retriedFailed: s.retriedFailed } : {}),
    ...(s.earlierFailures ? { earlierFailures: s.earlierFailures } : {}),
    ...(s.isNothingQueued ? { nothingQueued: true } : {}),
    ...(s.excludedSeeds ? { excludedSeeds: s.excludedSeeds.seeds } : {}),
    ...(s.trapSkips ? { trapSkips: s.trapSkips } : {}),
    ...(s.seedDownloads ? { seedDownloads: s.seedDownloads } : {}),
    ...(s.recrawl ? { recrawl: s.recrawl } : {}),
    ...(s.maxTimeReached ? { maxTimeReached: s.maxTimeReached } : {}),
    ...(s.queuedAtEnd !== undefined ? { queuedAtEnd: s.queuedAtEnd } : {}),
    ...(continueWith !== null ? { continueCommand: continueWith } : {}),
    // The text modes' `sitemaps:` line, which --log-format json had nowhere (QA): its figures,
    // and each sitemap not read with why (`not read: --max-time reached`, an HTTP 404, ...).
    ...(s.sitemaps ? { sitemaps: jsonSitemaps(s.sitemaps) } : {}),
    ...(s.isWalLeft ? { walLeft: true } : {}),
    ...(s.isWalLeftByFullDisk ? { walLeftBy: 'full disk' } : {}),
  });
}

function jsonSitemaps(r: SitemapReport): Record<string, unknown> {
  return { read: r.sitemaps, queued: r.queued, alreadyKnown: r.urls - r.queued - r.skipped, recordedAsSkipped: r.skipped, notRead: r.failures, readInPart: r.cut };
}
