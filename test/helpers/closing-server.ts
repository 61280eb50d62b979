/**
 * A raw HTTP/1.1 server on 127.0.0.1 that closes each connection after its fifth answer, saying
 * `Connection: close` on that one (Apache's Keep-Alive max, nginx's keepalive_requests), and
 * counts the connections it was given: what a keep-alive pool that forgets connections
 * (nodejs/undici#5022) shows up against.
 */
import net, { type AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface ClosingServer {
  origin: string;
  connections(): number;
}

/** `answer(path)`: the body and Content-Type for a request of `path`. */
export async function startClosingServer(
  t: TestContext,
  answer: (path: string) => { type: string; body: string } = () => ({ type: 'text/plain', body: 'ok' }),
): Promise<ClosingServer> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let answered = 0;
    let buffered = '';
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const path = buffered.split(' ')[1] ?? '/';
        buffered = buffered.slice(end + 4);
        answered++;
        const { type, body } = answer(path);
        const isLast = answered === 5;
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${isLast ? 'Connection: close' : 'Keep-Alive: timeout=5, max=5'}\r\n\r\n${body}`);
        if (isLast) socket.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}
