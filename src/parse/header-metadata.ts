/**
 * What HTTP headers say of a page's metadata when its HTML does not: the canonical URL in a
 * `Link: <...>; rel="canonical"` header (the only way a PDF or an image names one, as Google
 * documents) and the language in `Content-Language`. The HTML's own `<link rel=canonical>` and
 * `<html lang>` (or `<meta http-equiv=content-language>`) come first, as in browsers and
 * search engines.
 */
import { normalizeUrl } from '../frontier/normalize-url.js';

/** Longest header value looked at: a Link header listing thousands of preloads is not read to its end. */
const MAX_HEADER_CHARS = 16 * 1024;
const MAX_LANGUAGE_CHARS = 64;
/**
 * `<uri>` then its parameters, up to the next link (a comma outside quotes and angle brackets).
 * A URI holds no `<` (RFC 8288's URI-Reference): with `[^>]*`, each `<` of a header without a
 * `>` (`Link: <<<<...`) scanned to the end of the value, 16 K times 16 K characters, ~0.3 s of
 * the main thread for every such response; stopping at the next `<` makes a failed try end
 * there, and `<<</canonical>` reads the link the last `<` opens.
 */
const LINK = /<([^<>]*)>((?:\s*;\s*[^;,"]*(?:"[^"]*"[^;,"]*)*)*)/g;
const REL = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i;

/** The first `rel="canonical"` target of a Link header, resolved against the page and normalized; null when none. */
export function linkHeaderCanonical(link: string | undefined, pageUrl: string): string | null {
  if (!link) return null;
  for (const m of link.slice(0, MAX_HEADER_CHARS).matchAll(LINK)) {
    const rel = REL.exec(m[2] ?? '');
    const tokens = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (tokens.includes('canonical')) return normalizeUrl((m[1] ?? '').trim(), pageUrl);
  }
  return null;
}

/**
 * The first language of a Content-Language header or `<meta http-equiv=content-language>`
 * (`de-DE, en` is `de-DE`), as WHATWG HTML takes a pragma-set default language; null when none.
 */
export function firstLanguage(value: string | undefined | null): string | null {
  if (!value) return null;
  const first = value.slice(0, MAX_HEADER_CHARS).split(',')[0]?.trim() ?? '';
  return first === '' || first.length > MAX_LANGUAGE_CHARS || /\s/.test(first) ? null : first;
}
