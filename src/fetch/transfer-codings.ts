/**
 * Transfer codings other than chunked (`Transfer-Encoding: gzip, chunked`, or `gzip` alone on a
 * body read to the close). Both undici and node:http remove only the chunked framing and hand over
 * the rest as it came, so a page stored as the gzip bytes themselves, unparsed, and its links
 * lost. Such a coding compresses the body exactly as a content-coding would, only applied after
 * it (RFC 9112 section 6.1), so it is removed the same way: listed after the Content-Encoding.
 */

/**
 * The codings to remove from a body, in the order they were applied: Content-Encoding's, then
 * Transfer-Encoding's without `chunked`. Only called when Transfer-Encoding is set and is not
 * exactly `chunked` (the fetcher's one string compare per response).
 */
export function withTransferCodings(contentEncoding: string | undefined, transferEncoding: string | string[]): string | undefined {
  const listed = Array.isArray(transferEncoding) ? transferEncoding.join(',') : transferEncoding;
  const codings = listed.split(',').map((c) => c.trim()).filter((c) => c !== '' && c.toLowerCase() !== 'chunked');
  if (codings.length === 0) return contentEncoding;
  const added = codings.join(', ');
  return contentEncoding === undefined || contentEncoding.trim() === '' ? added : `${contentEncoding}, ${added}`;
}
