/**
 * Session ids in URLs, which crawlite strips as part of normalization. crawlite never sends
 * cookies, so servers that track sessions put the id in every link instead, and a new one in
 * each response: Tomcat and Jetty append `;jsessionid=<id>` to the path, PHP adds
 * `?PHPSESSID=<id>`, ASP `ASPSESSIONIDXXXXXXXX=<id>`, ColdFusion `CFID` / `CFTOKEN`. Each response
 * then links every page under a new spelling (QA: 2 real pages became 3,000+ fetched). What is
 * stripped follows Heritrix's StripSessionIDs and StripSessionCFIDs canonicalization rules:
 * - the `;jsessionid=` path parameter, name in any case, always; its value runs to the next
 *   `?`, `/` or `;` (a normalized URL has no fragment). Stopping at `/` and `;` keeps the rest of
 *   a path or another parameter; the id itself never holds them (Jetty's `node0abc….node0` has
 *   dots only).
 * - query parameters named jsessionid, phpsessid, aspsessionid + 8 letters, cfid and cftoken,
 *   in any case, whatever their value;
 * - `sid`, only when its value looks like a session id (32 or more letters and digits, as
 *   Heritrix's rule): `sid=3` is as likely a section or a story as a session.
 * - ASP.NET's cookieless session segment, `/(S(lit3py55t21z5v55vlm25s55))/` (sessionState
 *   cookieless="UseUri"), with the anonymous-id and forms-ticket ids it may hold beside it
 *   (`/(A(...)S(...)F(...))/`): a whole path segment of one-letter `X(...)` ids. Such a server
 *   redirects a URL without one to itself plus a new one, and its pages link relatively, so every
 *   root-relative link opened a new session and the whole site was crawled again under it.
 * The rest of the query stays byte for byte and in order; a query left empty loses its `?`.
 */

const PATH_SESSION = /;jsessionid=[^?/;]*/gi;
/** ASP.NET's cookieless ids: a path segment made of `(S(…))`, `(A(…)S(…))` and the like. */
const ASPNET_SESSION = /\/\((?:[A-Z]\([^()/?]*\))+\)(?=\/)/g;
/** Cheap test that a query may hold one of the parameters below, before splitting it. */
const QUERY_HINT = /sess|sid=|cfid|cftoken/i;
const SESSION_PARAM = /^(?:jsessionid|phpsessid|aspsessionid[a-z]{8}|cfid|cftoken)(?:=|$)/i;
const SESSION_SID = /^sid=[0-9a-z]{32,}$/i;

/**
 * `href` (a normalized http(s) URL, without fragment) without its session ids; the same string
 * when it has none. Runs on every normalized URL: most have no `;` and no query, and pay two
 * indexOf calls.
 */
export function stripSessionIds(href: string): string {
  const queryStart = href.indexOf('?');
  const semi = href.indexOf(';');
  const hasPathParam = semi !== -1 && (queryStart === -1 || semi < queryStart);
  const paren = href.indexOf('/(');
  const hasAspNetId = paren !== -1 && (queryStart === -1 || paren < queryStart);
  if (!hasPathParam && !hasAspNetId && queryStart === -1) return href;
  let path = queryStart === -1 ? href : href.slice(0, queryStart);
  let query = queryStart === -1 ? null : href.slice(queryStart + 1);
  if (hasPathParam) path = path.replace(PATH_SESSION, '');
  if (hasAspNetId) path = path.replace(ASPNET_SESSION, '');
  if (query !== null && QUERY_HINT.test(query)) {
    const params = query.split('&');
    const kept = params.filter((p) => !SESSION_PARAM.test(p) && !SESSION_SID.test(p));
    if (kept.length !== params.length) query = kept.join('&') || null;
  }
  const stripped = query === null ? path : `${path}?${query}`;
  return stripped.length === href.length ? href : stripped;
}
