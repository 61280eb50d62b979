/**
 * `crawlite search`: the pages whose title or text match a query, best first (FTS5's bm25, a
 * title match weighing more than a body match), each with a snippet cut from its stored text.
 * Read-only connection, so it runs while a crawl writes. The ranking runs in the index; only the
 * `limit` best pages are decompressed for their snippets, so the cost is nearly independent of
 * how many pages the database holds.
 */
import { unpackContent } from '../content-frame.js';
import { StoreError, UsageError } from '../errors.js';
import { openReadOnly, type Db } from '../store/db.js';
import { parseSearchQuery } from './query.js';
import { makeSnippet, type Snippet } from './snippet.js';

export interface SearchOptions {
  dbPath: string;
  query: string;
  /** Most results. @default 10 */
  limit?: number;
}

export interface SearchHit {
  rank: number;
  url: string;
  title: string | null;
  /** bm25 score; lower is better (FTS5's convention). */
  score: number;
  snippet: Snippet;
}

/** bm25 weights of the indexed columns: title, text. */
const TITLE_WEIGHT = 5;
const TEXT_WEIGHT = 1;
export const MAX_SEARCH_LIMIT = 1000;

interface Row {
  url: string;
  title: string | null;
  score: number;
  codec: string | null;
  html_bytes: number | null;
  data: Uint8Array | null;
}

function prepareSearch(db: Db) {
  try {
    return db.prepare<[string, number], Row>(
      `SELECT p.final_url AS url, p.title, s.score, c.codec, c.html_bytes, c.data
         FROM (SELECT rowid, bm25(page_search, ${TITLE_WEIGHT}, ${TEXT_WEIGHT}) AS score
                 FROM page_search WHERE page_search MATCH ? ORDER BY score LIMIT ?) s
         JOIN pages p ON p.id = s.rowid
         LEFT JOIN contents c ON c.hash = p.content_hash
        ORDER BY s.score, p.id`,
    );
  } catch (err) {
    throw new StoreError('CRAWL_STORE_OPEN', `${db.name} has no search index (crawled by an older crawlite?): ${(err as Error).message}`, { cause: err });
  }
}

export function searchPages(opts: SearchOptions): SearchHit[] {
  const limit = opts.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    throw new UsageError('CRAWL_USAGE', `invalid --limit '${String(opts.limit)}': expected a whole number from 1 to ${MAX_SEARCH_LIMIT}`);
  }
  const query = parseSearchQuery(opts.query);
  const db = openReadOnly(opts.dbPath);
  try {
    const rows = prepareSearch(db).all(query.match, limit);
    return rows.map((row, i) => {
      let text = '';
      if (row.data !== null && row.codec !== null) text = unpackContent(row.data, row.codec, Number(row.html_bytes)).text;
      return { rank: i + 1, url: row.url, title: row.title, score: row.score, snippet: makeSnippet(text, query.terms) };
    });
  } finally {
    db.close();
  }
}

/** Results as text: rank and title, the URL, the snippet (matches in bold when `isColor`). */
export function formatHits(hits: SearchHit[], isColor: boolean): string {
  if (hits.length === 0) return 'no matches\n';
  const lines: string[] = [];
  for (const hit of hits) {
    lines.push(`${hit.rank}. ${hit.title?.trim() || '(no title)'}`, `   ${hit.url}`);
    if (hit.snippet.text !== '') lines.push(`   ${isColor ? highlight(hit.snippet) : hit.snippet.text}`);
  }
  return `${lines.join('\n')}\n`;
}

function highlight(snippet: Snippet): string {
  let out = '';
  let at = 0;
  for (const [start, end] of snippet.matches) {
    out += `${snippet.text.slice(at, start)}\x1b[1m${snippet.text.slice(start, end)}\x1b[22m`;
    at = end;
  }
  return out + snippet.text.slice(at);
}
