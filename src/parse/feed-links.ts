/**
 * The pages an RSS or Atom feed lists: each item's `<link>` (RSS 2.0 and 1.0) and each entry's
 * `<link href>` whose rel is absent or "alternate" (Atom, RFC 4287 4.2.7). A blog's feed is its
 * own list of its posts, and on some blogs the only link to the older ones (pagination drawn by
 * a script, archives left out of the theme); wget2 reads them so, Google takes a feed as a
 * sitemap. The channel's own `<link>` (the home page) and Atom's `self`, `enclosure` and
 * `replies` links are not pages of the list. A feed is kept as any non-HTML body is (its
 * metadata, or with --store-non-html its bytes); these are its links.
 *
 * A linear scan, not an XML parser: a feed that is not well-formed (many are not) still gives
 * its links, and no input costs more than a pass over it plus a bounded look at each link.
 * `xml:base` is not applied: relative links resolve against the feed's URL.
 */
import { normalizeUrl } from '../frontier/normalize-url.js';
import type { ExtractedLink } from '../types.js';
import { MAX_HREF_CHARS } from './directives.js';

const FEED_TYPES = new Set(['application/rss+xml', 'application/atom+xml']);
const XML_TYPES = new Set(['application/xml', 'text/xml', 'application/rdf+xml']);
/** How far into a generic XML body its root element is looked for (past a declaration, comments, a stylesheet PI). */
const SNIFF_BYTES = 1024;
/**
 * Tags an item's links come from; `[^<>]*` stops at the next `<`, so a failed match costs only its
 * own span. The lookaheads keep a name from being given back a character at a time when the rest
 * fails (a `<` before a long word, a `<link` whose attributes are one long word): each would rescan
 * the rest, quadratic in the word's length, and 1 MB of it held a parse thread to its timeout. A
 * name that ends short of a name character could never match anyway, so what matches is the same.
 */
const TAG = /<(\/?)([A-Za-z_][\w:.-]*)(?![\w:.-])([^<>]*)>/g;
const ATTR = /(?<![\w:.-])([\w:.-]+)(?![\w:.-])\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
/** XML's white space (its S production). */
const XML_SPACE = new Set([' ', '\t', '\r', '\n']);
/** Distinct links looked at per feed, as extract.ts bounds a page's anchors: the set stays small on a 10 MB feed. */
const MAX_FEED_LINKS = 100_000;

/**
 * Whether a response is a feed: typed as one (`application/rss+xml`, `application/atom+xml`), or
 * typed as generic XML (GitHub Pages serves a Jekyll `feed.xml` as `application/xml`) with an
 * `<rss>`, Atom `<feed>` or RSS 1.0 `<rdf:RDF>` root.
 */
export function isFeed(contentType: string, body: Uint8Array): boolean {
  const semicolon = contentType.indexOf(';');
  const essence = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (FEED_TYPES.has(essence)) return true;
  if (!XML_TYPES.has(essence)) return false;
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, SNIFF_BYTES)).toString('latin1');
  return /<(?:rss|feed|rdf:RDF)[\s>]/.test(head);
}

/** The distinct item and entry links of a feed, in order, at most `maxLinks`; `linksFound` counts them (up to 100,000). */
export function extractFeedLinks(body: Uint8Array, feedUrl: string, maxLinks: number): { links: ExtractedLink[]; linksFound: number } {
  // URLs are ASCII, or UTF-8 as IRIs are; a feed in another encoding rarely puts anything else in them.
  const xml = new TextDecoder('utf-8').decode(body);
  const seen = new Set<string>();
  const links: ExtractedLink[] = [];
  const add = (href: string) => {
    // Past the cap nothing a link could change: no normalizing (~5 µs each) for the rest of a feed.
    if (href.length > MAX_HREF_CHARS || seen.size >= MAX_FEED_LINKS) return;
    const url = normalizeUrl(decodeXmlText(href), feedUrl);
    if (url === null || seen.has(url)) return;
    seen.add(url);
    if (links.length < maxLinks) links.push({ url, text: '', isNofollow: false });
  };
  let itemDepth = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(xml); m !== null; m = TAG.exec(xml)) {
    const [, slash, name, attrs] = m as unknown as [string, string, string, string];
    if (name === 'item' || name === 'entry') {
      if (slash) itemDepth = Math.max(0, itemDepth - 1);
      else if (!attrs.endsWith('/')) itemDepth++;
      continue;
    }
    if (itemDepth === 0 || slash || name !== 'link') continue;
    const attributes = readAttributes(attrs);
    if (attributes.href !== undefined) {
      // Relation types compare without regard to case (RFC 8288 2.1.1).
      const rel = attributes.rel?.trim().toLowerCase() ?? 'alternate';
      if (rel === 'alternate' || rel === '') add(attributes.href.trim());
    } else if (!attrs.endsWith('/')) {
      // RSS: the URL is the element's text, perhaps as CDATA. Looked at up to a bounded length,
      // so an unclosed <link> costs no scan to the end of the feed; one with no end in sight (a
      // feed cut short by --max-bytes) names no URL we can trust.
      const after = TAG.lastIndex;
      // A pretty-printed feed puts the CDATA on a line of its own: blanks before it are layout.
      const window = xml.slice(after, after + MAX_HREF_CHARS + 32);
      let lead = 0;
      while (lead < window.length && XML_SPACE.has(window[lead]!)) lead++;
      const isCdata = window.startsWith('<![CDATA[', lead);
      const end = isCdata ? window.indexOf(']]>', lead) : window.indexOf('<');
      const text = end === -1 ? '' : window.slice(isCdata ? lead + 9 : 0, end).trim();
      if (text !== '') add(text);
    }
  }
  return { links, linksFound: seen.size };
}

function readAttributes(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(source); m !== null; m = ATTR.exec(source)) out[m[1]!] ??= m[2] ?? m[3] ?? '';
  return out;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML's five named references and numeric ones; anything else is left as written. */
function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
