/**
 * The crawl's cookies: what servers set with Set-Cookie is sent back, as browsers, wget and
 * Scrapy do. Without it a site that checks for cookies (`302` to itself with a `Set-Cookie`, a
 * consent or bot wall) is a redirect loop for the crawler alone, and session-tracking servers
 * put a new id in every link instead.
 *
 * tough-cookie does RFC 6265 (domain and path matching, the public suffix list through tldts,
 * Secure, expiry); this module bounds it, since a hostile site can set cookies without end: at
 * most MAX_PER_DOMAIN cookies and MAX_BYTES_PER_DOMAIN bytes per domain (the oldest go first, as
 * browsers evict), and MAX_DOMAINS domains (the least recently set goes); of one response, the
 * last MAX_LINES_PER_RESPONSE Set-Cookie lines. The per-domain byte cap
 * also keeps the Cookie header under the 8 KiB most servers accept: a jar that grew past it
 * would turn every later request to the site into a 400.
 *
 * Kept in memory for one run: cookies are not stored in the database, so a resumed crawl starts
 * with none, as a new browser session would.
 *
 * tough-cookie, and tldts with its public suffix data, are loaded with the first Set-Cookie line:
 * imported at start they were 30-60 ms of every crawl's start-up, and many sites set none.
 */
import { createRequire } from 'node:module';
import type { Cookie } from 'tough-cookie';

type ToughCookie = typeof import('tough-cookie');
let toughCookie: ToughCookie | null = null;

function loadToughCookie(): ToughCookie {
  toughCookie ??= createRequire(import.meta.url)('tough-cookie') as ToughCookie;
  return toughCookie;
}

/** RFC 6265 6.1 asks for at least 50 cookies per domain. */
const MAX_PER_DOMAIN = 50;
/** Name, value and attributes: RFC 6265 6.1's 4096 bytes per cookie, and a header that servers accept. */
const MAX_COOKIE_BYTES = 4096;
const MAX_BYTES_PER_DOMAIN = 6 * 1024;
/**
 * The Cookie header a request gets, whatever the number of domains its host sits under: each of
 * `a.b.site.example`, `b.site.example` and `site.example` may hold MAX_BYTES_PER_DOMAIN, and
 * together they made an 18 KiB header that servers answer with 400 or 431 on every request (QA).
 */
const MAX_COOKIE_HEADER_BYTES = 6 * 1024;
const MAX_DOMAINS = 1000;
/**
 * Set-Cookie lines read from one response: its last ones. tough-cookie parses a line in some
 * 30 to 50 us, and a 256 KiB head holds 15,000 lines of `a1=1`: one such response held the crawl's
 * thread (its scheduler, every other fetch's bookkeeping) for 0.4 to 0.75 s, each page of a site
 * that sends them. The jar keeps at most MAX_PER_DOMAIN per domain anyway, the newest, so earlier
 * lines of such a storm end up evicted; real responses set a few dozen at most (Chromium keeps
 * 180 per domain).
 */
const MAX_LINES_PER_RESPONSE = 200;

export interface CrawlCookieJar {
  /** The Cookie header value for a request to `url`, or '' when none applies. */
  cookieHeader(url: string): string;
  /** Takes a response's Set-Cookie lines for `url`; what is invalid or refused is dropped silently, as browsers do. */
  setCookies(url: string, lines: string | string[] | undefined): void;
  /** Cookies held (for tests and the bounds). */
  readonly size: number;
}

function sync<T>(run: (done: (err: Error | null, value?: T) => void) => void): T | undefined {
  // MemoryCookieStore is synchronous: its callback runs before the call returns.
  let out: T | undefined;
  run((err, value) => {
    if (err) throw err;
    out = value;
  });
  return out;
}

export function createCookieJar(): CrawlCookieJar {
  let jar: CrawlCookieJar | null = null;
  return {
    cookieHeader: (url) => (jar === null ? '' : jar.cookieHeader(url)),
    setCookies(url, lines) {
      if (lines === undefined) return;
      jar ??= createToughJar();
      jar.setCookies(url, lines);
    },
    get size() {
      return jar === null ? 0 : jar.size;
    },
  };
}

function createToughJar(): CrawlCookieJar {
  const { CookieJar, MemoryCookieStore } = loadToughCookie();
  const store = new MemoryCookieStore();
  const jar = new CookieJar(store, { rejectPublicSuffixes: true, looseMode: true });
  /** Domains with cookies, least recently set first. */
  const domains = new Map<string, number>();
  let isEmpty = true;

  const cookiesOf = (domain: string): Cookie[] =>
    // A null path means every path (the Store contract); the typings of MemoryCookieStore say string.
    (sync<Cookie[]>((done) => store.findCookies(domain, null as unknown as string, true, done as never)) ?? []).filter((c) => c.domain === domain);

  const remove = (c: Cookie) => sync<void>((done) => store.removeCookie(c.domain ?? '', c.path ?? '/', c.key, done as never));
  const createdAt = (c: Cookie) => (c.creation instanceof Date ? c.creation.getTime() : 0);

  /** Evicts the oldest of `domain`'s cookies past the bounds; returns how many remain. */
  const trim = (domain: string): number => {
    const held = cookiesOf(domain).sort((a, b) => createdAt(a) - createdAt(b));
    let bytes = held.reduce((sum, c) => sum + c.cookieString().length, 0);
    let count = held.length;
    for (const c of held) {
      if (count <= MAX_PER_DOMAIN && bytes <= MAX_BYTES_PER_DOMAIN) break;
      remove(c);
      count -= 1;
      bytes -= c.cookieString().length;
    }
    return count;
  };

  return {
    cookieHeader(url) {
      if (isEmpty) return ''; // the common case, a site that sets none: no lookup at all
      // RFC 6265 5.4's order (longer paths, then older cookies first); what does not fit is left
      // out, smaller ones after it may still go.
      const pairs: string[] = [];
      let bytes = 0;
      for (const cookie of jar.getCookiesSync(url)) {
        const pair = cookie.cookieString();
        const added = pair.length + (pairs.length > 0 ? 2 : 0);
        if (bytes + added > MAX_COOKIE_HEADER_BYTES) continue;
        pairs.push(pair);
        bytes += added;
      }
      return pairs.join('; ');
    },
    setCookies(url, lines) {
      if (lines === undefined) return;
      // The domains set to, in the order of their last cookie. They are trimmed once the
      // response's lines are all in: trimming after each line read the domain's cookies again
      // each time, and a response of 3,000 Set-Cookie lines held the crawl's thread for 300 ms.
      const touched = new Map<string, 1>();
      const all = Array.isArray(lines) ? lines : [lines];
      for (const line of all.length > MAX_LINES_PER_RESPONSE ? all.slice(-MAX_LINES_PER_RESPONSE) : all) {
        if (line.length > MAX_COOKIE_BYTES) continue;
        let cookie: Cookie | undefined;
        try {
          cookie = jar.setCookieSync(line, url, { ignoreError: true });
        } catch {
          continue; // a store error; ignoreError covers the rest
        }
        if (!cookie?.domain) continue;
        isEmpty = false;
        touched.delete(cookie.domain);
        touched.set(cookie.domain, 1);
      }
      for (const domain of touched.keys()) {
        domains.delete(domain);
        if (trim(domain) > 0) domains.set(domain, 1);
        if (domains.size > MAX_DOMAINS) {
          const oldest = domains.keys().next().value as string;
          domains.delete(oldest);
          for (const c of cookiesOf(oldest)) remove(c);
        }
      }
    },
    get size() {
      return [...domains.keys()].reduce((sum, domain) => sum + cookiesOf(domain).length, 0);
    },
  };
}
