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

/** `value` with control characters written as escapes (\n, \u0007), so an error stays one line. */
export function escapeControls(value: string): string {
  return value.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
