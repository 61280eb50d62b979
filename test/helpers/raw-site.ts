/**
 * A raw TCP server on 127.0.0.1 that answers each request with exact bytes, for responses no
 * HTTP server library would write (malformed heads, odd statuses). Connections stay open unless
 * the request asks for the close (Node's client does on crawlite's lenient path) or the answer's
 * head says `Connection: close` (a body cut by the close is written so); robots.txt
 * allows all unless `answer` gives one; unknown paths get a 404. Closed by the test's end.
 */
import net, { type AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface RawSite {
  origin: string;
  /** Requests per path. */
  hits: Map<string, number>;
}

/**
 * What `answer` gives for a path: the exact bytes, null for the defaults (above), or a writer that
 * takes the connection over (an endless stream), after which no other request is read on it.
 */
export type RawAnswer = Buffer | ((socket: net.Socket) => void) | null;

export async function startRawSite(t: TestContext, answer: (path: string) => RawAnswer): Promise<RawSite> {
  const hits = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // the crawler may drop a connection it refused; nothing to check
    let buffered = '';
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        const path = head.split(' ')[1] ?? '/';
        buffered = buffered.slice(end + 4);
        hits.set(path, (hits.get(path) ?? 0) + 1);
        const robots = path === '/robots.txt' ? rawResponse(['Content-Type: text/plain'], Buffer.from('User-agent: *\nAllow: /\n')) : null;
        const given = answer(path);
        if (typeof given === 'function') {
          socket.removeAllListeners('data');
          given(socket);
          return;
        }
        const bytes = given ?? robots ?? rawResponse(['Content-Type: text/html'], Buffer.from('<title>Not found</title>'), '404 Not Found');
        if (/\r\nconnection: *close\r\n/i.test(`${head}\r\n`) || saysClose(bytes)) socket.end(bytes);
        else socket.write(bytes);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/** The answer's head has a `Connection: close` line (its line ends CRLF or bare LF). */
function saysClose(bytes: Buffer): boolean {
  const text = bytes.toString('latin1', 0, Math.min(bytes.length, 16 * 1024));
  const end = text.search(/\r?\n\r?\n/);
  return /\nconnection[ \t]*:[ \t]*close\r?$/im.test(end === -1 ? text : text.slice(0, end));
}

/** A response whose head is `headLines` as given, plus a Content-Length unless they frame the body themselves. */
export function rawResponse(headLines: string[], body: Buffer, status = '200 OK'): Buffer {
  const framed = headLines.some((line) => /^(content-length|transfer-encoding)\s*:/i.test(line));
  const lines = [`HTTP/1.1 ${status}`, ...headLines, ...(framed ? [] : [`Content-Length: ${body.length}`])];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** Writes `bytes` again and again, as fast as the client reads, until the connection ends. */
export function writeForever(socket: net.Socket, bytes: Buffer): void {
  const pump = (): void => {
    while (!socket.destroyed) {
      if (!socket.write(bytes)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
}
