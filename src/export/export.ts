/**
 * `crawlite export`: pages from a crawl database to JSON Lines or CSV, on stdout or in a file.
 * It opens its own read-only connection, so it can run while a crawl is writing the same file.
 * A file is written under a temporary name beside it and renamed into place once complete, so a
 * failed or interrupted export leaves no half file (and keeps any previous one intact).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import { checkOutPath, outTarget } from '../check-out-path.js';
import { openReadOnly } from '../store/db.js';
import { asStoreCorrupt } from '../store/store-corrupt.js';
import { writeCsv } from './csv.js';
import { parseFieldList, type FieldName } from './fields.js';
import { writeJsonl } from './jsonl.js';
import { iteratePages } from './rows.js';
import { withExtractedFields } from './extracted-fields.js';
import { parseFilter, type FilterFlags } from './filters.js';
import { writeLinks } from './links.js';
import { writeWarc } from './warc.js';

export type ExportFormat = 'jsonl' | 'csv' | 'warc' | 'links';
const FORMATS: readonly string[] = ['jsonl', 'csv', 'warc', 'links'] satisfies ExportFormat[];

export interface ExportOptions {
  /** The crawl database. */
  dbPath: string;
  format: ExportFormat;
  /** Output file; stdout when absent. */
  out?: string;
  /** Comma list of field names; DEFAULT_FIELDS when absent. */
  fields?: string;
  /** Comma list of content fields to add: text, html. */
  with?: string;
  /** Which pages: --run, --status, --since, --until, --content-type (export/filters.ts). */
  filter?: FilterFlags;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing, or a file where a directory should be (ENOTDIR): either way, not writable into
  }
}

function checkOptions(opts: ExportOptions): FieldName[] {
  if (!FORMATS.includes(opts.format)) {
    throw new UsageError('CRAWL_USAGE', `unknown export format '${String(opts.format)}' (known: ${FORMATS.join(', ')})`);
  }
  if ((opts.format === 'warc' || opts.format === 'links') && (opts.fields !== undefined || opts.with !== undefined)) {
    throw new UsageError('CRAWL_USAGE', `--fields and --with apply to jsonl and csv, not to --format ${opts.format}`);
  }
  const fields = parseFieldList(opts.fields, opts.with);
  if (opts.out !== undefined) {
    checkOutPath(opts.out, opts.dbPath);
    // Refused before any work: otherwise the whole export is written and only the final rename
    // fails, with a bare EISDIR naming our temporary file.
    if (isDirectory(opts.out)) {
      throw new UsageError('CRAWL_USAGE', `cannot write ${opts.out}: it is a directory; pass --out a file path (e.g. ${join(opts.out, `pages.${opts.format === 'links' ? 'csv' : opts.format}`)})`);
    }
    const dir = dirname(outTarget(opts.out));
    if (!isDirectory(dir)) {
      throw new UsageError('CRAWL_USAGE', `cannot write ${opts.out}: no directory ${dir}`);
    }
  }
  return fields;
}

async function writeRows(opts: ExportOptions, fields: FieldName[], out: Writable): Promise<number> {
  const filter = parseFilter(opts.filter ?? {});
  const db = openReadOnly(opts.dbPath);
  try {
    if (opts.format === 'warc') return await writeWarc(db, out, filter);
    if (opts.format === 'links') return await writeLinks(db, out, filter);
    const columns = opts.fields === undefined ? withExtractedFields(db, fields) : fields;
    const rows = iteratePages(db, columns, { isJsonAsText: opts.format === 'csv', filter });
    return opts.format === 'csv' ? await writeCsv(rows, columns, out) : await writeJsonl(rows, out);
  } catch (err) {
    // A damaged page met while streaming rows, after the header and earlier rows were written.
    throw asStoreCorrupt(err, opts.dbPath);
  } finally {
    db.close();
  }
}

/** Writes to `<dir>/.<name>.<random>.tmp`, then renames it to `out` (or its symlink's target) once flushed to disk. */
async function writeFileAtomically(out: string, write: (stream: Writable) => Promise<number>): Promise<number> {
  const target = outTarget(out);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  // flush: fsync before close, or a power loss after the rename can leave an empty file under the
  // real name. (Not a FileHandle stream with autoClose: false and our own sync: its close() never
  // resolves on Node 20, nodejs/node#54797.)
  const stream = createWriteStream(temp, { flags: 'wx', flush: true });
  const closed = once(stream, 'close');
  try {
    const rows = await write(stream);
    stream.end();
    await closed; // rejects with the stream's error (open, write or fsync failing)
    await rename(temp, target);
    return rows;
  } catch (err) {
    stream.destroy();
    await closed.catch(() => undefined); // already failing: the first error is the one worth reporting
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * Exports every page of the database at `opts.dbPath` as `opts.format`, to `opts.out` or else to
 * `stdout` (which is not ended). Resolves with the rows written; on stdout that stops short,
 * quietly, when the reader closes the pipe. Throws UsageError CRAWL_USAGE for a bad format,
 * field or output path, StoreError CRAWL_STORE_MISSING / CRAWL_STORE_OPEN for the database.
 */
export async function exportPages(opts: ExportOptions, stdout: Writable): Promise<{ rows: number }> {
  const fields = checkOptions(opts);
  parseFilter(opts.filter ?? {}); // bad filter values fail before any file is created
  const rows =
    opts.out === undefined
      ? await writeRows(opts, fields, stdout)
      : await writeFileAtomically(opts.out, (stream) => writeRows(opts, fields, stream));
  return { rows };
}
