// Differential check of crawlite's HTML extraction against headless Chromium (see README.md here).
// Serves every case of corpus.mjs on 127.0.0.1, loads them all as iframes of one driver page in
// one Chromium (test/helpers/chromium.ts), reads title, links, base, canonical and innerText from
// each frame's DOM, and compares them with extractPage() on the same bytes.
//
//   npx tsc -p tsconfig.json && node bench/differential/chromium-diff.mjs [dist] [--only=name,..] [--text]
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cases as allCases, known } from './corpus.mjs';

const args = process.argv.slice(2);
const dir = resolve(args.find((a) => !a.startsWith('--')) ?? 'dist');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const isTextShown = args.includes('--text'); // print every text difference, not only word-level ones
const load = (p) => import(pathToFileURL(resolve(dir, p)).href);
const { extractPage, MAX_HREF_CHARS } = await load('src/parse/extract.js');
const { decodeHtml } = await load('src/parse/decode-charset.js');
const { parseRefreshUrl } = await load('src/parse/directives.js');
const { normalizeUrl } = await load('src/frontier/normalize-url.js');
const { findChromium, visitPage } = await load('test/helpers/chromium.js');

const cases = only ? allCases.filter(([name]) => only.includes(name)) : allCases;
const bodies = cases.map(([, html]) => Buffer.from(html, 'utf8'));
const CONTENT_TYPE = 'text/html; charset=utf-8';
/** rf-* token -> the URL Chromium's meta refresh asked for. */
const refreshed = new Map();

// The driver's load event waits for every iframe and for /slow, which answers after the refreshes
// (delay 0 or 0.5 s) have navigated their frames.
const driver = `<!DOCTYPE html><title>driver</title><img src="/slow">` +
  cases.map((_, i) => `<iframe src="/case/${i}" width="1000" height="300"></iframe>`).join('');
const server = createServer((req, res) => {
  const path = req.url ?? '/';
  const token = /\/(rf-[\w-]+)/.exec(path)?.[1];
  if (token && !refreshed.has(token)) refreshed.set(token, `http://127.0.0.1:${port}${path}`);
  const m = /^\/case\/(\d+)$/.exec(path);
  if (path === '/driver') res.writeHead(200, { 'content-type': CONTENT_TYPE }).end(driver);
  else if (m && bodies[Number(m[1])]) res.writeHead(200, { 'content-type': CONTENT_TYPE }).end(bodies[Number(m[1])]);
  else if (path === '/slow') setTimeout(() => res.writeHead(404).end(), 2500);
  else res.writeHead(404, { 'content-type': 'text/plain' }).end('');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;
const stopTimer = setTimeout(() => server.close(), 180_000).unref(); // stops by itself

// Evaluated in the driver: one record per frame, in case order.
const READ_FRAMES = `JSON.stringify([...document.querySelectorAll('iframe')].map((f) => {
  const d = f.contentDocument;
  const links = [...d.querySelectorAll('a, area, frame, iframe')].flatMap((el) => {
    const ns = el.namespaceURI, tag = el.localName;
    if (ns === 'http://www.w3.org/2000/svg') {
      const v = el.getAttribute('href') ?? el.getAttributeNS('http://www.w3.org/1999/xlink', 'href');
      if (v === null) return [];
      try { return [{ raw: v, url: new URL(v, d.baseURI).href }]; } catch { return []; }
    }
    if (ns !== 'http://www.w3.org/1999/xhtml') return [];
    const attr = tag === 'frame' || tag === 'iframe' ? 'src' : 'href';
    if (!el.hasAttribute(attr)) return [];
    return [{ raw: el.getAttribute(attr), url: el[attr] }];
  });
  const canon = [...d.querySelectorAll('link[rel]')].find((l) => [...l.relList].some((t) => t.toLowerCase() === 'canonical') && l.getAttribute('href'));
  return { title: d.title, links, base: d.baseURI, canonical: canon ? canon.href : null, text: d.body ? d.body.innerText : '' };
}))`;

const bin = findChromium();
if (!bin) throw new Error('no chromium: apt-get install -y --no-install-recommends chromium');
let visit;
try {
  visit = await visitPage(bin, `http://127.0.0.1:${port}/driver`, READ_FRAMES, { timeoutMs: 120_000 });
} finally {
  clearTimeout(stopTimer);
  server.close();
  server.closeAllConnections();
}
const frames = JSON.parse(visit.value);

const lines = (t) => t.replace(/\u00a0/g, ' ').split(/\n/).map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
const flat = (t) => t.replace(/\s+/g, ' ').trim();
const show = (v) => JSON.stringify(v)?.slice(0, 300);

let differing = 0;
let knownCount = 0;
const counts = { title: 0, links: 0, canonical: 0, refresh: 0, words: 0, lines: 0 };
cases.forEach(([name], i) => {
  const url = `http://127.0.0.1:${port}/case/${i}`;
  const { html, encoding } = decodeHtml(new Uint8Array(bodies[i]), CONTENT_TYPE);
  const page = extractPage(html, url, 10_000, 'crawlite', encoding);
  const chrome = frames[i];
  const diffs = [];
  const differ = (field, c, ours) => {
    if (JSON.stringify(c) === JSON.stringify(ours)) return;
    counts[field]++;
    diffs.push(`  ${field}\n    chromium: ${show(c)}\n    crawlite: ${show(ours)}`);
  };
  if (name.startsWith('refresh-')) {
    const found = [...refreshed.entries()].find(([t]) => html.includes(t));
    differ('refresh', found ? normalizeUrl(found[1]) : null, parseRefreshUrl(page.metaRefresh, page.metaRefreshBase ?? url, encoding));
  } else {
    // The same normalization and filters crawlite applies to its own links.
    const self = normalizeUrl(url);
    const seen = new Set();
    const links = [];
    for (const { raw, url: href } of chrome.links) {
      if (raw.length > MAX_HREF_CHARS) continue;
      const n = normalizeUrl(href);
      if (n === null || seen.has(n)) continue;
      if (n === self && (raw.trim() === '' || raw.trim().startsWith('#'))) continue;
      seen.add(n);
      links.push(n);
    }
    differ('title', chrome.title === '' ? null : chrome.title, page.title === null ? null : page.title);
    differ('links', links, page.links.map((l) => l.url));
    differ('canonical', chrome.canonical === null ? null : normalizeUrl(chrome.canonical), page.canonical);
    const [c, ours] = [lines(chrome.text), lines(page.text)];
    if (flat(c) !== flat(ours)) differ('words', c, ours);
    else if (c !== ours && isTextShown) differ('lines', c, ours);
    else if (c !== ours) counts.lines++;
  }
  if (diffs.length > 0) {
    differing++;
    if (known[name]) knownCount++;
    console.log(`${name}${known[name] ? ` (known: ${known[name]})` : ''}\n${diffs.join('\n')}`);
  }
});
console.log(`\n${cases.length} cases, ${differing} differing (${knownCount} known, ${differing - knownCount} new); by field: ${JSON.stringify(counts)}` +
  (isTextShown ? '' : ' (line-break-only text differences counted, shown with --text)'));
if (visit.errors.length > 0) console.log(`chromium errors: ${visit.errors.length} (scripts in cases, 404s)`);
process.exitCode = differing > knownCount ? 1 : 0;
