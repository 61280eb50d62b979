/**
 * Deleting a database so that a benchmark can start from an empty file: only a crawlite database
 * that no live crawl is writing and that holds bench runs only, never whatever file --db happens
 * to name: `crawlite bench --db data/crawl.db` deleted a crawl of real sites, hours of fetching,
 * without a word (QA).
 */
import Database from 'better-sqlite3';
import { rmSync, statSync } from 'node:fs';
import { StoreError } from '../errors.js';
import { refuseNonFile } from './db.js';
import { foreignDbError, identifyDb } from './db-identity.js';
import { liveWriterLock } from './live-writer.js';
import { lockedMessage } from './writer-lock.js';

export function removeCrawliteDb(path: string): void {
  refuseNonFile(path);
  let crawl: OtherCrawl | null = null;
  if ((sizeOf(path) ?? 0) > 0) {
    let kind;
    try {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      try {
        kind = identifyDb(db);
        if (kind !== 'foreign') crawl = firstOtherCrawl(db);
      } finally {
        db.close();
      }
    } catch (err) {
      throw new StoreError('CRAWL_STORE_OPEN', `cannot replace ${path}: ${(err as Error).message}; pass --db a new file or a crawlite database`, { cause: err });
    }
    if (kind === 'foreign') throw foreignDbError(path);
  }
  // Deleting the files under a live crawl would lose its data; refuse as the writer's lock would.
  const lock = liveWriterLock(path);
  if (lock.kind !== 'free') throw new StoreError('CRAWL_STORE_LOCKED', lockedMessage(path, lock));
  if (crawl) {
    throw new StoreError(
      'CRAWL_STORE_OPEN',
      `${path} holds a crawl of ${crawl.seed} (run ${crawl.runId}), not a bench run, and was left untouched: bench replaces its --db; pass --db a new file (by default data/bench.db)`,
    );
  }
  // Nothing to remove where the path cannot even be looked at (its folder a file: ENOTDIR); opening
  // it for the crawl then says why in words. Before, Node's "ENOTDIR: not a directory, stat ..." was the line (QA).
  if (sizeOf(path) === null) return;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      rmSync(path + suffix, { force: true });
    } catch (err) {
      // Node 26's statSync reports ENOTDIR as no entry (sizeOf 0), and its rmSync then throws it.
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw new StoreError('CRAWL_STORE_OPEN', `cannot replace ${path + suffix}: ${(err as Error).message}; pass --db a new file or a crawlite database`, { cause: err });
    }
  }
}

/** The file's size, 0 when it does not exist, null when it cannot be looked at (ENOTDIR, EACCES). */
function sizeOf(path: string): number | null {
  try {
    return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return null;
  }
}

/** What is read of a run's recorded options here. */
type RunOptions = { bench?: unknown; seeds?: unknown };

interface OtherCrawl {
  runId: number;
  seed: string;
}

/** The only pages a bench crawl stores: the generated site's root and its articles (bench/site.ts). */
const BENCH_PAGE = /^http:\/\/127\.0\.0\.1:\d+\/(articles\/\d+\.html)?$/;

/**
 * The first run that no bench wrote: a bench crawl has one seed, the generated site's root on
 * 127.0.0.1, and stores only that site's pages; the frontier bench records `{ bench: 'frontier' }`
 * as its options. A crawl of a local server's root (`crawlite crawl http://127.0.0.1:8080/`, a
 * site in development) has the same seed, and was replaced as a bench's; its pages tell it apart.
 * A file from before runs were recorded cannot tell, and is replaced as before.
 */
function firstOtherCrawl(db: Database.Database): OtherCrawl | null {
  if (!db.prepare("SELECT 1 FROM pragma_table_info('runs') WHERE name = 'options'").get()) return null;
  let holdsOtherPages: boolean | null = null;
  const isOtherSite = (): boolean => {
    // Stops at the first page the bench site has not got: at once for a crawl of another site.
    holdsOtherPages ??= (() => {
      for (const { url } of db.prepare<[], { url: string }>('SELECT url FROM pages').iterate()) {
        if (!BENCH_PAGE.test(url)) return true;
      }
      return false;
    })();
    return holdsOtherPages;
  };
  for (const row of db.prepare<[], { id: number; options: string }>('SELECT id, options FROM runs ORDER BY id').iterate()) {
    let options: RunOptions | null = null;
    try {
      options = JSON.parse(row.options) as RunOptions | null;
    } catch {
      // Not JSON: no bench wrote it.
    }
    if (options?.bench !== undefined) continue;
    const seeds = Array.isArray(options?.seeds) ? options.seeds.map(String) : [];
    if (seeds.length === 1 && /^http:\/\/127\.0\.0\.1:\d+\/$/.test(seeds[0]!) && !isOtherSite()) continue;
    return { runId: row.id, seed: seeds.length === 0 ? 'unknown seeds' : seeds.length === 1 ? seeds[0]! : `${seeds[0]} (+${seeds.length - 1} more seed${seeds.length > 2 ? 's' : ''})` };
  }
  return null;
}
