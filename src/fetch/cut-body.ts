/**
 * A chunked body the server cut short by closing the connection (`Connection: close`, then the
 * close before the last chunk). undici's parser is told of the close (llhttp_finish) and, finding
 * itself inside a chunk, says "Response does not match the HTTP/1.1 protocol (Invalid EOF state)"
 * with no code: that read as a refusal of the bytes, so the page was asked again through the
 * lenient parser (lenient-http.ts), which met the same close, and was recorded as
 * CRAWL_FETCH_NETWORK. It is the chunked form of a Content-Length body cut short, which undici
 * reports as a length mismatch and crawlite as CRAWL_FETCH_RESET: retried, as a connection lost
 * mid-body is. Chromium says ERR_INCOMPLETE_CHUNKED_ENCODING, curl "transfer closed with
 * outstanding read data remaining"; neither shows the page as complete.
 */

/** undici's parser error for a connection closed in the middle of a message. */
export function isCutChunkedBody(err: unknown): boolean {
  const e = err as { name?: unknown; message?: unknown } | null;
  return e?.name === 'HTTPParserError' && typeof e.message === 'string' && e.message.endsWith('(Invalid EOF state)');
}

/** The detail of a CRAWL_FETCH_RESET for it. */
export const CUT_CHUNKED_BODY = 'the server closed the connection before the last chunk of its chunked body (the body is cut short)';
