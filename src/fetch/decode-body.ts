/**
 * Reads a response body, removes its Content-Encoding and stops at a cap on the DECODED size.
 * The cap is on decoded bytes because that is what costs memory: a 10 KB gzip bomb inflates to
 * 10 MB. zlib streams honour back-pressure between output chunks (Node's zlib.js processCallback
 * stops when push() returns false), so with the reader below pulling one chunk at a time, no more
 * than the cap plus about one 16 KiB zlib chunk is ever inflated.
 */
import { pipeline, Transform, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { FetchError } from '../errors.js';
import { BodySink } from './body-sink.js';
import { decodeChecked, type CutMark } from './decode-checked.js';
import { gunzipMembers } from './gunzip-members.js';

export interface DecodedBody {
  /** Decoded bytes, at most maxBodyBytes; owns its whole ArrayBuffer so it can be transferred. */
  body: Uint8Array;
  /** True when there was more decoded data than maxBodyBytes, or the compressed stream ended early. */
  isTruncated: boolean;
  /** Bytes read from the wire, before decoding. */
  wireBytes: number;
  /** A content-coding we cannot remove; the body is then the bytes as received. null otherwise. */
  unknownEncoding: string | null;
  /** With shouldKeepWire, the body as received when a content-coding was removed (cut where reading stopped). */
  wire?: Uint8Array;
}

/**
 * Most content-codings peeled off one body, as curl allows (CVE-2022-32206): no server stacks
 * more than two, and each layer costs a decoder and an async stage. 2,000 layers of gzip
 * (50 KB on the wire) overflowed the stack and wrote V8's trace to stderr.
 */
export const MAX_CODINGS = 5;

type Stage = (source: AsyncIterable<Buffer>) => AsyncIterable<Buffer>;

// @types/node's variadic pipeline() lists streams only, but Node accepts async generator functions
// at any stage and returns a readable stream for the last one.
const pipe = pipeline as unknown as (stages: readonly unknown[], done: (err: Error | null) => void) => Readable;

// Every write is flushed, so each chunk's output can be read before the next (decode-checked.ts).
const ZLIB_OPTIONS: zlib.ZlibOptions = {
  flush: zlib.constants.Z_SYNC_FLUSH,
  finishFlush: zlib.constants.Z_SYNC_FLUSH,
};
const BROTLI_OPTIONS: zlib.BrotliOptions = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

/**
 * zstd (RFC 8878), removed when the running Node's zlib has it (Node 22.15 and later; Node 20 has
 * none, and a zstd body stays CRAWL_FETCH_ENCODING there). Only then is it in Accept-Encoding
 * (ACCEPT_ENCODING). @types/node for Node 20 does not know it, hence the lookup by name.
 */
const createZstdDecompress = (zlib as unknown as { createZstdDecompress?: (options: object) => zlib.BrotliDecompress }).createZstdDecompress;
const ZSTD = (zlib.constants as unknown as Record<string, number | undefined>);
export const CAN_DECODE_ZSTD = typeof createZstdDecompress === 'function' && ZSTD.ZSTD_e_end !== undefined && ZSTD.ZSTD_d_windowLogMax !== undefined;

/** What the fetcher asks for: the codings decodeBody removes. */
export const ACCEPT_ENCODING = CAN_DECODE_ZSTD ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br';

/**
 * A zstd decoder whose window is at most 8 MiB, the limit RFC 9659 sets for the zstd
 * Content-Encoding (Chromium's too): a frame asking for more is refused rather than given the
 * decoder's default 128 MiB, which a hostile server could ask of every request in flight.
 */
function zstdEngine(): zlib.BrotliDecompress {
  return createZstdDecompress!({ params: { [ZSTD.ZSTD_d_windowLogMax!]: 23 } });
}

/** RFC 1950 header: compression method 8 in the low nibble, and CMF*256+FLG a multiple of 31. */
function isZlibHeader(head: Buffer): boolean {
  const cmf = head[0] ?? 0;
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7) return false;
  const flg = head[1];
  return flg === undefined || ((cmf << 8) | flg) % 31 === 0;
}

/**
 * "deflate" is meant to be zlib-wrapped (RFC 9110 section 8.4.1.2), but some servers send raw
 * deflate and browsers accept both; the first two bytes tell them apart.
 */
async function* inflateEither(source: AsyncIterable<Buffer>, mark: CutMark): AsyncGenerator<Buffer> {
  const upstream = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await upstream.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  if (head.length === 0) return;
  const inflate = isZlibHeader(head) ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS);
  async function* replay(): AsyncGenerator<Buffer> {
    yield head;
    yield* { [Symbol.asyncIterator]: () => upstream };
  }
  yield* decodeChecked(replay(), inflate, zlib.constants.Z_FINISH, mark);
}

function createDecoder(coding: string, mark: CutMark): Stage | null {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return (source) => gunzipMembers(source, mark, ZLIB_OPTIONS);
    case 'deflate':
    case 'x-deflate': // no registered alias (x-gzip is, RFC 9110 section 8.4.1.3), but old servers send it
      return (source) => inflateEither(source, mark);
    case 'br':
      return (source) => decodeChecked(source, zlib.createBrotliDecompress(BROTLI_OPTIONS), zlib.constants.BROTLI_OPERATION_FINISH, mark);
    case 'zstd':
      // Node's zstd decoder ends a cut stream quietly: such a body is kept as far as it goes but
      // not marked truncated, as a cut gzip or brotli body is.
      return CAN_DECODE_ZSTD ? (source) => decodeChecked(source, zstdEngine(), ZSTD.ZSTD_e_end!, mark) : null;
    default:
      return null;
  }
}

/** Words servers put in Content-Encoding that name no compression (a mail transfer encoding, nothing). */
const NOT_CODINGS: ReadonlySet<string> = new Set(['identity', 'none', 'binary', '7bit', '8bit']);

/**
 * Whether a listed content-coding is one that leaves the bytes as they are. Besides `identity`,
 * what misconfigured servers send: a charset (PHP's `header('Content-Encoding: UTF-8')`, meant
 * for Content-Type), `none`, `binary`, `8bit`. Browsers read such a body as it is; kept as an
 * unknown coding, the page and its links were lost. A real coding we cannot remove (zstd,
 * compress) is no charset name and stays unknown, so its bytes are never parsed as HTML.
 */
function isNoCoding(coding: string): boolean {
  if (NOT_CODINGS.has(coding)) return true;
  // The codings we remove: answered without the cost of a TextDecoder that throws.
  if (coding === 'gzip' || coding === 'br' || coding === 'deflate' || coding === 'x-gzip' || coding === 'x-deflate') return false;
  try {
    new TextDecoder(coding);
    return true;
  } catch {
    return false; // not a WHATWG encoding label either: an unknown coding
  }
}

/** zlib reports Z_DATA_ERROR and friends; brotli its decoder error names prefixed "ERR_"; zstd "ZSTD_error_". */
function isCodecError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__ERROR_') || code.startsWith('ERR_BROTLI') || code.startsWith('ZSTD_error_'));
}

/**
 * Reads `source` (an undici body) to the end or to `maxBodyBytes` decoded bytes, whichever comes
 * first, and destroys it when stopping early so undici drops the connection instead of reading on.
 * Errors from the source (abort, timeout, socket) are rethrown as they are; corrupt compressed
 * data becomes FetchError CRAWL_FETCH_DECODE.
 */
export async function decodeBody(
  source: Readable,
  contentEncoding: string | undefined,
  maxBodyBytes: number,
  opts: {
    shouldKeepWire?: boolean;
    onDecoded?: (chunk: Buffer) => void;
    /** The Content-Length, held to the cap (body-sink.ts expectedLength): the body is read into one buffer of that size when no coding is removed. */
    expectedBytes?: number | null;
    /** Told of each chunk kept; while what it returns is pending, no more is read (body-budget.ts). */
    pace?: Pace;
    /** Told of each chunk's size as it comes off the wire, before any coding is removed (body-idle.ts). */
    onRead?: (bytes: number) => void;
  } = {},
): Promise<DecodedBody> {
  // Codings are listed in the order they were applied, so they come off in reverse.
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && !isNoCoding(c))
    .reverse();
  if (codings.length > MAX_CODINGS) {
    // Unread: dropping the connection makes undici's body emit an abort error nobody awaits.
    source.on('error', () => {}).destroy();
    throw new FetchError('CRAWL_FETCH_DECODE', `cannot decode a body of ${codings.length} stacked content-codings (more than ${MAX_CODINGS})`);
  }
  const mark: CutMark = { isCut: false };
  const decoders = codings.map((coding) => createDecoder(coding, mark));
  const unknownIndex = decoders.indexOf(null);
  const unknownEncoding = unknownIndex === -1 ? null : (codings[unknownIndex] ?? null);

  // An unknown coding anywhere means we cannot peel any layer correctly: keep the raw bytes.
  const stages = unknownEncoding === null ? (decoders as Stage[]) : [];
  // The announced length is of the bytes as sent: it is the body's only when none is removed.
  const read = stages.length === 0
    ? await readCapped(source, maxBodyBytes, source, opts.onDecoded, opts.pace, opts.expectedBytes ?? null, opts.onRead)
    : await readDecoded(source, stages, maxBodyBytes, contentEncoding, opts.shouldKeepWire === true, opts.onDecoded, opts.pace, opts.onRead);

  // Not Buffer.concat: small Buffers are slices of a shared pool, and the parse pool transfers
  // this ArrayBuffer to a worker, which needs it whole and unshared (BodySink).
  const body = read.body.take();
  const wireBytes = read.wireBytes ?? read.readBytes;
  const result: DecodedBody = { body, isTruncated: read.isTruncated || mark.isCut, wireBytes, unknownEncoding };
  if (read.wire) result.wire = new Uint8Array(Buffer.concat(read.wire));
  return result;
}

/**
 * See decodeBody's `pace`: told of bytes read (`add`) or about to be allocated at once (`reserve`),
 * it returns a promise to await before going on when the budget is spent.
 */
export interface Pace {
  reserve(bytes: number): Promise<void> | null;
  add(bytes: number): Promise<void> | null;
}

interface CappedRead {
  /** The bytes kept, at most the cap. */
  body: BodySink;
  /** Bytes taken from the iterable, including the part of the last chunk beyond the cap. */
  readBytes: number;
  isTruncated: boolean;
  /** Set when the iterable was a decoder: the bytes it read from the wire. */
  wireBytes?: number;
  wire?: Buffer[];
}

/**
 * Collects chunks up to `maxBodyBytes`. Leaving the loop early destroys `source` (and, for a
 * pipeline, every stage), so undici drops the connection instead of reading on; `toDestroy` is
 * destroyed too, which covers a source that ignores its downstream closing.
 */
async function readCapped(
  source: AsyncIterable<Buffer>, maxBodyBytes: number, toDestroy: Readable | null, onDecoded?: (chunk: Buffer) => void,
  pace?: Pace, expectedBytes: number | null = null, onRead?: (bytes: number) => void,
): Promise<CappedRead> {
  let readBytes = 0;
  let isTruncated = false;
  /** Bytes told to `pace` so far: a body of announced length is told whole, before its buffer is made. */
  let paced = 0;
  if (pace && expectedBytes !== null && expectedBytes > 0) {
    // Held back here, nothing is allocated for it yet: the buffer comes once there is room.
    const wait = pace.reserve(expectedBytes);
    if (wait) await wait;
    paced = expectedBytes;
  }
  const body = new BodySink(expectedBytes);
  try {
    for await (const chunk of source) {
      readBytes += chunk.length;
      onRead?.(chunk.length);
      onDecoded?.(chunk);
      const room = maxBodyBytes - body.total;
      if (chunk.length > room) {
        if (room > 0) body.push(chunk.subarray(0, room));
        isTruncated = true;
        break;
      }
      body.push(chunk);
      if (pace && body.total > paced) {
        // Held back here, the source is not read: its stream fills and stops reading the socket.
        const wait = pace.add(body.total - paced);
        paced = body.total;
        if (wait) await wait;
      }
    }
  } finally {
    if (isTruncated) toDestroy?.destroy();
  }
  return { body, readBytes, isTruncated };
}

/**
 * Through the decoders. pipeline() costs an AbortController and a DOMException per call (Node
 * aborts its internal controller when the pipeline ends), which is why an identity-coded body,
 * the common case, is read directly instead.
 */
async function readDecoded(
  source: Readable, stages: Stage[], maxBodyBytes: number, contentEncoding: string | undefined, shouldKeepWire: boolean,
  onDecoded: ((chunk: Buffer) => void) | undefined, pace: Pace | undefined, onRead?: (bytes: number) => void,
): Promise<CappedRead> {
  let wireBytes = 0;
  // --archive: the bytes as received, kept only when decoding changes them.
  const wire: Buffer[] | null = shouldKeepWire ? [] : null;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      wireBytes += chunk.length;
      onRead?.(chunk.length);
      wire?.push(chunk);
      done(null, chunk);
    },
  });
  // Errors arrive through the for-await in readCapped; the callback only has to exist.
  const decoded = pipe([source, counter, ...stages], () => {});
  try {
    const read = await readCapped(decoded as AsyncIterable<Buffer>, maxBodyBytes, source, onDecoded, pace);
    return { ...read, wireBytes, ...(wire ? { wire } : {}) };
  } catch (err) {
    if (!isCodecError(err)) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new FetchError('CRAWL_FETCH_DECODE', `cannot decode "${contentEncoding}" body: ${detail}`, { cause: err });
  }
}
