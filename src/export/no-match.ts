/**
 * The one line `export` prints on stderr when it wrote no page: the filters typed matched none
 * (`--content-type text/htm`, a typo, wrote nothing and said nothing, QA 18), or the database
 * holds none. The export still exits 0 with its empty output (a CSV or links header alone), so a
 * pipe goes on; the line only says why it is empty and, per filter, a few of the values stored.
 *
 * Each list costs one bounded query: status and content type have no index, so they are read
 * from the first SAMPLE pages only (and then end "..."); the fetch window's ends come from the
 * pages_fetched index.
 */
import type { Db } from '../store/db.js';
import { escapeControls } from '../errors.js';
import { formatCount } from '../format-numbers.js';
import { shellWord } from '../shell-word.js';
import { MEDIA_TYPE, type FilterFlags, type PageFilter } from './filters.js';

const SAMPLE = 10_000;
const SHOWN = 4;

/** Null when some page matches `filter` (a WARC or links export may still write none of it). */
export function noMatchNote(db: Db, dbPath: string, flags: FilterFlags, filter: PageFilter): string | null {
  if (db.prepare(`SELECT 1 FROM pages p ${filter.sql} LIMIT 1`).get(...filter.params) !== undefined) return null;
  if (filter.sql === '') return `no page exported: ${escapeControls(dbPath)} holds no pages; ${nextStep(db, dbPath)}`;
  const typed = typedFilters(flags);
  if (db.prepare('SELECT 1 FROM pages LIMIT 1').get() === undefined) return `no page matched ${typed} (${escapeControls(dbPath)} holds no pages)`;
  const has = [
    flags.run === undefined ? null : sampled(db, 'p.run_id', 'pages from run '),
    flags.status === undefined ? null : sampled(db, 'p.status', 'status '),
    flags.since === undefined && flags.until === undefined ? null : fetchWindow(db),
    flags.contentType === undefined ? null : sampled(db, MEDIA_TYPE, ''),
  ].filter((part) => part !== null);
  return has.length === 0 ? `no page matched ${typed}` : `no page matched ${typed} (this database has ${has.join('; ')})`;
}

/**
 * What to do about a file with no pages (it said only that, QA 21): see why its URLs failed, fetch
 * those still queued, or crawl into it.
 */
function nextStep(db: Db, dbPath: string): string {
  const counts = db.prepare("SELECT (SELECT count(*) FROM urls WHERE state = 'failed') AS failed, (SELECT count(*) FROM urls WHERE state = 'queued') AS queued").get() as { failed: number | null; queued: number | null };
  const db_ = shellWord(dbPath);
  const failed = counts.failed ?? 0;
  const queued = counts.queued ?? 0;
  if (failed > 0) return `${failed === 1 ? 'its 1 URL that failed is' : `its ${formatCount(failed)} URLs that failed are`} listed, with why, by crawlite export --db ${db_} --failed`;
  if (queued > 0) return `${queued === 1 ? '1 URL is' : `${formatCount(queued)} URLs are`} queued: crawlite crawl --db ${db_} fetches them (crawlite stats says what else it holds)`;
  return `crawl into it first: crawlite crawl <url> --db ${db_}`;
}

/** The filters as typed, lists joined: `--status 5xx --content-type text/htm`. */
function typedFilters(flags: FilterFlags): string {
  const words: Array<[string, unknown]> = [['--run', flags.run], ['--status', flags.status], ['--since', flags.since], ['--until', flags.until], ['--content-type', flags.contentType]];
  return words
    .filter(([, value]) => value !== undefined)
    .map(([flag, value]) => `${flag} ${escapeControls((Array.isArray(value) ? value : [value]).map(String).join(','))}`)
    .join(' ');
}

/** The most common values of `expr` among the first SAMPLE pages, after `label`; null for none. */
function sampled(db: Db, expr: string, label: string): string | null {
  const found = db.prepare(`SELECT v, count(*) AS n FROM (SELECT ${expr} AS v FROM pages p LIMIT ${SAMPLE}) WHERE v IS NOT NULL AND v != '' AND v != 0 GROUP BY v ORDER BY n DESC, v`)
    .all() as Array<{ v: string | number; n: number }>;
  const read = found.reduce((sum, row) => sum + row.n, 0);
  if (found.length === 0) return null;
  const values = found.slice(0, SHOWN).map((row) => escapeControls(String(row.v)));
  if (found.length > SHOWN || read >= SAMPLE) values.push('...');
  return label + values.join(', ');
}

function fetchWindow(db: Db): string {
  // Two subqueries: SQLite reads a lone min() or max() from the index, both in one query by a scan.
  const ends = db.prepare('SELECT (SELECT min(fetched_at) FROM pages) AS first, (SELECT max(fetched_at) FROM pages) AS last').get() as { first: number; last: number };
  return `pages fetched from ${new Date(ends.first).toISOString()} to ${new Date(ends.last).toISOString()}`;
}
