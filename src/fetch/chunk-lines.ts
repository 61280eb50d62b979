/**
 * Chunked framing that Chromium and curl read but Node's parser refuses even when lenient,
 * rewritten as plain RFC 9112 framing before Node sees it (on the lenient path, lenient-http.ts):
 *
 * - line ends of bare LF everywhere in the framing: Node's lenient parser reads most of them, but
 *   not the last chunk's `0\n\n` (it waits for more until the close, and the page was lost as
 *   'aborted'). Chromium's HttpChunkedDecoder finds each line by its LF and drops a CR before it;
 *   curl does the same;
 * - a chunk extension with whitespace after its `;` or around its `=` (`5; name=value`), which
 *   RFC 9112 section 7.1.1 allows (BWS) and Node refuses outright ("Invalid character in chunk
 *   extensions"). Chromium cuts the line at the `;`; nothing reads extensions, so they are dropped.
 *
 * What Node's lenient parser already reads (spaces or tabs after the size or before the `;`) is
 * read the same way here. A size line that is no hex number, or framing that goes wrong later, is
 * passed on from there as it came, for the parser to refuse as before. Trailer fields are dropped:
 * nothing in crawlite reads them, and their lines are where `0\n\n` went wrong.
 */

import { FetchError } from '../errors.js';
import { formatBinaryBytes } from '../format-numbers.js';

/** Longest trailer section held while looking for its end. */
const MAX_LINE_BYTES = 8 * 1024;

/**
 * Longest chunk-size line, extensions and all, as Chromium's (HttpChunkedDecoder's
 * kMaxLineBufLen): past it the response fails. Node's lenient parser reads spaces after a size,
 * or leading zeros, without end, and such a line kept the fetch reading until --timeout.
 */
export const MAX_SIZE_LINE_BYTES = 16 * 1024;

/** A chunk-size line as Chromium reads it (`^\X+[ ]*$` before any `;`), tabs too, as Node and curl read them. */
const SIZE_LINE = /^([0-9A-Fa-f]{1,12})[ \t]*(?:;.*)?$/s;

const CRLF = Buffer.from('\r\n', 'latin1');

type State = 'size' | 'data' | 'data-end' | 'trailers' | 'raw';

/**
 * A function that takes the body bytes of a chunked response as they arrive (after its head) and
 * returns the bytes to hand to the parser in their place. It throws a FetchError for a chunk-size
 * line over MAX_SIZE_LINE_BYTES.
 */
export function createChunkReframer(): (bytes: Buffer) => Buffer {
  let state: State = 'size';
  let line = '';
  let remaining = 0;
  /** In 'data-end': a CR has been read, its LF not yet. */
  let hasCr = false;
  /** In 'trailers': the current line has no byte besides a CR yet. */
  let isLineEmpty = true;
  /** In 'trailers': bytes of trailer lines read, none of them kept. */
  let trailerBytes = 0;

  return (bytes) => {
    const out: Buffer[] = [];
    let at = 0;
    const passRaw = (from: number, prefix: string): void => {
      state = 'raw';
      out.push(Buffer.from(prefix, 'latin1'), bytes.subarray(from));
      at = bytes.length;
    };
    while (at < bytes.length) {
      if (state === 'raw') {
        out.push(bytes.subarray(at));
        break;
      }
      if (state === 'data') {
        const take = Math.min(remaining, bytes.length - at);
        out.push(bytes.subarray(at, at + take));
        at += take;
        remaining -= take;
        if (remaining === 0) state = 'data-end';
        continue;
      }
      if (state === 'data-end') {
        const byte = bytes[at]!;
        if (byte === 0x0d && !hasCr) {
          hasCr = true;
          at++;
        } else if (byte === 0x0a) {
          hasCr = false;
          at++;
          out.push(CRLF);
          state = 'size';
        } else {
          passRaw(at, hasCr ? '\r' : '');
        }
        continue;
      }
      if (state === 'size') {
        const lf = bytes.indexOf(0x0a, at);
        const end = lf === -1 ? bytes.length : lf;
        if (line.length + (end - at) > MAX_SIZE_LINE_BYTES) {
          throw new FetchError('CRAWL_FETCH_TOO_LARGE', `response too large outside its body: a chunk-size line (with its extensions) longer than ${formatBinaryBytes(MAX_SIZE_LINE_BYTES)}, which browsers refuse too`);
        }
        line += bytes.toString('latin1', at, end);
        at = end;
        if (lf === -1) continue;
        at++;
        const match = SIZE_LINE.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
        if (match === null) {
          passRaw(at, `${line}\n`);
          continue;
        }
        line = '';
        remaining = parseInt(match[1]!, 16);
        out.push(Buffer.from(`${remaining.toString(16)}\r\n`, 'latin1'));
        state = remaining === 0 ? 'trailers' : 'data';
        isLineEmpty = true;
        continue;
      }
      // 'trailers': lines up to an empty one (LF or CRLF), then the message is whole.
      const lf = bytes.indexOf(0x0a, at);
      const end = lf === -1 ? bytes.length : lf;
      for (let i = at; i < end; i++) if (bytes[i] !== 0x0d) isLineEmpty = false;
      trailerBytes += end - at;
      at = end;
      if (trailerBytes > MAX_LINE_BYTES) {
        // Ended here: what follows is past the message, which the lenient path ignores.
        passRaw(at, '\r\n');
        continue;
      }
      if (lf === -1) continue;
      at++;
      if (isLineEmpty) {
        out.push(CRLF);
        passRaw(at, '');
      }
      isLineEmpty = true;
    }
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  };
}

/** The head's Transfer-Encoding ends in `chunked`: its body is framed in chunks (RFC 9112 section 6.3). */
export function isChunkedHead(head: string): boolean {
  let last = '';
  for (const line of head.split('\n')) {
    const match = /^transfer-encoding[ \t]*:(.*)$/i.exec(line.replace(/\r$/, ''));
    if (match === null) continue;
    const codings = match[1]!.split(',').map((c) => c.trim()).filter((c) => c !== '');
    if (codings.length > 0) last = codings[codings.length - 1]!.toLowerCase();
  }
  return last === 'chunked';
}
