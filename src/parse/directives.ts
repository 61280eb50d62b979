/**
 * Page-level directives: `<meta name="robots">` (or our own name) with the X-Robots-Tag header,
 * and `<meta http-equiv="refresh">`. Pure functions; the crawl applies them (crawl.ts):
 * - noindex: the page row is kept (status, headers, title...) but its content is not stored (nor
 *   its --archive body) and nothing of it goes into the search index;
 * - nofollow: its links are stored in `links` but none is enqueued;
 * - "none" means both; a refresh URL is followed even so, queued one level deeper than the page
 *   (like a link, so --max-depth ends a chain of refreshes).
 */
import { normalizeUrl } from '../frontier/normalize-url.js';
import { encodeHrefQuery } from './query-charset.js';
import { isRefreshValue } from './refresh-value.js';

/**
 * Longer hrefs are junk (or an attack on the links table), not links: dropped, never cut
 * (extract.ts). A refresh target too (parseRefreshUrl). Defined here, not in extract.ts, so the
 * crawl's thread reads it without loading the HTML parser, which only the parse threads need.
 */
export const MAX_HREF_CHARS = 8192;

export interface RobotsDirectives {
  isNoindex: boolean;
  isNofollow: boolean;
}

/**
 * Reads meta robots contents and X-Robots-Tag values ("noindex, nofollow"). A header line's part
 * aimed at another crawler ("googlebot: noindex") is ignored; one aimed at `botName` (our
 * User-Agent's product token, robots-matcher.ts productToken()) or at no one applies. A value may hold several header lines, one per "\n" (fetcher.ts keeps X-Robots-Tag so).
 */
export function parseRobotsDirectives(values: ReadonlyArray<string | null | undefined>, botName = 'crawlite'): RobotsDirectives {
  const out: RobotsDirectives = { isNoindex: false, isNofollow: false };
  for (const value of values) {
    if (!value) continue;
    for (const line of value.toLowerCase().split('\n')) readLine(line, botName, out);
  }
  return out;
}

/**
 * One field line. Google's rule: "<bot>:" aims the directives after it on the same line, up to
 * the next "<bot>:"; the next line starts aimed at everyone again, so `googlebot: nofollow` on one
 * line does not hide a `noindex` on the next.
 */
function readLine(line: string, botName: string, out: RobotsDirectives): void {
  let isForUs = true;
  for (const raw of line.split(',')) {
    let token = raw.trim();
    const colon = token.indexOf(':');
    if (colon !== -1 && !/^(unavailable_after|max-)/.test(token)) {
      const bot = token.slice(0, colon).trim();
      // A product token has no space: "01 sep 2030 15:00:00 gmt" is the rest of an
      // unavailable_after date cut at its comma, not a bot, and holds no directive either.
      if (bot !== botName && /\s/.test(bot)) continue;
      isForUs = bot === botName || bot === '*';
      token = token.slice(colon + 1).trim();
    }
    if (!isForUs) continue;
    for (const word of token.split(/\s+/)) {
      if (word === 'noindex' || word === 'none') out.isNoindex = true;
      if (word === 'nofollow' || word === 'none') out.isNofollow = true;
    }
  }
}

/** Whether stored directives (formatDirectives' "noindex,nofollow") ask that the page not be indexed. */
export function isStoredNoindex(robots: string | null | undefined): boolean {
  return (robots ?? '').split(',').includes('noindex');
}

/** "noindex,nofollow" for storing, or null when neither applies. */
export function formatDirectives(d: RobotsDirectives): string | null {
  const words = [d.isNoindex ? 'noindex' : null, d.isNofollow ? 'nofollow' : null].filter((w) => w !== null);
  return words.length > 0 ? words.join(',') : null;
}

/**
 * The URL of a `<meta http-equiv="refresh" content="5; url=/next">`, resolved against `baseUrl`
 * (the page's, or the `<base href>` before the tag: ExtractedPage.metaRefreshBase) and normalized;
 * null for a plain reload ("30"), a non-http(s) target, one over MAX_HREF_CHARS (dropped, as such
 * a link is: never cut to a URL the page did not name) or junk. Parsed as the HTML standard's
 * "shared declarative refresh steps" do: a number, then `;` or `,`, then optional `url=`, quotes.
 * `encoding`: the page's; the target's query is percent-encoded in it (query-charset.ts), as the
 * standard parses the URL with the document's encoding and as a link's query is.
 */
export function parseRefreshUrl(content: string | null | undefined, baseUrl: string, encoding = 'utf-8'): string | null {
  if (!content || !isRefreshValue(content)) return null;
  const m = /^\s*\d*(?:\.[\d.]*)?\s*[;,]?\s*(?:url\s*=\s*)?(.*)$/is.exec(content);
  let target = m?.[1]?.trim() ?? '';
  if (target.startsWith('"') || target.startsWith("'")) {
    const quote = target[0]!;
    const end = target.indexOf(quote, 1);
    target = end === -1 ? target.slice(1) : target.slice(1, end);
  }
  if (target === '' || target.length > MAX_HREF_CHARS) return null;
  return normalizeUrl(encodeHrefQuery(target, encoding), baseUrl);
}
