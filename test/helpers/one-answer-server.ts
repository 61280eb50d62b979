/**
 * A raw server whose connections each answer their first request and hand every later request
 * on the same connection to `onReused`: the server side of a keep-alive connection that went
 * stale as the client reused it (dropped, or answered with an unsolicited 408).
 */
import net, { type AddressInfo, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

export interface OneAnswerServer {
  origin: string;
  /** Every request line's path, in arrival order. */
  paths: string[];
  /** First answers given, by path. */
  served: Map<string, number>;
}

/** `firstBody(path)` is the HTML of a connection's one 200 (robots.txt gets an allow-all). */
export async function startOneAnswerServer(
  t: TestContext,
  firstBody: (path: string) => string,
  onReused: (socket: Socket, path: string) => void,
): Promise<OneAnswerServer> {
  const paths: string[] = [];
  const served = new Map<string, number>();
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    let buffered = '';
    let answered = false;
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0 && socket.writable; end = buffered.indexOf('\r\n\r\n')) {
        const path = buffered.split(' ')[1] ?? '/';
        buffered = buffered.slice(end + 4);
        paths.push(path);
        if (answered) {
          onReused(socket, path);
          continue;
        }
        answered = true;
        served.set(path, (served.get(path) ?? 0) + 1);
        const body = path === '/robots.txt' ? 'User-agent: *\nAllow: /\n' : firstBody(path);
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths, served };
}
