/**
 * The export format an --out file's name asks for, when --format is not given: `crawlite export
 * --out pages.csv` wrote JSON Lines into pages.csv (QA), where Scrapy's `-o items.csv` writes CSV.
 * A name that says nothing (or `-`, stdout) leaves the default, JSON Lines; a --format given
 * always wins (`--format links --out edges.csv`).
 */
import type { ExportFormat } from './export.js';
import { UsageError } from '../errors.js';

// A .gz after CSV or JSON Lines names the format too, so that its refusal below names the right one.
const BY_EXTENSION: [RegExp, ExportFormat][] = [
  [/\.csv(\.gz)?$/i, 'csv'],
  [/\.warc(\.gz)?$/i, 'warc'],
  [/\.(jsonl|ndjson)(\.gz)?$/i, 'jsonl'],
];

export function formatForOut(out: string | undefined): ExportFormat | null {
  if (out === undefined || out === '-') return null;
  return BY_EXTENSION.find(([pattern]) => pattern.test(out))?.[1] ?? null;
}

/**
 * Only WARC records are written gzip-compressed: `--out pages.csv.gz` got plain CSV under a name
 * that `zcat` and spreadsheet imports then refused (QA). Refused up front, with the pipe that
 * compresses it.
 */
export function refuseUncompressedGz(format: ExportFormat, out: string | undefined): void {
  if (format === 'warc' || out === undefined || !/\.gz$/i.test(out)) return;
  const plain = out.replace(/\.gz$/i, '');
  throw new UsageError('CRAWL_USAGE', `--out ${out}: a --format ${format} export is not compressed; pipe it through gzip instead: crawlite export --format ${format} ... | gzip > ${out} (or --out ${plain})`);
}
