/**
 * `crawlite search`: the pages whose title or text match a query, best first (rare words and
 * title matches weigh more), each with a snippet cut from its stored text.
 * Read-only connection, so it runs while a crawl writes. The ranking runs in the index; only the
 * `limit` best pages are decompressed for their snippets, so the cost is nearly independent of
 * how many pages the database holds.
 */
import { unpackContent } from '../content-frame.js';
import { StoreError, UsageError } from '../errors.js';
import { wholeNumberFlag } from '../config/numeric-flag.js';
import { readSnapshot, searchLayout, type Db } from '../store/db.js';
import { identifyDb, READ_A_CRAWL } from '../store/db-identity.js';
import { parseSearchQuery, type SearchQuery } from './query.js';
import { makeSnippet, type Snippet } from './snippet.js';

export interface SearchOptions {
  dbPath: string;
  query: string;
  /** Most results; the text typed on the command line is checked here too. @default 10 */
  limit?: number | string;
}

export interface SearchHit {
  rank: number;
  url: string;
  title: string | null;
  /** Relevance (see rankedIds); higher is better, and never higher than the hit ranked before; 0 for matches holding only common words. */
  score: number;
  snippet: Snippet;
}

/** A word found in a page's title counts this many times a word found in its text. */
const TITLE_WEIGHT = 3;
/** A word in more titles than this does not single pages out; it is left out of the first tier. */
const MAX_TITLE_TIER = 5_000;
/** A word in more pages than this is too common to rank the matches without a title hit (tier 2). */
const MAX_TEXT_TIER = 20_000;
/** Query words that take part in the score; further words still filter. */
const MAX_SCORED_TERMS = 8;
export const MAX_SEARCH_LIMIT = 1000;

interface Row {
  url: string;
  title: string | null;
  codec: string | null;
  html_bytes: number | null;
  data: Uint8Array | null;
}

/**
 * Where a layout keeps its words (store/db.ts searchLayout): each field is a table and a MATCH
 * expression for it. 'words' has page_words (title and text) and page_titles; 'columns', in
 * files made before 0.2, one page_search table with title and text columns.
 */
interface IndexLayout {
  /** Pages holding a query expression anywhere. */
  any: (expr: string) => [table: string, match: string];
  /** Pages whose title holds any of these quoted terms. */
  title: (keys: string[]) => [table: string, match: string];
  /** Pages whose text holds the quoted term (in 'words', its title or text). */
  text: (key: string) => [table: string, match: string];
  /** Pages whose text holds any of these quoted terms. */
  anyText: (keys: string[]) => [table: string, match: string];
}

const LAYOUTS: Record<'words' | 'columns', IndexLayout> = {
  words: {
    any: (expr) => ['page_words', expr],
    title: (keys) => ['page_titles', keys.join(' OR ')],
    text: (key) => ['page_words', key],
    anyText: (keys) => ['page_words', keys.join(' OR ')],
  },
  columns: {
    any: (expr) => ['page_search', expr],
    title: (keys) => ['page_search', keys.map((k) => `title : ${k}`).join(' OR ')],
    text: (key) => ['page_search', `text : ${key}`],
    anyText: (keys) => ['page_search', keys.map((k) => `text : ${k}`).join(' OR ')],
  },
};

const termKey = (t: SearchQuery['terms'][number]): string => `"${t.word}"${t.isPrefix ? '*' : ''}`;

/**
 * `rowid IN (pages matching)`, as SQL with its parameter. The unary + keeps SQLite from handing
 * the IN list to the outer FTS5 scan as rowid lookups, which re-ran its MATCH once per listed
 * page (a prefix query over 30,000 pages took 760 ms); as a filter the list is built once.
 */
function inMatch([table, match]: [string, string]): { sql: string; param: string } {
  return { sql: `+m.rowid IN (SELECT rowid FROM ${table} WHERE ${table} MATCH ?)`, param: match };
}

/**
 * Ranking. FTS5's bm25() needs per-row term counts, which a contentless index that keeps no
 * counts or positions does not have; keeping them (detail=full) would make the index ~10x
 * larger, about 30 % of the raw HTML. So the score is computed from what the index has: each
 * query word weighs its inverse document frequency (rare words weigh more), once if it is in
 * the page, and by its rarity among titles, TITLE_WEIGHT times over, if it is in the title.
 *
 * Scoring every match of a common word on 100,000 pages takes hundreds of milliseconds, so it is
 * done in tiers, each only while the ones before gave fewer than `limit` pages:
 * 1. the pages whose title holds one of the query's distinctive words (in at most MAX_TITLE_TIER
 *    titles), scored and sorted;
 * 2. the pages whose text holds one of its rare words (in at most MAX_TEXT_TIER pages), scored by
 *    those words and sorted: so `zebra OR quagga OR alpha` puts the page with all three first
 *    even when no title has any of them;
 * 3. the other matches in the order they were stored (the frontier is breadth-first, so nearest
 *    a seed first), which FTS5 answers without reading the rest of the match list.
 */
function rankedIds(db: Db, query: SearchQuery, limit: number): Array<{ id: number; score: number }> {
  const kind = searchLayout(db);
  if (kind === null) throw noIndexError(db);
  const layout = LAYOUTS[kind];
  const count = (where: [string, string]): number =>
    db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM ${where[0]} WHERE ${where[0]} MATCH ?`).get(where[1])?.n ?? 0;
  const total = (db.prepare<[], { n: number }>('SELECT count(*) AS n FROM pages').get()?.n ?? 0) + 1;
  const idf = (n: number): number => Math.log((total - n + 0.5) / (n + 0.5) + 1);
  const scored = new Map<string, { key: string; n: number; inTitles: number }>();
  for (const term of query.terms) {
    const key = termKey(term);
    if (scored.has(key) || scored.size >= MAX_SCORED_TERMS) continue;
    scored.set(key, { key, n: count(layout.any(key)), inTitles: count(layout.title([key])) });
  }
  const distinctive = [...scored.values()].filter((s) => s.inTitles > 0 && s.inTitles <= MAX_TITLE_TIER);
  // A word in most pages adds next to nothing, and its match list is the costly one to read.
  const inText = [...scored.values()].filter((s) => s.n > 0 && s.n <= total / 2);
  const rare = inText.filter((s) => s.n <= MAX_TEXT_TIER);
  const [anyTable, anyMatch] = layout.any(query.match);
  const ranked: Array<{ id: number; score: number }> = [];
  // Each tier leaves out the pages of the tiers before it.
  const exclude = { sql: '', params: [] as string[] };
  /** Pages matching the query and `within`, scored by `terms`, best first, up to what is still wanted. */
  const tier = (within: { sql: string; param: string }, terms: Array<[where: [string, string], weight: number]>, bonus = 0): void => {
    const parts: string[] = [];
    const params: Array<string | number> = [];
    for (const [where, weight] of terms) {
      const m = inMatch(where);
      parts.push(`(CASE WHEN ${m.sql} THEN ? ELSE 0 END)`);
      params.push(m.param, weight);
    }
    params.push(bonus);
    ranked.push(
      ...db
        .prepare<Array<string | number>, { id: number; score: number }>(
          `SELECT m.rowid AS id, ${parts.join(' + ')} + ? AS score FROM ${anyTable} m ` +
            `WHERE ${anyTable} MATCH ? AND ${within.sql}${exclude.sql} ORDER BY score DESC, m.rowid LIMIT ?`,
        )
        .all(...params, anyMatch, within.param, ...exclude.params, limit - ranked.length),
    );
    exclude.sql += ` AND NOT ${within.sql}`;
    exclude.params.push(within.param);
  };
  // The tiers are the order, so the scores must follow it (QA: `--json` gave a text-tier page a
  // higher score than the title-tier pages ranked above it): a title-tier page gets the most a
  // text-tier page can score on top of its own, a constant that keeps the order within the tier.
  const textTierMost = rare.reduce((sum, s) => sum + idf(s.n), 0);
  if (distinctive.length > 0) {
    tier(inMatch(layout.title(distinctive.map((s) => s.key))), [
      ...distinctive.map((s): [[string, string], number] => [layout.title([s.key]), idf(s.inTitles) * TITLE_WEIGHT]),
      ...inText.map((s): [[string, string], number] => [layout.text(s.key), idf(s.n)]),
    ], textTierMost);
  }
  if (ranked.length < limit && rare.length > 0) {
    tier(inMatch(layout.anyText(rare.map((s) => s.key))), rare.map((s) => [layout.text(s.key), idf(s.n)]));
  }
  if (ranked.length < limit) {
    const more = db
      .prepare<Array<string | number>, { id: number }>(`SELECT m.rowid AS id FROM ${anyTable} m WHERE ${anyTable} MATCH ?${exclude.sql} ORDER BY m.rowid LIMIT ?`)
      .all(anyMatch, ...exclude.params, limit - ranked.length);
    for (const { id } of more) ranked.push({ id, score: 0 });
  }
  return ranked;
}

/**
 * A file without an index: an older crawlite's, or no crawlite database at all (an empty file,
 * another application's), which stats and export refuse as such; search called them older
 * crawlite files (QA).
 */
function noIndexError(db: Db, cause?: unknown): StoreError {
  const kind = identifyDb(db);
  if (kind === 'empty' || kind === 'foreign') {
    const why = kind === 'empty' ? 'it has no tables' : "it holds another application's data";
    return new StoreError('CRAWL_STORE_OPEN', `cannot read ${db.name} as a crawlite database: ${why}; ${READ_A_CRAWL}`, { cause });
  }
  return new StoreError('CRAWL_STORE_OPEN', `${db.name} has no search index (made by an older crawlite)`, { cause });
}

function runSearch(db: Db, input: string, query: SearchQuery, limit: number): SearchHit[] {
  let ranked: Array<{ id: number; score: number }>;
  try {
    ranked = rankedIds(db, query, limit);
  } catch (err) {
    if ((err as Error).message.includes('no such table')) throw noIndexError(db, err);
    // parseSearchQuery means to build only valid expressions; should FTS5 still refuse one, the
    // query is at fault, not the database (readSnapshot would report any SQLite error as the latter).
    if ((err as Error).message.startsWith('fts5:')) {
      throw new UsageError('CRAWL_USAGE', `cannot search for '${input}': ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
  const page = db.prepare<[number], Row>(
    `SELECT p.final_url AS url, p.title, c.codec, c.html_bytes, c.data FROM pages p LEFT JOIN contents c ON c.hash = p.content_hash WHERE p.id = ?`,
  );
  const hits: SearchHit[] = [];
  for (const { id, score } of ranked) {
    const row = page.get(id);
    if (row === undefined) continue; // removed between the two reads; cannot happen inside one read transaction
    let text = '';
    if (row.data !== null && row.codec !== null) text = unpackContent(row.data, row.codec, Number(row.html_bytes)).text;
    hits.push({ rank: hits.length + 1, url: row.url, title: row.title, score, snippet: makeSnippet(text, query.terms) });
  }
  return hits;
}

export function searchPages(opts: SearchOptions): SearchHit[] {
  const limit = wholeNumberFlag('--limit', opts.limit, 1, MAX_SEARCH_LIMIT) ?? 10;
  const query = parseSearchQuery(opts.query);
  // One read transaction: the ranking and the pages it names are the same snapshot. readSnapshot
  // also turns a file that is not a crawlite database into CRAWL_STORE_OPEN, as stats does.
  return readSnapshot(opts.dbPath, (db) => runSearch(db, opts.query, query, limit));
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
