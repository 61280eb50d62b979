/**
 * Turns whatever undici or Node threw for one request into a FetchError with a CRAWL_FETCH_* code.
 * Codes are matched, never classes (undici's advice, and our errors.ts rule); the original error
 * stays as `cause` so its UND_ERR_* / E* code is still there for debugging.
 */
import { CrawlError, FetchError, describeCode, type ErrorCode } from '../errors.js';
import { CUT_CHUNKED_BODY, isCutChunkedBody } from './cut-body.js';

/** Failures worth another attempt later: the server or the path to it may recover. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CRAWL_FETCH_TIMEOUT',
  'CRAWL_FETCH_RESET',
  'CRAWL_FETCH_NETWORK',
  'CRAWL_FETCH_REFUSED',
  'CRAWL_FETCH_STALLED',
  // Once only (retry-policy.ts): the same server mostly sends the same bytes again.
  'CRAWL_FETCH_PROTOCOL',
]);

const BY_CODE: Readonly<Record<string, ErrorCode>> = {
  UND_ERR_CONNECT_TIMEOUT: 'CRAWL_FETCH_TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'CRAWL_FETCH_TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'CRAWL_FETCH_TIMEOUT',
  ETIMEDOUT: 'CRAWL_FETCH_TIMEOUT',
  ECONNREFUSED: 'CRAWL_FETCH_REFUSED',
  ENOTFOUND: 'CRAWL_FETCH_DNS',
  EAI_AGAIN: 'CRAWL_FETCH_DNS',
  EAI_FAIL: 'CRAWL_FETCH_DNS',
  EAI_NODATA: 'CRAWL_FETCH_DNS',
  ECONNRESET: 'CRAWL_FETCH_RESET',
  ECONNABORTED: 'CRAWL_FETCH_RESET',
  EPIPE: 'CRAWL_FETCH_RESET',
  UND_ERR_SOCKET: 'CRAWL_FETCH_RESET',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'CRAWL_FETCH_RESET',
  ERR_STREAM_PREMATURE_CLOSE: 'CRAWL_FETCH_RESET',
  // The request was cut from our side without one of our signals: the Agent was closed or destroyed.
  UND_ERR_ABORTED: 'CRAWL_FETCH_ABORTED',
  ABORT_ERR: 'CRAWL_FETCH_ABORTED',
  UND_ERR_DESTROYED: 'CRAWL_FETCH_ABORTED',
  UND_ERR_CLOSED: 'CRAWL_FETCH_ABORTED',
  // The same oversized head comes back on every attempt: not retried. Node's parser on the
  // lenient path (lenient-http.ts) says so in its words; it was CRAWL_FETCH_NETWORK, retried.
  UND_ERR_HEADERS_OVERFLOW: 'CRAWL_FETCH_TOO_LARGE',
  HPE_HEADER_OVERFLOW: 'CRAWL_FETCH_TOO_LARGE',
};

/** OpenSSL verify errors (CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ...), TLS and handshake errors. */
const TLS_CODE = /CERT|^UNABLE_TO_|^ERR_TLS_|^ERR_SSL_|^ERR_OSSL_|^EPROTO$/;

/** The verify errors among them: a certificate was read and refused, which --insecure accepts. */
const CERT_VERIFY_CODE = /CERT|^UNABLE_TO_/;

/** A whole chain that ends at a root Node does not know, as a corporate or private CA's: --ca-file trusts it. */
const UNKNOWN_ROOT_CODES = new Set(['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN']);

export interface AbortState {
  /** The fetch's own deadline fired. */
  isTimedOut: boolean;
  /** The caller's signal fired. */
  isCallerAborted: boolean;
  timeoutMs: number;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Finds the first code we know along the `cause` chain; undici and Node wrap socket errors in
 * their own (and happy-eyeballs connects report an AggregateError whose `errors` hold the detail).
 */
function classify(err: unknown): { code: ErrorCode; raw: string | undefined } {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current != null; depth++) {
    const raw = codeOf(current);
    if (raw !== undefined) {
      const code = BY_CODE[raw] ?? (TLS_CODE.test(raw) ? 'CRAWL_FETCH_TLS' : raw.startsWith('HPE_') ? 'CRAWL_FETCH_PROTOCOL' : undefined);
      if (code) return { code, raw };
    }
    // undici's parser errors carry no code (its HTTPParserError looks the llhttp error's name up
    // by number in a table keyed by name), only their name.
    if ((current as Error).name === 'HTTPParserError') return { code: 'CRAWL_FETCH_PROTOCOL', raw };
    if ((current as Error).name === 'AbortError') return { code: 'CRAWL_FETCH_ABORTED', raw };
    const nested = current as { cause?: unknown; errors?: unknown };
    current = nested.cause ?? (Array.isArray(nested.errors) ? nested.errors[0] : undefined);
  }
  return { code: 'CRAWL_FETCH_NETWORK', raw: codeOf(err) };
}

/**
 * The error's message on one line: it ends up in a urls row, a JSON log line and the CLI's
 * one-line output, and some are several (undici's assertion on a status line of "000" quotes the
 * failed expression over four lines).
 */
function describe(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name
    : typeof err === 'object' && err !== null && 'message' in err ? String(err.message)
    : String(err);
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Node 22.15+ appends this to an unverifiable certificate's message. Node's flag is no crawlite
 * option; crawlite's own hint (--ca-file, --insecure) follows instead.
 */
const NODE_SYSTEM_CA_HINT = /; if the root CA is installed locally, try running Node\.js with --use-system-ca/;

/**
 * OpenSSL's own text for a failed handshake is its error queue line, with a source path:
 * `805C…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/…:350:`.
 * Its reason is the part after the function name. The commonest, `wrong version number`, is an
 * https:// URL on a port that answers plain HTTP (a link to https://host:8080/), so it says so.
 */
function describeSslError(raw: string, text: string): string {
  const reason = /:SSL routines:[^:]*:([^:]+)/.exec(text)?.[1]?.trim() ?? text;
  return raw === 'ERR_SSL_WRONG_VERSION_NUMBER'
    ? `${reason}: the server does not answer in TLS on this port (plain HTTP? try http://)`
    : reason;
}

/**
 * undici's connect timeout covers the TLS handshake too, and its "Connect Timeout Error" reads as
 * a host that never answered, when a server that took the connection and then stalled its
 * handshake is as likely on https (probed in round 20).
 */
const CONNECT_TIMEOUT_NOTE = ': no connection made in time (the TCP connect, or for https:// its TLS handshake)';

/** A FetchError whose `retryable` follows from its code. */
export function createFetchError(code: ErrorCode, message: string, cause?: unknown): FetchError {
  return new FetchError(code, message, { cause, retryable: RETRYABLE.has(code) });
}

/**
 * Why a final response's status below 200 is refused: undici's parser refuses it (an assertion,
 * worded here), and node-http-dispatcher.ts refuses what Node's lenient parser lets through.
 */
export function describeFinalStatus(status: number): string {
  return status < 100 ? 'status code below 100' : `status ${status} as the final response; a 101 Switching Protocols answers only a request for an upgrade`;
}

/**
 * Maps an error thrown while fetching. Which signal fired is decided by the caller's bookkeeping,
 * not by the error: an abort surfaces as whatever reason undici was given, or as a socket error
 * from the stream it destroyed.
 */
export function mapFetchError(err: unknown, state: AbortState): FetchError {
  if (state.isTimedOut) {
    return createFetchError('CRAWL_FETCH_TIMEOUT', `no complete response within ${state.timeoutMs} ms`, err);
  }
  if (state.isCallerAborted) return createFetchError('CRAWL_FETCH_ABORTED', 'aborted by the crawl', err);
  // Already ours, e.g. CRAWL_FETCH_DECODE from decode-body.ts.
  if (err instanceof FetchError) return err;
  if (err instanceof CrawlError) return createFetchError(err.code, err.message, err);
  if (isCutChunkedBody(err)) return createFetchError('CRAWL_FETCH_RESET', `${describeCode('CRAWL_FETCH_RESET')}: ${CUT_CHUNKED_BODY}`, err);
  const classified = classify(err);
  const { raw } = classified;
  // undici meets a status below 100 ("HTTP/1.1 099 ...") and a 101 the request asked no upgrade
  // for with internal assertions, whose text ("assert(statusCode >= 100)", "assert(upgrade)") says
  // nothing to a user: say it as undici says a status over 999.
  const assertion = raw === 'ERR_ASSERTION' ? describe(err) : '';
  // A 101 that does name an Upgrade (a WebSocket server answering any GET so) undici refuses as a
  // socket error, "bad upgrade", which read as a reset and was retried --retries times.
  const isBadUpgrade = raw === 'UND_ERR_SOCKET' && describe(err) === 'bad upgrade';
  const refusedStatus = /statusCode/.test(assertion) ? 99 : /upgrade/.test(assertion) || isBadUpgrade ? 101 : null;
  const isStatusAssertion = refusedStatus !== null;
  // undici's "bad response": an interim "100 Continue" the request did not ask for (RFC 9110 lets
  // a client skip it; undici drops the connection instead), or bytes nobody asked for.
  const isBadResponse = raw === 'UND_ERR_SOCKET' && describe(err) === 'bad response';
  // Bytes that are no HTTP response, whichever way undici says so: the server's, not the network's.
  const code: ErrorCode = isStatusAssertion || isBadResponse ? 'CRAWL_FETCH_PROTOCOL' : classified.code;
  const detail = refusedStatus !== null ? `Response does not match the HTTP/1.1 protocol (${describeFinalStatus(refusedStatus)})`
    : isBadResponse ? 'bad response (an unrequested 100 Continue, or a response to no request), which the HTTP client does not accept'
    : raw?.startsWith('ERR_SSL_') ? describeSslError(raw, describe(err))
    : raw === 'UND_ERR_CONNECT_TIMEOUT' ? `${describe(err)}${CONNECT_TIMEOUT_NOTE}`
    : describe(err).replace(NODE_SYSTEM_CA_HINT, '');
  const suffix = raw && !isStatusAssertion && !detail.includes(raw) ? ` [${raw}]` : '';
  // Node's message names the reason ("self-signed certificate", "certificate has expired");
  // the hint says how to crawl such a site anyway.
  const isVerifyError = code === 'CRAWL_FETCH_TLS' && raw !== undefined && CERT_VERIFY_CODE.test(raw);
  const trustRoot = raw !== undefined && UNKNOWN_ROOT_CODES.has(raw) ? '; to trust its root CA, give it with --ca-file' : '';
  const hint = isVerifyError ? `${trustRoot}; to accept it, use --insecure` : '';
  return createFetchError(code, `${describeCode(code)}: ${detail}${suffix}${hint}`, err);
}
