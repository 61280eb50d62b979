/**
 * The gzip content-coding read as browsers and curl read it: members one after another (RFC 1952
 * section 2.2), and bytes after the last whole member that do not start another one ignored. PHP
 * and some proxies append "\r\n" to a gzip'd body; Node's Gunzip takes any byte after a member but
 * 0x00 as the start of another and fails on it ("incorrect header check"), and a lone "\n" left it
 * waiting for a header, so the page was marked truncated.
 *
 * So the member framing is done here, and only each member's deflate data goes to an engine
 * (InflateRaw, through decodeChecked, so a member cut short still marks the body cut). An
 * InflateRaw stops taking input where its stream ends, and its bytesWritten then says where the
 * trailer starts. The trailer's CRC-32 and length are checked as Gunzip checks them.
 */
import zlib from 'node:zlib';
import { decodeChecked, type CutMark } from './decode-checked.js';

/** At most this much after the last member is read and dropped, so the connection can be reused. */
const MAX_TRAILING_BYTES = 64 * 1024;

/**
 * A member header longer than this is taken as corrupt. FNAME and FCOMMENT end only at a 0 byte,
 * so without a cap a server sending one that never ends held the fetch to --timeout, the header
 * buffered whole whatever --max-bytes said (QA: 4 such URLs, 63 s and 419 MB). Real names,
 * comments and extra fields are a few dozen bytes.
 */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * A body of more members than this is cut after them, as --max-bytes cuts one: each member costs
 * an engine (some 0.1 ms), so 20 MB of empty 20-byte members took minutes while decoding to
 * nothing. Writers that start a member per flush make dozens, not thousands.
 */
const MAX_MEMBERS = 10_000;

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const FRESERVED = 0xe0;

/** Shaped as zlib's own errors, so decode-body.ts maps it to CRAWL_FETCH_DECODE like them. */
class GzipFormatError extends Error {
  readonly code = 'Z_DATA_ERROR';
}

/** A zlib data error (or ours, shaped as one): corrupt input, not a failed source. */
function isCorrupt(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'Z_DATA_ERROR' || code === 'Z_NEED_DICT';
}

/**
 * The length of the member header at the start of `buf`, null when `buf` ends inside it, or
 * 'bad' when it is not a gzip header (wrong magic, method or reserved flags).
 */
function headerLength(buf: Buffer): number | null | 'bad' {
  const fixed = [0x1f, 0x8b, 0x08];
  for (let i = 0; i < fixed.length; i++) {
    if (i >= buf.length) return null;
    if (buf[i] !== fixed[i]) return 'bad';
  }
  if (buf.length < 10) return null;
  const flags = buf[3]!;
  if (flags & FRESERVED) return 'bad';
  let at = 10;
  if (flags & FEXTRA) {
    if (buf.length < at + 2) return null;
    at += 2 + buf.readUInt16LE(at);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const end = buf.indexOf(0, at);
    if (end === -1) return null;
    at = end + 1;
  }
  if (flags & FHCRC) at += 2;
  return buf.length < at ? null : at;
}

/**
 * Decodes a gzip body: see above. A corrupt first member throws (code Z_DATA_ERROR); an early end,
 * or a corrupt member after a whole one, sets `mark.isCut`.
 */
export async function* gunzipMembers(source: AsyncIterable<Buffer>, mark: CutMark, options: zlib.ZlibOptions): AsyncGenerator<Buffer> {
  const upstream = source[Symbol.asyncIterator]();
  let pending: Buffer = Buffer.alloc(0);
  let isSourceDone = false;
  /** Set when this decoder, not its consumer or an error, ends the body before the source ends. */
  let isWhole = false;

  /** Reads on until `pending` holds at least `n` bytes or the source ends; true when it does. */
  async function fill(n: number): Promise<boolean> {
    // Chunks are joined once per call, not once per chunk, which was quadratic in the bytes read.
    const chunks = [pending];
    let length = pending.length;
    while (length < n && !isSourceDone) {
      const next = await upstream.next();
      if (next.done) isSourceDone = true;
      else {
        chunks.push(next.value);
        length += next.value.length;
      }
    }
    if (chunks.length > 1) pending = chunks[0]!.length === 0 && chunks.length === 2 ? chunks[1]! : Buffer.concat(chunks, length);
    return pending.length >= n;
  }

  try {
    for (let member = 0; ; member++) {
      let header = headerLength(pending);
      while (header === null && !isSourceDone) {
        if (pending.length > MAX_HEADER_BYTES) throw new GzipFormatError('gzip member header too long');
        // Twice what is held, so a header dripped in small chunks is joined and rescanned a
        // logarithmic number of times, not once per chunk; never much past the cap.
        await fill(Math.min(Math.max(2 * pending.length, pending.length + 1), MAX_HEADER_BYTES + 1));
        header = headerLength(pending);
      }
      // An empty body is no stream at all (decode-checked.ts says why), and after a whole member
      // the end of the body is the ordinary end.
      if (pending.length === 0 && isSourceDone) return;
      if (header === 'bad') {
        if (member === 0) throw new GzipFormatError('incorrect header check');
        // Bytes after a whole member that start no other: ignored, as browsers and curl do.
        await drain();
        isWhole = true;
        return;
      }
      if (header === null) {
        mark.isCut = true; // a header cut short, of the first member or a later one
        return;
      }
      if (member === MAX_MEMBERS) {
        mark.isCut = true;
        isWhole = true;
        return;
      }

      const engine = zlib.createInflateRaw(options);
      let crc = 0;
      let size = 0;
      let rest: Buffer | null = null;
      const first = pending.subarray(header);
      pending = Buffer.alloc(0);
      async function* input(): AsyncGenerator<Buffer> {
        let fed = 0;
        let chunk = first;
        for (;;) {
          if (chunk.length > 0) {
            // decodeChecked asks for the next chunk only once this one's write has completed.
            yield chunk;
            fed += chunk.length;
            // The engine took less than it was given: its stream ended inside this chunk.
            const unread = fed - engine.bytesWritten;
            if (unread > 0) {
              rest = chunk.subarray(chunk.length - unread);
              return;
            }
          }
          const next = await upstream.next();
          if (next.done) {
            isSourceDone = true;
            return;
          }
          chunk = next.value;
        }
      }
      try {
        for await (const out of decodeChecked(input(), engine, zlib.constants.Z_FINISH, mark)) {
          crc = zlib.crc32(out, crc);
          size += out.length;
          yield out;
        }
      } catch (err) {
        if (member === 0 || !isCorrupt(err)) throw err;
        // A later member that is corrupt (a second gzip header some output buffers write over a
        // whole body, then garbage): the whole members before it are the page, as Chromium,
        // which reads no member past the first, shows it; kept and marked cut, not failed.
        mark.isCut = true;
        mark.isCorrupt = true;
        isWhole = true;
        return;
      }
      if (rest === null) {
        // The source ended inside the deflate data (decodeChecked has marked it) or right at its
        // end, before the trailer.
        mark.isCut = true;
        return;
      }
      pending = rest;
      if (!(await fill(8))) {
        mark.isCut = true;
        return;
      }
      const trailerError = pending.readUInt32LE(0) !== crc >>> 0 ? 'incorrect data check'
        : pending.readUInt32LE(4) !== size % 2 ** 32 ? 'incorrect length check' : null;
      if (trailerError !== null) {
        if (member === 0) throw new GzipFormatError(trailerError);
        mark.isCut = true; // as a corrupt later member, above
        mark.isCorrupt = true;
        isWhole = true;
        return;
      }
      pending = pending.subarray(8);
    }
  } finally {
    // Stopped early (the cap reached, an error): the source is let go, which drops the connection.
    // Letting go destroys the stream before this one in the pipeline, which fails the pipeline
    // with an AbortError; when the body ended here by choice (a long tail, the member cap) that is
    // done once this generator's end has reached the consumer, which then no longer hears it.
    if (!isSourceDone && isWhole) {
      setImmediate(() => {
        // The AbortError goes to the pipeline's callback; nothing is left to await this.
        upstream.return?.().catch(() => {});
      });
    } else if (!isSourceDone) await upstream.return?.();
  }

  /** Reads what is left up to MAX_TRAILING_BYTES, so a short tail leaves the connection reusable. */
  async function drain(): Promise<void> {
    let dropped = pending.length;
    pending = Buffer.alloc(0);
    while (!isSourceDone && dropped <= MAX_TRAILING_BYTES) {
      const next = await upstream.next();
      if (next.done) isSourceDone = true;
      else dropped += next.value.length;
    }
  }
}
