/**
 * One spelling for robots.txt rule paths and URL paths, so that RFC 9309 2.2.2's octet-by-octet
 * comparison treats `Disallow: /%7Ejoe/` as `/~joe/` and `/foo/bar/%62%61%7A` as `/foo/bar/baz`.
 *
 * The form is the frontier's own (normalize-url.ts: escapes of unreserved characters decoded, the
 * hex of others uppercased), plus every character outside encodeURI's set percent-encoded as
 * UTF-8 (RFC 9309: non-ASCII octets MUST be encoded before comparison). Reserved characters stay
 * as written, escaped or not: `%2F` and `/` remain distinct, as RFC 9309 and RFC 3986 6.2.2.2 ask.
 *
 * `*` and `$` are the exception, and why rules and URLs have a function each: in a rule they are
 * the wildcard and the end anchor, so a literal one can only be written `%2A` or `%24`, and RFC
 * 9309 2.2.3 has `Disallow: /path/file-with-a-%2A.html` match the URL /path/file-with-a-*.html
 * (and `/path/foo-%24` match /path/foo-$). A URL has no wildcards, so its `*` and `$` are encoded
 * to meet those escapes; a rule's `$` that is not its last character is no anchor (robots-parser,
 * as Google's parser) but a literal dollar sign, so it is encoded too, or it could match nothing.
 *
 * The set kept unescaped is encodeURI's because robots-parser already put rule patterns through
 * encodeURI: `[` and `]` are reserved, but it escapes them in rules, so a URL's literal `[` is
 * escaped here too, or `Disallow: /a[1]` could never match the URL /a[1].
 */
import { normalizeEscapes } from '../frontier/normalize-url.js';

/** Paths made only of what stays as is: most URLs, and most rules. */
const PLAIN = /^[\w.~!*'();/?:@&=+$,#%-]*$/;
const TO_ENCODE = /[^\w.~!*'();/?:@&=+$,#%-]+/g;
const utf8 = new TextEncoder();

/** A rule's pattern in the form it is compared in: its `*` wildcards and final `$` anchor kept. */
export function normalizeRobotsPattern(pattern: string): string {
  const path = normalizeRobotsPath(pattern);
  const isAnchored = path.endsWith('$');
  const body = isAnchored ? path.slice(0, -1) : path;
  return body.includes('$') ? `${body.replaceAll('$', '%24')}${isAnchored ? '$' : ''}` : path;
}

/** A URL's pathname + search in the form it is compared in: its literal `*` and `$` escaped. */
export function normalizeRobotsUrlPath(path: string): string {
  const normalized = normalizeRobotsPath(path);
  return /[*$]/.test(normalized) ? normalized.replace(/[*$]/g, (c) => (c === '*' ? '%2A' : '%24')) : normalized;
}

/** `path` in the form rules and URLs share; `*` and `$` left as written (see above). */
export function normalizeRobotsPath(path: string): string {
  const encoded = PLAIN.test(path) ? path : path.replace(TO_ENCODE, encodeUtf8);
  return encoded.includes('%') ? normalizeEscapes(encoded) : encoded;
}

/** Percent-encoded UTF-8; a lone surrogate becomes U+FFFD's bytes (TextEncoder), never a throw. */
function encodeUtf8(run: string): string {
  let out = '';
  for (const byte of utf8.encode(run)) out += `%${byte < 0x10 ? '0' : ''}${byte.toString(16).toUpperCase()}`;
  return out;
}
