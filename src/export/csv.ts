/**
 * CSV per RFC 4180: a header row, CRLF after every record, and a field quoted (its quotes
 * doubled) when it holds a comma, a quote, CR or LF. Null is an empty field; booleans are
 * true/false; JSON columns are their JSON text. No byte-order mark: RFC 4180 has none, and
 * most tools other than Excel treat one as part of the first header.
 */
import type { Writable } from 'node:stream';
import { writeLines } from './jsonl.js';
import type { ExportRow, ExportValue } from './rows.js';

const NEEDS_QUOTES = /[",\r\n]/;

export function formatCsvField(value: ExportValue | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF included. */
export function formatCsvRecord(values: readonly (ExportValue | undefined)[]): string {
  return `${values.map(formatCsvField).join(',')}\r\n`;
}

function* toCsvLines(rows: Iterable<ExportRow>, fields: readonly string[]): Generator<string> {
  yield formatCsvRecord(fields);
  for (const row of rows) yield formatCsvRecord(fields.map((f) => row[f]));
}

/** The header, then one record per row in `fields` order; resolves with the number of rows (header excluded). */
export async function writeCsv(rows: Iterable<ExportRow>, fields: readonly string[], out: Writable): Promise<number> {
  const lines = await writeLines(toCsvLines(rows, fields), out);
  return Math.max(0, lines - 1);
}
