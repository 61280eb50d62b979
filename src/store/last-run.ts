/**
 * The latest run of a database, for `crawl` without URLs (config/resume-options.ts): read on a
 * read-only connection, so looking never creates, stamps or converts a file. A file that is not
 * crawlite's, or is damaged, is refused with the errors `crawl` gives when it opens one to write.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { refuseNonFile, setupError, type Db } from './db.js';
import { foreignDbError, identifyDb } from './db-identity.js';

export interface LastRun {
  id: number;
  /** runs.options as stored: the run's CrawlConfig as JSON, header values masked. */
  options: string;
  job: string | null;
  jobFile: string | null;
}

/** null when there is no file, or a file with no run in it (a new or empty database). */
export function readLastRun(path: string): LastRun | null {
  if (!existsSync(path)) return null;
  refuseNonFile(path);
  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw setupError(path, err);
  }
  try {
    db.pragma('busy_timeout = 2000');
    return db.transaction(() => read(db, path))();
  } catch (err) {
    throw setupError(path, err);
  } finally {
    db.close();
  }
}

function read(db: Db, path: string): LastRun | null {
  const kind = identifyDb(db);
  if (kind === 'foreign') throw foreignDbError(path);
  if (kind === 'empty') return null;
  const columns = new Set(db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('runs')").all().map((c) => c.name));
  if (!columns.has('options')) return null; // no runs table: a file from before runs were recorded
  // job and job_file came later (add-columns.ts); an older file's runs have neither.
  const job = columns.has('job') ? 'job, job_file' : 'NULL AS job, NULL AS job_file';
  const row = db.prepare<[], { id: number; options: string; job: string | null; job_file: string | null }>(
    `SELECT id, options, ${job} FROM runs ORDER BY id DESC LIMIT 1`,
  ).get();
  if (row === undefined) return null;
  // Not the queue: until the crawl holds the lock another one may still change it (crawl.ts onStart).
  return { id: row.id, options: row.options, job: row.job, jobFile: row.job_file };
}
