// Times the writer's main-thread CPU per stored page (store/writer.ts on a real file database),
// with pages shaped like `crawlite bench`'s site: a ~20 KB incompressible content blob, ~6
// response headers, 35 links of which 30 (navigation, footer) repeat on every page and 5 are
// new URLs. Claims go through writer.claim() as the crawl's frontier does, so claim and commit
// costs are counted too. The search index hook is left out unless --search (then each page
// brings the title and distinct search words, ~800, that parsePage gives for one of 64 generated
// bench articles): FTS5 interacts with the other statements of a batch (a statement journal makes
// it flush, see store/writer.ts #linkTargetId), so check with it after changes.
//
//   npm run build && nice -n 5 node bench/writer.mjs [compiled-dir=dist] [--pages=5000] [--runs=3] [--batch=16] [--blob=20000] [--search] [--pragma=name=value ...] [--exec=SQL ...]
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const flag = (name, fallback) => Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const dir = resolve(args.find((a) => !a.startsWith('--')) ?? 'dist');
const pages = flag('pages', 5000);
const runs = flag('runs', 3);
const batchSize = flag('batch', 16);
const load = (p) => import(pathToFileURL(resolve(dir, p)).href);
const { openForWrite } = await load('src/store/db.js');
const { Writer } = await load('src/store/writer.js');
const { createSearchIndexHooks } = await load('src/search/search-index.js');
const hasSearch = args.includes('--search');
// Until 2026-12-06 this passed `text`, which the hook no longer reads (it takes `searchWords`), so
// --search indexed titles only.
const articles = [];
if (hasSearch) {
  const { renderPage } = await load('src/bench/site.js');
  const { parsePage } = await load('src/parse/parse-page.js');
  for (let i = 0; i < 64; i++) {
    const out = parsePage({ url: `http://127.0.0.1/articles/${i}.html`, body: renderPage(i * 11, { pages: 5000 }), contentType: 'text/html', isHtml: true, maxLinks: 1000 });
    articles.push({ title: out.title, searchWords: out.searchWords });
  }
}

const ORIGIN = 'http://127.0.0.1:8080';
const HOST = 'http://127.0.0.1:8080';
const NAV = [
  ...Array.from({ length: 12 }, (_, i) => `/articles/${i + 1}.html`),
  ...Array.from({ length: 12 }, (_, i) => `/section/${i}`),
  ...['about', 'privacy', 'terms', 'careers', 'press', 'contact'].map((p) => `/${p}`),
];
const BLOB_BYTES = flag('blob', 20_000);

function page(entry, index) {
  const content = new Uint8Array(randomBytes(BLOB_BYTES + (index % 7) * 100));
  const depth = entry.depth + 1;
  const links = [
    ...NAV.map((path) => ({ url: ORIGIN + path, text: `Nav ${path}`, isNofollow: false })),
    ...Array.from({ length: 5 }, (_, k) => ({ url: `${ORIGIN}/articles/n${index * 5 + k}.html`, text: `Related article ${index * 5 + k} about things`, isNofollow: false })),
  ].map((l) => ({ ...l, host: HOST, depth, skipCode: null, isInScope: true }));
  const record = {
    entry,
    fetch: {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8', 'content-length': '51234', date: new Date().toUTCString(),
        connection: 'keep-alive', 'keep-alive': 'timeout=5', 'cache-control': 'max-age=60',
      },
      isTruncated: false, wireBytes: 51_234, finalUrl: entry.url, redirects: [], contentType: 'text/html; charset=utf-8',
      fetchedAt: Date.now(), elapsedMs: 4,
    },
    parsed: {
      ok: true, title: hasSearch ? articles[index % 64].title : `Article ${index} on harbour engines and winter markets`,
      description: 'A generated article for the benchmark.',
      canonical: null, language: 'en', encoding: 'utf-8', links: links.map(({ url, text, isNofollow }) => ({ url, text, isNofollow })),
      linksFound: links.length, textBytes: 30_000, htmlBytes: 50_000, content, codec: 'zstd',
      contentHash: createHash('sha256').update(content).digest('base64url'),
      ...(hasSearch ? { searchWords: articles[index % 64].searchWords } : {}),
    },
    error: null,
    directives: { robots: null, refreshUrl: null },
  };
  return { record, links };
}

function runOnce() {
  const tmp = mkdtempSync(join(tmpdir(), 'crawlite-writer-bench-'));
  const db = openForWrite(join(tmp, 'bench.db'));
  // --pragma=name=value (repeatable) tries a setting without editing store/db.ts.
  for (const a of args.filter((x) => x.startsWith('--pragma='))) db.pragma(a.slice(9));
  // --exec=SQL (repeatable): the same for settings that are statements, e.g. FTS5's
  // --exec="INSERT INTO page_words (page_words, rank) VALUES ('automerge', 8)".
  for (const a of args.filter((x) => x.startsWith('--exec='))) db.exec(a.slice(7));
  const writer = new Writer(db, { batchSize, flushIntervalMs: 60_000 });
  if (hasSearch) writer.addPageHooks(createSearchIndexHooks(db));
  writer.startRun({ bench: true });
  writer.addUrls([{ url: `${ORIGIN}/`, host: HOST, depth: 0, skipCode: null }]);
  // Records are built before timing, except that their entries come from claim() as in a crawl.
  let window = [];
  let stored = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let buildUs = 0;
  // Each commit's wall time and CPU time: the long ones (a WAL checkpoint, an FTS5 merge inside a
  // commit) are what stalls the crawl's main thread, and a mean per page hides them. The CPU time
  // (of the call that committed) holds under a shared host's load, where wall time does not.
  const commits = [];
  const commitsCpu = [];
  let seen = 0;
  let callCpu = process.cpuUsage();
  const noteCommit = () => {
    if (writer.counts.transactions !== seen) {
      const d = process.cpuUsage(callCpu);
      commits.push(writer.lastCommitMs);
      commitsCpu.push((d.user + d.system) / 1000);
    }
    seen = writer.counts.transactions;
  };
  while (stored < pages) {
    if (window.length === 0) {
      callCpu = process.cpuUsage();
      window = writer.claim(64, []);
      noteCommit();
    }
    const entry = window.shift();
    const b0 = process.cpuUsage();
    const { record, links } = page(entry, stored);
    const b = process.cpuUsage(b0);
    buildUs += b.user + b.system;
    callCpu = process.cpuUsage();
    writer.storePage(record, links);
    noteCommit();
    stored++;
  }
  callCpu = process.cpuUsage();
  writer.flush();
  noteCommit();
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const totalUs = cpu.user + cpu.system - buildUs;
  const result = {
    cpuMsPerPage: totalUs / 1000 / pages,
    sysMsPerPage: cpu.system / 1000 / pages,
    commitMsPerPage: writer.totalCommitMs / pages,
    wallMs,
    pagesStored: writer.counts.pagesStored,
    commits: commits.sort((a, b) => a - b),
    commitsCpu: commitsCpu.sort((a, b) => a - b),
  };
  writer.close();
  db.close();
  rmSync(tmp, { recursive: true, force: true });
  return result;
}

const results = [];
for (let r = 0; r < runs; r++) {
  const res = runOnce();
  results.push(res);
  const c = res.commits;
  const long = c.filter((ms) => ms >= 20);
  console.log(`run ${r + 1}: ${res.cpuMsPerPage.toFixed(3)} ms CPU/page (sys ${res.sysMsPerPage.toFixed(3)}), commit wall ${res.commitMsPerPage.toFixed(3)} ms/page, ${res.pagesStored} pages, ${(res.wallMs / 1000).toFixed(1)} s`);
  const cc = res.commitsCpu;
  const longCpu = cc.filter((ms) => ms >= 20);
  console.log(`  ${c.length} commits, wall: p50 ${c[c.length >> 1].toFixed(1)}, p99 ${c[Math.floor(c.length * 0.99)].toFixed(1)}, max ${c[c.length - 1].toFixed(1)} ms; ${long.length} of 20 ms or more, ${long.reduce((a, b) => a + b, 0).toFixed(0)} ms in all`);
  console.log(`  CPU: p50 ${cc[cc.length >> 1].toFixed(1)}, p99 ${cc[Math.floor(cc.length * 0.99)].toFixed(1)}, max ${cc[cc.length - 1].toFixed(1)} ms; ${longCpu.length} of 20 ms or more, ${longCpu.reduce((a, b) => a + b, 0).toFixed(0)} ms in all`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`median: ${median(results.map((r) => r.cpuMsPerPage)).toFixed(3)} ms CPU/page over ${runs} runs of ${pages} pages (batch ${batchSize})`);
