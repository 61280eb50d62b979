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
 *
 * So too a version in lower or mixed case (`http/1.1 200 OK`, which embedded devices' servers
 * write) and spaces or tabs before it (up to 4): llhttp requires `HTTP/` at the first byte, strict
 * and lenient alike ("Expected HTTP/, RTSP/ or ICE/"), so such a site failed on every attempt.
 * Chromium looks for `http`, in any case, within the first 4 bytes (HttpUtil's
 * LocateStartOfStatusLine), and curl reads the prefix in any case too. The version is written
 * `HTTP/` as it was otherwise (`http/1.0` is `HTTP/1.0`).
 */

/** Spaces or tabs, `http/` in any case and one digit, a minor version or none, then the space before a three-digit status. */
const STATUS_START = /^([ \t]{0,4})(http)\/(\d)(\.\d)?(?= \d{3}(?!\d))/i;

/**
 * A three-digit status glued to its reason phrase, `HTTP/1.1 200OK` (some embedded devices'
 * servers): llhttp refuses it, strict and lenient ("Invalid response status"); Chromium
 * (HttpResponseHeaders::ParseStatusLine reads the digits, then the rest as the reason) and curl
 * read it as a 200. A space is put between them.
 */
const GLUED_REASON = /^HTTP\/\d\.\d \d{3}(?=[^\s\d])/;

/**
 * `head` (status line and header lines, latin1) with a dotless version made `HTTP/1.1`, a
 * version in another case, or after spaces, made `HTTP/<major>.<minor>`, and a reason glued to
 * its status parted from it; null when the status line needs no change.
 */
export function repairStatusLine(head: string): string | null {
  const match = STATUS_START.exec(head);
  if (match === null) return null;
  const [start, indent, prefix, major, minor] = match;
  const isVersionRight = indent === '' && prefix === 'HTTP' && minor !== undefined;
  const line = isVersionRight ? head : `HTTP/${minor === undefined ? '1.1' : `${major}${minor}`}${head.slice(start!.length)}`;
  const glued = GLUED_REASON.exec(line);
  if (glued !== null) return `${glued[0]} ${line.slice(glued[0].length)}`;
  return isVersionRight ? null : line;
}
