/**
 * Error classes with codes. Match on `err.code`, never `instanceof`: class identity does not
 * survive a worker boundary (a piscina worker's custom error arrives as a bare Error), so worker
 * tasks return `{ ok: false, code, message }` and the pool turns that back into a ParseError.
 */

export type ErrorCode =
  // run-level: end the run with one line and a non-zero exit
  | 'CRAWL_USAGE'
  | 'CRAWL_CONFIG_INVALID'
  | 'CRAWL_SEED_INVALID'
  | 'CRAWL_STORE_OPEN'
  | 'CRAWL_STORE_LOCKED'
  | 'CRAWL_STORE_WRITE'
  | 'CRAWL_STORE_MISSING'
  | 'CRAWL_STORE_CORRUPT'
  | 'CRAWL_OUTPUT_WRITE'
  | 'CRAWL_BENCH_FAILED'
  | 'CRAWL_NOTHING_FETCHED'
  /** The proxy the seeds would go through does not accept connections: nothing is started. */
  | 'CRAWL_PROXY_UNREACHABLE'
  /** SIGINT, SIGTERM or SIGHUP stopped an export or report writing its --out file: exit 130. */
  | 'CRAWL_INTERRUPTED'
  // per-URL: recorded as data, the crawl goes on
  | 'CRAWL_SCOPE_OUT'
  | 'CRAWL_SCOPE_EXCLUDED'
  | 'CRAWL_DEPTH_LIMIT'
  | 'CRAWL_NOT_FOLLOWED'
  | 'CRAWL_URL_INVALID'
  | 'CRAWL_FETCH_TIMEOUT'
  | 'CRAWL_FETCH_NETWORK'
  | 'CRAWL_FETCH_DNS'
  | 'CRAWL_FETCH_REFUSED'
  | 'CRAWL_FETCH_RESET'
  | 'CRAWL_FETCH_TLS'
  | 'CRAWL_FETCH_TOO_LARGE'
  | 'CRAWL_FETCH_DECODE'
  /**
   * A response neither HTTP parser could read (a status line, header line or chunk framing that is
   * no HTTP): the server's fault, not the network's. Retried once, not --retries times.
   */
  | 'CRAWL_FETCH_PROTOCOL'
  /** A body read to the close whose server fell silent without closing, the document not whole. */
  | 'CRAWL_FETCH_STALLED'
  /** Not a failure of the fetch: the page is stored, its body as received and unparsed. */
  | 'CRAWL_FETCH_ENCODING'
  | 'CRAWL_FETCH_ABORTED'
  /** The proxy failed the request: unreachable, refused the tunnel, asked for credentials. */
  | 'CRAWL_FETCH_PROXY'
  | 'CRAWL_RECRAWL_UNAVAILABLE'
  /** A recrawl answered 401 or 403 where a good copy is stored: the copy stays. */
  | 'CRAWL_RECRAWL_DENIED'
  | 'CRAWL_REDIRECT_LIMIT'
  | 'CRAWL_REDIRECT_LOOP'
  | 'CRAWL_REDIRECT_INVALID'
  /** A redirect with two different Location headers: which one is meant is unknown. */
  | 'CRAWL_REDIRECT_AMBIGUOUS'
  | 'CRAWL_REDIRECT_OUT_OF_SCOPE'
  | 'CRAWL_PARSE_FAILED'
  | 'CRAWL_PARSE_CRASHED'
  | 'CRAWL_PARSE_TIMEOUT'
  // politeness and hostile sites (issue 3)
  | 'CRAWL_ROBOTS_DISALLOWED'
  | 'CRAWL_ROBOTS_UNAVAILABLE'
  /** Never final: a URL waits (queued, due_at) because its redirect target's host is resting. */
  | 'CRAWL_HOST_RESTING'
  | 'CRAWL_TRAP_URL_LENGTH'
  | 'CRAWL_TRAP_PATH_DEPTH'
  | 'CRAWL_TRAP_REPEATED_SEGMENT'
  | 'CRAWL_TRAP_QUERY_VARIANTS'
  | 'CRAWL_TRAP_DUPLICATE_CONTENT';

/**
 * A few words for a per-URL code, for lines that name many URLs at once (the CLI's verdict on a
 * crawl that fetched nothing); the code itself is there for anything longer.
 */
const CODE_LABELS: Partial<Record<ErrorCode, string>> = {
  CRAWL_FETCH_TIMEOUT: 'timed out',
  CRAWL_FETCH_REFUSED: 'connection refused',
  CRAWL_FETCH_DNS: 'DNS lookup failed',
  CRAWL_FETCH_RESET: 'connection reset',
  CRAWL_FETCH_TLS: 'TLS failed',
  CRAWL_FETCH_ABORTED: 'aborted',
  CRAWL_FETCH_PROXY: 'proxy failed',
  CRAWL_RECRAWL_UNAVAILABLE: 'server error on recrawl',
  CRAWL_RECRAWL_DENIED: 'access denied on recrawl',
  CRAWL_FETCH_NETWORK: 'network error',
  CRAWL_FETCH_DECODE: 'body could not be decoded',
  CRAWL_FETCH_PROTOCOL: 'malformed response',
  CRAWL_FETCH_STALLED: 'body stalled, connection left open',
  CRAWL_FETCH_ENCODING: 'unsupported content-encoding',
  CRAWL_FETCH_TOO_LARGE: 'response headers too large',
  CRAWL_REDIRECT_LIMIT: 'too many redirects',
  CRAWL_REDIRECT_LOOP: 'redirect loop',
  CRAWL_REDIRECT_INVALID: 'redirect to a non-http(s) or over-long URL',
  CRAWL_REDIRECT_AMBIGUOUS: 'redirect with different Locations',
  CRAWL_REDIRECT_OUT_OF_SCOPE: 'redirected out of scope',
  CRAWL_ROBOTS_DISALLOWED: 'disallowed by robots.txt',
  CRAWL_ROBOTS_UNAVAILABLE: 'robots.txt unavailable',
};

/** What a code means in a few words ('connection refused'), or the code itself when it has none. */
export function describeCode(code: ErrorCode): string {
  return CODE_LABELS[code] ?? code;
}

/** Longest error message kept: stored in error_message, printed on stderr, logged as JSON. */
export const MAX_MESSAGE_CHARS = 1000;

/**
 * A message cut to MAX_MESSAGE_CHARS. Messages quote what a server sent (a Location, a
 * Content-Encoding), and a hostile one sent 200 KB of it: into the database and onto stderr.
 * Never between the halves of a surrogate pair (two Location values are quoted decoded as UTF-8,
 * emoji and all): a lone half went into urls.error_message, and `--log-format json` and `stats
 * --json` wrote it as an escape jq refuses.
 */
export function clipMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  const last = message.charCodeAt(MAX_MESSAGE_CHARS - 1);
  const cut = last >= 0xd800 && last <= 0xdbff ? MAX_MESSAGE_CHARS - 1 : MAX_MESSAGE_CHARS;
  return `${message.slice(0, cut)}... (${message.length} characters)`;
}

/**
 * `value` with control characters written as escapes (\n, \u0007), so an error stays one line: a
 * path or value the user typed may hold a newline (`--db $'a\nb.db'`), and the line was cut there.
 */
export function escapeControls(value: string): string {
  return value.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export class CrawlError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; retryable?: boolean } = {}) {
    super(clipMessage(message), { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
}

/** Bad command line, config or seed: exit code 2. */
export class UsageError extends CrawlError {}
/** The database cannot be opened, is locked, or a write failed. */
export class StoreError extends CrawlError {}
/** An --out file or stdout could not be opened or written (permission, disk full). */
export class OutputError extends CrawlError {}
/** A signal stopped the command before its output was complete. */
export class InterruptedError extends CrawlError {}
/** A fetch failed; `cause` keeps undici's UND_ERR_* error. */
export class FetchError extends CrawlError {}
/** A parse task failed in the pool. */
export class ParseError extends CrawlError {}

/** Narrow an unknown thrown value to something with a code, for the CLI's one-line message. */
export function isCrawlError(err: unknown): err is CrawlError {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('CRAWL_');
}
