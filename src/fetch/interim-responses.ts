/**
 * Interim (1xx) responses before the final one: 103 Early Hints, 102 Processing, 100 Continue.
 * A request may get any number of them (RFC 9110 section 15.2), and neither undici nor Node's
 * client bounds them: each head is bounded, their count is not. A server that sends them without
 * end kept a fetch reading heads until --timeout, a core busy all that time (2.6 million 103s in
 * 20 s in a local probe), and the crawl's other fetches slowed to a third of their pace; with the
 * retries, four times over.
 *
 * So the interim heads of one request count together against the response head's own limit
 * (MAX_HEADER_BYTES, 256 KiB), as curl counts every head of a transfer, 1xx included, against its
 * header limit. Past it the request fails as CRAWL_FETCH_TOO_LARGE, not retried, as an oversized
 * head does: the same server sends the same. Real uses stay far below it: one or two Early Hints,
 * a 102 every few seconds of a long request.
 */
import { FetchError } from '../errors.js';
import { formatBinaryBytes } from '../format-numbers.js';
import { MAX_HEADER_BYTES } from './dispatcher.js';

/** What each head counts besides its fields, however few: its status line and the blank line after it. */
export const INTERIM_HEAD_BYTES = 32;

/** What undici's request() hands its `onInfo` option for each interim response. */
export interface InterimResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * An `onInfo` for one request: counts its interim heads and calls `fail` once, when together they
 * pass `maxBytes` (the caller aborts the request with the error it is given).
 */
export function createInterimLimit(fail: (err: FetchError) => void, maxBytes = MAX_HEADER_BYTES): (info: InterimResponse) => void {
  let bytes = 0;
  let count = 0;
  return ({ headers }) => {
    if (bytes > maxBytes) return;
    count += 1;
    bytes += INTERIM_HEAD_BYTES;
    for (const name in headers) {
      const value = headers[name];
      for (const one of Array.isArray(value) ? value : [value ?? '']) bytes += name.length + one.length + 4;
    }
    if (bytes > maxBytes) {
      fail(new FetchError('CRAWL_FETCH_TOO_LARGE', `response headers too large: ${count} interim (1xx) responses, more than ${formatBinaryBytes(maxBytes)} of heads, before any final one`));
    }
  };
}
