/**
 * The export format an --out file's name asks for, when --format is not given: `crawlite export
 * --out pages.csv` wrote JSON Lines into pages.csv (QA), where Scrapy's `-o items.csv` writes CSV.
 * A name that says nothing (or `-`, stdout) leaves the default, JSON Lines; a --format given
 * always wins (`--format links --out edges.csv`).
 */
import type { ExportFormat } from './export.js';

const BY_EXTENSION: [RegExp, ExportFormat][] = [
  [/\.csv$/i, 'csv'],
  [/\.warc(\.gz)?$/i, 'warc'],
  [/\.(jsonl|ndjson)$/i, 'jsonl'],
];

export function formatForOut(out: string | undefined): ExportFormat | null {
  if (out === undefined || out === '-') return null;
  return BY_EXTENSION.find(([pattern]) => pattern.test(out))?.[1] ?? null;
}
