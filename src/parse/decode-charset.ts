/**
 * Turns a response body into a string the way a browser would pick the encoding (WHATWG HTML
 * "determining the character encoding"): byte order mark, then the Content-Type charset, then a
 * prescan of the first 1024 bytes for <meta charset> (and on through the <head>, as Chromium
 * looks: scanHeadForCharset), then UTF-8 when the bytes are valid UTF-8 (or nearly: isMostlyUtf8),
 * else windows-1252. An encoding label TextDecoder does not know falls through to the next step
 * rather than failing the page.
 */

export interface DecodedHtml {
  html: string;
  /** WHATWG canonical name of the encoding used, e.g. "utf-8", "windows-1251". */
  encoding: string;
}

const PRESCAN_BYTES = 1024;
const FATAL_UTF8 = new TextDecoder('utf-8', { fatal: true });

export function decodeHtml(bytes: Uint8Array, contentType: string): DecodedHtml {
  const encoding = sniffBom(bytes) ?? toEncoding(charsetParam(contentType)) ?? prescanMetaCharset(bytes) ?? scanHeadForCharset(bytes);
  if (encoding !== null) return { html: decodeAs(bytes, encoding), encoding };
  // The UTF-8 check decodes the body; when it decoded all of it (no BOM: sniffBom saw none), that
  // string is what decodeAs would return, and the body is not decoded a second time.
  const sniffed = sniffUtf8(bytes);
  if (sniffed.html !== null) return { html: sniffed.html, encoding: sniffed.encoding };
  return { html: decodeAs(bytes, sniffed.encoding), encoding: sniffed.encoding };
}

/**
 * The encoding a body names for itself, by byte order mark or Content-Type charset; null when it
 * names none (or one TextDecoder lacks). For bodies that are not HTML, which have no <meta>.
 */
export function declaredEncoding(bytes: Uint8Array, contentType: string): string | null {
  return sniffBom(bytes) ?? toEncoding(charsetParam(contentType));
}

/**
 * The bytes as text in an encoding decodeHtml chose. Also what rebuilds a stored page's HTML
 * string (content-frame.ts), so it must stay a pure function of its arguments.
 */
export function decodeAs(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  // TextDecoder drops a BOM that matches its encoding, so a BOM never reaches the parser.
  return new TextDecoder(encoding).decode(bytes);
}

/**
 * Node's TextDecoder('windows-1252') decodes as ISO-8859-1 since 20.18.3 (nodejs/node#60888,
 * #56542): bytes 0x80-0x9F come out as C1 controls instead of curly quotes, dashes and the euro
 * sign. So: latin1, then the WHATWG index for those 32 bytes.
 */
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1 = /[\u0080-\u009f]/g;

function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(C1, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80] as string);
}

function sniffBom(bytes: Uint8Array): string | null {
  const [a, b, c] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return 'utf-8';
  if (a === 0xff && b === 0xfe) return 'utf-16le';
  if (a === 0xfe && b === 0xff) return 'utf-16be';
  return null;
}

/** The canonical name for a label, or null when TextDecoder does not support it. */
function toEncoding(label: string | null): string | null {
  if (label === null || label === '') return null;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null; // unknown or unsupported label: the next step of the algorithm decides
  }
}

const CHARSET_PARAM = /(?:^|;)\s*charset\s*=\s*(?:"([^"]*)"|([^;\s,]*))/i;

/**
 * The charset of a Content-Type. Sent twice, its lines arrive joined by a comma
 * ("text/html; charset=utf-8, text/html"); WHATWG's "extract a MIME type" takes the last type,
 * keeping an earlier charset of the same type when the last names none, as browsers do. Read as
 * one value, "utf-8," was no label, and the page fell to <meta> and sniffing.
 */
function charsetParam(contentType: string): string | null {
  if (!contentType.includes(',')) return oneCharsetParam(contentType);
  let essence: string | null = null;
  let charset: string | null = null;
  for (const part of contentType.split(',')) {
    const type = part.split(';', 1)[0]!.trim().toLowerCase();
    if (!/^[^/\s]+\/[^/\s]+$/.test(type) || type === '*/*') continue; // not a MIME type: skipped, as WHATWG does
    const own = oneCharsetParam(part);
    if (type !== essence) charset = own;
    else if (own !== null) charset = own;
    essence = type;
  }
  return charset;
}

function oneCharsetParam(contentType: string): string | null {
  const m = CHARSET_PARAM.exec(contentType);
  if (!m) return null;
  return (m[1] ?? m[2] ?? '').trim();
}

/**
 * Valid UTF-8 decodes as UTF-8, anything else as windows-1252 (the web's legacy default), unless it
 * is UTF-8 but for a few bad bytes (isMostlyUtf8). A body cut at maxBodyBytes can end inside a
 * multi-byte character; that tail alone must not demote a UTF-8 page to windows-1252, so it is
 * left out of the check.
 */
function sniffUtf8(bytes: Uint8Array): { encoding: string; html: string | null } {
  const tail = partialUtf8Tail(bytes);
  try {
    const html = FATAL_UTF8.decode(bytes.subarray(0, bytes.length - tail));
    return { encoding: 'utf-8', html: tail === 0 ? html : null };
  } catch {
    // Invalid UTF-8 is the signal for the legacy default, unless the invalid bytes are few beside
    // the valid sequences. Only pages that fail the check above pay for this count.
    return { encoding: isMostlyUtf8(bytes, bytes.length - tail) ? 'utf-8' : 'windows-1252', html: null };
  }
}

/** Valid multi-byte sequences needed per invalid one for a body to be read as UTF-8 all the same. */
const VALID_PER_INVALID = 8;

/**
 * Whether the first `end` bytes are UTF-8 with at most one invalid sequence per VALID_PER_INVALID
 * valid multi-byte ones: a UTF-8 page with a stray byte (a windows-1252 `é` pasted into a
 * template, a string cut mid-character by a byte-counting substr()). Read as windows-1252, every
 * other non-ASCII character of such a page was mangled (`é` as `Ã©`, `—` as `â€”`); read as UTF-8,
 * as Chromium's detector reads it, the stray byte alone is U+FFFD. Windows-1252 text almost never
 * forms a valid sequence (a lead byte `Â`-`ô` right before a byte 0x80-0xBF, `Ã©`), so a legacy
 * page, all of whose accented letters are invalid, stays windows-1252. Sequences are told as
 * WHATWG's UTF-8 decoder tells them (its maximal subparts: a bad byte ends an invalid one).
 */
function isMostlyUtf8(bytes: Uint8Array, end: number): boolean {
  let valid = 0;
  let invalid = 0;
  let i = 0;
  while (i < end) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const need = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
    // The second byte's range (WHATWG's lower and upper boundary); the others are 0x80-0xBF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    let seen = 0;
    while (seen < need && i + 1 + seen < end) {
      const next = bytes[i + 1 + seen]!;
      if (next < (seen === 0 ? low : 0x80) || next > (seen === 0 ? high : 0xbf)) break;
      seen++;
    }
    if (need > 0 && seen === need) valid++;
    else if (++invalid * VALID_PER_INVALID > valid + (end - i) / 2) return false; // no longer reachable
    i += 1 + seen;
  }
  return invalid * VALID_PER_INVALID <= valid;
}

/** Length (0-3) of an incomplete UTF-8 sequence at the end of `bytes`. */
function partialUtf8Tail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const byte = bytes[n - k] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

// --- the WHATWG prescan, over the first 1024 bytes read as latin1 (one char per byte) -----------

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
const isAsciiAlpha = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);

function prescanMetaCharset(bytes: Uint8Array): string | null {
  const end = Math.min(bytes.length, PRESCAN_BYTES);
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
  let pos = 0;
  while (pos < s.length) {
    const lt = s.indexOf('<', pos);
    if (lt < 0) return null;
    if (s.startsWith('<!--', lt)) {
      const close = s.indexOf('-->', lt + 4);
      if (close < 0) return null;
      pos = close + 3;
    } else if (s.slice(lt + 1, lt + 5).toLowerCase() === 'meta' && (isSpace(s[lt + 5]) || s[lt + 5] === '/')) {
      const found = readMeta(s, lt + 5);
      if (found.encoding !== null) return found.encoding;
      pos = found.next;
    } else if (isAsciiAlpha(s[lt + 1]) || (s[lt + 1] === '/' && isAsciiAlpha(s[lt + 2]))) {
      // Another tag: skip its name and attributes so that a quoted ">" cannot end it early.
      pos = lt + 1;
      while (pos < s.length && !isSpace(s[pos]) && s[pos] !== '>') pos++;
      let attr: Attribute | null;
      while ((attr = readAttribute(s, pos)) !== null) pos = attr.next;
      pos++;
    } else if (s[lt + 1] === '!' || s[lt + 1] === '/' || s[lt + 1] === '?') {
      const gt = s.indexOf('>', lt + 1);
      if (gt < 0) return null;
      pos = gt + 1;
    } else {
      pos = lt + 1;
    }
  }
  return null;
}

function readMeta(s: string, start: number): { encoding: string | null; next: number } {
  const seen = new Set<string>();
  let gotPragma = false;
  let needPragma: boolean | null = null;
  let charset: string | null = null;
  let pos = start;
  let attr: Attribute | null;
  while ((attr = readAttribute(s, pos)) !== null) {
    pos = attr.next;
    if (seen.has(attr.name)) continue;
    seen.add(attr.name);
    if (attr.name === 'http-equiv' && attr.value === 'content-type') gotPragma = true;
    else if (attr.name === 'content' && charset === null) {
      const label = charsetFromContent(attr.value);
      if (label !== null) {
        charset = metaEncoding(label);
        needPragma = true;
      }
    } else if (attr.name === 'charset') {
      charset = metaEncoding(attr.value);
      needPragma = false;
    }
  }
  if (needPragma === null || (needPragma && !gotPragma) || charset === null) return { encoding: null, next: pos };
  // A meta cannot truthfully declare UTF-16 (the prescan itself read the bytes as ASCII).
  if (charset === 'utf-16le' || charset === 'utf-16be') charset = 'utf-8';
  return { encoding: charset, next: pos };
}

// --- past the first 1024 bytes: the rest of the <head>, as Chromium's HTMLMetaCharsetParser ---------

/** How far the head is followed for a late <meta charset>: a bound on the cost of a hostile head. */
const HEAD_SCAN_BYTES = 1024 * 1024;
/** Tags Chromium lets stand in the head while it looks for a charset (and html, head start tags). */
const HEAD_TAGS = new Set(['script', 'noscript', 'style', 'link', 'meta', 'object', 'title', 'base']);
/** Elements whose content is text to their end tag (Chromium's tokenizer switches state for them). */
const TEXT_ELEMENTS = new Set(['script', 'style', 'noscript', 'title', 'textarea', 'xmp', 'iframe', 'noembed', 'noframes']);

/**
 * A `<meta>` charset declared past the first 1024 bytes but still in the head. The WHATWG prescan
 * stops at 1024 bytes, but the tree builder changes the encoding when it meets such a meta, and
 * Chromium looks on through the head: its HTMLMetaCharsetParser stops only once past 1024 bytes
 * and at a tag not allowed there (`<body>`, `<div>`, `</head>`). Heads that start with a long
 * comment, many <link>s or inline scripts and styles put their meta there; read without it, a
 * windows-1251 or Shift_JIS page fell to windows-1252, and a UTF-8 page with one stray byte was
 * all mojibake. Script, style and title content is skipped as text, so a `<meta>` written inside
 * a script's string is not taken.
 */
function scanHeadForCharset(bytes: Uint8Array): string | null {
  if (bytes.length <= PRESCAN_BYTES) return null;
  // Most heads end within a few KiB: the bytes are read as text a window at a time, the window
  // growing fourfold while the head runs past it.
  const limit = Math.min(bytes.length, HEAD_SCAN_BYTES);
  for (let window = 16 * 1024; ; window *= 4) {
    const s = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(window, limit)).toString('latin1');
    const found = scanHead(s);
    if (found !== RAN_OUT) return found;
    if (s.length >= limit) return null;
  }
}

const RAN_OUT = Symbol('ran out');
const END_TAGS = new Map([...TEXT_ELEMENTS].map((name) => [name, new RegExp(`</${name}`, 'gi')]));

/** The charset of a head meta in `s`, null when the head ended without one, RAN_OUT at the end of `s`. */
function scanHead(s: string): string | null | typeof RAN_OUT {
  let isInHead = true;
  let pos = 0;
  while (pos < s.length) {
    if (!isInHead && pos >= PRESCAN_BYTES) return null;
    const lt = s.indexOf('<', pos);
    if (lt < 0) return RAN_OUT;
    if (s.startsWith('<!--', lt)) {
      const close = s.indexOf('-->', lt + 4);
      if (close < 0) return RAN_OUT;
      pos = close + 3;
      continue;
    }
    const isEnd = s[lt + 1] === '/';
    const nameAt = isEnd ? lt + 2 : lt + 1;
    if (!isAsciiAlpha(s[nameAt])) {
      if (s[lt + 1] === '!' || s[lt + 1] === '?' || isEnd) {
        const gt = s.indexOf('>', lt + 1);
        if (gt < 0) return RAN_OUT;
        pos = gt + 1;
      } else {
        pos = lt + 1;
      }
      continue;
    }
    pos = nameAt;
    while (pos < s.length && !isSpace(s[pos]) && s[pos] !== '>' && s[pos] !== '/') pos++;
    const name = s.slice(nameAt, pos).toLowerCase();
    if (!isEnd && name === 'meta') {
      const found = readMeta(s, pos);
      if (found.encoding !== null) return found.encoding;
      pos = found.next;
    } else {
      let attr: Attribute | null;
      while ((attr = readAttribute(s, pos)) !== null) pos = attr.next;
      pos++;
    }
    if (pos >= s.length) return RAN_OUT;
    if (!HEAD_TAGS.has(name) && (isEnd || (name !== 'html' && name !== 'head'))) isInHead = false;
    const endTag = isEnd ? undefined : END_TAGS.get(name);
    if (endTag !== undefined) {
      endTag.lastIndex = pos;
      if (endTag.exec(s) === null) return RAN_OUT;
      pos = endTag.lastIndex - name.length - 2;
    }
  }
  return RAN_OUT;
}

/** Labels are already lowercased; x-user-defined is a byte-per-char hack the spec maps to 1252. */
function metaEncoding(label: string): string | null {
  return label.trim() === 'x-user-defined' ? 'windows-1252' : toEncoding(label);
}

interface Attribute {
  name: string;
  value: string;
  next: number;
}

/** WHATWG "get an attribute"; names and values are lowercased. Null at ">" or the end. */
function readAttribute(s: string, start: number): Attribute | null {
  let pos = start;
  while (isSpace(s[pos]) || s[pos] === '/') pos++;
  if (pos >= s.length || s[pos] === '>') return null;
  let name = '';
  for (;;) {
    const c = s[pos];
    if (c === undefined) return null;
    if (c === '=' && name !== '') break;
    if (isSpace(c)) {
      while (isSpace(s[pos])) pos++;
      if (s[pos] !== '=') return { name, value: '', next: pos };
      break;
    }
    if (c === '/' || c === '>') return { name, value: '', next: pos };
    name += c.toLowerCase();
    pos++;
  }
  pos++; // past "="
  while (isSpace(s[pos])) pos++;
  const quote = s[pos];
  if (quote === '"' || quote === "'") {
    const close = s.indexOf(quote, pos + 1);
    if (close < 0) return null;
    return { name, value: s.slice(pos + 1, close).toLowerCase(), next: close + 1 };
  }
  const from = pos;
  while (pos < s.length && !isSpace(s[pos]) && s[pos] !== '>') pos++;
  return { name, value: s.slice(from, pos).toLowerCase(), next: pos };
}

/** WHATWG "extracting a character encoding from a meta element" (content="text/html; charset=x"). */
function charsetFromContent(content: string): string | null {
  let pos = 0;
  for (;;) {
    const at = content.indexOf('charset', pos);
    if (at < 0) return null;
    pos = at + 7;
    while (isSpace(content[pos])) pos++;
    if (content[pos] !== '=') continue;
    pos++;
    while (isSpace(content[pos])) pos++;
    const quote = content[pos];
    if (quote === '"' || quote === "'") {
      const close = content.indexOf(quote, pos + 1);
      return close < 0 ? null : content.slice(pos + 1, close);
    }
    const m = /^[^\s;]+/.exec(content.slice(pos));
    return m ? m[0] : null;
  }
}
