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
 *
 * HTTP is spoken by http-responder.ts (node:net) rather than node:http: a pre-rendered page is
 * stored with its response head in front of it and goes out in one write. Measured on a fresh
 * server (JIT warm-up included) asked for each of 2,000 pre-rendered pages once by undici at
 * 32 connections, server CPU per request: node:http 0.22-0.26 ms user + 0.04-0.065 ms sys,
 * this server 0.085-0.105 ms user + 0.025-0.035 ms sys. Rendering every page per request
 * (--prerender-bytes 0): 0.40-0.47 ms user before, 0.30-0.36 ms after.
 */
import { parseArgs } from 'node:util';
import { createHttpResponder } from './http-responder.js';
import { createResponse, createResponsePacker, KEEP_ALIVE_TIMEOUT_S, type HttpResponse } from './http-response.js';
import { checkSiteOptions, pageIndexOf, renderPage, type SiteOptions } from './site.js';

/** Messages from the parent. */
export type SiteServerRequest = { type: 'stats' };
/** Messages to the parent. */
export type SiteServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; requests: number; bytes: number };

const DEFAULT_MAX_LIFETIME_MS = 60 * 60 * 1000;
const DEFAULT_PRERENDER_BYTES = 256 * 1024 * 1024;
// Pre-rendered responses are packed into slabs: a page from renderPage sits in an allocation
// sized for the largest possible page, which would waste ~20% of the budget.
const SLAB_BYTES = 16 * 1024 * 1024;
// node:http's keep-alive timeout was the same; the Keep-Alive header announces it to clients.
const IDLE_TIMEOUT_MS = KEEP_ALIVE_TIMEOUT_S * 1000;

const ROBOTS_TXT = Buffer.from('User-agent: *\nAllow: /\n');
// The pages link this stylesheet; serving it keeps a crawler that fetches assets free of 404s.
const SITE_CSS = Buffer.from('body{font:16px/1.5 Georgia,serif;max-width:42em;margin:auto;padding:0 1em}nav ul{list-style:none;padding:0}\n');
const NOT_FOUND = Buffer.from('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><h1>Not found</h1></body></html>\n');
const HTML = 'text/html; charset=utf-8';
// Absolute-form targets (RFC 9112 §3.2.2: a server must accept them) name the path after the authority.
const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;

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

type Pack = ReturnType<typeof createResponsePacker>;

/**
 * Responses for pages 0..k-1, for the largest k whose bodies fit in opts.prerenderBytes (the
 * heads, ~120 bytes a page, are not counted, so k is what it was before they were stored).
 */
function prerender(opts: ServerOptions, pack: Pack): HttpResponse[] {
  const pages: HttpResponse[] = [];
  let total = 0;
  for (let index = 0; index < opts.pages; index++) {
    const page = renderPage(index, opts);
    total += page.length;
    if (total > opts.prerenderBytes) break;
    pages.push(pack(200, HTML, page));
  }
  return pages;
}

/** The path a request-target names, without its query; '' if it names none (a 404). */
function pathOf(target: string): string {
  const query = target.indexOf('?');
  const beforeQuery = query === -1 ? target : target.slice(0, query);
  if (beforeQuery.startsWith('/')) return beforeQuery;
  const authority = ABSOLUTE_FORM.exec(beforeQuery);
  return authority === null ? '' : beforeQuery.slice(authority[0].length) || '/';
}

function main(): void {
  const opts = parseOptions(process.argv.slice(2));
  const pack = createResponsePacker(SLAB_BYTES);
  const prerendered = prerender(opts, pack);
  renderPage(0, opts); // builds the text corpus even when nothing is pre-rendered
  const robots = pack(200, 'text/plain; charset=utf-8', ROBOTS_TXT);
  const css = pack(200, 'text/css; charset=utf-8', SITE_CSS);
  const notFound = pack(404, HTML, NOT_FOUND);
  // The 405 body has always been the 404 page; kept so the bytes stay what they were.
  const methodNotAllowed = pack(405, HTML, NOT_FOUND, 'Allow: GET, HEAD\r\n');

  const route = (method: string, target: string): HttpResponse => {
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed;
    const path = pathOf(target);
    if (path === '/robots.txt') return robots;
    if (path === '/static/site.css') return css;
    const index = pageIndexOf(path, opts.pages);
    if (index === undefined) return notFound;
    return prerendered[index] ?? createResponse(200, HTML, renderPage(index, opts));
  };
  const responder = createHttpResponder({ route, idleTimeoutMs: IDLE_TIMEOUT_MS });
  const { server } = responder;

  let isStopping = false;
  const stop = (): void => {
    if (isStopping) return;
    isStopping = true;
    clearTimeout(lifetime);
    server.close();
    // Keep-alive sockets would hold the process open until their timeout.
    responder.destroyConnections();
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
    if (message?.type !== 'stats') return;
    const { responses, bodyBytes } = responder.stats();
    reply({ type: 'stats', requests: responses, bytes: bodyBytes });
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
