/**
 * `crawlite export`: pages from a crawl database to JSON Lines or CSV, on stdout or in a file.
 * It opens its own read-only connection, so it can run while a crawl is writing the same file.
 * A file is written under a temporary name beside it and renamed into place once complete, so a
 * failed or interrupted export leaves no half file (and keeps any previous one intact); a FIFO or
 * device is written in place (out-file.ts).
 */
import type { Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import { checkOutPath } from '../check-out-path.js';
import { planOut, writeOut, type OutPlan } from '../out-file.js';
import { asOutputWriteError } from '../output-write-error.js';
import { openReadOnly, type Db } from '../store/db.js';
import { asStoreCorrupt } from '../store/store-corrupt.js';
import { writeCsv } from './csv.js';
import { parseFieldList, type FieldName } from './fields.js';
import { writeJsonl } from './jsonl.js';
import { iteratePages, prepareExportQuery } from './rows.js';
import { checkExtractedFields, withExtractedFields } from './extracted-fields.js';
import { parseFilter, type FilterFlags, type PageFilter } from './filters.js';
import { writeLinks } from './links.js';
import { writeWarc } from './warc.js';
import { noMatchNote } from './no-match.js';

export type ExportFormat = 'jsonl' | 'csv' | 'warc' | 'links';
const FORMATS: readonly string[] = ['jsonl', 'csv', 'warc', 'links'] satisfies ExportFormat[];

export interface ExportOptions {
  /** The crawl database. */
  dbPath: string;
  format: ExportFormat;
  /** Output file; stdout when absent or '-'. */
  out?: string;
  /** Comma list of field names; DEFAULT_FIELDS when absent. */
  fields?: string;
  /** Comma list of content fields to add: text, html, body_base64. */
  with?: string;
  /** Which pages: --run, --status, --since, --until, --content-type (export/filters.ts). */
  filter?: FilterFlags;
  /** The format was read from --out's name, not typed: error messages then say so. */
  isFormatFromOut?: boolean;
}

function checkOptions(opts: ExportOptions): { fields: FieldName[]; plan: OutPlan | null } {
  if (!FORMATS.includes(opts.format)) {
    throw new UsageError('CRAWL_USAGE', `unknown export format '${String(opts.format)}' (known: ${FORMATS.join(', ')})`);
  }
  if ((opts.format === 'warc' || opts.format === 'links') && (opts.fields !== undefined || opts.with !== undefined)) {
    throw new UsageError('CRAWL_USAGE', fieldsRefusal(opts));
  }
  const fields = parseFieldList(opts.fields, opts.with);
  // '-' is stdout, as for `report --out -` and most Unix tools: not a file named '-'.
  if (opts.out === undefined || opts.out === '-') return { fields, plan: null };
  checkOutPath(opts.out, opts.dbPath);
  return { fields, plan: planOut(opts.out, `pages.${opts.format === 'links' ? 'csv' : opts.format}`) };
}

/**
 * Names what the format holds instead: `--out x.warc.gz --with text` said to use --format warc,
 * which it already was, from the name (QA 13).
 */
function fieldsRefusal(opts: ExportOptions): string {
  const given = [opts.fields !== undefined ? `--fields ${opts.fields}` : '', opts.with !== undefined ? `--with ${opts.with}` : ''].filter(Boolean).join(' and ');
  const target = opts.isFormatFromOut ? `--out ${opts.out} (a ${opts.format === 'warc' ? 'WARC' : 'links'} export, from its name)` : `--format ${opts.format}`;
  const holds = opts.format === 'warc'
    ? "WARC records hold each page's response as fetched (headers and exact body), not chosen fields or extracted text"
    : 'it writes the link graph (from_url, to_url, anchor, in_scope, nofollow), not page fields';
  return `${given} cannot go into ${target}: ${holds}; --fields and --with are for jsonl and csv, e.g. --out pages.jsonl ${given}`;
}

async function writeRows(db: Db, opts: ExportOptions, fields: FieldName[], filter: PageFilter, out: Writable): Promise<number> {
  try {
    if (opts.format === 'warc') return await writeWarc(db, out, filter, isPlainWarcName(opts.out));
    if (opts.format === 'links') return await writeLinks(db, out, filter);
    const columns = opts.fields === undefined ? withExtractedFields(db, fields) : checkExtractedFields(db, fields);
    const rows = iteratePages(db, columns, { isJsonAsText: opts.format === 'csv', filter });
    return opts.format === 'csv' ? await writeCsv(rows, columns, out) : await writeJsonl(rows, out);
  } catch (err) {
    // A damaged page met while streaming rows, after the header and earlier rows were written.
    throw asStoreCorrupt(err, opts.dbPath);
  }
}

/**
 * Exports every page of the database at `opts.dbPath` as `opts.format`, to `opts.out` or else to
 * `stdout` (which is not ended). Resolves with the rows written and, when none was, the line for
 * stderr saying why (no page matched the filters, or none is stored: no-match.ts); on stdout that stops short,
 * quietly, when the reader closes the pipe. Throws UsageError CRAWL_USAGE for a bad format,
 * field or output path, StoreError CRAWL_STORE_MISSING / CRAWL_STORE_OPEN for the database,
 * OutputError CRAWL_OUTPUT_WRITE when the output cannot be opened or written.
 */
export async function exportPages(opts: ExportOptions, stdout: Writable): Promise<{ rows: number; note: string | null }> {
  const { fields, plan } = checkOptions(opts);
  const filter = parseFilter(opts.filter ?? {}); // bad filter values fail before any file is created
  // The database is opened, and found to be a crawlite one, before the output is: opening a FIFO
  // waits for its reader, and a missing database must not wait for one to say so.
  const db = openReadOnly(opts.dbPath);
  try {
    prepareExportQuery(db, 'SELECT 1 FROM pages LIMIT 0');
    checkRunExists(db, opts.filter?.run);
    let rows: number;
    if (plan !== null) {
      rows = await writeOut(plan, (stream) => writeRows(db, opts, fields, filter, stream));
    } else {
      try {
        rows = await writeRows(db, opts, fields, filter, stdout);
      } catch (err) {
        throw asOutputWriteError(err, null); // stdout's own failures (disk full behind `> file`); others as they are
      }
    }
    return { rows, note: rows === 0 ? noMatchNote(db, opts.dbPath, opts.filter ?? {}, filter) : null };
  } finally {
    db.close();
  }
}

/** `--out crawl.warc`: a name without .gz asks for the records uncompressed; stdout keeps gzip (see --format warc). */
function isPlainWarcName(out: string | undefined): boolean {
  return out !== undefined && out !== '-' && /\.warc$/i.test(out);
}

/** --run naming no run is a typo, not a question whose answer is no pages. */
export function checkRunExists(db: Db, run: unknown): void {
  if (run === undefined) return;
  const id = Number(String(run).trim()); // parseFilter has checked its shape
  const known = db.prepare('SELECT min(id) AS first, max(id) AS last, count(*) AS n FROM runs').get() as { first: number | null; last: number | null; n: number };
  if (db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id) !== undefined) return;
  const ids = known.n === 0 ? 'the database has no runs' : known.first === known.last ? `the only run is ${known.first}` : `run ids are ${known.first} to ${known.last}`;
  throw new UsageError('CRAWL_USAGE', `invalid --run '${String(run)}': no such run (${ids}; see crawlite stats)`);
}
