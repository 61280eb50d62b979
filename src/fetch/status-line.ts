/**
 * A status line whose version has no minor digit, `HTTP/2 200 OK` or `HTTP/1 200`, over an
 * HTTP/1 connection: what some misconfigured proxies and load balancers write when they relay an
 * HTTP/2 response as text (HTTP/2's own `:status` has no version, and they print the one they
 * speak upstream). llhttp requires `HTTP/<digit>.<digit>` ("Expected dot"), strict and lenient
 * alike, so such a site failed on every attempt. Chromium reads the line (HttpResponseHeaders
 * takes a version without a dot as HTTP/1.0 and goes on to the status), and so does curl.
 *
 * The bytes that follow are HTTP/1 text framing whatever the label says (real HTTP/2 is binary
 * frames and never starts "HTTP/"), so on the lenient path (lenient-http.ts) the version is made
 * `HTTP/1.1` before Node reads the head: its framing is then read by Content-Length or chunks, or
 * to the close the lenient request asks for. `HTTP/2.0 200`, which has its dot, llhttp reads as it
 * is. Anything else (no digits, no status code) is left for the parser to refuse.
 */

/** `HTTP/` and one digit, no minor version, then the space before a three-digit status. */
const DOTLESS_VERSION = /^HTTP\/\d(?= \d{3}(?:[ \r\n]|$))/;

/**
 * `head` (status line and header lines, latin1) with a dotless version made `HTTP/1.1`; null
 * when the status line needs no change.
 */
export function repairStatusLine(head: string): string | null {
  const match = DOTLESS_VERSION.exec(head);
  return match === null ? null : `HTTP/1.1${head.slice(match[0].length)}`;
}
