/**
 * A URL split into the origin and path undici dispatches, without a URL parse per request.
 *
 * undici's request(url) parses the whole URL string (`new URL`) for every request only to take
 * `origin` and `pathname + search` from it again. The fetcher's URLs are WHATWG serializations
 * already (normalized hrefs), on which the parse changes nothing, so the same two strings can be
 * cut out of the text: the origin is parsed once per scheme-and-authority prefix (cached), and
 * the path is the rest up to a fragment. Anything the parser might read differently (userinfo,
 * uppercase, a character it would escape, a dot segment, a backslash) gives null, and the
 * caller hands the string to request() as before.
 */

export interface RequestTarget {
  origin: string;
  path: string;
}

/** `http(s)://` and an authority of lowercase host characters and a port: ends at the path's '/'. */
const PLAIN_PREFIX = /^https?:\/\/[a-z0-9.\-[\]:]+$/;
/**
 * A path and query of characters that neither the path nor the special-query percent-encode set
 * holds (so no space, quote, apostrophe, angle bracket, backslash, caret, backtick, brace, pipe,
 * control or non-ASCII character): the parser copies them as they are.
 */
const PLAIN_REST = /^\/[\w\-.~!$&()*+,;=:@%/?]*$/;
/** A `.` or `..` path segment, `%2e` spelled or not, which the parser would resolve away. */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?=\/|$)/i;

/** Origins by scheme-and-authority prefix; a crawl meets a few hosts, and a clear costs only parses. */
const MAX_ORIGINS = 4096;
const origins = new Map<string, string | null>();

/** The origin of a URL that starts with `prefix` and then '/', or null when not a plain one. */
function originOf(prefix: string): string | null {
  let origin = origins.get(prefix);
  if (origin !== undefined) return origin;
  try {
    // The authority ends at the path's '/', so the prefix alone has the whole URL's origin.
    origin = PLAIN_PREFIX.test(prefix) ? new URL(`${prefix}/`).origin : null;
  } catch {
    origin = null; // request() throws the parser's own error for it
  }
  if (origins.size >= MAX_ORIGINS) origins.clear();
  origins.set(prefix, origin);
  return origin;
}

/**
 * `{ origin, path }` as undici's request(url) computes them (`url.origin`, and `url.pathname`
 * plus `url.search` when the query is not empty), or null when the URL is not plain enough to be
 * sure without parsing it.
 */
export function requestTarget(url: string): RequestTarget | null {
  const authorityStart = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : -1;
  if (authorityStart === -1) return null;
  const pathStart = url.indexOf('/', authorityStart);
  if (pathStart === -1) return null;
  const origin = originOf(url.slice(0, pathStart));
  if (origin === null) return null;
  const hash = url.indexOf('#', pathStart);
  let path = hash === -1 ? url.slice(pathStart) : url.slice(pathStart, hash);
  if (!PLAIN_REST.test(path)) return null;
  const query = path.indexOf('?');
  const pathname = query === -1 ? path : path.slice(0, query);
  if ((pathname.includes('/.') || pathname.includes('%')) && DOT_SEGMENT.test(pathname)) return null;
  // An empty query (`/a?`) is no query to undici: url.search is '' then.
  if (query === path.length - 1) path = path.slice(0, query);
  return { origin, path };
}
