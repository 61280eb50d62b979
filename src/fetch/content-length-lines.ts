/**
 * A Content-Length written more than once with one value (two `Content-Length: 5` lines, the list
 * `5, 5`, a value padded with a tab): Chromium (HttpStreamParser), Firefox and curl read it as the
 * one length it agrees on, since servers send it so (a script's length beside its server's). Node's
 * parser refuses it even when lenient ("Duplicate Content-Length"), so on the lenient path
 * (lenient-http.ts) the response head is given one `Content-Length` line before Node reads it.
 * Lengths that disagree are left for the parser to refuse, as browsers refuse them: that is the
 * response-splitting case RFC 9112 section 6.3 warns about.
 */
import type { Socket } from 'node:net';
import { FetchError } from '../errors.js';
import { formatBinaryBytes } from '../format-numbers.js';
import { MAX_HEADER_BYTES } from './dispatcher.js';
import { createChunkReframer, isChunkedHead } from './chunk-lines.js';
import { repairHeaderLines } from './header-lines.js';
import { repairStatusLine } from './status-line.js';

const CONTENT_LENGTH_LINE = /^content-length[ \t]*:(.*)$/i;

/**
 * `head` (status line and header lines with their line endings, latin1, without the blank line)
 * with its Content-Length lines made one, when they are not one plain line already and all their
 * values agree; null when there is nothing to change or the values disagree.
 */
export function mergeContentLengths(head: string): string | null {
  const lines = head.split('\n');
  const at: number[] = [];
  const values: string[] = [];
  let isPlain = true;
  for (let i = 1; i < lines.length; i++) {
    const match = CONTENT_LENGTH_LINE.exec(lines[i]!.replace(/\r$/, ''));
    if (match === null) continue;
    at.push(i);
    if (!/^ ?\d+$/.test(match[1]!)) isPlain = false;
    for (const value of match[1]!.split(',')) values.push(value.trim());
  }
  if (at.length === 0 || (at.length === 1 && isPlain)) return null;
  const length = values[0]!;
  if (!/^\d+$/.test(length) || values.some((value) => value !== length)) return null;
  const first = at[0]!;
  lines[first] = `Content-Length: ${length}${lines[first]!.endsWith('\r') ? '\r' : ''}`;
  // A Set, not at.includes(): a head of thousands of Content-Length lines cost their count squared.
  const dropped = new Set(at);
  return lines.filter((_, i) => i === first || !dropped.has(i)).join('\n');
}

/**
 * Where in `bytes` the first HEAD_END of `tail + bytes` ends (a byte offset), or bytes.length when
 * there is none: found with indexOf over the bytes, without decoding them.
 */
function headEndIn(tail: string, bytes: Buffer): number {
  const edge = HEAD_END.exec(tail + bytes.toString('latin1', 0, 2));
  if (edge !== null) return Math.max(0, edge.index + edge[0].length - tail.length);
  for (let lf = bytes.indexOf(0x0a); lf !== -1; lf = bytes.indexOf(0x0a, lf + 1)) {
    if (bytes[lf + 1] === 0x0a) return lf + 2;
    if (bytes[lf + 1] === 0x0d && bytes[lf + 2] === 0x0a) return lf + 3;
  }
  return bytes.length;
}

/** A head's end: the line break that ends its last line, then the blank line (CRLF or bare LF, mixed). */
const HEAD_END = /\n\r?\n/;

/** A CR not followed by LF: no line break HTTP knows, nor a byte a field may hold. */
const BARE_CR = /\r[^\n]/;

/**
 * The failure of a head with a CR not followed by LF. Node's parser refuses it too, but while its
 * head has no LF this hold never found its end and passed nothing on: a server writing its lines
 * ended by CR alone (old classic Mac OS servers, hand-written ones) held the fetch to --timeout,
 * each retry again, then failed as a timeout. Chromium and curl do not read such lines either
 * (curl waits for an LF that never comes, Chromium takes the whole as one status line).
 * `isStatusLineEnd`: the CR is the first line break of the head, its status line's.
 */
function bareCrError(isStatusLineEnd: boolean): FetchError {
  const what = isStatusLineEnd
    ? 'its lines end in a CR alone, without the LF of HTTP line breaks, which browsers and curl do not read either'
    : 'a CR without LF in its header lines, which HTTP parsers refuse';
  return new FetchError('CRAWL_FETCH_PROTOCOL', `malformed response: ${what}`, { retryable: true });
}

/**
 * Rewrites the response heads arriving on `socket` by repairStatusLine (status-line.ts), and the
 * final one by repairHeaderLines (header-lines.ts) and mergeContentLengths, before Node's parser
 * sees it: the socket's push() (which its handle's reads go through) holds bytes until a head is whole, passes interim 1xx heads on as they are, and after the final head steps aside,
 * but for a chunked body, whose framing goes through createChunkReframer (chunk-lines.ts).
 * Each chunk is searched once (with the two bytes before it), so a head dripped byte by byte
 * costs linear time. For one-request connections (the lenient path's), whose first final head is
 * the only one.
 */
export function mergeContentLengthsOn(socket: Socket): void {
  const push = socket.push.bind(socket);
  let held: Buffer[] | null = [];
  let heldBytes = 0;
  /** The last two bytes held, as latin1: a head's end may straddle two chunks. */
  let tail = '';
  let reframe: ((bytes: Buffer) => Buffer) | null = null;

  /** The reframed body bytes, or null once the reframer refused them (the socket is then destroyed with its error). */
  const reframed = (bytes: Buffer): Buffer | null => {
    try {
      return reframe!(bytes);
    } catch (err) {
      // A chunk-size line without end (chunk-lines.ts): the request fails with its error.
      socket.destroy(err as Error);
      return null;
    }
  };

  const release = (bytes: Buffer | null): void => {
    const rest = held ?? [];
    held = null;
    if (heldBytes > 0 || bytes !== null) push(Buffer.concat(bytes === null ? rest : [...rest, bytes]));
  };

  /** The current head has had a line feed: a bare CR after it is no status line's end. */
  let hasLineFeed = false;
  /** Blank lines read before the current head, none of them passed on. */
  let blankBytes = 0;

  /**
   * `bytes` after any interim heads at their start: a loop, not a call per head, and each head's
   * bytes read once. Calling itself on the rest, and copying and decoding all of the rest for each
   * head, a server's string of `100 Continue` heads (14 bytes each) cost the main thread their
   * count squared, and past some 10,000 in one read overflowed the stack (bench/fuzz-21.mjs).
   */
  const take = (input: Buffer): boolean => {
    let bytes = input;
    for (;;) {
      const more = takeHead(bytes);
      if (more === null) return true;
      if (typeof more === 'boolean') return more;
      bytes = more;
    }
  };

  /** One head's worth of `bytes`: true or false as push() answers, null when all were taken, or the bytes after an interim head. */
  const takeHead = (bytes: Buffer): boolean | Buffer | null => {
    if (heldBytes === 0) {
      // Blank lines before a status line, which Node's parser skips without any limit: a server
      // sending them without end held the fetch to --timeout, each retry again (undici's path
      // bounds them with the rest of the head, framing-bytes.ts). They are dropped here, counted
      // as part of the head.
      let at = 0;
      while (at < bytes.length && (bytes[at] === 0x0d || bytes[at] === 0x0a)) at++;
      blankBytes += at;
      if (blankBytes > MAX_HEADER_BYTES) {
        socket.destroy(new FetchError('CRAWL_FETCH_TOO_LARGE', `response too large outside its body: more than ${formatBinaryBytes(MAX_HEADER_BYTES)} of blank lines before its status line`));
        return false;
      }
      if (at === bytes.length) return null;
      bytes = bytes.subarray(at);
    }
    blankBytes = 0;
    // Decoded up to the head's end (headEndIn), not the whole read: the rest may be more heads.
    const cut = headEndIn(tail, bytes);
    let text = bytes.toString('latin1', 0, cut);
    let match = HEAD_END.exec(tail + text);
    if (match === null && cut < bytes.length) {
      text = bytes.toString('latin1');
      match = HEAD_END.exec(tail + text);
    }
    // Only the bytes of the head, and a CR whose next byte has come.
    const bareCr = BARE_CR.exec(match === null ? tail + text : (tail + text).slice(0, match.index));
    if (bareCr !== null) {
      socket.destroy(bareCrError(!hasLineFeed && !(tail + text).slice(0, bareCr.index).includes('\n')));
      return false;
    }
    hasLineFeed ||= text.includes('\n');
    if (match === null) {
      held!.push(bytes);
      heldBytes += bytes.length;
      tail = (tail + text.slice(-2)).slice(-2);
      // Past what a head may be: the parser refuses it as it would have.
      if (heldBytes > MAX_HEADER_BYTES) release(null);
      return null;
    }
    const whole = held!.length === 0 ? bytes : Buffer.concat([...held!, bytes]);
    const linesEnd = heldBytes - tail.length + match.index + 1;
    const end = heldBytes - tail.length + match.index + match[0].length;
    const original = whole.toString('latin1', 0, linesEnd);
    const versioned = repairStatusLine(original);
    const head = versioned ?? original;
    if (/^HTTP\/\d\.\d 1\d\d/.test(head)) {
      // An interim response (100, 103): passed on, and the next head looked at.
      push(versioned === null ? whole.subarray(0, end) : Buffer.concat([Buffer.from(versioned, 'latin1'), whole.subarray(linesEnd, end)]));
      held = [];
      heldBytes = 0;
      tail = '';
      hasLineFeed = false;
      return end < whole.length ? whole.subarray(end) : null;
    }
    const repaired = repairHeaderLines(head);
    const merged = mergeContentLengths(repaired ?? head) ?? repaired ?? versioned;
    held = null;
    // A 204 or 304 has no body whatever its head says (RFC 9112 section 6.3).
    if (isChunkedHead(merged ?? head) && !/^HTTP\/\d\.\d (?:204|304)/.test(head)) reframe = createChunkReframer();
    if (merged === null && reframe === null) return push(whole);
    const headBytes = merged === null ? whole.subarray(0, end) : Buffer.concat([Buffer.from(merged, 'latin1'), whole.subarray(linesEnd, end)]);
    const body = reframe === null ? whole.subarray(end) : reframed(whole.subarray(end));
    return body === null ? false : push(Buffer.concat([headBytes, body]));
  };

  socket.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (held === null) {
      if (reframe === null || chunk === null) return push(chunk, encoding);
      const body = reframed(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding));
      return body === null ? false : push(body);
    }
    if (chunk === null) {
      // The server closed mid-head: what came goes to the parser, which tells it.
      release(null);
      return push(null);
    }
    return take(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding));
  };
}
