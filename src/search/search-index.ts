/**
 * Keeps the full-text index (the page_search FTS5 table, see store/db.ts) in step with pages:
 * a writer hook that indexes each stored page's title and visible text inside the page's own
 * transaction, so the index never holds a page the database does not, nor misses one.
 *
 * The table is contentless (content=''): FTS5 keeps only the inverted index, not a second copy of
 * the text, which already lives compressed in contents. Snippets are cut from that copy
 * (search/snippet.ts). detail=column drops token positions, which is most of an FTS index's
 * size; the price is that phrases are matched as all their words (search/query.ts).
 */
import type { Db } from '../store/db.js';
import type { PageHooks } from '../store/writer.js';

export function createSearchIndexHooks(db: Db): PageHooks {
  const insert = db.prepare('INSERT INTO page_search (rowid, title, text) VALUES (?, ?, ?)');
  return {
    afterInsert(pageId, record) {
      const parsed = record.parsed;
      // Non-HTML bodies and failed parses have no text worth searching.
      if (parsed === null || (parsed.searchWords === undefined && parsed.title === null)) return;
      // The text's distinct words, not the text: the same index for a tenth of the work.
      insert.run(pageId, parsed.title ?? '', parsed.searchWords ?? '');
    },
  };
}

/** Removes a page from the index (a recrawl replacing its row). contentless_delete=1 allows DELETE. */
export function prepareSearchRemoval(db: Db): (pageId: number) => void {
  const remove = db.prepare('DELETE FROM page_search WHERE rowid = ?');
  return (pageId) => {
    remove.run(pageId);
  };
}
