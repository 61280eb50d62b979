/**
 * Keeps the full-text index (store/db.ts: page_words and page_titles, or page_search in files
 * made before 0.2) in step with pages: a writer hook that indexes each stored page's title and
 * visible text inside the page's own transaction, so the index never holds a page the database
 * does not, nor misses one. A page marked noindex is stored but not indexed, title included.
 *
 * The tables are contentless (content=''): FTS5 keeps only the inverted index, not a second copy
 * of the text, which already lives compressed in contents; snippets are cut from that copy
 * (search/snippet.ts). They keep which pages hold a word, no counts and no positions, so phrases
 * are matched as all their words (search/query.ts), and the workers send each page's distinct
 * words rather than its text (parse/search-words.ts): the same index for a tenth of the work.
 */
import { SEARCH_AUTOMERGE, SEARCH_CRISISMERGE, searchLayout, type Db } from '../store/db.js';
import type { PageHooks } from '../store/writer.js';
import { isStoredNoindex } from '../parse/directives.js';

export function createSearchIndexHooks(db: Db): PageHooks {
  const index = createIndexer(db);
  return {
    afterInsert(pageId, record) {
      const parsed = record.parsed;
      // Non-HTML bodies and failed parses have no text worth searching.
      if (parsed === null || (parsed.searchWords === undefined && parsed.title === null)) return;
      // The site asked that the page not be indexed: none of its words, its title's neither, are
      // searchable (a recrawl that finds it so has removed its old entry in beforeInsert).
      if (isStoredNoindex(record.directives?.robots)) return;
      index(pageId, parsed.title ?? '', parsed.searchWords ?? '');
    },
  };
}

function createIndexer(db: Db): (pageId: number, title: string, words: string) => void {
  if (searchLayout(db) === 'columns') {
    const insert = db.prepare('INSERT INTO page_search (rowid, title, text) VALUES (?, ?, ?)');
    return (pageId, title, words) => {
      insert.run(pageId, title, words);
    };
  }
  const insertWords = db.prepare('INSERT INTO page_words (rowid, words) VALUES (?, ?)');
  const insertTitle = db.prepare('INSERT INTO page_titles (rowid, title) VALUES (?, ?)');
  return (pageId, title, words) => {
    // The title's words go in page_words too: a query matches a page by its title or its text.
    insertWords.run(pageId, title === '' ? words : `${title} ${words}`);
    if (title !== '') insertTitle.run(pageId, title);
  };
}

/** Removes a page from the index (a recrawl replacing its row). contentless_delete=1 allows DELETE. */
export function prepareSearchRemoval(db: Db): (pageId: number) => void {
  const tables = searchLayout(db) === 'columns' ? ['page_search'] : ['page_words', 'page_titles'];
  const removals = tables.map((table) => db.prepare(`DELETE FROM ${table} WHERE rowid = ?`));
  return (pageId) => {
    for (const remove of removals) remove.run(pageId);
  };
}


/**
 * Crawls by earlier versions indexed noindex pages like any other: their entries are removed once per
 * file, by the first run that holds the writer lock, so what the site asked to leave out of an
 * index is not found by `crawlite search` in older files either. A meta key says it was done.
 */
export function unindexNoindexPages(db: Db): void {
  if (db.prepare("SELECT 1 FROM meta WHERE key = 'noindex_unindexed'").get() !== undefined) return;
  const tables = searchLayout(db) === 'columns' ? ['page_search'] : ['page_words', 'page_titles'];
  const removals = tables.map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT id FROM pages WHERE ',' || robots || ',' LIKE '%,noindex,%')`),
  );
  const done = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('noindex_unindexed', '1')");
  db.transaction(() => {
    for (const remove of removals) remove.run();
    done.run();
  }).immediate();
}

/**
 * Files made with automerge 16 before SEARCH_CRISISMERGE existed (2026-12-06 and 07) merge every
 * level at once, in one commit (store/db.ts SEARCH_CRISISMERGE): the first crawl that holds the
 * writer lock gives them the same setting as a new file. A file with FTS5's own settings (made
 * earlier: automerge 4, below the crisis point) already merges in steps and is left as it is.
 */
export function spreadSearchMerges(db: Db): void {
  if (searchLayout(db) !== 'words') return;
  const setting = (table: string, key: string): unknown =>
    db.prepare(`SELECT v FROM ${table}_config WHERE k = ?`).pluck().get(key);
  const tables = ['page_words', 'page_titles'].filter(
    (table) => setting(table, 'automerge') === SEARCH_AUTOMERGE && setting(table, 'crisismerge') === undefined,
  );
  if (tables.length === 0) return;
  db.transaction(() => {
    for (const table of tables) db.exec(`INSERT INTO ${table} (${table}, rank) VALUES ('crisismerge', ${SEARCH_CRISISMERGE})`);
  }).immediate();
}

/**
 * FTS5 leaves (its `pgsz`, ~4 KB) written in one step of the end-of-crawl merge (`'merge', N`),
 * ~128 KB. Each step is a statement of its own, committed alone: a crawl killed during the merge
 * loses at most the step, never an entry. Small steps, because a step's inputs are freed only
 * as it consumes them, and what is free at the end stays in the file (5,000 bench pages, the
 * whole merge: +18 KB with steps of 16-32 leaves, +320 KB with 100, +740 KB with 200).
 */
const MERGE_STEP_PAGES = 32;

/**
 * Steps per table at most, however large the index: ~8 MB of index written, well under a second
 * at the end of the largest crawl. A 5,000-page bench crawl's index (2.4 MB) takes ~18; what a
 * larger one leaves unmerged, FTS5's own automerge goes on with at the next crawl's commits.
 */
export const MERGE_MAX_STEPS = 64;

/**
 * Merges the search index's segments at the end of a crawl, within a bound. Every commit adds a
 * segment to each index and automerge merges 16 of a level at a time (store/db.ts), so a crawl
 * ends with up to ~50 segments, each of which a query looks a word up in: on a 5,000-page bench
 * file (34 segments -> 1), `searchPages` 12.4-12.8 -> 8.8-10.7 ms of CPU a query. Only levels
 * that hold FTS5's `usermerge` (4) segments or more are merged, so an index already merged costs
 * one statement a table. The merge changes which pages hold which word in no way: the same entries, in
 * fewer b-trees. Returns the steps taken.
 */
export function mergeSearchSegments(db: Db, maxSteps = MERGE_MAX_STEPS): number {
  const layout = searchLayout(db);
  if (layout === null) return 0;
  // The smaller table first: the titles' merge is a step or two.
  const tables = layout === 'columns' ? ['page_search'] : ['page_titles', 'page_words'];
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  let steps = 0;
  for (const table of tables) {
    const merge = db.prepare(`INSERT INTO ${table} (${table}, rank) VALUES ('merge', ${MERGE_STEP_PAGES})`);
    for (let n = 0; n < maxSteps; n++) {
      const before = totalChanges.get() as number;
      merge.run();
      steps += 1;
      // FTS5's documented test: a step that merged anything changes two rows or more.
      if ((totalChanges.get() as number) - before < 2) break;
    }
  }
  return steps;
}
