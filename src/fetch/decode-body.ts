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

export interface DecodedBody {
  /** Decoded bytes, at most maxBodyBytes; owns its whole ArrayBuffer so it can be transferred. */
  body: Uint8Array;
  /** True when there was more decoded data than maxBodyBytes. */
  isTruncated: boolean;
  /** Bytes read from the wire, before decoding. */
  wireBytes: number;
  /** A content-coding we cannot remove; the body is then the bytes as received. null otherwise. */
  unknownEncoding: string | null;
  /** With shouldKeepWire, the body as received when a content-coding was removed (cut where reading stopped). */
  wire?: Uint8Array;
}

type Stage = NodeJS.ReadWriteStream | ((source: AsyncIterable<Buffer>) => AsyncIterable<Buffer>);

// @types/node's variadic pipeline() lists streams only, but Node accepts async generator functions
// at any stage and returns a readable stream for the last one.
const pipe = pipeline as unknown as (stages: readonly unknown[], done: (err: Error | null) => void) => Readable;

// Like browsers and undici's fetch(), accept a compressed stream that ends without its trailer:
// the bytes before the cut are real content. Data that is corrupt still fails.
const ZLIB_OPTIONS: zlib.ZlibOptions = {
  flush: zlib.constants.Z_SYNC_FLUSH,
  finishFlush: zlib.constants.Z_SYNC_FLUSH,
};
const BROTLI_OPTIONS: zlib.BrotliOptions = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

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
async function* inflateEither(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
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
  // Errors and early stops travel through the iteration; the callback only has to exist.
  yield* pipeline(replay(), inflate, () => {}) as AsyncIterable<Buffer>;
}

function createDecoder(coding: string): Stage | null {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(ZLIB_OPTIONS);
    case 'deflate':
      return inflateEither;
    case 'br':
      return zlib.createBrotliDecompress(BROTLI_OPTIONS);
    default:
      return null;
  }
}

/** zlib reports Z_DATA_ERROR and friends; brotli its decoder error names prefixed "ERR_". */
function isCodecError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__ERROR_') || code.startsWith('ERR_BROTLI'));
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
  opts: { shouldKeepWire?: boolean } = {},
): Promise<DecodedBody> {
  // Codings are listed in the order they were applied, so they come off in reverse.
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity')
    .reverse();
  const decoders = codings.map(createDecoder);
  const unknownIndex = decoders.indexOf(null);
  const unknownEncoding = unknownIndex === -1 ? null : (codings[unknownIndex] ?? null);

  let wireBytes = 0;
  // --archive: the bytes as received, kept only when decoding changes them.
  const wire: Buffer[] | null = opts.shouldKeepWire && unknownEncoding === null && decoders.length > 0 ? [] : null;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      wireBytes += chunk.length;
      wire?.push(chunk);
      done(null, chunk);
    },
  });
  // An unknown coding anywhere means we cannot peel any layer correctly: keep the raw bytes.
  const stages = unknownEncoding === null ? decoders : [];
  // Errors arrive through the for-await below; the callback only has to exist.
  const decoded = pipe([source, counter, ...stages], () => {});

  const chunks: Buffer[] = [];
  let total = 0;
  let isTruncated = false;
  try {
    for await (const chunk of decoded as AsyncIterable<Buffer>) {
      const room = maxBodyBytes - total;
      if (chunk.length > room) {
        if (room > 0) chunks.push(chunk.subarray(0, room));
        total += Math.max(0, room);
        isTruncated = true;
        break; // leaving the loop destroys the pipeline, and with it the source
      }
      chunks.push(chunk);
      total += chunk.length;
    }
  } catch (err) {
    if (!isCodecError(err)) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new FetchError('CRAWL_FETCH_DECODE', `cannot decode "${contentEncoding}" body: ${detail}`, { cause: err });
  } finally {
    // pipeline() already destroys every stage on an early stop; doing it here too makes the
    // socket's fate obvious and covers a source that ignores its downstream closing.
    if (isTruncated) source.destroy();
  }

  // A fresh Uint8Array rather than Buffer.concat: small Buffers are slices of a shared pool, and
  // the parse pool transfers this ArrayBuffer to a worker, which needs it whole and unshared.
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  const result: DecodedBody = { body, isTruncated, wireBytes, unknownEncoding };
  if (wire !== null) result.wire = new Uint8Array(Buffer.concat(wire));
  return result;
}
