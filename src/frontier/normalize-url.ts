/**
 * URL normalization, so that one resource has one spelling in the frontier. WHATWG URL parsing
 * already lowercases scheme and host, maps IDN hosts to punycode, drops default ports, resolves
 * `.` and `..` segments and gives an empty path "/"; on top of that we drop the fragment and an
 * empty query ("?" alone), drop userinfo (below), strip trailing dots from the host, and normalize percent-encoding:
 * escapes of unreserved characters are decoded (%7E -> ~) and the hex of the rest is uppercased
 * (%2f -> %2F), per RFC 3986 section 6.2.2.2. Reserved characters stay escaped, because decoding
 * them can change what the server sees.
 *
 * Session ids (`;jsessionid=`, `PHPSESSID=` and the like) are stripped last, so that a server
 * which puts a new one in every link does not make every page a new URL (session-ids.ts).
 *
 * Userinfo (`http://user:pass@host/`) is dropped: the fetcher never sends it (undici ignores it,
 * and crawlite does not do Basic auth), so keeping it only spread the password into urls, pages,
 * exports, runs.options and logs, and made one page two frontier entries.
 */
import { stripSessionIds } from './session-ids.js';

const ESCAPE = /%([0-9a-fA-F]{2})/g;

function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e // - . _ ~
  );
}

/**
 * Escapes of unreserved characters decoded, the hex of the rest uppercased (RFC 3986 6.2.2).
 * Also the form robots.txt rules are matched in (fetch/robots-path.ts), so both sides agree.
 */
export function normalizeEscapes(part: string): string {
  if (!part.includes('%')) return part;
  return part.replace(ESCAPE, (_m, hex: string) => {
    const code = parseInt(hex, 16);
    return isUnreserved(code) ? String.fromCharCode(code) : `%${hex.toUpperCase()}`;
  });
}

/**
 * Resolves `input` against `base` and normalizes it. Returns null for anything that is not an
 * http(s) URL with a host, or that does not parse.
 */
export function normalizeUrl(input: string, base?: string | URL): string | null {
  let url: URL;
  try {
    url = new URL(input.trim(), base);
  } catch {
    return null; // unparseable: the caller records or ignores it, it never reaches the frontier
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname === '') return null;
  // Port 0 cannot be connected to: such a link is as invalid as port 65536, not a refused host.
  if (url.port === '0') return null;
  const parsed = url.href;
  // Most links need none of the rewriting below; each URL setter costs a reparse, and this path
  // was half of normalizeUrl's time on bench pages. Without a "%" there is no escape to rewrite,
  // and the first "#" can only start the fragment ("#" elsewhere serializes as %23), so cutting
  // there is what `url.hash = ''` does.
  // "@" is rare outside userinfo, so one scan rules it out for nearly every link.
  if (!parsed.includes('%') && !parsed.includes('@') && !url.hostname.endsWith('.')) {
    const hash = parsed.indexOf('#');
    const bare = hash === -1 ? parsed : parsed.slice(0, hash);
    return stripSessionIds(url.search === '' && bare.endsWith('?') ? bare.slice(0, -1) : bare);
  }
  url.hash = '';
  if (url.username !== '' || url.password !== '') {
    url.username = '';
    url.password = '';
  }
  // Trailing dots make www.example.org. and www.example.org two hosts for the same site.
  if (url.hostname.endsWith('.')) {
    // A loop, not /\.+$/: that regex tries each dot of a run in the middle ("a.....b.") to the
    // run's end, its length squared (an 8 KB href of dots cost 130 ms, a page of them minutes).
    let end = url.hostname.length;
    while (end > 0 && url.hostname[end - 1] === '.') end--;
    const host = url.hostname.slice(0, end);
    // "http://./" parses, but has no host left to fetch; the hostname setter would silently
    // ignore the empty string and keep ".".
    if (host === '') return null;
    url.hostname = host;
  }
  const path = normalizeEscapes(url.pathname);
  if (path !== url.pathname) url.pathname = path;
  if (url.search) {
    const search = normalizeEscapes(url.search);
    if (search !== url.search) url.search = search;
  }
  const href = url.href;
  // An empty query ("/a?") reads back as search === '' yet still serializes its "?", so it has to
  // be cut from href. With search === '' and the fragment gone, a trailing "?" can only be that;
  // a query of "?" ("/a??") has a non-empty search and is kept.
  return stripSessionIds(url.search === '' && href.endsWith('?') ? href.slice(0, -1) : href);
}

/** True when `input` parses as a URL carrying a user name or password, which normalizeUrl drops. */
export function hasCredentials(input: string): boolean {
  try {
    const url = new URL(input.trim());
    return url.username !== '' || url.password !== '';
  } catch {
    return false; // not a URL at all: the seed check reports it
  }
}

/** The origin key used for per-host limits: `scheme://host:port`, the port always explicit. */
export function originKey(url: string | URL): string {
  if (typeof url !== 'string') return keyOf(url);
  // Asked for every link of every page (the frontier and the writer), and a URL parse is ~2 µs:
  // 50 links cost a tenth of the main thread's time per page. A URL whose scheme and authority,
  // up to the path's '/', are plain (no userinfo, no backslash, tab or stray slash the parser
  // would read differently) has the origin that prefix alone gives, whatever follows it; so the
  // parse is made once per such prefix. Anything else is parsed whole, as before.
  const authorityStart = url.indexOf('//') + 2;
  const pathStart = authorityStart > 1 ? url.indexOf('/', authorityStart) : -1;
  if (pathStart === -1) return keyOf(new URL(url));
  const prefix = url.slice(0, pathStart);
  const cached = originKeys.get(prefix);
  if (cached !== undefined) return cached;
  const key = keyOf(new URL(url));
  if (PLAIN_ORIGIN.test(prefix)) {
    if (originKeys.size >= MAX_ORIGIN_KEYS) originKeys.clear();
    originKeys.set(prefix, key);
  }
  return key;
}

/** `http(s)://` and an authority of host characters and a port only, as normalizeUrl writes them. */
const PLAIN_ORIGIN = /^https?:\/\/[\w.\-[\]:]+$/;
/** Keys by scheme-and-authority prefix; a crawl meets a few hosts, and a clear costs only re-parses. */
const MAX_ORIGIN_KEYS = 4096;
const originKeys = new Map<string, string>();

function keyOf(u: URL): string {
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return `${u.protocol}//${u.hostname}:${port}`;
}

/** Hrefs made only of unreserved characters and "/": nothing in them is escaped or rewritten. */
const PLAIN_PATH = /^[\w.~/-]+$/;
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/**
 * normalizeUrl(href, base) for many hrefs against one base, as a page's links are. A plain path
 * ("a.html", "/docs/x") resolves by string concatenation onto the normalized base: the relative
 * reference only replaces the base's last path segment (or its whole path), it has no escape,
 * query, fragment or dot segment of its own, so every other step of normalizeUrl gives the same
 * result as for the probes "x" and "/". Anything else takes the full path. Saves a URL parse per
 * link, about a tenth of extractPage's time on bench pages.
 */
export function createUrlResolver(base?: string | URL): (href: string) => string | null {
  let dir: string | null | undefined; // the probes cost two URL parses: only made for a plain href
  let root: string | null = null;
  return (href) => {
    if (PLAIN_PATH.test(href) && !href.startsWith('//') && !DOT_SEGMENT.test(href)) {
      if (dir === undefined) {
        dir = normalizeUrl('x', base)?.slice(0, -1) ?? null;
        root = normalizeUrl('/', base)?.slice(0, -1) ?? null;
      }
      if (dir !== null && root !== null) return href.charCodeAt(0) === 0x2f ? root + href : dir + href;
    }
    return normalizeUrl(href, base);
  };
}
