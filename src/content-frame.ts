/**
 * How a page's HTML and visible text are stored: one compressed frame holding the HTML bytes
 * followed by the text's UTF-8 bytes, with the two lengths kept beside it (contents.html_bytes,
 * contents.text_bytes).
 *
 * Why one frame: the visible text is almost entirely substrings of the HTML. Compressed apart,
 * HTML and text cost about 40 % + 34 % of the raw HTML; compressed together with brotli's large
 * window, the text becomes back-references into the HTML and costs a few percent more than the
 * HTML alone. Both stay retrievable with one decompression.
 *
 * The parse workers pack; export and search unpack. Sync zlib is right in both places: packing
 * runs on a worker thread, unpacking streams one row at a time.
 */
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';

export type Codec = 'br' | 'gzip' | 'none';

export interface PackOptions {
  codec: Codec;
  /** brotli quality 0-11 or gzip level 1-9. */
  level: number;
}

export const DEFAULT_PACK: PackOptions = { codec: 'br', level: 4 };

/**
 * The smallest brotli window that holds the whole frame, so the text can still reach back to any
 * byte of the HTML. The default (22 bits, 4 MiB) costs every call that much encoder memory, which
 * glibc keeps per thread: the parse workers' RSS grew by tens of MB for nothing.
 */
function windowBits(length: number): number {
  const bits = Math.ceil(Math.log2(Math.max(length, 1))) + 1;
  return Math.min(constants.BROTLI_MAX_WINDOW_BITS, Math.max(constants.BROTLI_MIN_WINDOW_BITS, bits));
}

export function packContent(html: Uint8Array, text: string, opts: PackOptions = DEFAULT_PACK): { data: Uint8Array; textBytes: number } {
  const textBuf = Buffer.from(text, 'utf8');
  const joined = Buffer.concat([html, textBuf]);
  let data: Uint8Array;
  switch (opts.codec) {
    case 'br':
      data = brotliCompressSync(joined, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: opts.level,
          [constants.BROTLI_PARAM_LGWIN]: windowBits(joined.length),
          [constants.BROTLI_PARAM_SIZE_HINT]: joined.length,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        },
      });
      break;
    case 'gzip':
      data = gzipSync(joined, { level: opts.level });
      break;
    case 'none':
      data = joined;
      break;
  }
  return { data, textBytes: textBuf.length };
}

export interface UnpackedContent {
  html: Buffer;
  text: string;
}

export function unpackContent(data: Uint8Array, codec: string, htmlBytes: number): UnpackedContent {
  let joined: Buffer;
  if (codec === 'br') joined = brotliDecompressSync(data);
  else if (codec === 'gzip') joined = gunzipSync(data);
  else if (codec === 'none') joined = Buffer.from(data);
  else throw new Error(`unknown content codec ${codec}`);
  return { html: joined.subarray(0, htmlBytes), text: joined.subarray(htmlBytes).toString('utf8') };
}
