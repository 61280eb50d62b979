// Search on 100,000 pages, and the index's size against the raw HTML.
//
// Takes a database made by `crawlite bench` (default data/bench.db), copies it, and grows its
// pages and search index to `--pages` (default 100,000) by re-indexing the stored pages' text
// under new ids, each copy with a word changed so no two documents are identical. Then it times
// searchPages() (open, rank, decompress the hits, cut snippets) for a few queries.
//
//   npm run build && node dist/src/cli/main.js bench --pages 2000 && node bench/search.mjs [data/bench.db] [--pages=100000]
import { copyFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const args = process.argv.slice(2);
const source = resolve(args.find((a) => !a.startsWith('--')) ?? 'data/bench.db');
const target = Number(args.find((a) => a.startsWith('--pages='))?.slice(8) ?? 100_000);
const load = (p) => import(pathToFileURL(resolve('dist', p)).href);
const { unpackContent } = await load('src/content-frame.js');
const { searchPages } = await load('src/search/search.js');
const { searchWords } = await load('src/parse/search-words.js');
const { searchLayout } = await load('src/store/db.js');

const src = new Database(source, { readonly: true });
const raw = src.prepare('SELECT sum(raw_bytes) AS n FROM pages').get().n;
const indexBytes = src.prepare("SELECT sum(pgsize) AS n FROM dbstat WHERE name LIKE 'page_search%' OR name LIKE 'page_words%' OR name LIKE 'page_titles%'").get().n;
const dbBytes = src.prepare('SELECT sum(pgsize) AS n FROM dbstat').get().n;
console.log(`${source}: raw HTML ${(raw / 1e6).toFixed(1)} MB, search index ${(indexBytes / 1e6).toFixed(2)} MB = ${((indexBytes / raw) * 100).toFixed(2)} %, whole database ${((dbBytes / raw) * 100).toFixed(1)} %`);
src.close();

const path = `${source}.search-bench.db`;
for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
copyFileSync(source, path);
const db = new Database(path);
db.pragma('foreign_keys = OFF');
const columns = db.prepare('SELECT name FROM pragma_table_info(\'pages\')').all().map((c) => c.name);
const pages = db.prepare('SELECT p.id, p.title, c.codec, c.html_bytes, c.data FROM pages p JOIN contents c ON c.hash = p.content_hash').all()
  .map((r) => ({ id: r.id, title: r.title ?? '', text: unpackContent(r.data, r.codec, r.html_bytes).text }));
const maxId = db.prepare('SELECT max(id) AS n FROM pages').get().n;
const stride = 10 ** Math.ceil(Math.log10(maxId + 1));
const copies = Math.ceil(target / pages.length);
const copyPages = db.prepare(`INSERT INTO pages (${columns.join(', ')}) SELECT ${columns
  .map((c) => (c === 'id' ? 'id + @off' : c === 'url_id' ? 'url_id + @off' : c === 'url' || c === 'final_url' ? `${c} || '?copy=' || @k` : c))
  .join(', ')} FROM pages WHERE id <= @maxId`);
// Indexed as the crawl's writer hook does (search/search-index.ts), in either layout.
const isColumns = searchLayout(db) === 'columns';
const insertColumns = isColumns ? db.prepare('INSERT INTO page_search (rowid, title, text) VALUES (?, ?, ?)') : null;
const insertWords = isColumns ? null : db.prepare('INSERT INTO page_words (rowid, words) VALUES (?, ?)');
const insertTitle = isColumns ? null : db.prepare('INSERT INTO page_titles (rowid, title) VALUES (?, ?)');
const index = {
  run(id, title, text) {
    const words = searchWords(text, 200_000);
    if (isColumns) return insertColumns.run(id, title, words);
    insertWords.run(id, title ? `${title} ${words}` : words);
    if (title) insertTitle.run(id, title);
  },
};
const words = pages.flatMap((p) => p.text.split(/\s+/).slice(0, 50));
const started = performance.now();
for (let k = 1; k < copies; k++) {
  db.transaction(() => {
    copyPages.run({ off: k * stride, k, maxId });
    for (const p of pages) index.run(p.id + k * stride, p.title, `${words[(p.id * 7919 + k * 104729) % words.length]} ${p.text}`);
  })();
}
const indexMs = performance.now() - started;
for (const table of isColumns ? ['page_search'] : ['page_words', 'page_titles']) db.exec(`INSERT INTO ${table} (${table}) VALUES ('optimize')`);
const total = db.prepare('SELECT count(*) AS n FROM pages').get().n;
console.log(`grew to ${total} pages; indexing took ${(indexMs / ((copies - 1) * pages.length)).toFixed(2)} ms per page`);
db.close();

for (const query of ['the', 'research policy', 'gallery hospital', 'gall*', 'kowalski OR nakamura -gallery', 'zzzz']) {
  searchPages({ dbPath: path, query, limit: 10 });
  const runs = 5;
  const t0 = performance.now();
  let hits = [];
  for (let i = 0; i < runs; i++) hits = searchPages({ dbPath: path, query, limit: 10 });
  console.log(`${JSON.stringify(query).padEnd(34)} ${((performance.now() - t0) / runs).toFixed(1).padStart(6)} ms  ${hits.length} hits  ${hits[0]?.title ?? ''}`);
}
for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
