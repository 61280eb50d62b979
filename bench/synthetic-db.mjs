// Builds a big crawl database for measuring the read side (stats, report, export, search, resume)
// without crawling a site for hours: N pages go through the real parser (parsePage: text, spans,
// brotli frame, search words) and the real writer (store/writer.ts, with the search index hook),
// so every table, index and FTS segment is what a crawl of that size leaves.
//
// The pages are small (~1.5 KB of HTML, ~120 words from a 4,000-word vocabulary, so search has
// common and rare words) and varied where the read side groups: 200 hosts, statuses 200 / 404 /
// 500 / 301-stored / 206, HTML and a few non-HTML types (with and without parameters, upper case),
// depths 0 to ~20, fetch failures with several codes, skipped URLs, fetched_at over ~6 hours.
// Every page links 2 new URLs, so ~N URLs are still queued at the end: the frontier a resume reads.
// The run is left unended unless --ended: a killed crawl, as `crawlite stats` shows it (crashed).
//
// Hosts are http://hK.localhost:PORT (`*.localhost` resolves to 127.0.0.1), so a resume can
// fetch from one local server.
//
//   npm run build && node bench/synthetic-db.mjs --pages=1000000 --db=/tmp/big.db [--port=18181] [--ended] [dist]
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const dir = resolve(args.find((a) => !a.startsWith('--')) ?? 'dist');
const pages = Number(opt('pages', 100_000));
const dbPath = resolve(opt('db', 'data/synthetic.db'));
const port = Number(opt('port', 18181));
const isEnded = args.includes('--ended');
const load = (p) => import(pathToFileURL(resolve(dir, p)).href);
const { openForWrite } = await load('src/store/db.js');
const { Writer } = await load('src/store/writer.js');
const { createSearchIndexHooks } = await load('src/search/search-index.js');
const { parsePage } = await load('src/parse/parse-page.js');
const { configFromFlags } = await load('src/config/load.js');

/** Deterministic: the same N gives the same database (but for record ids and run times). */
let seed = 0x2545f491;
const rand = () => {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 0x1_0000_0000;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'ber', 'dan', 'fel', 'gor', 'hul', 'jin', 'kor', 'lum', 'mar', 'nor', 'pel', 'quo'];
const VOCAB = Array.from({ length: 4000 }, (_, i) => SYLLABLES[i % 20] + SYLLABLES[Math.floor(i / 20) % 20] + (i >= 400 ? SYLLABLES[Math.floor(i / 400) % 20] : ''));
/** Zipf-like: low indexes are common words, high ones rare. */
const word = () => VOCAB[Math.floor(VOCAB.length * rand() ** 3)];
const HOSTS = Array.from({ length: 200 }, (_, k) => `http://h${k}.localhost:${port}`);

function html(i, url) {
  const words = Array.from({ length: 120 }, word);
  const title = `Page ${i} on ${words[0]} and ${words[1]}`;
  const paras = [];
  for (let k = 0; k < words.length; k += 20) paras.push(`<p>${words.slice(k, k + 20).join(' ')}.</p>`);
  const host = new URL(url).origin;
  const links = [`${host}/`, `${host}/about`, `${host}/p/${i}-a`, `${host}/p/${i}-b`];
  if (i % 10 === 0) links.push(`${pick(HOSTS)}/from/${i}`);
  if (i % 10 === 5) links.push(`http://elsewhere.test/out/${i}`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><meta name="description" content="Synthetic page ${i}"></head><body><h1>${title}</h1>${paras.join('')}<nav>${links.map((l, k) => `<a href="${l}">link ${k} ${words[k + 2]}</a>`).join(' ')}</nav></body></html>`;
}

const STATUSES = [[0.9, 200], [0.94, 404], [0.96, 500], [0.98, 206], [1, 203]];
const OTHER_TYPES = ['application/pdf', 'image/png', 'Application/JSON; charset=utf-8', 'text/plain'];
const FAILURES = [['CRAWL_FETCH_TIMEOUT', 'no response within 30s'], ['CRAWL_FETCH_RESET', 'connection reset by peer'], ['CRAWL_FETCH_DNS', 'getaddrinfo ENOTFOUND'], ['CRAWL_FETCH_TOO_LARGE', 'body over 10 MiB']];

rmSync(dbPath, { force: true });
rmSync(`${dbPath}-wal`, { force: true });
rmSync(`${dbPath}-shm`, { force: true });
const db = openForWrite(dbPath);
const writer = new Writer(db, { batchSize: 64, flushIntervalMs: 60_000 });
writer.addPageHooks(createSearchIndexHooks(db));
const config = configFromFlags({ urls: HOSTS.map((h) => `${h}/`), db: dbPath, maxDepth: 20 });
writer.startRun({ ...config, parse: { ...config.parse, workerUrl: undefined } });
writer.addSeeds(HOSTS.map((h) => ({ url: `${h}/`, host: h, depth: 0, skipCode: null })));

const t0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const encoder = new TextEncoder();
let stored = 0;
let failed = 0;
let window = [];
const started = performance.now();
while (stored < pages) {
  if (window.length === 0) window = writer.claim(256, []);
  const entry = window.shift();
  if (entry === undefined) throw new Error('the frontier ran dry');
  const n = stored + failed;
  if (rand() < 0.02) {
    const [code, message] = pick(FAILURES);
    writer.recordFailure(entry, code, `${message} (${entry.url})`);
    failed++;
    continue;
  }
  const r = rand();
  const status = STATUSES.find(([p]) => r < p)[1];
  const isHtml = rand() < 0.95;
  const contentType = isHtml ? (rand() < 0.5 ? 'text/html; charset=utf-8' : 'text/html') : pick(OTHER_TYPES);
  const body = isHtml ? encoder.encode(html(stored, entry.url)) : encoder.encode(`%PDF-1.4 synthetic ${stored} ${word()} ${word()}`);
  const parsed = parsePage({ url: entry.url, contentType, body, isHtml, maxLinks: 1000 });
  if (!parsed.ok) throw new Error(`parse failed: ${parsed.message}`);
  const depth = entry.depth + 1;
  const links = parsed.links.map((l) => {
    const host = new URL(l.url).origin;
    const isInScope = host.endsWith(`.localhost:${port}`);
    const skipCode = !isInScope ? 'CRAWL_SCOPE_OUT' : depth > 20 ? 'CRAWL_DEPTH_LIMIT' : null;
    return { url: l.url, host, depth, skipCode, text: l.text, isNofollow: l.isNofollow, isInScope };
  });
  writer.storePage(
    {
      entry,
      fetch: {
        status, headers: { 'content-type': contentType, 'content-length': String(body.byteLength), server: 'synthetic' },
        isTruncated: false, wireBytes: Math.round(body.byteLength * 0.4), finalUrl: entry.url, redirects: [], contentType,
        fetchedAt: t0 + n * 20, elapsedMs: 5 + Math.floor(rand() * 200) + (entry.host.length % 7) * 30,
      },
      parsed: { ...parsed, links: parsed.links },
      error: null,
      directives: { robots: null, refreshUrl: null },
    },
    status >= 200 && status < 300 ? links : [],
  );
  stored++;
  if (stored % 100_000 === 0) console.log(`${stored} pages, ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
writer.flush();
if (isEnded) writer.endRun('done');
writer.close();
// The run started when its first page was fetched, as a crawl's does, not when this script ran.
db.prepare('UPDATE runs SET started_at = ?').run(t0 - 1000);
// A crawl's first start takes noindex pages out of the search index once and marks the file so
// (search/search-index.ts); without the mark, the first resume of this file would do that work.
db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('noindex_unindexed', '1')").run();
db.close();
console.log(`${dbPath}: ${stored} pages, ${failed} failures in ${((performance.now() - started) / 1000).toFixed(0)} s`);
