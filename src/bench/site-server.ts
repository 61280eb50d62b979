/**
 * Child-process entry that serves the bench site (site.ts) on 127.0.0.1, started by
 * serve-site.ts with child_process.fork:
 *
 *   node dist/src/bench/site-server.js --pages N [--page-bytes B] [--seed S] [--port P]
 *     [--max-lifetime-ms MS] [--prerender-bytes B]
 *
 * It runs in its own process so the server's CPU is not charged to the crawl being measured,
 * and so a crawler that is not crawlite (the comparison benchmark) can crawl the same bytes.
 * Without an IPC channel it prints the ready message as one JSON line on stdout instead.
 *
 * Pages are rendered once at startup, up to --prerender-bytes (256 MB by default, which holds
 * the 5,000 x 50 KB benchmark site), and the rest per request. Measured on the 2-core dev box
 * with undici at 32 connections, in server CPU per 50 KB request: 60 µs to send a ready Buffer,
 * 170 µs to render it first (rendering is ~50 µs alone, but fresh 60 KB buffers and string
 * garbage cost page faults and GC under load). An LRU would not help: a crawl asks for each
 * page once, so it would only make a second crawl against the same server cheaper than the
 * first, which skews a comparison. A fixed prefix of pre-rendered pages costs the same on every
 * run and stays bounded when pages x pageBytes is large.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { checkSiteOptions, pageIndexOf, renderPage, type SiteOptions } from './site.js';

/** Messages from the parent. */
export type SiteServerRequest = { type: 'stats' };
/** Messages to the parent. */
export type SiteServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; requests: number; bytes: number };

const DEFAULT_MAX_LIFETIME_MS = 60 * 60 * 1000;
const DEFAULT_PRERENDER_BYTES = 256 * 1024 * 1024;
// Pre-rendered pages are packed into slabs: a page from renderPage sits in an allocation sized
// for the largest possible page, which would waste ~20% of the budget.
const SLAB_BYTES = 16 * 1024 * 1024;

const ROBOTS_TXT = Buffer.from('User-agent: *\nAllow: /\n');
// The pages link this stylesheet; serving it keeps a crawler that fetches assets free of 404s.
const SITE_CSS = Buffer.from('body{font:16px/1.5 Georgia,serif;max-width:42em;margin:auto;padding:0 1em}nav ul{list-style:none;padding:0}\n');
const NOT_FOUND = Buffer.from('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><h1>Not found</h1></body></html>\n');
const HTML = 'text/html; charset=utf-8';

type ServerOptions = Required<SiteOptions> & { port: number; maxLifetimeMs: number; prerenderBytes: number };

function parseOptions(argv: string[]): ServerOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      pages: { type: 'string' },
      'page-bytes': { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string', default: '0' },
      'max-lifetime-ms': { type: 'string', default: String(DEFAULT_MAX_LIFETIME_MS) },
      'prerender-bytes': { type: 'string', default: String(DEFAULT_PRERENDER_BYTES) },
    },
    strict: true,
  });
  const toNumber = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isSafeInteger(value)) throw new RangeError(`--${name} must be an integer, got '${text}'`);
    return value;
  };
  const site = checkSiteOptions({
    pages: toNumber('pages', values.pages) ?? Number.NaN,
    pageBytes: toNumber('page-bytes', values['page-bytes']),
    seed: toNumber('seed', values.seed),
  });
  const port = toNumber('port', values.port) ?? 0;
  const maxLifetimeMs = toNumber('max-lifetime-ms', values['max-lifetime-ms']) ?? DEFAULT_MAX_LIFETIME_MS;
  if (port < 0 || port > 65_535) throw new RangeError(`--port must be from 0 to 65535, got ${port}`);
  const prerenderBytes = toNumber('prerender-bytes', values['prerender-bytes']) ?? DEFAULT_PRERENDER_BYTES;
  if (maxLifetimeMs < 1) throw new RangeError(`--max-lifetime-ms must be positive, got ${maxLifetimeMs}`);
  if (prerenderBytes < 0) throw new RangeError(`--prerender-bytes must not be negative, got ${prerenderBytes}`);
  return { ...site, port, maxLifetimeMs, prerenderBytes };
}

/** Pages 0..k-1 rendered, for the largest k whose pages fit in opts.prerenderBytes. */
function prerender(opts: ServerOptions): Buffer[] {
  const pages: Buffer[] = [];
  let slab = Buffer.alloc(0);
  let slabUsed = 0;
  let total = 0;
  for (let index = 0; index < opts.pages; index++) {
    const page = renderPage(index, opts);
    total += page.length;
    if (total > opts.prerenderBytes) break;
    if (slabUsed + page.length > slab.length) {
      slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, page.length));
      slabUsed = 0;
    }
    page.copy(slab, slabUsed);
    pages.push(slab.subarray(slabUsed, slabUsed + page.length));
    slabUsed += page.length;
  }
  return pages;
}

function main(): void {
  const opts = parseOptions(process.argv.slice(2));
  const prerendered = prerender(opts);
  renderPage(0, opts); // builds the text corpus even when nothing is pre-rendered
  let requests = 0;
  let bytes = 0;

  const send = (req: IncomingMessage, res: ServerResponse, status: number, type: string, body: Buffer): void => {
    requests++;
    res.writeHead(status, { 'content-type': type, 'content-length': body.length });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    bytes += body.length;
    res.end(body);
  };

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      send(req, res, 405, HTML, NOT_FOUND);
      return;
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (path === '/robots.txt') return send(req, res, 200, 'text/plain; charset=utf-8', ROBOTS_TXT);
    if (path === '/static/site.css') return send(req, res, 200, 'text/css; charset=utf-8', SITE_CSS);
    const index = pageIndexOf(path, opts.pages);
    if (index === undefined) return send(req, res, 404, HTML, NOT_FOUND);
    send(req, res, 200, HTML, prerendered[index] ?? renderPage(index, opts));
  });

  let isStopping = false;
  const stop = (): void => {
    if (isStopping) return;
    isStopping = true;
    clearTimeout(lifetime);
    server.close();
    // Keep-alive sockets would hold the process open until their timeout.
    server.closeAllConnections();
    if (process.connected) process.disconnect();
    // Everything above should let the event loop drain; if some handle still holds it, this
    // is a process entry and must not outlive its parent, so leave anyway.
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  // The hard cap covers a parent that hangs without dying, which 'disconnect' cannot see.
  const lifetime = setTimeout(stop, opts.maxLifetimeMs);
  lifetime.unref();
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  process.on('message', (message: SiteServerRequest) => {
    if (message?.type === 'stats') reply({ type: 'stats', requests, bytes });
  });

  server.on('error', (err) => {
    // Only listen() can fail here (a --port in use); say so in one line, as for bad arguments.
    process.stderr.write(`site-server: ${err.message}\n`);
    process.exitCode = 1;
    stop();
  });
  server.listen(opts.port, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    reply({ type: 'ready', port: address.port });
  });
}

function reply(message: SiteServerMessage): void {
  if (process.send) process.send(message);
  else process.stdout.write(JSON.stringify(message) + '\n');
}

try {
  main();
} catch (err) {
  // Bad arguments: one line on stderr (the parent quotes it in its error) and a usage exit code.
  process.stderr.write(`site-server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
  if (process.connected) process.disconnect();
}
