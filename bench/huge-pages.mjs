#!/usr/bin/env node
/**
 * Peak RSS of a crawl of huge pages (docs/performance.md, "Memory"): a local site of ~9.5 MB pages, just
 * under the 10 MB --max-bytes cap, crawled under /usr/bin/time -v, its "Maximum resident set
 * size" printed. The server runs in this process, the crawl in a child, so only the crawl is
 * measured.
 *
 *   node bench/huge-pages.mjs [--kind ascii|cyrillic|binary] [--hosts 1|2] [--pages 60]
 *                             [--bytes 9500000] [--runs 1] [--crawlite dist/src/cli/main.js] [-- crawl flags]
 *
 * ascii and cyrillic: HTML pages, each linking to the next eight. binary: an HTML index linking
 * to incompressible application/octet-stream bodies, crawled with --store-non-html (the writer
 * holds what brotli cannot shrink). Two hosts are two ports on 127.0.0.1, each seeded.
 * MB here are 10^6 bytes. HUGE_PAGES_VERBOSE=1 also shows the crawl's stderr (its summary).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const extra = dash === -1 ? [] : args.slice(dash + 1);
const own = dash === -1 ? args : args.slice(0, dash);
const opt = (name, fallback) => {
  const i = own.indexOf(`--${name}`);
  return i === -1 ? fallback : own[i + 1];
};
const kind = opt('kind', 'ascii');
const hosts = Number(opt('hosts', '1'));
const pages = Number(opt('pages', '60'));
const bytes = Number(opt('bytes', '9500000'));
const runs = Number(opt('runs', '1'));
const here = fileURLToPath(new URL('.', import.meta.url));
const cli = resolve(opt('crawlite', join(here, '..', 'dist', 'src', 'cli', 'main.js')));
if (!['ascii', 'cyrillic', 'binary'].includes(kind)) throw new Error(`--kind ascii|cyrillic|binary, got ${kind}`);

/** One filler shared by every page (the pages differ in their links): megabytes of paragraphs. */
function filler() {
  const words = kind === 'cyrillic'
    ? ['память', 'страница', 'сервер', 'поток', 'очередь', 'ответ', 'запрос', 'граница', 'тело', 'байт']
    : ['memory', 'page', 'server', 'thread', 'queue', 'answer', 'request', 'bound', 'body', 'byte'];
  const parts = [];
  let size = 0;
  for (let p = 0; size < bytes; p++) {
    let para = '<p>';
    for (let w = 0; w < 120; w++) para += words[(p * 7 + w * 3 + (w >> 2)) % words.length] + ' ';
    para += '</p>\n';
    parts.push(para);
    size += Buffer.byteLength(para);
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

const body = kind === 'binary' ? null : filler();

function page(index) {
  const links = [];
  for (let k = 1; k <= 8; k++) links.push(`<a href="/p/${index + k}">next ${k}</a>`);
  const head = Buffer.from(`<!doctype html><html><head><meta charset="utf-8"><title>page ${index}</title></head><body>${links.join(' ')}\n`);
  return [head, body, Buffer.from('\n</body></html>\n')];
}

function index() {
  const links = [];
  for (let i = 1; i <= pages; i++) links.push(`<a href="/b/${i}">blob ${i}</a>`);
  return `<!doctype html><html><head><title>blobs</title></head><body>${links.join('\n')}</body></html>`;
}

function serve(req, res) {
  const path = req.url ?? '/';
  if (path === '/robots.txt') {
    res.writeHead(404).end();
    return;
  }
  if (kind === 'binary') {
    if (path === '/p/0') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(index());
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes }).end(randomBytes(bytes));
    return;
  }
  const n = Number(/^\/p\/(\d+)$/.exec(path)?.[1] ?? NaN);
  if (!Number.isInteger(n)) {
    res.writeHead(404).end();
    return;
  }
  const parts = page(n);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': parts.reduce((s, b) => s + b.length, 0) });
  for (const part of parts) res.write(part);
  res.end();
}

const servers = await Promise.all(Array.from({ length: hosts }, () => new Promise((ok) => {
  const server = createServer(serve);
  server.listen(0, '127.0.0.1', () => ok(server));
})));
const seeds = servers.map((s) => `http://127.0.0.1:${s.address().port}/p/0`);

for (let run = 0; run < runs; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'huge-pages-'));
  const crawlArgs = [cli, 'crawl', ...seeds, '--db', join(dir, 'huge.db'), '--max-pages', String(pages * hosts + (kind === 'binary' ? hosts : 0)),
    '--no-progress', '--progress-interval', '1h', ...(kind === 'binary' ? ['--store-non-html'] : []), ...extra];
  const started = Date.now();
  // Async, so that this process keeps serving while the crawl runs.
  const child = await new Promise((ok) => {
    const p = spawn('/usr/bin/time', ['-v', process.execPath, ...crawlArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => ok({ code, out, err }));
  });
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.err)?.[1];
  const stored = /(\d[\d,]*) pages? stored/.exec(child.out + child.err)?.[1];
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (child.code !== 0 || rss === undefined) process.stderr.write(child.out + child.err);
  else if (process.env.HUGE_PAGES_VERBOSE) process.stderr.write(child.err.split('\n').filter((l) => !l.startsWith('\t')).join('\n'));
  console.log(`${kind} x${hosts}: peak RSS ${rss === undefined ? '?' : Math.round(Number(rss) * 1.024 / 1000)} MB (${rss} KiB), ${stored ?? '?'} pages stored, ${seconds} s, exit ${child.code}`);
  rmSync(dir, { recursive: true, force: true });
}
for (const s of servers) s.close();
