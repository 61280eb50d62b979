/**
 * How a page's HTML and visible text are stored: one compressed frame, with the HTML's length
 * kept beside it (contents.html_bytes) and the text's UTF-8 length (contents.text_bytes).
 *
 * Two layouts, told apart by contents.codec:
 * - `br+spans` (and gzip+spans, none+spans), written since 0.2: the HTML bytes followed by the
 *   text as spans of that HTML (text-spans.ts) and the encoding that turns the bytes back into
 *   the string those spans index. The text costs ~1 KB instead of its own 47 KB on a 50 KB
 *   article, and the compressor reads half as much.
 * - `br` (gzip, none): the HTML bytes followed by the text's UTF-8 bytes. Written by earlier
 *   versions, and still for bodies that are not HTML (empty text); read forever.
 *
 * Why one frame: the text is made of the HTML's own characters. Compressed apart, HTML and text
 * cost about 40 % + 34 % of the raw HTML; either layout keeps the two for little more than the
 * HTML alone, and both come back from one decompression.
 *
 * The parse workers pack; export and search unpack. Sync zlib is right in both places: packing
 * runs on a worker thread, unpacking streams one row at a time.
 */
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { decodeAs } from './parse/decode-charset.js';
import { decodeTextSpans, encodeTextSpans, textSpansMatch } from './text-spans.js';

export type Codec = 'br' | 'gzip' | 'none';

export interface PackOptions {
  codec: Codec;
  /** brotli quality 0-11 or gzip level 1-9. */
  level: number;
}

/**
 * Brotli 2: measured on the bench site's 50 KB pages (one core), brotli 2 makes 38.8 % of the
 * HTML in 0.78 ms, brotli 3 the same 38.9 % in 0.96 ms, brotli 4 38.2 % in 1.59 ms and brotli 1
 * 41.8 % in 0.41 ms. Compression was the largest single cost of a page; with the text as spans
 * and the lean search index, brotli 2 keeps the database under half the raw HTML (48.5 %).
 */
export const DEFAULT_PACK: PackOptions = { codec: 'br', level: 2 };

const SPANS = '+spans';
/** First byte of a spans section; a later layout change gets a new one. */
const SPANS_VERSION = 1;

/**
 * The smallest brotli window that holds the whole frame, so the text can still reach back to any
 * byte of the HTML. The default (22 bits, 4 MiB) costs every call that much encoder memory, which
 * glibc keeps per thread: the parse workers' RSS grew by tens of MB for nothing.
 */
function windowBits(length: number): number {
  const bits = Math.ceil(Math.log2(Math.max(length, 1))) + 1;
  return Math.min(constants.BROTLI_MAX_WINDOW_BITS, Math.max(constants.BROTLI_MIN_WINDOW_BITS, bits));
}

/** The text as the joint layout stores it: its UTF-8 bytes after the HTML. Used for non-HTML bodies (no text). */
export function packContent(html: Uint8Array, text: string, opts: PackOptions = DEFAULT_PACK): { data: Uint8Array; textBytes: number } {
  // No text (a body that is not HTML): the body is the frame, compressed as it is rather than
  // copied first (a copy of up to --max-bytes a worker, for nothing).
  if (text === '') return { data: compress(html, opts), textBytes: 0 };
  const textBuf = Buffer.from(text, 'utf8');
  return { data: compress(Buffer.concat([html, textBuf]), opts), textBytes: textBuf.length };
}

export interface PageText {
  /** The body decoded as the parser saw it: decodeAs(html bytes, encoding) must return it. */
  htmlString: string;
  /** The label decodeAs was given (decode-charset.ts). */
  encoding: string;
  text: string;
  /** The text's UTF-8 length when the caller has it already (parse-page.ts); measured otherwise. */
  textBytes?: number;
}

/** HTML bytes plus the text as spans of the decoded HTML: the `<codec>+spans` layout. */
export function packPage(html: Uint8Array, page: PageText, opts: PackOptions = DEFAULT_PACK): { data: Uint8Array; codec: string; textBytes: number } {
  let spans = encodeTextSpans(page.htmlString, page.text);
  // The recipe is checked against the text it stands for, so a gap in its matching can cost
  // bytes but never change what is read back: on any mismatch the text goes in as one literal.
  if (!textSpansMatch(page.htmlString, spans, page.text)) spans = literalSpans(page.text);
  const label = Buffer.from(page.encoding, 'latin1');
  if (label.length > 255) throw new RangeError(`encoding label too long: ${page.encoding}`);
  const header = Uint8Array.of(SPANS_VERSION, label.length);
  const frame = Buffer.concat([html, header, label, spans]);
  return { data: compress(frame, opts), codec: opts.codec + SPANS, textBytes: page.textBytes ?? Buffer.byteLength(page.text, 'utf8') };
}

function literalSpans(text: string): Uint8Array {
  return encodeTextSpans('', text);
}

function compress(frame: Uint8Array, opts: PackOptions): Uint8Array {
  switch (opts.codec) {
    case 'br':
      return brotliCompressSync(frame, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: opts.level,
          [constants.BROTLI_PARAM_LGWIN]: windowBits(frame.length),
          [constants.BROTLI_PARAM_SIZE_HINT]: frame.length,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        },
      });
    case 'gzip':
      return gzipSync(frame, { level: opts.level });
    case 'none':
      return frame;
  }
}

export interface UnpackedContent {
  html: Buffer;
  text: string;
}

export function unpackContent(data: Uint8Array, codec: string, htmlBytes: number): UnpackedContent {
  const isSpans = codec.endsWith(SPANS);
  const compression = isSpans ? codec.slice(0, -SPANS.length) : codec;
  let joined: Buffer;
  if (compression === 'br') joined = brotliDecompressSync(data);
  else if (compression === 'gzip') joined = gunzipSync(data);
  else if (compression === 'none') joined = Buffer.from(data);
  else throw new Error(`unknown content codec ${codec}`);
  const html = joined.subarray(0, htmlBytes);
  if (!isSpans) return { html, text: joined.subarray(htmlBytes).toString('utf8') };
  const section = joined.subarray(htmlBytes);
  if (section[0] !== SPANS_VERSION || section.length < 2) throw new Error(`unknown text spans layout in a ${codec} frame`);
  const labelEnd = 2 + (section[1] as number);
  const encoding = section.subarray(2, labelEnd).toString('latin1');
  const spans = section.subarray(labelEnd);
  // A page with no text needs no decode of its HTML.
  return { html, text: spans.length === 0 ? '' : decodeTextSpans(decodeAs(html, encoding), spans) };
}
