/**
 * A redirect with two different `Location` headers (a script's `header('Location: ...')` beside
 * its framework's, or one added by a proxy). Which one is meant cannot be told: crawlite followed
 * the first, a client that keeps the last goes elsewhere, and so can a cache between them, which
 * is why Chromium fails such a response (ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION, also a defence
 * against header injection). crawlite follows Chromium: the URL fails, not retried (the server
 * says the same every time). The same Location repeated is one Location, as Chromium reads it.
 */
import { createFetchError } from './map-error.js';
import type { FetchError } from '../errors.js';
import { decodeHeaderUtf8 } from './header-utf8.js';

/** The failure for a redirect's Location header lines when they disagree; null when there is one value. */
export function refuseMultipleLocations(location: string | string[] | undefined, status: number): FetchError | null {
  if (!Array.isArray(location)) return null;
  const distinct = [...new Set(location)];
  if (distinct.length < 2) return null;
  const listed = distinct.map((value) => JSON.stringify(decodeHeaderUtf8(value))).join(', ');
  return createFetchError(
    'CRAWL_REDIRECT_AMBIGUOUS',
    `HTTP ${status} redirect with ${distinct.length} different Location headers (${listed}): not followed, as browsers refuse it (Chromium: ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION)`,
  );
}
