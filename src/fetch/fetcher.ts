/**
 * The fetch stage: one GET per frontier entry through undici's request API on the shared Agent,
 * redirects followed by hand (so each hop is checked), the body decoded under a size cap, and
 * every per-URL problem returned as a FetchFailure rather than thrown.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { request } from './undici-parts.js';
import type { FetchConfig } from '../config/schema.js';
import { clipMessage, FetchError, isCrawlError, type ErrorCode } from '../errors.js';
import { normalizeUrl, originKey } from '../frontier/normalize-url.js';
import { MAX_HREF_CHARS } from '../parse/directives.js';
import type { FetchFailure, FetchResult, FrontierEntry, RedirectHop, RedirectToStored } from '../types.js';
import type { BodyBudget } from './body-budget.js';
import { expectedLength } from './body-sink.js';
import { ACCEPT_ENCODING, decodeBody, type Pace } from './decode-body.js';
import { startDeadline } from './deadline.js';
import { createAgent } from './dispatcher.js';
import { decodeHeaderUtf8 } from './header-utf8.js';
import { createInterimLimit } from './interim-responses.js';
import { createFetchError, mapFetchError } from './map-error.js';
import { proxyFor, redactProxy } from '../config/proxy.js';
import { asProxyFailure, authRequired } from './proxy-errors.js';
import { createCookieJar } from './cookie-jar.js';
import { createLenientHttp, isMaskedParserError, isNodeParserError, isStrictParserRefusal } from './lenient-http.js';
import { contextWithRoots, createMissingIssuers, isIssuerMissing, withIssuerNote } from './missing-issuers.js';
import { readCaFile } from '../config/ca-file.js';
import { refuseMultipleLocations } from './multiple-locations.js';
import { requestTarget } from './request-target.js';
import { isStaleConnectionError, takeStaleTimeout, watchStaleConnections } from './stale-connection.js';
import { withTransferCodings } from './transfer-codings.js';
import { dropBody } from './redirect-body.js';
import { watchBodyIdle, type BodyIdleWatch } from './body-idle.js';
import type { InFlightRequests } from '../fetched-elsewhere.js';
import { createDocumentTail, framedStall, isUnframed, watchUnframed, type SilenceOptions, type WholeTest } from './unframed-body.js';

export interface FetcherOptions {
  config: FetchConfig;
  /** Injected dispatcher (tests, a proxy); the fetcher then does not close it. @default createAgent(config) */
  dispatcher?: Dispatcher;
  /**
   * Decides whether a redirect target may be followed; a non-null code (e.g. CRAWL_SCOPE_OUT)
   * refuses it. `from` is the entry being fetched: a seed's chain may go where a link's may not.
   */
  checkRedirect?: (url: string, from: FrontierEntry) => ErrorCode | null;
  /**
   * Checked after checkRedirect for each redirect target (robots.txt of its origin), and for the
   * Location as sent of a redirect that only adds a session id; a refusal fails the fetch with
   * its code and message, and the target is not requested.
   */
  checkHop?: (url: string) => Promise<HopRefusal | null>;
  /**
   * Sends each redirect target's request (`send`) through its host's politeness (polite-stage.ts):
   * it may wait for the host's turn and slot, then resolves to what send() gave, or to a refusal
   * when the host is not to be asked now (a cool-down, a turn too far off). Not for the first
   * request, which the caller has already passed through the same gate.
   */
  runHop?: (url: string, send: () => Promise<HopStep>, hop: HopContext) => Promise<{ sent: HopStep } | { refused: HopRefusal }>;
  /**
   * Whether a URL's page is already stored (its urls row 'done'). fetchPage() asks it for each
   * redirect target that passed checkRedirect, before checkHop and runHop, and does not request a
   * stored one: it ends with a RedirectToStored. fetch() never asks it. @default none stored
   */
  isStored?: (url: string) => boolean;
  /**
   * Requests in flight by URL (fetched-elsewhere.ts), asked beside isStored: a hop to a URL whose
   * own request is out waits for it (at most half of what is left of --timeout) and, its page
   * stored by then, is not requested. Each hop a page fetch requests is noted here. @default none
   */
  inFlight?: InFlightRequests;
  /**
   * Bounds the bytes of bodies held at once (body-budget.ts): a body's reading pauses at the bound,
   * its deadline's clock stopped meanwhile. @default none: bodies are read as they come
   */
  bodyBudget?: BodyBudget;
  /** Keep the body as received (FetchResult.wireBody) when a content-coding was removed; for --archive. @default false */
  shouldKeepWire?: boolean;
  /**
   * URLs (the seeds) whose origins (scheme, host, port) get config.headers. Every other origin,
   * reached by a link, a redirect hop or a sitemap, and its robots.txt, gets none of them: they
   * are credentials more often than not. @default none
   */
  headerOrigins?: readonly string[];
}

/** Why a redirect target is not requested (see checkHop). */
export interface HopRefusal {
  /**
   * CRAWL_ROBOTS_DISALLOWED, CRAWL_ROBOTS_UNAVAILABLE, a network code when its host did not
   * answer, or CRAWL_HOST_RESTING when the target's host is not to be asked yet (with retryAt).
   */
  code: ErrorCode;
  /** Follows "redirect to <target>: " in the failure's message. */
  message: string;
  /** Set when the refusal is temporary (robots.txt unreachable, the host resting): becomes FetchFailure.retryAt. */
  retryAt?: number;
}

/** One request of a redirect chain: where it redirects, or the final response. */
/** `setsCookie`: the redirect came with a Set-Cookie (a cookie wall, see cookieLoopHint). */
export type HopStep = { location: string; status: number; setsCookie?: boolean } | { result: FetchResult };

/**
 * A consent or session wall sets a cookie and redirects back until the cookie comes with the
 * request. With the cookie jar that is one return trip (nextHop); a loop left after a Set-Cookie
 * means no cookie was sent (--no-cookies) or the one sent did not satisfy the wall (it wants
 * JavaScript or a click): this says which, and what gets through.
 */
function cookieLoopHint(hasJar: boolean): string {
  return hasJar
    ? '; the server set a cookie on the way and redirected back although it was sent: if it is a consent or session wall that wants a click or JavaScript, pass the cookie it expects with --header "Cookie: name=value"'
    : '; the server set a cookie on the way and --no-cookies sends none: crawl without --no-cookies, or pass the cookie with --header "Cookie: name=value"';
}

/** What runHop knows of the fetch a hop belongs to. */
export interface HopContext {
  /** The fetched entry's origin, whose connection slot the fetch already holds. */
  fromHost: string;
  /** The fetch's own signal: its deadline or the caller's stop. */
  signal: AbortSignal;
  /** What is left of the fetch's deadline, for a gate that may wait. */
  remainingMs: number;
}

/**
 * Per-call changes: robots.txt's own redirect limit and body cap, and no scope or hop checks; a
 * sitemap's own body cap (frontier/sitemaps.ts); a recrawl's conditional headers.
 */
export interface FetchOverrides {
  maxRedirects?: number;
  maxBodyBytes?: number;
  /** When true, redirect targets are not checked (checkRedirect and checkHop are skipped). */
  isUnchecked?: boolean;
  /** Sent with the first request only, not redirects (a recrawl's If-None-Match / If-Modified-Since). */
  extraHeaders?: Record<string, string>;
  /**
   * What the end of a body read to the close matches when it is evidently whole, so that its
   * server's silence ends it (unframed-body.ts): robots.txt's WHOLE_LINES, a sitemap's
   * WHOLE_SITEMAP_FILE. @default WHOLE_DOCUMENT
   */
  wholeEnd?: RegExp | WholeTest;
  /**
   * robots.txt's ('fail') and a sitemap's ('keep'): a body framed by a length or chunks whose
   * server falls silent short of its end is watched as one read to the close is
   * (unframed-body.ts), so the fetch ends STALLED_IDLE_MS into the silence, not at --timeout.
   * 'fail': CRAWL_FETCH_STALLED (robots.txt: a cut file is no file, and read as whole it could
   * lose a `Disallow: /`). 'keep': the body ends there, cut (isTruncated), as it does when the
   * connection closes short of it or, read to the close, stalls: a sitemap's whole entries are
   * read. @default pages: framed bodies are not watched, and a cut one fails
   */
  shortBody?: 'fail' | 'keep';
}

export interface Fetcher {
  /** Fetches one entry. Never rejects for a per-URL problem: that comes back as a FetchFailure. */
  fetch(entry: FrontierEntry, signal?: AbortSignal, overrides?: FetchOverrides): Promise<FetchResult | FetchFailure>;
  /**
   * Fetches a frontier page as fetch() does, except that a redirect hop to a stored page
   * (FetcherOptions.isStored) is not requested: robots.txt and sitemaps want the body wherever it
   * is stored, a page whose target is stored does not.
   */
  fetchPage(entry: FrontierEntry, signal?: AbortSignal, overrides?: FetchOverrides): Promise<FetchResult | FetchFailure | RedirectToStored>;
  /** Closes the Agent the fetcher created (an injected dispatcher is left to its owner). */
  close(): Promise<void>;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * Statuses whose response ends with its header section, whatever Content-Length says (RFC 9110
 * sections 6.4.1, 8.6): a 304 may carry the length of the representation it stands for, and IIS,
 * Tornado and Cowboy send it; some servers put one on a 204 too. A 205 has no content either
 * (section 15.3.6), and Chromium reads none (HttpStreamParser: 204, 205, 304).
 */
const NO_CONTENT_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

/**
 * The empty body of a 204, 205 or 304. undici's parser reads none for a 204 or 304, yet holds the
 * response to its Content-Length and fails the body as a length mismatch
 * (UND_ERR_RES_CONTENT_LENGTH_MISMATCH), so every --recrawl of such a server's unchanged pages
 * failed as CRAWL_FETCH_RESET. That error is about bytes no such response has. For a 205 it reads
 * a body by the head's framing, and one with neither a length nor chunks to the close: a form
 * handler's 205 on a connection it keeps open waited 10 s and failed as CRAWL_FETCH_STALLED, each
 * retry again, where browsers show an empty answer at once. So the body is dropped as a
 * redirect's is (redirect-body.ts: one read to the close at once, with its connection), and an
 * empty one read instead.
 */
async function skipNoContent(res: Dispatcher.ResponseData, signal: AbortSignal): Promise<Readable> {
  await dropBody(res.body, isUnframed(res.statusCode, res.headers), signal);
  if (signal.aborted) throw signal.reason ?? new Error('aborted');
  return Readable.from([]);
}

type RawHeaders = Record<string, string | string[] | undefined>;

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Headers whose field lines are kept one per "\n" rather than joined with ", ": joining them would
 * change their meaning. A cookie's Expires attribute holds ", "; an X-Robots-Tag line's "<bot>:"
 * prefix reaches to the end of its line only (parse/directives.ts), so `googlebot: nofollow` then
 * `noindex` joined would aim the noindex at googlebot; a Refresh URL may hold ", " itself. A field
 * value never holds a newline itself.
 */
const LINE_PER_VALUE: ReadonlySet<string> = new Set(['set-cookie', 'x-robots-tag', 'refresh']);

function joinValues(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function flattenHeaders(raw: RawHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    headers[key] = Array.isArray(value) ? value.join(LINE_PER_VALUE.has(key) ? '\n' : ', ') : value;
  }
  return headers;
}

/** Settles as `promise` does, or rejects with the signal's reason when it aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Settles when `promise` does or after `ms`, whichever is first; never rejects. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).catch(() => {});
  clearTimeout(timer);
}

/** A redirect whose Location is longer than a link may be: failed, its start named, not the whole. */
function tooLongLocation(from: string, location: string): FetchError {
  const start = JSON.stringify(location.slice(0, 60));
  return createFetchError(
    'CRAWL_REDIRECT_INVALID',
    `redirect from ${from} not followed: its Location is ${location.length.toLocaleString('en-US')} characters, over the ${MAX_HREF_CHARS.toLocaleString('en-US')} a link may have (starts ${start.slice(0, -1)}...")`,
  );
}

/** A Location normalizeUrl refuses (javascript:, a bad host): resolved as a browser would, else as sent. */
function resolveLoosely(location: string, base: string): string {
  try {
    return new URL(location, base).href;
  } catch {
    // Not a URL even relative to `base`: the header's own text is the best record of where it pointed.
    return location;
  }
}

/**
 * The request headers for a URL: built once per origin, so a request only looks its origin up.
 * Custom names are lowercased so that one replaces a default of the same name (Accept-Language)
 * instead of being sent beside it.
 */
function createOriginHeaders(
  defaults: Readonly<Record<string, string>>,
  custom: Readonly<Record<string, string>> | undefined,
  origins: readonly string[] | undefined,
): (origin: string) => Readonly<Record<string, string>> {
  if (!custom || Object.keys(custom).length === 0 || !origins?.length) return () => defaults;
  const withCustom: Record<string, string> = { ...defaults };
  for (const [name, value] of Object.entries(custom)) withCustom[name.toLowerCase()] = value;
  const byOrigin = new Map(origins.map((url) => [originKey(url), withCustom]));
  return (origin) => byOrigin.get(origin) ?? defaults;
}

/**
 * The jar's cookies added to a request's headers. A Cookie given with --header (seeds' origins
 * only) comes first: servers read the first of two cookies of one name, so the user's wins.
 */
function withCookies(headers: Readonly<Record<string, string>>, fromJar: string): Readonly<Record<string, string>> {
  if (fromJar === '') return headers;
  const own = headers.cookie;
  return { ...headers, cookie: own ? `${own}; ${fromJar}` : fromJar };
}

/**
 * Creates the fetch stage. Without an injected dispatcher it makes (and on close() closes) one
 * shared keep-alive Agent; concurrency limits are the caller's job (host-limits.ts).
 */
export function createFetcher(opts: FetcherOptions): Fetcher {
  const { config, checkRedirect, checkHop, runHop } = opts;
  const isOwnDispatcher = opts.dispatcher === undefined;
  // Only for our own Agent, which connects with its context; under --insecure nothing fails verification.
  const isVerifying = isOwnDispatcher && config.insecure !== true;
  // --ca-file's roots, read again (checked at load): the context every connection uses trusts them.
  // Under --insecure too: the sites' certificates are then not verified, but an https:// proxy's
  // own still is (proxy-dispatcher.ts), and a corporate proxy's is often from the same root.
  const roots = isOwnDispatcher && config.caFile !== undefined ? readCaFile(config.caFile) : [];
  const issuers = isVerifying ? createMissingIssuers({ userAgent: config.userAgent, timeoutMs: config.timeoutMs, roots }) : null;
  const secureContext = issuers?.secureContext ?? (roots.length > 0 ? contextWithRoots(roots) : undefined);
  const dispatcher = opts.dispatcher ?? createAgent(config, secureContext);
  const requestHeaders: Record<string, string> = {
    'user-agent': config.userAgent,
    accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
    'accept-encoding': ACCEPT_ENCODING,
    'accept-language': 'en;q=1.0, *;q=0.5',
  };
  const headersFor = createOriginHeaders(requestHeaders, config.headers, opts.headerOrigins);
  const cookies = config.cookies === false ? null : createCookieJar();
  const lenient = createLenientHttp(config, secureContext);
  watchStaleConnections();
  let closing: Promise<void> | null = null;

  /** Where a redirect from `from` leads, or why it is not followed. `redirects` already holds `from`. */
  function nextHop(
    entry: FrontierEntry, from: string, target: string | null, location: string, redirects: RedirectHop[], overrides: FetchOverrides = {},
    lastCookieHop = -1,
  ): string | FetchError {
    const maxRedirects = overrides.maxRedirects ?? config.maxRedirects;
    if (target === null) {
      return createFetchError('CRAWL_REDIRECT_INVALID', `redirect from ${from} to a non-http(s) or invalid URL: ${location}`);
    }
    // A cookie wall redirects a URL to itself, or through a check page back to it, setting a
    // cookie on the way, and answers the return visit: one return per URL is allowed when a hop
    // since its visit set a cookie (`lastCookieHop`, an index in `redirects`; -1 for none).
    const visits = redirects.reduce((n, hop) => n + (hop.url === target ? 1 : 0), 0);
    const lastVisit = redirects.findLastIndex((hop) => hop.url === target);
    if (visits > 0 && !(visits === 1 && lastCookieHop >= lastVisit)) {
      const chain = [...redirects.map((hop) => hop.url), target].join(' -> ');
      return createFetchError('CRAWL_REDIRECT_LOOP', `redirect loop: ${chain}`);
    }
    if (redirects.length > maxRedirects) {
      return createFetchError('CRAWL_REDIRECT_LIMIT', `more than ${maxRedirects} redirects (next: ${target})`);
    }
    if (overrides.isUnchecked) return target;
    const refusal = checkRedirect?.(target, entry) ?? null;
    if (refusal !== null) {
      const code = refusal.startsWith('CRAWL_TRAP_') ? refusal : 'CRAWL_REDIRECT_OUT_OF_SCOPE';
      return createFetchError(code, `redirect to ${target} refused [${refusal}]`);
    }
    return target;
  }

  async function fetchEntry(
    entry: FrontierEntry, signal: AbortSignal | undefined, overrides: FetchOverrides, isStored: ((url: string) => boolean) | undefined,
  ): Promise<FetchResult | FetchFailure | RedirectToStored> {
    const fetchedAt = Date.now();
    const startedAt = performance.now();
    const deadline = startDeadline(config.timeoutMs, signal);
    const redirects: RedirectHop[] = [];
    let url = entry.url;
    /** What is requested instead of `url` itself: a Location that only added a session id (below). */
    let sentUrl: string | null = null;
    let redirectTo: string | undefined;
    let isCookieSet = false;
    /** The last hop (index in `redirects`) whose response carried a Set-Cookie while the jar is on; -1 for none. */
    let lastCookieHop = -1;
    const fail = (err: FetchError, retryAt?: number): FetchFailure => ({
      entry,
      code: err.code,
      message: url === entry.url || err.message.includes(url) ? err.message : clipMessage(`${err.message} (at ${url})`),
      retryable: err.retryable,
      redirects,
      fetchedAt,
      elapsedMs: Math.round(performance.now() - startedAt),
      ...(redirectTo === undefined ? {} : { redirectTo }),
      ...(retryAt === undefined ? {} : { retryAt }),
    });

    /**
     * robots.txt for a URL a redirect leads to, before it is requested; a refusal fails the fetch.
     * Raced against the deadline: the hop's robots.txt may wait for a slot that this very fetch
     * (and others like it) holds, and the deadline is what breaks such a wait.
     */
    const refuseHop = async (next: string): Promise<FetchFailure | null> => {
      const refusal = overrides.isUnchecked || !checkHop ? null : await untilAborted(checkHop(next), deadline.signal);
      if (refusal === null) return null;
      // Never retryable as a fetch failure, even with a network code: the robots policy retries
      // the target's robots.txt itself, and says when through retryAt.
      return fail(new FetchError(refusal.code, `redirect to ${next}: ${refusal.message}`, { retryable: false }), refusal.retryAt);
    };

    const send = async (): Promise<HopStep> => {
      // entry.host is the entry's origin key already; only a redirect hop's URL is parsed for it.
      const origin = url === entry.url ? entry.host : originKey(url);
      const requested = sentUrl ?? url;
      // An injected dispatcher (tests, a caller's own) is the only way out; so is a proxy.
      const mayBeLenient = isOwnDispatcher && proxyFor(config.proxy, requested) === null;
      if (mayBeLenient && lenient.has(origin)) return sendVia(lenient.dispatcher, origin, requested);
      try {
        return await sendFresh(origin, requested);
      } catch (err) {
        if (!mayBeLenient || deadline.signal.aborted || !isStrictParserRefusal(err)) throw err;
        let step: HopStep;
        try {
          step = await sendVia(lenient.dispatcher, origin, requested);
        } catch (lenientErr) {
          // One of ours (a body that stalled, a corrupt gzip) comes after Node read the head: the
          // page's own failure, where undici's refusal would name a parse that did succeed.
          if (isCrawlError(lenientErr)) throw lenientErr;
          // Refused by both parsers: undici's words are the more precise, but for the length
          // mismatch it reports in place of any parser error met after a Content-Length
          // (lenient-http.ts), where Node's name the fault ("Invalid character in Content-Length").
          if (isMaskedParserError(err) && isNodeParserError(lenientErr)) throw lenientErr;
          throw err;
        }
        lenient.remember(origin);
        return step;
      }
    };

    /**
     * Sends on the shared pool, again at once when the request died on a reused connection before
     * any answer (stale-connection.ts): not an attempt, as in browsers and curl. Each such failure
     * costs the pool a dead idle socket, and it holds at most perHost of them, so this ends. A 408
     * that came on a reused connection is sent again too, once, as Chromium does: a second one is
     * the server's answer, and goes to the retry policy as any 408.
     * A certificate whose issuer is missing is sent again once its intermediates were fetched
     * (missing-issuers.ts).
     */
    const sendFresh = async (origin: string, requested: string): Promise<HopStep> => {
      let isTimeoutResent = false;
      let issuerNote: string | null = null;
      for (let lost = 0; ; lost++) {
        let step: HopStep;
        try {
          step = await sendVia(dispatcher, origin, requested);
        } catch (err) {
          if (issuerNote !== null) throw withIssuerNote(err, issuerNote);
          if (issuers !== null && !deadline.signal.aborted && isIssuerMissing(err)) {
            const done = await untilAborted(issuers.complete(requested, dispatcher, proxyFor(config.proxy, requested)), deadline.signal);
            if (!done.hasIssuer) throw withIssuerNote(err, done.note);
            issuerNote = done.note;
            continue;
          }
          if (lost >= config.perHost || deadline.signal.aborted || !isStaleConnectionError(err)) throw err;
          continue;
        }
        const isStaleTimeout = 'result' in step && step.result.status === 408 && takeStaleTimeout(requested);
        if (!isStaleTimeout || isTimeoutResent || deadline.signal.aborted) return step;
        isTimeoutResent = true;
      }
    };

    const sendVia = async (through: Dispatcher, origin: string, requested: string): Promise<HopStep> => {
      const sent = withCookies(headersFor(origin), cookies?.cookieHeader(requested) ?? '');
      const sentHeaders = overrides.extraHeaders && url === entry.url ? { ...sent, ...overrides.extraHeaders } : sent;
      // undici's own timers never outlast our deadline (bodyTimeout is per chunk, so the
      // deadline is what ends a body dripped slowly).
      const remainingMs = deadline.remainingMs();
      // The origin and path request(url) would parse the URL for (request-target.ts), when the
      // URL is plain enough to cut them out of; else request() parses it as it always did.
      const target = requestTarget(requested);
      // Interim (1xx) responses are bounded together, as one head is (interim-responses.ts).
      const onInfo = createInterimLimit(deadline.abortWith);
      const res = await (target === null
        ? request(requested, { dispatcher: through, method: 'GET', headers: sentHeaders, signal: deadline.signal, headersTimeout: remainingMs, bodyTimeout: remainingMs, onInfo })
        : through.request({
          origin: target.origin, path: target.path, method: 'GET', headers: sentHeaders, signal: deadline.signal, headersTimeout: remainingMs, bodyTimeout: remainingMs, onInfo,
        }));
      // Before a redirect is followed: a cookie check sets its cookie on the hop that leads back.
      cookies?.setCookies(requested, res.headers['set-cookie']);
      if (res.statusCode === 407) {
        // A 407 is the proxy's answer (a site sends 401): not a page of the site.
        const proxy = proxyFor(config.proxy, requested);
        if (proxy !== null) {
          await dropBody(res.body, isUnframed(res.statusCode, res.headers), deadline.signal);
          throw authRequired(redactProxy(proxy));
        }
      }
      if (REDIRECT_STATUSES.has(res.statusCode)) {
        const ambiguous = refuseMultipleLocations(res.headers.location, res.statusCode);
        if (ambiguous !== null) {
          await dropBody(res.body, isUnframed(res.statusCode, res.headers), deadline.signal);
          throw ambiguous;
        }
      }
      const location = firstValue(res.headers.location);
      // An empty Location is none, as in Chromium and curl -L: PHP's header("Location: $url") with
      // $url empty sends one, and the page the script went on to write is what a browser shows.
      // Resolved, it named the URL itself: a redirect loop, and the page lost.
      if (REDIRECT_STATUSES.has(res.statusCode) && location !== undefined && location !== '') {
        // A redirect's body is never wanted: drained so the socket can be reused, but not waited
        // for past a moment (redirect-body.ts), as browsers follow a redirect on its head.
        await dropBody(res.body, isUnframed(res.statusCode, res.headers), deadline.signal);
        return { location: decodeHeaderUtf8(location), status: res.statusCode, setsCookie: res.headers['set-cookie'] !== undefined };
      }
      // Read to the close: a server that never closes is caught by its silence (unframed-body.ts).
      const tail = isUnframed(res.statusCode, res.headers) ? createDocumentTail(overrides.wholeEnd) : null;
      const cutMark: { isCut: boolean; by?: string } = { isCut: false };
      const silence: SilenceOptions = {
        onStall: overrides.shortBody === 'keep' ? 'cut' : 'fail', mark: cutMark, signal: deadline.signal, isTimedOut: deadline.isTimedOut,
        ...(tail === null && overrides.shortBody !== undefined ? { stalledMessage: framedStall(res.headers) } : {}),
      };
      const body = NO_CONTENT_STATUSES.has(res.statusCode) ? await skipNoContent(res, deadline.signal)
        : tail !== null ? Readable.from(watchUnframed(res.body, tail.isWhole, undefined, silence), { objectMode: false })
        : overrides.shortBody !== undefined ? Readable.from(watchUnframed(res.body, () => false, undefined, silence), { objectMode: false })
        : res.body;
      // Repeated field lines are one comma-separated list (RFC 9110 section 5.3): two lines of
      // "gzip" are two codings to remove, not one.
      const contentCodings = joinValues(res.headers['content-encoding']);
      const transfer = res.headers['transfer-encoding'];
      const hasTransferCodings = transfer !== undefined && transfer !== 'chunked';
      const maxBodyBytes = overrides.maxBodyBytes ?? config.maxBodyBytes;
      const reader = opts.bodyBudget?.open();
      // A page's Content-Length body whose server falls silent (a GET answered like a HEAD) fails
      // BODY_IDLE_MS into the silence, not at --timeout (body-idle.ts). robots.txt and sitemaps
      // have their own watch (shortBody); a chunked or unframed body is not watched here.
      const length = firstValue(res.headers['content-length']);
      const idle: BodyIdleWatch | null = tail === null && overrides.shortBody === undefined && length !== undefined && length !== '0'
        && !NO_CONTENT_STATUSES.has(res.statusCode) && !hasTransferCodings
        ? watchBodyIdle(length, deadline.abortWith)
        : null;
      // Held back by the budget: crawlite's own wait, not the server's slowness, so the deadline's
      // clock stops, and the idle watch's; the crawl's stop still ends it.
      const held = (wait: Promise<void> | null): Promise<void> | null => {
        if (wait === null) return null;
        const resume = deadline.hold();
        const resumeIdle = idle?.hold();
        return untilAborted(wait, deadline.signal).finally(() => {
          resume();
          resumeIdle?.();
        });
      };
      const pace: Pace | undefined = reader && {
        reserve: (bytes) => held(reader.reserve(bytes)),
        add: (bytes) => held(reader.add(bytes)),
      };
      const decoded = await decodeBody(
        body,
        hasTransferCodings ? withTransferCodings(contentCodings, transfer) : contentCodings,
        maxBodyBytes,
        // --archive keeps wire bytes under their Content-Encoding (store/archive.ts), which does
        // not name a transfer coding: such a body is archived decoded, as an identity one is.
        {
          shouldKeepWire: opts.shouldKeepWire === true && !hasTransferCodings,
          ...(tail !== null ? { onDecoded: tail.add } : {}),
          // Not a 204's or 304's, which may announce the length of what they stand for.
          ...(NO_CONTENT_STATUSES.has(res.statusCode) || hasTransferCodings ? {} : { expectedBytes: expectedLength(res.headers['content-length'], maxBodyBytes) }),
          ...(pace ? { pace } : {}),
          ...(idle !== null ? { onRead: idle.onRead } : {}),
        },
      ).finally(() => {
        idle?.stop();
        reader?.close();
      });
      const headers = flattenHeaders(res.headers);
      return {
        result: {
          entry,
          status: res.statusCode,
          headers,
          body: decoded.body,
          // A sitemap file that has no end of its own, ended by its server's silence mid-line.
          // Or a robots.txt's or sitemap's body whose server stopped short of its end (shortBody).
          isTruncated: decoded.isTruncated || tail?.isCut() === true || cutMark.isCut,
          ...(cutMark.by !== undefined ? { bodyCut: cutMark.by } : tail?.isCut() === true ? { bodyCut: 'its server fell silent' } : {}),
          wireBytes: decoded.wireBytes,
          finalUrl: url,
          redirects,
          contentType: headers['content-type'] ?? '',
          fetchedAt,
          elapsedMs: Math.round(performance.now() - startedAt),
          ...(decoded.wire ? { wireBody: decoded.wire } : {}),
          ...(decoded.unknownEncoding !== null ? { unknownEncoding: decoded.unknownEncoding } : {}),
        },
      };
    };

    try {
      for (;;) {
        let step: HopStep;
        if (url === entry.url || overrides.isUnchecked || !runHop) {
          step = await send();
        } else {
          // Raced against the deadline like checkHop below: the gate may wait for a slot.
          const hop = await untilAborted(runHop(url, send, { fromHost: entry.host, signal: deadline.signal, remainingMs: deadline.remainingMs() }), deadline.signal);
          if ('refused' in hop) {
            const { code, message, retryAt } = hop.refused;
            return fail(new FetchError(code, `redirect to ${url}: ${message}`, { retryable: false }), retryAt);
          }
          step = hop.sent;
        }
        if ('result' in step) return step.result;
        if (step.location.length > MAX_HREF_CHARS) {
          // Bounded as a link is (extract.ts): a Location may be as long as a head (256 KiB), and
          // normalizing one took up to 0.2 s of the crawl's thread, its text stored as redirect_to.
          redirects.push({ url, status: step.status });
          return fail(tooLongLocation(url, step.location));
        }
        const target = normalizeUrl(step.location, url);
        // A server that tracks sessions in URLs may redirect a URL to itself plus a session id
        // (`/` -> `/;jsessionid=…`, Tomcat's encodeRedirectURL), which normalization strips
        // (frontier/session-ids.ts), so the hop reads as a loop. The Location as sent is asked
        // for once, the page keeping the normalized URL; a second such redirect is the loop it looks like.
        if (target === url && sentUrl === null) {
          const asSent = resolveLoosely(step.location, url).replace(/#.*$/s, '');
          if (asSent !== url) {
            // robots.txt is matched against the URL as sent, id and all: the server sees that
            // one, and `Disallow: /*;jsessionid` is written to keep crawlers off exactly it.
            const refused = await refuseHop(asSent);
            if (refused !== null) return { ...refused, redirects: [...redirects, { url, status: step.status }], redirectTo: asSent };
            sentUrl = asSent;
            continue;
          }
        }
        redirects.push({ url, status: step.status });
        redirectTo = target ?? resolveLoosely(step.location, url);
        isCookieSet ||= step.setsCookie === true;
        if (cookies !== null && step.setsCookie === true) lastCookieHop = redirects.length - 1;
        const next = nextHop(entry, url, target, step.location, redirects, overrides, lastCookieHop);
        if (typeof next !== 'string') {
          const isCookieLoop = isCookieSet && next.code === 'CRAWL_REDIRECT_LOOP';
          return fail(isCookieLoop ? createFetchError(next.code, next.message + cookieLoopHint(cookies !== null)) : next);
        }
        // Before robots.txt and the hop's politeness, which only guard a request, and none is
        // made: the target was allowed when it was fetched, and its host is not asked again.
        // Scope, loop and limit (nextHop) still apply, so an out-of-scope hop fails as before.
        if (isStored?.(next)) return { entry, storedUrl: next, redirects, fetchedAt, elapsedMs: Math.round(performance.now() - startedAt) };
        const hopRefusal = await refuseHop(next);
        if (hopRefusal !== null) return hopRefusal;
        if (isStored !== undefined && opts.inFlight !== undefined) {
          // The target's own request is out (or another URL's hop there): its page is on its way,
          // and requesting it too fetched it twice. A URL of this chain is this fetch's own; a
          // request that waits on this fetch is not waited for (whenDone: a loop would wait on itself).
          const pending = redirects.some((hop) => hop.url === next) ? null : opts.inFlight.whenDone(next, entry.url);
          if (pending !== null) {
            await untilAborted(settledWithin(pending, deadline.remainingMs() / 2), deadline.signal);
            if (isStored(next)) return { entry, storedUrl: next, redirects, fetchedAt, elapsedMs: Math.round(performance.now() - startedAt) };
          }
          opts.inFlight.begin(next, entry.url);
        }
        url = next;
        sentUrl = null;
      }
    } catch (err) {
      const mapped = mapFetchError(err, {
        isTimedOut: deadline.isTimedOut(),
        isCallerAborted: deadline.isCallerAborted(),
        timeoutMs: config.timeoutMs,
      });
      const proxy = deadline.isTimedOut() || deadline.isCallerAborted() ? null : proxyFor(config.proxy, sentUrl ?? url);
      return fail(proxy === null ? mapped : asProxyFailure(mapped, err, proxy, sentUrl ?? url));
    } finally {
      deadline.dispose();
    }
  }

  return {
    // Without isStored no hop stops at a stored page, so fetchEntry gives a response or a failure.
    fetch: (entry, signal, overrides = {}) => fetchEntry(entry, signal, overrides, undefined) as Promise<FetchResult | FetchFailure>,
    fetchPage: (entry, signal, overrides = {}) => fetchEntry(entry, signal, overrides, opts.isStored),
    close() {
      if (!isOwnDispatcher) return Promise.resolve();
      closing ??= Promise.all([dispatcher.close(), lenient.close()]).then(() => {});
      return closing;
    },
  };
}
