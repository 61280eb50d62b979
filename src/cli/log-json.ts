/**
 * `--log-format json`: one JSON object per line on stderr, for machines. Each stored page and each
 * failed URL is one event, as the crawl reports it; the run ends with one `summary` event. Every
 * event has `type` and `time` (ISO 8601) first.
 */
import type { CrawlEvent, CrawlSummary } from '../crawl.js';

export function formatJsonEvent(e: CrawlEvent, now = new Date()): string {
  // `type` first, then the time, then the event's own fields, so a log reads well in `head`.
  const { type, ...fields } = e;
  return `${JSON.stringify({ type, time: now.toISOString(), ...fields })}\n`;
}

export function formatJsonSummary(s: CrawlSummary, now = new Date()): string {
  return `${JSON.stringify({
    type: 'summary', time: now.toISOString(), status: s.status, dbPath: s.dbPath, pagesStored: s.pagesStored,
    failures: s.failures, errorsByCode: s.errorsByCode, elapsedMs: Math.round(s.elapsedMs),
    pagesPerSecond: Number(s.pagesPerSecond.toFixed(2)), wireBytes: s.wireBytes,
    // Only when they apply, as the text summary's lines: the --retry-failed count, and the hint.
    ...(s.retriedFailed !== undefined ? { retriedFailed: s.retriedFailed } : {}),
    ...(s.earlierFailures ? { earlierFailures: s.earlierFailures } : {}),
    ...(s.excludedSeeds ? { excludedSeeds: s.excludedSeeds.seeds } : {}),
  })}\n`;
}
