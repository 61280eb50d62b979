/**
 * A link's query in its page's own encoding, as browsers send it: the WHATWG URL parser
 * percent-encodes the query of a URL parsed from a document in that document's encoding (the
 * path and fragment are always UTF-8). So `?q=café` on a windows-1252 page is `?q=caf%E9`, and
 * on a Shift_JIS page a Japanese search term is requested in Shift_JIS bytes: what the site's
 * own search or filter expects. Sending UTF-8 instead got 404s or empty results from such sites.
 *
 * TextDecoder can decode every WHATWG encoding but Node has no encoder for the legacy ones, so
 * the encoder is the decoder run backwards: each encoding's table (code point -> bytes) is built
 * once per thread, the first time a page in it has a link with a non-ASCII query, by decoding
 * every single byte and every two-byte sequence in one call (~25k sequences, a few ms; gb18030
 * adds its 39,420 four-byte BMP sequences, and reaches beyond the BMP by arithmetic).
 */
import { decodeAs } from './decode-charset.js';

/** Encodings whose URL encoder is UTF-8 (WHATWG "get an output encoding"), or that we leave at UTF-8. */
const UTF8_OUTPUT = new Set(['utf-8', 'utf-16le', 'utf-16be', 'replacement', 'iso-2022-jp']);
const MULTI_BYTE = new Set(['shift_jis', 'euc-jp', 'euc-kr', 'gbk', 'gb18030', 'big5']);
const NON_ASCII = /[^\x00-\x7f]/;

const JAPANESE = new Set(['shift_jis', 'euc-jp']);

/**
 * Per encoding: code point -> its byte sequence, packed big-endian into one number (a byte alone,
 * (lead << 8) | trail, or gb18030's four bytes).
 */
const tables = new Map<string, Map<number, number> | null>();

/**
 * `href` with the non-ASCII characters of its query percent-encoded in `encoding`; the rest is
 * left to the URL parser. A character the encoding cannot hold becomes `&#<code point>;`
 * percent-encoded, as browsers send it.
 */
export function encodeHrefQuery(href: string, encoding: string): string {
  if (UTF8_OUTPUT.has(encoding)) return href;
  const q = href.indexOf('?');
  if (q === -1) return href;
  const hash = href.indexOf('#');
  if (hash !== -1 && hash < q) return href; // the '?' is in the fragment
  const end = hash === -1 ? href.length : hash;
  const query = href.slice(q + 1, end);
  if (!NON_ASCII.test(query)) return href;
  const table = tableFor(encoding);
  if (table === null) return href;
  let out = '';
  for (const ch of query) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x80) out += ch;
    else {
      const seq = table.get(JAPANESE.has(encoding) && cp === 0x2212 ? 0xff0d : cp) ?? supplementary(encoding, cp);
      out += seq === undefined ? `%26%23${cp}%3B` : sequenceEncoded(seq);
    }
  }
  return href.slice(0, q + 1) + out + href.slice(end);
}

/** The encoding's table; null for an encoding TextDecoder lacks. */
function tableFor(encoding: string): Map<number, number> | null {
  let table = tables.get(encoding);
  if (table !== undefined) return table;
  try {
    table = buildTable(encoding);
  } catch {
    table = null;
  }
  tables.set(encoding, table);
  return table;
}

/**
 * Each candidate sequence is decoded followed by a newline: every WHATWG decoder but
 * ISO-2022-JP (left at UTF-8 above) ends an unfinished sequence at an ASCII byte and emits that
 * byte, so the output splits back into one piece per candidate. A piece that is one code point,
 * not U+FFFD, is that sequence's character; the first sequence found for a code point wins, in
 * byte order, which is what the WHATWG encoders pick but for the exclusions below.
 */
function buildTable(encoding: string): Map<number, number> {
  const sequences: number[] = [];
  // gb18030 encodes the euro as 0xA2E3; the single byte 0x80 is gbk's alone.
  for (let b = encoding === 'gb18030' ? 0x81 : 0x80; b <= 0xff; b++) sequences.push(b);
  if (MULTI_BYTE.has(encoding)) {
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      if (skipLead(encoding, lead)) continue;
      for (let trail = 0x40; trail <= 0xfe; trail++) sequences.push((lead << 8) | trail);
    }
  }
  // gb18030 spells the rest of the BMP in four bytes (pointers 0-39419: leads 0x81-0x84).
  if (encoding === 'gb18030') for (let pointer = 0; pointer < 39420; pointer++) sequences.push(fourBytes(pointer));
  const bytes = new Uint8Array(sequences.length * 5);
  let at = 0;
  for (const seq of sequences) {
    if (seq > 0xffffff) {
      bytes[at++] = seq >>> 24;
      bytes[at++] = (seq >>> 16) & 0xff;
    }
    if (seq > 0xff) bytes[at++] = (seq >>> 8) & 0xff;
    bytes[at++] = seq & 0xff;
    bytes[at++] = 0x0a;
  }
  const decoded = decodeAs(bytes.subarray(0, at), encoding);
  const table = new Map<number, number>();
  const lastWins = encoding === 'big5' ? BIG5_LAST_WINS : null;
  let from = 0;
  for (const seq of sequences) {
    const nl = decoded.indexOf('\n', from);
    if (nl === -1) break;
    const cp = decoded.codePointAt(from) as number;
    const length = nl - from;
    from = nl + 1;
    if (length !== (cp > 0xffff ? 2 : 1) || cp < 0x80 || cp === 0xfffd) continue;
    if (table.has(cp) && !lastWins?.has(cp)) continue;
    table.set(cp, seq);
  }
  // The WHATWG Shift_JIS and EUC-JP encoders send the yen sign and overline as the ASCII bytes
  // their decoders read as backslash and tilde.
  if (JAPANESE.has(encoding)) {
    table.set(0xa5, 0x5c);
    table.set(0x203e, 0x7e);
  }
  return table;
}

/** gb18030 spells a code point beyond the BMP in four bytes, by arithmetic (pointer 189000 up). */
function supplementary(encoding: string, cp: number): number | undefined {
  return encoding === 'gb18030' && cp > 0xffff ? fourBytes(189000 + cp - 0x10000) : undefined;
}

/** A gb18030 four-byte pointer's bytes, packed: 0x81-0xFE, 0x30-0x39, 0x81-0xFE, 0x30-0x39. */
function fourBytes(pointer: number): number {
  const b1 = Math.floor(pointer / 12600);
  const b2 = Math.floor(pointer / 1260) % 10;
  const b3 = Math.floor(pointer / 10) % 126;
  const b4 = pointer % 10;
  return (0x81 + b1) * 0x1000000 + (0x30 + b2) * 0x10000 + (0x81 + b3) * 0x100 + 0x30 + b4;
}

function sequenceEncoded(seq: number): string {
  let out = '';
  if (seq > 0xffffff) out += percentEncoded(seq >>> 24) + percentEncoded((seq >>> 16) & 0xff);
  if (seq > 0xff) out += percentEncoded((seq >>> 8) & 0xff);
  return out + percentEncoded(seq & 0xff);
}

/**
 * Shift_JIS: the encoder skips pointers 8272-8835 (leads 0xED-0xEF, NEC's copies of IBM
 * extensions found again at 0xFA-0xFC). Big5: it skips pointers below 5024 (leads below 0xA1,
 * the Hong Kong extensions), and takes the last pointer for six code points listed twice.
 */
function skipLead(encoding: string, lead: number): boolean {
  if (encoding === 'shift_jis') return lead >= 0xed && lead <= 0xef;
  if (encoding === 'big5') return lead < 0xa1;
  return false;
}

const BIG5_LAST_WINS = new Set([0x2550, 0x255e, 0x2561, 0x256a, 0x5341, 0x5345]);

/**
 * A byte >= 0x80 as %XX; a byte in ASCII (a Shift_JIS trail 0x5C, gb18030's digits) stays itself,
 * as browsers leave it.
 */
function percentEncoded(b: number): string {
  return b >= 0x80 ? `%${b.toString(16).toUpperCase()}` : String.fromCharCode(b);
}
