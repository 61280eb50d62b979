/**
 * Bounds the bytes a response spends outside its body: its head and, when chunked, its chunk-size
 * lines, chunk extensions and trailers.
 *
 * undici 7's llhttp reads a chunk-size line, a chunk extension and a status line's reason phrase
 * without any limit, and hands nothing on while it does (undici registers no chunk-extension
 * callback, and its status text is not counted with the header bytes it bounds). A server that
 * answers `5;` and then extension bytes without end, or endless hex digits, or a reason phrase
 * that never ends, kept a fetch reading at full speed until --timeout: 1.3 GB in 20 s over
 * loopback, a core busy, and all of it again on each retry. Chromium fails a chunk-size line over
 * 16 KiB (HttpChunkedDecoder's kMaxLineBufLen), Node's own parser chunk extensions over 16 KiB
 * (CVE-2024-22019).
 *
 * undici gives no hook into its parser, so the bytes are counted where it reads them: each
 * connection's socket reads are counted (a wrapped `read`, `unshift` taking back what the parser
 * pushed back), and its request's body bytes as its handler receives them. A response whose other
 * bytes pass MAX_FRAMING_BYTES plus FRAMING_PER_BODY_BYTE per body byte fails as
 * CRAWL_FETCH_TOO_LARGE, not retried: the same server sends the same. Real framing stays far
 * below it: a head is at most 256 KiB (MAX_HEADER_BYTES) and its interim heads as much again
 * (interim-responses.ts), and the costliest chunking there is, one byte per chunk (`1\r\nx\r\n`),
 * spends 5 bytes per body byte. Each read costs a few additions; the pool keeps one client per
 * connection, so a connection's count is its current request's.
 */
import type { buildConnector, Client, Dispatcher } from 'undici';
import { ClientClass } from './undici-parts.js';
import type { Socket } from 'node:net';
import { FetchError } from '../errors.js';
import { formatBinaryBytes } from '../format-numbers.js';

/** Bytes besides the body any response may have: two heads' worth (MAX_HEADER_BYTES) and more. */
export const MAX_FRAMING_BYTES = 1024 * 1024;

/** Framing allowed per body byte on top: chunks of one byte each cost 5. */
export const FRAMING_PER_BODY_BYTE = 8;

/** undici's legacy handler callbacks, as request()'s handler reaches a Client (loosely typed: only passed on). */
type Callback = (...args: never[]) => unknown;
interface LegacyHandler {
  onConnect?: (abort: (err?: Error) => void, context?: object) => void;
  onHeaders?: Callback;
  onData?: (chunk: Buffer) => boolean;
  onComplete?: Callback;
  onError?: (err: Error) => void;
  onUpgrade?: Callback;
  onResponseStarted?: Callback;
  onBodySent?: Callback;
  onRequestSent?: Callback;
}

/** One connection's count: bytes read, and those of its current request's response. */
class FramingMeter {
  #wireBytes = 0;
  #startBytes = 0;
  #bodyBytes = 0;
  #abort: ((err: Error) => void) | null = null;
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** The connector, counting what is read from each socket it connects. */
  connector(connect: buildConnector.connector): buildConnector.connector {
    return (options, callback) => connect(options, (err, socket) => {
      if (socket) this.#count(socket);
      (callback as (err: Error | null, socket: Socket | null) => void)(err, socket);
    });
  }

  #count(socket: Socket): void {
    this.#wireBytes = 0;
    this.#startBytes = 0;
    const read = socket.read.bind(socket);
    const unshift = socket.unshift.bind(socket);
    // Checked before the new bytes count: all read until now went through the parser, so what it
    // did not hand on as body was framing.
    socket.read = (size?: number): unknown => {
      if (this.#abort !== null && this.#isOver()) {
        this.#fail();
        return null;
      }
      const chunk = read(size) as Buffer | null;
      if (chunk !== null) this.#wireBytes += chunk.length;
      return chunk;
    };
    socket.unshift = (chunk: unknown, encoding?: BufferEncoding): void => {
      if (Buffer.isBuffer(chunk)) this.#wireBytes -= chunk.length;
      unshift(chunk as Buffer, encoding);
    };
  }

  #isOver(): boolean {
    return this.#wireBytes - this.#startBytes - this.#bodyBytes * (1 + FRAMING_PER_BODY_BYTE) > this.#maxBytes;
  }

  #fail(): void {
    const abort = this.#abort!;
    this.#abort = null;
    const framing = this.#wireBytes - this.#startBytes - this.#bodyBytes;
    abort(new FetchError('CRAWL_FETCH_TOO_LARGE', `response too large outside its body: ${formatBinaryBytes(framing)} of head and chunk framing (a status line, blank lines before it, a chunk-size line or a chunk extension that never ends) for ${formatBinaryBytes(this.#bodyBytes)} of body`));
  }

  /** The handler, counting its body bytes and giving the meter its abort while it runs. */
  watch(handler: LegacyHandler): LegacyHandler {
    // Only undici's own legacy handlers (request()'s) are counted; anything else goes through as it is.
    if (typeof handler.onConnect !== 'function' || typeof handler.onData !== 'function') return handler;
    const done = (): void => {
      this.#abort = null;
    };
    const watched: LegacyHandler = {
      onConnect: (abort, context) => {
        this.#startBytes = this.#wireBytes;
        this.#bodyBytes = 0;
        this.#abort = abort;
        handler.onConnect!(abort, context);
      },
      onHeaders: (...args: never[]) => handler.onHeaders!(...args),
      onData: (chunk) => {
        this.#bodyBytes += chunk.length;
        return handler.onData!(chunk);
      },
      onComplete: (...args: never[]) => {
        done();
        return handler.onComplete?.(...args);
      },
      onError: (err) => {
        done();
        handler.onError?.(err);
      },
    };
    // The optional ones only when there: undici checks for them before calling.
    for (const name of ['onUpgrade', 'onResponseStarted', 'onBodySent', 'onRequestSent'] as const) {
      const callback = handler[name];
      if (callback) watched[name] = (...args: never[]) => callback.apply(handler, args);
    }
    return watched;
  }
}

/** A Client whose responses' framing is bounded (a Pool's `factory`). */
class FramedClient extends ClientClass {
  readonly #meter: FramingMeter;

  constructor(origin: string | URL, options: Client.Options & { connect: buildConnector.connector }, maxBytes: number) {
    const meter = new FramingMeter(maxBytes);
    super(origin, { ...options, connect: meter.connector(options.connect) });
    this.#meter = meter;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return super.dispatch(options, this.#meter.watch(handler as LegacyHandler) as Dispatcher.DispatchHandler);
  }
}

/** A Pool `factory` making clients that bound their responses' framing (tests may lower the bound). */
export function createFramedClient(maxBytes = MAX_FRAMING_BYTES): (origin: string | URL, options: object) => Dispatcher {
  return (origin, options) => new FramedClient(origin, options as Client.Options & { connect: buildConnector.connector }, maxBytes);
}
