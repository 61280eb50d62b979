/**
 * A body with neither a Content-Length nor chunked framing ends only when the server closes the
 * connection (RFC 9112 section 6.3, HTTP/1.0's way). Some servers never close it: an HTTP/1.0
 * response kept alive, a proxy that holds its upstream connection open. Read as it is, such a
 * page ran into --timeout (30 s by default, times each retry) and failed as a plain timeout, its
 * body lost, although the whole document had long arrived. Browsers show what came and keep
 * spinning; a crawler needs an end.
 *
 * So while such a body is read, its silences are watched (watchUnframed):
 * - silent for COMPLETE_IDLE_MS after a document that is evidently whole (its decoded text ends
 *   with `</html>`, then only whitespace or comments, as cache plugins append): the body ends
 *   there and is kept whole. The server has nothing more to say; it just does not hang up.
 *   What "whole" means is the caller's (FetchOverrides.wholeEnd): a sitemap ends with its root's
 *   end tag (WHOLE_SITEMAP; a text sitemap with a line break, WHOLE_SITEMAP_FILE), robots.txt
 *   with a line break (WHOLE_LINES: its rules are read to the last whole line anyway, as a
 *   500 KiB cut is). A robots.txt served so stalled, and with it
 *   the whole origin: disallowed, retried, then every URL failed, although its rules had come.
 * - silent for STALLED_IDLE_MS otherwise: CRAWL_FETCH_STALLED, retried as a timeout is. What
 *   came is a fragment (or nothing), and storing it as the page would pass a cut document off as
 *   whole; waiting on would only reach --timeout with the same bytes. The longer wait leaves room
 *   for a slow server that pauses mid-page and then goes on.
 * Either way the fetch ends within seconds of the server falling silent, not at --timeout, and
 * the code says what happened. A body framed by a length or chunks is not watched: its server
 * promised more, and a silence there is a timeout as before.
 */
import type { Readable } from 'node:stream';
import { FetchError } from '../errors.js';
import type { CutMark } from './decode-checked.js';
import { gunzipMembers } from './gunzip-members.js';

/** Silence after an evidently whole document before its body is taken as ended. */
export const COMPLETE_IDLE_MS = 3_000;
/** Silence after anything else before the fetch fails as CRAWL_FETCH_STALLED. */
export const STALLED_IDLE_MS = 10_000;

/** How much of the decoded text's end is kept to tell a whole document. */
const TAIL_CHARS = 2_048;
/** How much of its start is kept, for a WholeTest (what kind of text it is). */
const HEAD_CHARS = 512;

/** `</html>`, then only whitespace and comments (`<!-- page cached 0.2 s -->`) to the end. */
export const WHOLE_DOCUMENT = /<\/html\s*>(?:\s|<!--(?:(?!-->)[\s\S])*-->)*$/i;
/** A sitemap's or sitemap index's end tag, then only whitespace and comments. */
export const WHOLE_SITEMAP = /<\/(?:[\w.-]+:)?(?:urlset|sitemapindex)\s*>(?:\s|<!--(?:(?!-->)[\s\S])*-->)*$/i;
/** A line-based text (robots.txt) whose last line has ended. */
export const WHOLE_LINES = /[\r\n]$/;

/**
 * A whole-end test that needs the body's start as well as its end: `head` is the first
 * HEAD_CHARS characters (latin1, one per byte), `tail` the last TAIL_CHARS. `gzip` is the whole
 * body as read, when it starts as a gzip file does (else empty): a test may ask whether its
 * stream has ended (isWholeGzip).
 */
export type WholeTest = (head: string, tail: string, gzip: readonly Buffer[]) => Wholeness | Promise<Wholeness>;

/**
 * What a WholeTest says at a silence: whole (true), not yet (false), or 'cut': the body ends
 * there all the same, cut short (FetchResult.isTruncated), as a text that has no end of its own is
 * once its server falls silent mid-line (WHOLE_SITEMAP_FILE).
 */
export type Wholeness = boolean | 'cut';

/** The gzip magic number, as `head` spells it. */
const GZIP_MAGIC = '\x1F\x8B';

/** Past this much unpacked, a gzip body is taken as ended: no sitemap is read that large (sitemaps.ts: 50 MiB). */
const MAX_GZIP_CHECK_BYTES = 64 * 1024 * 1024;

/**
 * Whether a gzip file's last member has ended, trailer and all (bytes after it are ignored, as
 * gunzip-members.ts ignores them). Corrupt data, or more than MAX_GZIP_CHECK_BYTES unpacked, is
 * an end too: waiting would not mend it, and the reader says what is wrong with it.
 */
export async function isWholeGzip(chunks: readonly Buffer[]): Promise<boolean> {
  const mark: CutMark = { isCut: false };
  let unpacked = 0;
  try {
    for await (const out of gunzipMembers((async function* () { yield* chunks; })(), mark, {})) {
      unpacked += out.length;
      if (unpacked > MAX_GZIP_CHECK_BYTES) return true;
    }
  } catch {
    return true;
  }
  // A corrupt member after a whole one ends the body too (gunzip-members.ts): nothing to wait for.
  return !mark.isCut || mark.isCorrupt === true;
}

/**
 * A sitemap file, whichever of the two forms it turns out to be (frontier/sitemaps.ts tells them
 * the same way): XML is whole at its root's end tag (WHOLE_SITEMAP); a text sitemap, one URL per
 * line, at the end of a line, as robots.txt. With the end tag alone, a .txt sitemap from a server
 * that never closes stalled for 10 s and was skipped although every URL had come. One that falls
 * silent mid-line has no end to wait for either (a text has no end tag, and this server closes
 * nothing): it ends at the same silence, 'cut', and its whole lines are read (sitemaps.ts), where
 * it stalled for 10 s and was skipped, every URL lost. A gzip'd file
 * (sent as it is, not as a Content-Encoding) is whole once its gzip stream has ended, which only
 * unpacking what came can tell: it too stalled for 10 s and was skipped.
 */
export const WHOLE_SITEMAP_FILE: WholeTest = (head, tail, gzip) => {
  if (head.startsWith(GZIP_MAGIC)) return isWholeGzip(gzip);
  const first = head.replace(/^(?:\xEF\xBB\xBF)?\s*/, '').charAt(0);
  if (first === '') return false;
  return first === '<' ? WHOLE_SITEMAP.test(tail) : WHOLE_LINES.test(tail) || 'cut';
};

/**
 * Whether a response's body is read to the close: no Content-Length, and no Transfer-Encoding
 * ending in chunked. A 204 or 304 has no body at all.
 */
export function isUnframed(status: number, headers: Record<string, string | string[] | undefined>): boolean {
  if (status === 204 || status === 304 || headers['content-length'] !== undefined) return false;
  const transfer = headers['transfer-encoding'];
  const codings = (Array.isArray(transfer) ? transfer.join(',') : transfer ?? '').split(',');
  return codings.at(-1)?.trim().toLowerCase() !== 'chunked';
}

/** The end of a body's decoded text, fed as it is read, asked whether the document is whole. */
export interface DocumentTail {
  add(decoded: Uint8Array): void;
  /** Whether the body ends at this silence: whole, or cut (isCut). */
  isWhole(): boolean | Promise<boolean>;
  /** The body ended at a silence cut short (a WholeTest's 'cut'). */
  isCut(): boolean;
}

/**
 * `wholeEnd`: what the end of a whole body matches (WHOLE_DOCUMENT, WHOLE_SITEMAP, WHOLE_LINES),
 * or a WholeTest that looks at its start too (WHOLE_SITEMAP_FILE).
 */
export function createDocumentTail(wholeEnd: RegExp | WholeTest = WHOLE_DOCUMENT): DocumentTail {
  let head = '';
  let tail = '';
  /**
   * The body's chunks, for a WholeTest while the body may be a gzip file (references to the
   * chunks the body is made of, not copies); null once it is not.
   */
  let gzip: Buffer[] | null = typeof wholeEnd === 'function' ? [] : null;
  let isCut = false;
  const settle = (wholeness: Wholeness): boolean => {
    isCut = wholeness === 'cut';
    return wholeness !== false;
  };
  return {
    add(decoded) {
      // latin1 keeps one character per byte, and the markup looked for is ASCII in every
      // encoding a page is likely to be in (UTF-16 pages are rare and only lose this shortcut).
      const bytes = Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength);
      if (head.length < HEAD_CHARS) head += bytes.toString('latin1', 0, Math.min(bytes.length, HEAD_CHARS - head.length));
      tail = (tail + bytes.toString('latin1', Math.max(0, decoded.byteLength - TAIL_CHARS))).slice(-TAIL_CHARS);
      if (gzip !== null) {
        if (GZIP_MAGIC.startsWith(head.slice(0, GZIP_MAGIC.length))) gzip.push(bytes);
        else gzip = null;
      }
    },
    isWhole() {
      if (typeof wholeEnd !== 'function') return wholeEnd.test(tail);
      const wholeness = wholeEnd(head, tail, gzip ?? []);
      return typeof wholeness === 'object' ? wholeness.then(settle) : settle(wholeness);
    },
    isCut: () => isCut,
  };
}

const SILENT = Symbol('silent');

/** `pending`'s outcome, or SILENT when it has not settled within `ms`. */
async function within<T>(pending: Promise<T>, ms: number): Promise<T | typeof SILENT> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([pending, new Promise<typeof SILENT>((resolve) => (timer = setTimeout(resolve, ms, SILENT)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** How watchUnframed ends a body whose server fell silent short of its end, and what it tells. */
export interface SilenceOptions {
  /**
   * 'fail' (the default): CRAWL_FETCH_STALLED. 'cut': the body ends there, what came kept and
   * `mark.isCut` set, as it is too when the connection closes or resets short of the body's end
   * (a sitemap, whose whole entries before the cut are read: frontier/sitemaps.ts).
   */
  onStall?: 'fail' | 'cut';
  /** Set when the body ended cut ('cut'); `by` says why, in words for a report. */
  mark?: { isCut: boolean; by?: string };
  /**
   * With 'cut': whether an abort of `signal` is the fetch's --timeout, which then ends the body
   * cut too (a large sitemap on a slow link), where the caller's stop or a refusal stays an error.
   */
  isTimedOut?: () => boolean;
  /** The fetch's own signal: its deadline or the caller's stop is never taken for a cut. */
  signal?: AbortSignal;
  /** The CRAWL_FETCH_STALLED message for `received` bytes and that many seconds of silence. */
  stalledMessage?: (received: number, seconds: number) => string;
}

const unframedStall = (received: number, seconds: number): string =>
  `the server sent ${received} bytes of a body with neither a Content-Length nor chunked framing, then nothing for ${seconds} s without closing the connection`;

/**
 * The CRAWL_FETCH_STALLED message for a body framed by a length or chunks whose server fell
 * silent short of its end (robots.txt, sitemaps: FetchOverrides.shortBody).
 */
export function framedStall(headers: Record<string, string | string[] | undefined>): (received: number, seconds: number) => string {
  const length = headers['content-length'];
  return typeof length === 'string' && /^[0-9]+$/.test(length)
    ? (received, seconds) => `the server sent ${received} of the ${length} bytes of its Content-Length, then nothing for ${seconds} s`
    : (received, seconds) => `the server sent ${received} bytes of a chunked body, then nothing for ${seconds} s before its last chunk`;
}

/**
 * `body`'s chunks, ending early (above) when the server falls silent without closing. `isWhole`
 * is asked at the first silence: the bytes read so far have been decoded by then (decode-body.ts
 * flushes each write). A body framed by a length or chunks is watched too where the caller asks
 * (FetchOverrides.shortBody: robots.txt, sitemaps), its `isWhole` always false: the framing says
 * more is due, so a silence is a stall after STALLED_IDLE_MS rather than a wait to --timeout.
 * Leaving the loop destroys `body`, and undici drops the connection, which could not carry
 * another response anyway.
 */
export async function* watchUnframed(
  body: Readable, isWhole: () => boolean | Promise<boolean>, limits = { completeMs: COMPLETE_IDLE_MS, stalledMs: STALLED_IDLE_MS }, opts: SilenceOptions = {},
): AsyncGenerator<Buffer> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const isKept = opts.onStall === 'cut';
  let received = 0;
  const cut = (by: string): void => {
    if (opts.mark) Object.assign(opts.mark, { isCut: true, by });
  };
  try {
    for (;;) {
      const pending = chunks.next();
      let next: IteratorResult<Buffer> | typeof SILENT;
      try {
        next = await within(pending, limits.completeMs);
        if (next === SILENT) {
          if (await isWhole()) {
            pending.catch(() => {}); // settles as the body is destroyed below; nothing to read
            return;
          }
          next = await within(pending, limits.stalledMs - limits.completeMs);
          if (next === SILENT) {
            pending.catch(() => {}); // as above
            if (isKept) {
              cut('its server fell silent');
              return;
            }
            throw new FetchError('CRAWL_FETCH_STALLED', (opts.stalledMessage ?? unframedStall)(received, limits.stalledMs / 1000), { retryable: true });
          }
        }
      } catch (err) {
        // The connection closed or reset short of the body's end, or --timeout came: what came
        // is kept, cut. The caller's stop, or a refusal (framing-bytes.ts), is not a cut.
        if (!isKept) throw err;
        if (opts.signal?.aborted !== true) cut('its connection closed');
        else if (opts.isTimedOut?.() === true) cut('--timeout');
        else throw err;
        return;
      }
      if (next.done === true) return;
      received += next.value.length;
      yield next.value;
    }
  } finally {
    body.destroy();
  }
}
