/**
 * Parses one HTTP/1.x request head (request line + header fields + blank line) out of a
 * connection's receive buffer, for the bench site's node:net server (http-responder.ts).
 *
 * Only what a server of static GET/HEAD responses needs is kept: method, target, whether the
 * connection stays open, and whether a body follows (which the responder refuses). It follows
 * RFC 9112 where a client could notice: CRLF or bare LF line ends (§2.2), leading blank lines
 * ignored (§2.2), HTTP/1.1 without exactly one Host is a 400 (§3.2), Content-Length and
 * Transfer-Encoding together or conflicting Content-Lengths are a 400 (§6.3), obs-fold is a
 * 400 (§5.2), and the head size is capped.
 */

/** A complete, valid request head. */
export interface RequestHead {
  kind: 'request';
  method: string;
  /** The request-target as sent: origin-form ('/a?b'), absolute-form, or '*'. */
  target: string;
  /** Offset just past the head's blank line: where the body, or the next pipelined request, starts. */
  end: number;
  /** false for HTTP/1.1 with `Connection: close`, and for HTTP/1.0 without `Connection: keep-alive`. */
  isKeepAlive: boolean;
  /** Content-Length, 0 if absent. */
  bodyBytes: number;
  /** A Transfer-Encoding field was sent: a body of unknown length follows. */
  hasTransferEncoding: boolean;
}

/** A head the server must answer with an error status and then close the connection. */
export interface BadRequestHead {
  kind: 'bad';
  status: 400 | 505;
  reason: string;
}

export type ParsedHead = RequestHead | BadRequestHead | { kind: 'incomplete' };

const LF = 0x0a;
const CR = 0x0d;
// RFC 9110 §5.6.2 token: method and field names.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII only; a target with spaces, controls or raw UTF-8 is malformed (RFC 3986).
const TARGET = /^[\x21-\x7e]+$/;
// CR, LF and NUL must not appear inside a field (RFC 9110 §5.5); nor other controls but HTAB.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const DIGITS = /^[0-9]{1,15}$/;
const HTTP_1 = /^HTTP\/1\.([0-9])$/;
const HTTP_ANY = /^HTTP\/[0-9]\.[0-9]$/;

const bad = (reason: string, status: 400 | 505 = 400): BadRequestHead => ({ kind: 'bad', status, reason });

/**
 * Parses the request head that starts at `buf[start]`. Returns 'incomplete' if the blank line
 * has not arrived yet (the caller keeps the bytes and calls again with more), and 'bad' once
 * more than `maxHeadBytes` have arrived without one.
 */
export function parseRequestHead(buf: Buffer, start: number, maxHeadBytes: number): ParsedHead {
  // A client may send a stray CRLF after a request (RFC 9112 §2.2); these count toward the cap.
  let lineStart = start;
  while (lineStart < buf.length && (buf[lineStart] === CR || buf[lineStart] === LF)) lineStart++;

  let requestLine: string | undefined;
  let hostCount = 0;
  let contentLength: string | undefined;
  let hasTransferEncoding = false;
  let hasClose = false;
  let hasKeepAlive = false;
  for (;;) {
    const lf = buf.indexOf(LF, lineStart);
    if (lf === -1 || lf + 1 - start > maxHeadBytes) {
      return buf.length - start > maxHeadBytes ? bad(`request head over ${maxHeadBytes} bytes`) : { kind: 'incomplete' };
    }
    const lineEnd = lf > lineStart && buf[lf - 1] === CR ? lf - 1 : lf;
    const line = buf.toString('latin1', lineStart, lineEnd);
    lineStart = lf + 1;
    if (requestLine === undefined) {
      requestLine = line;
      continue;
    }
    if (line === '') break;
    // A leading space is obs-fold; whitespace before the colon is forbidden (RFC 9112 §5.1).
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    if (colon < 1 || !TOKEN.test(name)) return bad('malformed header field');
    const value = line.slice(colon + 1).trim();
    if (CONTROL.test(value)) return bad('control character in a header field');
    switch (name.toLowerCase()) {
      case 'host':
        hostCount++;
        break;
      case 'content-length':
        if (!DIGITS.test(value) || (contentLength !== undefined && contentLength !== value)) return bad('bad Content-Length');
        contentLength = value;
        break;
      case 'transfer-encoding':
        hasTransferEncoding = true;
        break;
      case 'connection':
        for (const option of value.toLowerCase().split(',')) {
          const trimmed = option.trim();
          if (trimmed === 'close') hasClose = true;
          else if (trimmed === 'keep-alive') hasKeepAlive = true;
        }
        break;
    }
  }

  const parts = requestLine.split(' ');
  if (parts.length !== 3) return bad('malformed request line');
  const [method, target, version] = parts as [string, string, string];
  if (!TOKEN.test(method) || !TARGET.test(target)) return bad('malformed request line');
  const minor = HTTP_1.exec(version)?.[1];
  if (minor === undefined) return HTTP_ANY.test(version) ? bad(`${version} not supported`, 505) : bad('malformed request line');
  const isHttp10 = minor === '0';
  if (!isHttp10 && hostCount !== 1) return bad('HTTP/1.1 needs exactly one Host');
  if (hasTransferEncoding && (contentLength !== undefined || isHttp10)) return bad('ambiguous message length');
  return {
    kind: 'request',
    method,
    target,
    end: lineStart,
    isKeepAlive: !hasClose && (!isHttp10 || hasKeepAlive),
    bodyBytes: contentLength === undefined ? 0 : Number(contentLength),
    hasTransferEncoding,
  };
}
