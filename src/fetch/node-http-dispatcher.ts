/**
 * An undici Dispatcher that performs each request with node:http / node:https. Two users:
 * - the fetcher's lenient fallback (fetcher.ts): Node's own HTTP parser, with
 *   `insecureHTTPParser`, reads what browsers read and undici's strict parser refuses (header
 *   lines ended by a bare LF, folded header lines, control characters in a header value, spaces
 *   after a chunk size);
 * - tests, where nock can see node:http but never undici's own sockets (nock/nock#2183).
 * The fetcher keeps undici.request() and decodeBody() either way: only the transport differs.
 *
 * Handler API: undici 7's request() dispatches a RequestHandler that implements only the legacy
 * callbacks (onConnect / onHeaders / onData / onComplete / onError), and a Dispatcher that does
 * not extend DispatcherBase receives it as it is. Interceptors built with compose() hand over the
 * newer ones (onRequestStart / onResponseStart / onResponseData / onResponseEnd /
 * onResponseError). Both are driven here, with one controller behind both.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { DispatcherClass, errors } from './undici-parts.js';
import { describeFinalStatus } from './map-error.js';

type Handler = Dispatcher.DispatchHandler;
type LegacyOnConnect = (abort: (reason?: Error) => void, context: object) => void;

function toNodeHeaders(headers: Dispatcher.DispatchOptions['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  if (headers == null) return out;
  if (Array.isArray(headers)) {
    // undici's flat form: [name, value, name, value, ...]
    for (let i = 0; i + 1 < headers.length; i += 2) out[String(headers[i])] = String(headers[i + 1]);
    return out;
  }
  const entries = Symbol.iterator in headers ? [...(headers as Iterable<[string, unknown]>)] : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value !== undefined) out[name] = value as string | string[];
  }
  return out;
}

/** Node's rawHeaders (alternating strings) as undici's legacy callbacks receive them. */
function toBuffers(raw: string[]): Buffer[] {
  return raw.map((item) => Buffer.from(item, 'latin1'));
}

/** Node's rawHeaders as the newer callbacks receive them: lowercase names, repeats as arrays. */
function toHeaderRecord(raw: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function isParseError(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' && code.startsWith('HPE_');
}

/** Runs one dispatch over node:http and calls `onSettled` once the handler has heard its last event. */
function bridge(
  opts: Dispatcher.DispatchOptions, handler: Handler, requestOptions: https.RequestOptions, onSocket: ((socket: Socket) => void) | undefined, onSettled: () => void,
): (err: Error) => void {
  const isNewApi = typeof handler.onRequestStart === 'function';
  let res: IncomingMessage | undefined;
  let req: http.ClientRequest | undefined;
  let isDone = false;
  let isPaused = false;
  let reason: Error | null = null;

  const settle = (): void => {
    isDone = true;
    onSettled();
  };
  const fail = (err: Error): void => {
    if (isDone) return;
    settle();
    // Destroying after settling: the 'error' events these raise find the handler already told.
    req?.destroy();
    res?.destroy();
    if (isNewApi) handler.onResponseError?.(controller, err);
    else handler.onError?.(err);
  };
  const controller: Dispatcher.DispatchController = {
    get aborted() {
      return reason !== null;
    },
    get paused() {
      return isPaused;
    },
    get reason() {
      return reason;
    },
    abort(err?: Error) {
      if (reason !== null || isDone) return;
      reason = err ?? new errors.RequestAbortedError();
      fail(reason);
    },
    pause() {
      isPaused = true;
      res?.pause();
    },
    resume() {
      if (!isPaused) return;
      isPaused = false;
      res?.resume();
    },
  };
  // Called by undici's BodyReadable without an argument when the body is destroyed early.
  const abort = (err?: Error): void => controller.abort(err as Error);

  if (isNewApi) handler.onRequestStart?.(controller, {});
  else (handler.onConnect as LegacyOnConnect | undefined)?.(abort, {});
  if (isDone) return abort; // the handler aborted at once (its signal had already fired)

  const onResponse = (incoming: IncomingMessage): void => {
    res = incoming;
    if (isDone) return void incoming.destroy();
    const status = incoming.statusCode ?? 0;
    const statusText = incoming.statusMessage ?? '';
    if (status < 200) {
      // Node hands on as the final response what its lenient parser reads as one: a status below
      // 100 ("HTTP/1.1 099"), or a 101 the request asked no upgrade for. undici's handlers take
      // any status below 200 for an interim response and wait for the real one, which never
      // comes: the body's first chunk then met a handler with no response and threw out of the
      // socket's event, ending the crawl with a stack trace. undici's own parser refuses both.
      fail(new errors.HTTPParserError(`Response does not match the HTTP/1.1 protocol (${describeFinalStatus(status)})`));
      return;
    }
    if (isNewApi) {
      handler.onResponseStart?.(controller, status, toHeaderRecord(incoming.rawHeaders), statusText);
    } else {
      handler.onResponseStarted?.();
      const more = handler.onHeaders?.(status, toBuffers(incoming.rawHeaders), () => controller.resume(), statusText);
      if (more === false) controller.pause();
    }
    if (isDone) return;
    if (isPaused) incoming.pause(); // before 'data' is attached, so attaching does not start the flow
    incoming.on('data', (chunk: Buffer) => {
      if (isDone) return;
      if (isNewApi) handler.onResponseData?.(controller, chunk);
      else if (handler.onData?.(chunk) === false) controller.pause();
      if (isPaused) incoming.pause();
    });
    incoming.on('end', () => {
      if (isDone) return;
      settle();
      if (isNewApi) handler.onResponseEnd?.(controller, toHeaderRecord(incoming.rawTrailers));
      else handler.onComplete?.(toBuffers(incoming.rawTrailers) as unknown as string[]);
    });
    incoming.on('error', fail);
    incoming.on('close', () => fail(new errors.SocketError('other side closed')));
  };

  try {
    const url = new URL(opts.path, opts.origin);
    // Through the module object, not a named import: nock patches http.request on the CommonJS
    // exports, which ESM named bindings of builtins do not follow.
    const send = url.protocol === 'https:' ? https.request : http.request;
    req = send(url, { ...requestOptions, method: opts.method, headers: toNodeHeaders(opts.headers) }, onResponse);
    // Before any byte: the socket exists once send() returns, and nothing is read before it connects.
    if (onSocket) req.once('socket', onSocket);
    // Interim responses (103 Early Hints, 102 Processing) go to the handler as undici's parser
    // hands them on, so request()'s onInfo sees them on this path too (interim-responses.ts).
    if (!isNewApi) {
      req.on('information', (info: http.InformationEvent) => {
        if (!isDone) handler.onHeaders?.(info.statusCode, toBuffers(info.rawHeaders), () => controller.resume(), info.statusMessage);
      });
    }
    req.on('error', (err: Error) => {
      // Bytes after a whole response (a body longer than its Content-Length, from a CGI that
      // counted before it added to it) fail the parser as "Expected HTTP/", before the body is
      // even handed over. undici and curl ignore them ("excess found"), browsers too: the response
      // is complete, and its 'end' follows (QA: on an origin sent here, such a page was lost).
      if (res?.complete === true && isParseError(err)) return;
      fail(err);
    });
    const body = opts.body;
    if (body == null) req.end();
    else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
    else if (body instanceof Readable) body.on('error', fail).pipe(req);
    else throw new errors.NotSupportedError('node-http-dispatcher: unsupported request body type');
  } catch (err) {
    fail(err as Error);
  }
  return abort;
}

export class NodeHttpDispatcher extends DispatcherClass {
  readonly #requestOptions: https.RequestOptions;
  readonly #onSocket: ((socket: Socket) => void) | undefined;
  readonly #inFlight = new Set<{ abort: (err: Error) => void }>();
  #isClosed = false;
  #closeWaiters: Array<() => void> = [];

  /**
   * `requestOptions`: added to every node:http(s) request (agent, insecureHTTPParser, TLS...).
   * `onSocket`: given each request's socket before it reads anything (content-length-lines.ts).
   */
  constructor(requestOptions: https.RequestOptions = { agent: false }, onSocket?: (socket: Socket) => void) {
    super();
    this.#requestOptions = requestOptions;
    this.#onSocket = onSocket;
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Handler): boolean {
    if (this.#isClosed) {
      const err = new errors.ClientClosedError();
      if (typeof handler.onRequestStart === 'function') handler.onResponseError?.({} as Dispatcher.DispatchController, err);
      else handler.onError?.(err);
      return false;
    }
    // Added before bridge() runs, since the request may settle synchronously inside it.
    const request = { abort: (_err: Error): void => {} };
    this.#inFlight.add(request);
    request.abort = bridge(opts, handler, this.#requestOptions, this.#onSocket, () => {
      this.#inFlight.delete(request);
      this.#notifyIfIdle();
    });
    return true;
  }

  #notifyIfIdle(): void {
    if (!this.#isClosed || this.#inFlight.size > 0) return;
    const waiters = this.#closeWaiters;
    this.#closeWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Stops accepting requests and resolves once those in flight have finished. */
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.#isClosed = true;
    const done = new Promise<void>((resolve) => {
      this.#closeWaiters.push(resolve);
      this.#notifyIfIdle();
    });
    if (!callback) return done;
    void done.then(callback);
  }

  /** Aborts every request in flight with `err` (or ClientDestroyedError), then closes. */
  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(errOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const cb = typeof errOrCallback === 'function' ? errOrCallback : callback;
    const err = (typeof errOrCallback === 'function' ? null : errOrCallback) ?? new errors.ClientDestroyedError();
    for (const request of [...this.#inFlight]) request.abort(err);
    return cb ? this.close(cb) : this.close();
  }
}
