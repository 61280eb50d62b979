/**
 * `crawlite export --failed`: the URLs that failed without a stored response (no answer: DNS,
 * refused, reset, timeout, TLS; an answer refused: too large, a redirect loop; never requested:
 * robots.txt), from the urls table, as JSON Lines or CSV with export's --out machinery. Pages
 * that answered 4xx or 5xx are pages (`--status 4xx,5xx`), not these: they have a response. A
 * stored page whose --recrawl failed is listed too (its urls row is failed; its page stays).
 * Before this, they could be listed only with sqlite3, and `stats` showed one sample per code.
 *
 * Read-only and one read transaction, as every export (rows.ts), so it works during a crawl; it
 * lists the URLs failed so far (a URL waiting for its retry is still `queued`, not failed).
 */
import type { Writable } from 'node:stream';
import { UsageError, escapeControls } from '../errors.js';
import { checkOutPath } from '../check-out-path.js';
import { planOut, writeOut } from '../out-file.js';
import { asOutputWriteError } from '../output-write-error.js';
import { openReadOnly, type Db } from '../store/db.js';
import { asStoreCorrupt } from '../store/store-corrupt.js';
import { writeCsv } from './csv.js';
import { writeJsonl } from './jsonl.js';
import { prepareExportQuery, type ExportRow } from './rows.js';
import { refuseRepeatedName } from './fields.js';
import { timeWindow, type FilterFlags } from './filters.js';
import { checkRunExists, type ExportOptions } from './export.js';
import { wholeNumberFlag } from '../config/numeric-flag.js';
import { FAILED_FIELDS } from './failed-fields.js';

const NAMES = FAILED_FIELDS.map((f) => f.name);

/** The same options as a page export: the ones that mean nothing here are refused below. */
export type FailedOptions = ExportOptions;

/**
 * The options that mean nothing for a URL without a response, each refused in one line saying what
 * to use instead. Called before anything is opened, and before the binary-to-terminal check.
 */
export function refuseWithFailed(opts: FailedOptions): void {
  if (opts.format === 'warc' || opts.format === 'links') {
    const given = opts.isFormatFromOut ? `--out ${opts.out} (a ${opts.format} export, from its name)` : `--format ${opts.format}`;
    throw new UsageError('CRAWL_USAGE', `--failed cannot go with ${given}: a failed URL has no response or links to write; --failed writes jsonl or csv, e.g. --failed --out failed.csv`);
  }
  if (opts.with !== undefined) {
    throw new UsageError('CRAWL_USAGE', `--failed cannot go with --with ${opts.with}: a failed URL has no stored content; --fields picks its columns (${NAMES.join(', ')})`);
  }
  const f = opts.filter ?? {};
  const pageOnly = f.status !== undefined ? '--status' : f.contentType !== undefined ? '--content-type' : null;
  if (pageOnly !== null) {
    throw new UsageError('CRAWL_USAGE', `--failed cannot go with ${pageOnly}: a failed URL got no HTTP answer; pages that answered 4xx or 5xx are listed by crawlite export --status 4xx,5xx --fields url,status`);
  }
}

function parseFailedFields(fields: string | undefined): Array<(typeof FAILED_FIELDS)[number]> {
  if (fields === undefined) return [...FAILED_FIELDS];
  const names = fields.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('CRAWL_USAGE', `--fields is empty (known with --failed: ${NAMES.join(', ')})`);
  const chosen = names.map((name) => {
    const def = FAILED_FIELDS.find((f) => f.name === name);
    if (def === undefined) throw new UsageError('CRAWL_USAGE', `unknown field '${name}' for --failed (known: ${NAMES.join(', ')})`);
    return def;
  });
  refuseRepeatedName('--fields', names);
  return chosen;
}

interface FailedFilter {
  sql: string;
  params: number[];
}

/** --run (the run that last fetched it: the one that failed it) and --since/--until (its failed_at). */
function failedFilter(flags: FilterFlags): FailedFilter {
  const sql: string[] = [];
  const params: number[] = [];
  if (flags.run !== undefined) {
    sql.push('u.run_id = ?');
    params.push(wholeNumberFlag('--run', flags.run, 1)!);
  }
  const { since, until } = timeWindow(flags, 'URL');
  if (since !== null) sql.push('u.updated_at >= ?') && params.push(since);
  if (until !== null) sql.push('u.updated_at < ?') && params.push(until);
  return { sql: sql.map((c) => ` AND ${c}`).join(''), params };
}

function* failedRows(db: Db, fields: ReadonlyArray<(typeof FAILED_FIELDS)[number]>, filter: FailedFilter): Generator<ExportRow> {
  // Shallowest first, then in the order met: the order of the urls_ready index (state, depth,
  // id), so rows stream from it without a sort, and a seed's failure comes before its links'.
  const stmt = prepareExportQuery<unknown[]>(
    db,
    `SELECT ${fields.map((f) => f.sql).join(', ')} FROM urls u LEFT JOIN urls f ON f.id = u.parent_id
      WHERE u.state = 'failed'${filter.sql} ORDER BY u.depth, u.id`,
  ).raw(true);
  for (const raw of stmt.iterate(...filter.params)) {
    const row: ExportRow = {};
    fields.forEach((f, i) => {
      const value = raw[i] ?? null;
      row[f.name] = f.name === 'failed_at' && value !== null ? new Date(Number(value)).toISOString() : (value as ExportRow[string]);
    });
    yield row;
  }
}

/**
 * Writes the failed URLs of `opts.dbPath` to `opts.out` or `stdout` (not ended). Resolves with the
 * rows written and, when none was, the line for stderr saying so. Throws as exportPages does.
 */
export async function exportFailed(opts: FailedOptions, stdout: Writable): Promise<{ rows: number; note: string | null }> {
  refuseWithFailed(opts);
  const fields = parseFailedFields(opts.fields);
  const filter = failedFilter(opts.filter ?? {});
  const toFile = opts.out !== undefined && opts.out !== '-';
  if (toFile) checkOutPath(opts.out!, opts.dbPath);
  const plan = toFile ? planOut(opts.out!, `failed.${opts.format}`) : null;
  const db = openReadOnly(opts.dbPath);
  try {
    prepareExportQuery(db, 'SELECT 1 FROM urls LIMIT 0');
    checkRunExists(db, opts.filter?.run);
    const write = async (out: Writable): Promise<number> => {
      try {
        const rows = failedRows(db, fields, filter);
        const columns = fields.map((f) => f.name);
        return opts.format === 'csv' ? await writeCsv(rows, columns, out) : await writeJsonl(rows, out);
      } catch (err) {
        throw asStoreCorrupt(err, opts.dbPath);
      }
    };
    let rows: number;
    if (plan !== null) {
      rows = await writeOut(plan, write);
    } else {
      try {
        rows = await write(stdout);
      } catch (err) {
        throw asOutputWriteError(err, null);
      }
    }
    return { rows, note: rows === 0 ? noFailedNote(db, opts.dbPath, filter, opts.filter ?? {}) : null };
  } finally {
    db.close();
  }
}

function noFailedNote(db: Db, dbPath: string, filter: FailedFilter, flags: FilterFlags): string {
  const all = (db.prepare("SELECT count(*) AS n FROM urls WHERE state = 'failed'").get() as { n: number }).n;
  if (filter.sql === '' || all === 0) return `no failed URL in ${escapeControls(dbPath)}: every URL met was stored, skipped, redirected or is still queued (crawlite stats counts them)`;
  const typed = (['run', 'since', 'until'] as const).filter((k) => flags[k] !== undefined).map((k) => `--${k} ${escapeControls(String(flags[k]).trim())}`).join(' ');
  return `no failed URL matched ${typed} (${escapeControls(dbPath)} has ${all} failed URL${all === 1 ? '' : 's'} in all)`;
}
