/**
 * Tells a request that died on a reused keep-alive connection before any response byte (the
 * server closed the idle socket as the request went out) from a server that fails requests.
 *
 * The race is the server's idle timeout firing while our request is on the wire: undici checks an
 * idle socket for a FIN already received before reusing it, but not for one in flight. The request
 * then fails as 'other side closed' or ECONNRESET though the server never saw it as a request.
 * Browsers and curl ("Connection died, retrying a fresh connect") send it again on a new
 * connection without counting a failure; the fetcher does the same (isStaleConnectionError).
 *
 * undici does not say which socket a request went out on, so its diagnostics channels are read:
 * a socket's requests are counted as their headers are sent, a request sent on a socket that had
 * carried one before is marked until its response headers arrive, and an error it fails with
 * while marked is remembered (weakly, by identity) as a stale-connection error.
 *
 * Chromium also sends again a request answered 408 on a reused connection (HttpNetworkTransaction):
 * the server closed it as idle and said so. Such a 408 is remembered by URL (takeStaleTimeout).
 */
import diagnosticsChannel from 'node:diagnostics_channel';

/** Failures that mean the connection went away under the request, not that the server refused it. */
const CONNECTION_LOST: ReadonlySet<string> = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

const requestsSent = new WeakMap<object, number>();
const onReusedSocket = new WeakSet<object>();
const staleErrors = new WeakSet<object>();
let isListening = false;

interface SendHeadersMessage { request: object; socket: object }
interface RequestErrorMessage { request: object; error: unknown }

function onSendHeaders(message: unknown): void {
  const { request, socket } = message as SendHeadersMessage;
  const sent = (requestsSent.get(socket) ?? 0) + 1;
  requestsSent.set(socket, sent);
  if (sent > 1) onReusedSocket.add(request);
}

/**
 * Requests (origin + path, as undici names them) answered 408 on a reused connection, until the
 * fetcher takes them (takeStaleTimeout). The fetcher never sees undici's request object, so the
 * URL is the key: the crawler seldom has one URL in flight twice, and if two 408s met on one key
 * the cost would be one of them stored instead of sent again. A 408 nobody asks about (its fetch
 * aborted while reading it, another undici user in the process) would stay, hence the bound.
 */
const staleTimeouts = new Set<string>();
const MAX_STALE_TIMEOUTS = 256;

interface HeadersMessage { request: { origin?: unknown; path?: unknown }; response: { statusCode: number } }

function onHeaders(message: unknown): void {
  const { request, response } = message as HeadersMessage;
  // A 408 on a reused connection is the same race as a connection lost, answered politely: nginx
  // and Apache write it when their idle timeout closes the connection our request went out on.
  if (response.statusCode === 408 && onReusedSocket.has(request)) {
    staleTimeouts.add(`${String(request.origin)}${String(request.path)}`);
    if (staleTimeouts.size > MAX_STALE_TIMEOUTS) staleTimeouts.delete(staleTimeouts.values().next().value as string);
  }
  // An answer came: whatever fails later (a body cut short) is the server's doing.
  onReusedSocket.delete(request);
}

function onError(message: unknown): void {
  const { request, error } = message as RequestErrorMessage;
  if (onReusedSocket.has(request) && typeof error === 'object' && error !== null) staleErrors.add(error);
}

/** Starts reading undici's channels; idempotent. Called by createFetcher, not at import. */
export function watchStaleConnections(): void {
  if (isListening) return;
  isListening = true;
  diagnosticsChannel.subscribe('undici:client:sendHeaders', onSendHeaders);
  diagnosticsChannel.subscribe('undici:request:headers', onHeaders);
  diagnosticsChannel.subscribe('undici:request:error', onError);
}

/** Whether `err` failed a request on a reused connection before its response began. */
export function isStaleConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !staleErrors.has(err)) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && CONNECTION_LOST.has(code);
}

/**
 * Whether the 408 just received for `url` came on a reused connection (see onHeaders), and so is
 * to be sent again on a new one like a lost connection; forgets it either way. Only asked on a 408.
 */
export function takeStaleTimeout(url: string): boolean {
  const { origin, pathname, search } = new URL(url);
  return staleTimeouts.delete(origin + pathname + search);
}
