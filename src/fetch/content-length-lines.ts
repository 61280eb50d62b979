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
import { MAX_HEADER_BYTES } from './dispatcher.js';

const CONTENT_LENGTH_LINE = /^content-length[ \t]*:(.*)$/i;

/**
 * `head` (status line and header lines with their line endings, latin1, without the blank line) with its Content-Length
 * lines made one, when they are not one plain line already and all their values agree; null when
 * there is nothing to change or the values disagree.
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
  return lines.filter((_, i) => i === first || !at.includes(i)).join('\n');
}

/** Where a response head ends (after its blank line), or -1 while it has not. */
function headEnd(bytes: Buffer): number {
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  if (crlf === -1) return lf === -1 ? -1 : lf + 2;
  return lf === -1 || crlf < lf ? crlf + 4 : lf + 2;
}

/**
 * Rewrites the final response head arriving on `socket` by mergeContentLengths, before Node's
 * parser sees it: the socket's push() (which its handle's reads go through) holds bytes until a
 * head is whole, passes interim 1xx heads on as they are, and after the final head steps aside.
 * For one-request connections (the lenient path's), whose first final head is the only one.
 */
export function mergeContentLengthsOn(socket: Socket): void {
  const push = socket.push.bind(socket);
  let pending: Buffer | null = Buffer.alloc(0);
  socket.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (pending === null) return push(chunk, encoding);
    if (chunk === null) {
      // The server closed mid-head: what came goes to the parser, which tells it.
      const rest = pending;
      pending = null;
      if (rest.length > 0) push(rest);
      return push(null);
    }
    pending = Buffer.concat([pending, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding)]);
    for (let end = headEnd(pending); end !== -1; end = headEnd(pending)) {
      const head = pending.subarray(0, end).toString('latin1');
      if (/^HTTP\/\d\.\d 1\d\d/.test(head)) {
        push(pending.subarray(0, end));
        pending = pending.subarray(end);
        continue;
      }
      // The blank line's own ending is left off; each header line keeps its own.
      const blank = head.endsWith('\r\n\r\n') ? 2 : 1;
      const merged = mergeContentLengths(head.slice(0, -blank));
      const out = merged === null ? pending : Buffer.concat([Buffer.from(merged + head.slice(-blank), 'latin1'), pending.subarray(end)]);
      pending = null;
      return push(out);
    }
    if (pending.length <= MAX_HEADER_BYTES) return true;
    // Past what a head may be: the parser refuses it as it would have.
    const rest = pending;
    pending = null;
    return push(rest);
  };
}
