/**
 * Whether a response sent without a Content-Type (or with one that names no type) is parsed as
 * HTML. Apache 2.4 sends none for a file whose extension it does not know (it dropped
 * DefaultType), so a link to `/dl/tool.bin` or `/data.dat` comes back untyped; parsed as HTML, its bytes became text, words in the search
 * index and links. Browsers sniff such a body (WHATWG MIME Sniffing 7.1, "rules for identifying
 * an unknown MIME type") and show binary bytes as a download, not as a page; this is that
 * algorithm cut to the one question asked here. Only untyped responses come here, so the fetch
 * path of typed ones costs nothing.
 */

/**
 * Types that say nothing (WHATWG MIME Sniffing 7.1 sniffs these as if none were sent): a server
 * that knows no type for a file may write one of them instead of leaving the header out.
 */
const UNKNOWN_TYPES: ReadonlySet<string> = new Set(['', 'unknown/unknown', 'application/unknown', '*/*']);

/** A MIME type's essence as WHATWG parses one: a token, `/`, a token (lowercased). */
const ESSENCE = /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Whether a Content-Type (lowercased) names no type at all: absent, empty, one of the above, or
 * none that parses as a MIME type (`html`, `text`, `text/`), which WHATWG's "extract a MIME type"
 * takes as no Content-Type, so browsers sniff the body. A header sent twice (joined by a comma)
 * names a type when one of its values does.
 */
export function isUnknownType(contentType: string): boolean {
  for (const value of contentType.split(',')) {
    const semicolon = value.indexOf(';');
    const essence = (semicolon === -1 ? value : value.slice(0, semicolon)).trim();
    if (ESSENCE.test(essence) && !UNKNOWN_TYPES.has(essence)) return false;
  }
  return true;
}

/**
 * Whether a Content-Type (lowercased) is HTML or XHTML, read as WHATWG's "extract a MIME type"
 * reads it: a header sent twice arrives joined by a comma, and its last value that is a MIME type
 * (not `*\/*`) is the type, as in browsers. So `text/html; charset=UTF-8, application/json` (a
 * server's default type, then the script's own) is JSON, shown as text, not parsed: read for
 * `text/html` anywhere in it, its markup-like strings became links and its text search words. A
 * type only holding the name (`text/html-sandboxed`) is not HTML either.
 */
export function isHtmlType(contentType: string): boolean {
  let last: string | null = null;
  for (const value of contentType.split(',')) {
    const semicolon = value.indexOf(';');
    const essence = (semicolon === -1 ? value : value.slice(0, semicolon)).trim();
    if (ESSENCE.test(essence) && essence !== '*/*') last = essence;
  }
  return last === 'text/html' || last === 'application/xhtml+xml';
}

/** WHATWG's resource header: the bytes a browser looks at. */
const SNIFF_BYTES = 1445;

/**
 * The tag openings WHATWG takes for HTML (compared case-insensitively, after leading whitespace,
 * and each followed by a space or '>'), with `<?xml`, which may be XHTML and is text anyway.
 */
const HTML_STARTS = ['<!doctype html', '<html', '<head', '<script', '<iframe', '<h1', '<div', '<font', '<table', '<a', '<style', '<title', '<b', '<body', '<br', '<p', '<!--'];

/** Documents that hold no binary byte at their start, yet are not text a reader is shown. */
const NOT_HTML_STARTS = ['%PDF-', '%!PS-Adobe-'];

/** WHATWG's binary data bytes: controls other than tab, LF, FF, CR and ESC. */
function isBinaryByte(byte: number): boolean {
  return byte <= 0x08 || byte === 0x0b || (byte >= 0x0e && byte <= 0x1a) || (byte >= 0x1c && byte <= 0x1f);
}

function startsWithAscii(bytes: Uint8Array, at: number, text: string, isCaseless: boolean): boolean {
  if (at + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) {
    let byte = bytes[at + i]!;
    if (isCaseless && byte >= 0x41 && byte <= 0x5a) byte += 0x20;
    if (byte !== text.charCodeAt(i)) return false;
  }
  return true;
}

function hasHtmlStart(bytes: Uint8Array): boolean {
  let at = 0;
  while (at < bytes.length && (bytes[at] === 0x09 || bytes[at] === 0x0a || bytes[at] === 0x0c || bytes[at] === 0x0d || bytes[at] === 0x20)) at++;
  if (startsWithAscii(bytes, at, '<?xml', false)) return true;
  return HTML_STARTS.some((start) => {
    if (!startsWithAscii(bytes, at, start, true)) return false;
    if (start === '<!--') return true;
    const after = bytes[at + start.length];
    return after === 0x20 || after === 0x3e;
  });
}

/**
 * True unless the body's start is binary (a control byte in its first 1,445 bytes) or a PDF or
 * PostScript file. A byte order mark, or a start WHATWG takes for HTML, makes it text whatever
 * follows. Untyped text that is not HTML (a README) is parsed too: as HTML it is the same text,
 * which is what a reader of the site sees.
 */
export function isUntypedHtml(body: Uint8Array): boolean {
  const head = body.subarray(0, SNIFF_BYTES);
  const [b0, b1, b2] = head;
  if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0xff && b1 === 0xfe) || (b0 === 0xef && b1 === 0xbb && b2 === 0xbf)) return true;
  if (hasHtmlStart(head)) return true;
  if (NOT_HTML_STARTS.some((start) => startsWithAscii(head, 0, start, false))) return false;
  return !head.some(isBinaryByte);
}
