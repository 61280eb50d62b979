/**
 * A test site: a node:http server on 127.0.0.1:0 answering from a route table. It counts requests
 * per path and the most requests it ever had open at once (optionally shared between several
 * servers through a common gauge), so tests can assert on what the crawler really did.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export type Route =
  | string
  | { status?: number; headers?: Record<string, string>; body?: string | Buffer; delayMs?: number }
  | ((req: IncomingMessage, res: ServerResponse) => void | Promise<void>);

/** Concurrency counter; pass one gauge to several sites to measure across them. */
export class Gauge {
  current = 0;
  max = 0;
  enter(): void {
    this.current += 1;
    if (this.current > this.max) this.max = this.current;
  }
  leave(): void {
    this.current -= 1;
  }
}

export interface TestSite {
  origin: string;
  url(path: string): string;
  hits: Map<string, number>;
  gauge: Gauge;
  total(): number;
  close(): Promise<void>;
}

/**
 * `port`: listen there instead of on a free port (rejects with EADDRINUSE when it is taken).
 * `tls`: serve HTTPS with this key and certificate (test/helpers/tls.ts has a self-signed pair).
 */
export async function startSite(routes: Record<string, Route>, opts: { delayMs?: number; shared?: Gauge; port?: number; tls?: { key: string; cert: string } } = {}): Promise<TestSite> {
  const hits = new Map<string, number>();
  const gauge = new Gauge();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    gauge.enter();
    opts.shared?.enter();
    res.on('close', () => {
      gauge.leave();
      opts.shared?.leave();
    });
    const route = routes[path];
    const delayMs = typeof route === 'object' && route && 'delayMs' in route ? route.delayMs : opts.delayMs;
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title>');
    } else if (typeof route === 'string') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(route);
    } else if (typeof route === 'function') {
      await route(req, res);
    } else {
      res.writeHead(route.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...route.headers }).end(route.body ?? '');
    }
  };
  const server = opts.tls ? createHttpsServer(opts.tls, handle) : createServer(handle);
  // Keep-alive sockets would hold the server open after the test; close them when idle.
  server.keepAliveTimeout = 200;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => origin + path,
    hits,
    gauge,
    total: () => [...hits.values()].reduce((a, b) => a + b, 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An HTML page with a title and links. */
export function page(title: string, links: string[] = [], extra = ''): string {
  const anchors = links.map((href, i) => `<a href="${href}">link ${i} to ${href}</a>`).join('\n');
  return `<!doctype html><html lang="en"><head><title>${title}</title></head><body><h1>${title}</h1>${extra}\n${anchors}</body></html>`;
}
