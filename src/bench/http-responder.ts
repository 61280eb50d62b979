/**
 * A minimal HTTP/1.1 server on node:net for the bench site: each request is answered by
 * writing Buffers prepared in advance (http-response.ts), so the server's CPU, which competes
 * with the crawler's on the benchmark machine (issue 6), goes to little more than the
 * syscalls: about half the user CPU per request of node:http (figures in site-server.ts).
 *
 * It speaks enough HTTP/1.1 for any crawler: keep-alive, pipelining (requests are parsed from
 * a per-socket buffer and answered in order), HTTP/1.0, `Connection: close`, GET and HEAD.
 * Request bodies are not supported: a request with one gets a 400 and the connection closes,
 * which is simpler and safer than skipping a body whose sender may be waiting for a
 * 100 Continue. Malformed or oversized heads get a 400 (505 for HTTP/2+) and a close.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { parseRequestHead, type BadRequestHead } from './http-request-head.js';
import { createResponse, formatHead, type HttpResponse } from './http-response.js';

export interface HttpResponderOptions {
  /** Picks the response for a request; any method, the target as sent. Must not throw. */
  route: (method: string, target: string) => HttpResponse;
  /** A connection with no traffic either way for this long is closed. */
  idleTimeoutMs: number;
  /** A request head longer than this is a 400. @default 16_384 */
  maxHeadBytes?: number;
  /**
   * A connection whose request head is not complete this long after it opened, or after the
   * head's first byte arrived, is closed without an answer. @default 5_000
   */
  headTimeoutMs?: number;
}

export interface HttpResponder {
  server: Server;
  /** Responses sent (any status) and body bytes sent (HEAD responses count 0). */
  stats(): { responses: number; bodyBytes: number };
  /** Destroys every open connection, e.g. after server.close(), which would wait for them. */
  destroyConnections(): void;
}

const DEFAULT_MAX_HEAD_BYTES = 16 * 1024;
// The idle timeout alone let a client that sends a head a byte at a time (slowloris), each byte
// within the idle timeout, hold a socket forever. Any crawler sends its head in one write.
const DEFAULT_HEAD_TIMEOUT_MS = 5_000;
// Stop reading a connection while this much of its responses is still queued: a client that
// pipelines requests without reading the answers must not grow this process's memory.
const MAX_QUEUED_BYTES = 1024 * 1024;
const TEXT = 'text/plain; charset=utf-8';
const BAD_REQUEST = createResponse(400, TEXT, Buffer.from('Bad request\n'));
const VERSION_NOT_SUPPORTED = createResponse(505, TEXT, Buffer.from('HTTP version not supported\n'));

export function createHttpResponder(opts: HttpResponderOptions): HttpResponder {
  const { route, idleTimeoutMs, maxHeadBytes = DEFAULT_MAX_HEAD_BYTES, headTimeoutMs = DEFAULT_HEAD_TIMEOUT_MS } = opts;
  const counts = { responses: 0, bodyBytes: 0 };
  const sockets = new Set<Socket>();

  const send = (socket: Socket, response: HttpResponse, isHead: boolean, isKeepAlive: boolean): void => {
    counts.responses++;
    if (!isHead) counts.bodyBytes += response.body.length;
    if (isKeepAlive) {
      if (isHead) socket.write(response.head);
      else if (response.message !== undefined) socket.write(response.message);
      else {
        // cork: head and body leave in one writev, not two packets.
        socket.cork();
        socket.write(response.head);
        socket.write(response.body);
        socket.uncork();
      }
      return;
    }
    socket.cork();
    socket.write(formatHead(response, response.body.length, false), 'latin1');
    if (!isHead) socket.write(response.body);
    socket.end(); // also uncorks
  };

  const serveConnection = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A peer that resets the connection is routine for a server; 'close' follows and cleans up.
    socket.on('error', () => {});
    socket.setTimeout(idleTimeoutMs, () => socket.destroy());

    // Runs while a head is awaited on a new connection or is partly received; not between
    // keep-alive requests (the idle timeout's business), nor while answers wait for a drain.
    // Never restarted by more bytes of the same head, so a drip cannot stretch it.
    let headTimer: NodeJS.Timeout | undefined;
    const awaitHead = (isAwaiting: boolean): void => {
      if (isAwaiting) headTimer ??= setTimeout(() => socket.destroy(), headTimeoutMs);
      else if (headTimer !== undefined) {
        clearTimeout(headTimer);
        headTimer = undefined;
      }
    };
    awaitHead(true);
    socket.once('close', () => awaitHead(false));

    /** Bytes received and not yet parsed: part of a request head, or pipelined requests. */
    let pending: Buffer | undefined;
    let isEnding = false;
    let isWaitingForDrain = false;
    /** The client has half-closed: answer what it sent, then close. */
    let isPeerDone = false;

    const refuse = (problem: BadRequestHead): void => {
      send(socket, problem.status === 505 ? VERSION_NOT_SUPPORTED : BAD_REQUEST, false, false);
      isEnding = true;
    };

    const answerPending = (): void => {
      const buf = pending as Buffer;
      let offset = 0;
      let answered = 0;
      while (offset < buf.length && !isEnding) {
        const head = parseRequestHead(buf, offset, maxHeadBytes);
        if (head.kind === 'incomplete') break;
        // Several requests in one chunk: cork so their responses leave in one writev.
        if (++answered === 2) socket.cork();
        if (head.kind === 'bad') refuse(head);
        else if (head.bodyBytes > 0 || head.hasTransferEncoding) refuse({ kind: 'bad', status: 400, reason: 'request body' });
        else {
          send(socket, route(head.method, head.target), head.method === 'HEAD', head.isKeepAlive);
          isEnding = !head.isKeepAlive;
        }
        offset = head.kind === 'request' ? head.end : buf.length;
        if (!isEnding && socket.writableLength > MAX_QUEUED_BYTES) {
          isWaitingForDrain = true;
          socket.pause();
          break;
        }
      }
      if (answered >= 2 && !isEnding) socket.uncork();
      // After a close, what the client still sends is read and dropped until it closes too (or
      // the idle timeout fires): closing with unread bytes would reset the connection, and the
      // client could lose the response it has not read yet.
      pending = isEnding || offset === buf.length ? undefined : buf.subarray(offset);
      awaitHead(pending !== undefined && !isWaitingForDrain);
      if (isPeerDone && !isWaitingForDrain) endAfterAnswers();
    };

    // An incomplete request left at the end will never be finished; it gets no answer.
    const endAfterAnswers = (): void => {
      if (isEnding) return;
      isEnding = true;
      socket.end();
    };

    socket.on('drain', () => {
      if (!isWaitingForDrain) return;
      isWaitingForDrain = false;
      socket.resume();
      if (pending !== undefined) answerPending();
      else if (isPeerDone) endAfterAnswers();
    });
    socket.on('data', (chunk: Buffer) => {
      if (isEnding) return;
      // A head split across chunks is re-parsed from its start; the 16 KB cap bounds that.
      pending = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      if (!isWaitingForDrain) answerPending();
    });
    socket.on('end', () => {
      isPeerDone = true;
      if (!isWaitingForDrain) endAfterAnswers();
    });
  };

  // allowHalfOpen: otherwise node ends the socket as soon as the client half-closes, which cuts
  // off answers still waiting for a drain to pipelined requests sent just before the FIN.
  const server = createServer({ noDelay: true, allowHalfOpen: true }, serveConnection);
  return {
    server,
    stats: () => ({ ...counts }),
    destroyConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}
