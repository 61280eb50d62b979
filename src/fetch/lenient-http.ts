/**
 * The second reading of a response undici's strict parser refused. llhttp in undici's strict mode
 * refuses what browsers, curl and Scrapy read: header lines ended by a bare LF, folded header
 * lines, a control character in a header value, a space after a chunk size, an unrequested
 * `100 Continue`. Sites with such servers (embedded devices, old CGI, hand-written servers) are
 * real; failing them all would make crawlite the one client that cannot read them. The hop is
 * asked once more through node:http with `insecureHTTPParser` (node-http-dispatcher.ts), and the
 * origin is remembered so its later requests go that way at once. A Content-Length written twice
 * with one value, which Node refuses too, is made one line first (content-length-lines.ts), and
 * header lines Chromium reads past are made what it reads them as (header-lines.ts), and so are
 * chunked framing (chunk-lines.ts) and a status line's dotless version, `HTTP/2 200`
 * (status-line.ts). What
 * Node refuses still (lengths that disagree, HTTP/0.9, a status below 100) keeps undici's error.
 *
 * One refusal is undici's, not llhttp's: a response with both Content-Length and
 * Transfer-Encoding: chunked (a script's Content-Length on a reply its server chunks). llhttp
 * frames the body by the Transfer-Encoding, as RFC 9112 section 6.3 says and browsers and curl do,
 * then undici holds the chunked body to the Content-Length and fails the request as a length
 * mismatch, on every attempt. Node's lenient parser reads it by the chunks (and a body beside
 * another Transfer-Encoding, `identity` or `gzip`, to the close, which its request asks for:
 * RFC 9112 6.3 again, where undici masked llhttp's refusal as the same mismatch). undici masks
 * every parser error met once a Content-Length has been read so (its Parser.createError): a bare
 * LF, a folded line or a control character in a header line after the Content-Length, where
 * servers often put it, came as a length mismatch, and only such lines before it reached the
 * fallback. A body cut short fails as 'other side closed' instead, and a 204 or 304 with a length
 * is the fetcher's (skipNoContent), so the mismatch is taken for a refusal.
 */
import type { Dispatcher } from 'undici';
import type { SecureContext } from 'node:tls';
import type { FetchConfig } from '../config/schema.js';
import { mergeContentLengthsOn } from './content-length-lines.js';
import { isCutChunkedBody } from './cut-body.js';
import { MAX_HEADER_BYTES } from './dispatcher.js';
import { loopbackLookup } from './loopback-lookup.js';
import { NodeHttpDispatcher } from './node-http-dispatcher.js';

/** Origins remembered as needing the lenient parser; past this the oldest is forgotten. */
const MAX_LENIENT_ORIGINS = 10_000;

/** undici's parser refused the bytes (not a network failure, a timeout or an abort). */
export function isStrictParserRefusal(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current != null; depth++) {
    const e = current as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
    // A body cut by the close is no refusal: the lenient parser meets the same close.
    if (isCutChunkedBody(e)) return false;
    if (e.name === 'HTTPParserError' || (typeof e.code === 'string' && e.code.startsWith('HPE_'))) return true;
    if (e.code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return true;
    // An interim 100 Continue nobody asked for: Node's client skips it, as RFC 9110 allows.
    if (e.code === 'UND_ERR_SOCKET' && e.message === 'bad response') return true;
    current = e.cause;
  }
  return false;
}

/** undici's length mismatch, which may stand for any parser error met after a Content-Length (above). */
export function isMaskedParserError(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH';
}

/** Node's parser refused the bytes (`HPE_*`), not a close, a reset or a timeout. */
export function isNodeParserError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('HPE_');
}

export interface LenientHttp {
  readonly dispatcher: Dispatcher;
  /** The origin's responses needed the lenient parser before. */
  has(origin: string): boolean;
  remember(origin: string): void;
  close(): Promise<void>;
}

export function createLenientHttp(config: FetchConfig, secureContext?: SecureContext): LenientHttp {
  let dispatcher: NodeHttpDispatcher | null = null;
  const origins = new Set<string>();
  return {
    get dispatcher() {
      // One connection per request: only sites whose servers are broken come here.
      dispatcher ??= new NodeHttpDispatcher({
        agent: false,
        insecureHTTPParser: true,
        maxHeaderSize: MAX_HEADER_BYTES,
        lookup: loopbackLookup as never,
        ...(config.insecure === true ? { rejectUnauthorized: false } : {}),
        ...(secureContext === undefined ? {} : { secureContext }),
      }, mergeContentLengthsOn);
      return dispatcher;
    },
    has: (origin) => origins.has(origin),
    remember(origin) {
      origins.delete(origin);
      origins.add(origin);
      if (origins.size > MAX_LENIENT_ORIGINS) origins.delete(origins.values().next().value as string);
    },
    close: () => dispatcher?.close() ?? Promise.resolve(),
  };
}
