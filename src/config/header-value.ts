/**
 * Strings the config sends as an HTTP header value (fetch.userAgent; there are no other header
 * options). A newline or other control character there does not fail at load by itself: undici
 * refuses the header on every request, and the whole crawl ends as network errors. undici accepts
 * tab, printable ASCII and Latin-1 (a character above U+00FF is UND_ERR_INVALID_ARG); we also refuse
 * tab and the C1 controls, which no User-Agent needs.
 */
const NOT_HEADER_SAFE = /[^\x20-\x7e\xa0-\xff]/;

export const HEADER_VALUE_EXPECTED = 'printable ASCII or Latin-1 characters (no newline, tab or other control character)';

export function isHeaderValue(value: string): boolean {
  return !NOT_HEADER_SAFE.test(value);
}

