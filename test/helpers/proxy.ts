/**
 * A forward proxy for tests, on 127.0.0.1:0: absolute-form requests (`GET http://host/path`) are
 * forwarded with node:http, CONNECT opens a TCP tunnel. Host names can be mapped to local
 * addresses (`hosts`), so a crawl of `http://site.test/` reaches a test site through the proxy
 * only: the crawler itself could not resolve that name. It records what it was asked, and can
 * demand credentials (407) or refuse tunnels.
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ProxyLogEntry {
  method: string;
  /** The absolute URL, or host:port for CONNECT. */
  target: string;
  authorization: string | undefined;
}

export interface TestProxy {
  url: string;
  port: number;
  log: ProxyLogEntry[];
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** host (or host:port) -> 127.0.0.1:port to connect to instead. */
  hosts?: Record<string, string>;
  /** 'user:password' the proxy demands in Proxy-Authorization (Basic); 407 otherwise. */
  credentials?: string;
  /** Answer every CONNECT with this status instead of opening the tunnel. */
  connectStatus?: number;
  /** Be an https:// proxy with this key and certificate (the client speaks TLS to the proxy itself). */
  tls?: { key: string; cert: string };
}

export async function startProxy(opts: ProxyOptions = {}): Promise<TestProxy> {
  const log: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();
  const expected = opts.credentials === undefined ? null : `Basic ${Buffer.from(opts.credentials).toString('base64')}`;
  const isAllowed = (req: IncomingMessage) => expected === null || req.headers['proxy-authorization'] === expected;
  const mapped = (host: string, defaultPort: number): { host: string; port: number } => {
    const withPort = host.includes(':') ? host : `${host}:${defaultPort}`;
    const to = opts.hosts?.[withPort] ?? opts.hosts?.[host.replace(/:\d+$/, '')] ?? withPort;
    const at = to.lastIndexOf(':');
    return { host: to.slice(0, at), port: Number(to.slice(at + 1)) };
  };

  const handle = (req: IncomingMessage, res: import('node:http').ServerResponse): void => {
    log.push({ method: req.method ?? '', target: req.url ?? '', authorization: req.headers['proxy-authorization'] });
    if (!isAllowed(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"', 'content-type': 'text/plain' }).end('proxy credentials needed');
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form request expected');
      return;
    }
    const to = mapped(target.host, 80);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = request({ host: to.host, port: to.port, method: req.method, path: target.pathname + target.search, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end('bad gateway'));
    upstream.end();
  };
  const server = opts.tls ? createHttpsServer(opts.tls, handle) : createServer(handle);
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    log.push({ method: 'CONNECT', target: req.url ?? '', authorization: req.headers['proxy-authorization'] });
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (!isAllowed(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (opts.connectStatus !== undefined) {
      client.end(`HTTP/1.1 ${opts.connectStatus} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const to = mapped(req.url ?? '', 443);
    const upstream = connect(to.port, to.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  server.keepAliveTimeout = 200;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
