/**
 * The pages an RSS or Atom feed lists: each item's `<link>` (RSS 2.0 and 1.0; else its permalink
 * `<guid>` or `rdf:about`) and each entry's `<link href>` whose rel is absent or "alternate" (Atom,
 * RFC 4287 4.2.7). A blog's feed is its own list of its posts, and on some blogs the only link to
 * the older ones (pagination drawn by a script, archives left out of the theme); wget2 reads them
 * so, Google takes a feed as a sitemap. The channel's own `<link>` (the home page) and Atom's `self`, `enclosure` and
 * `replies` links are not pages of the list. A feed is kept as any non-HTML body is (its
 * metadata, or with --store-non-html its bytes); these are its links.
 *
 * A linear scan, not an XML parser: a feed that is not well-formed (many are not) still gives
 * its links, and no input costs more than a pass over it plus a bounded look at each link.
 * Relative links resolve against the `xml:base` in force, else the feed's URL.
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

/** Nested `xml:base` scopes kept; a deeper one is ignored (its links resolve against the one above). */
const MAX_BASE_DEPTH = 64;
/** RFC 4287 4.2.7.2: a registered relation's full IRI is the same relation as its name. */
const IANA_ALTERNATE = 'http://www.iana.org/assignments/relation/alternate';

/** An element that set `xml:base`, and how many elements of its name opened inside it are still open. */
interface BaseScope {
  readonly name: string;
  readonly base: string;
  nested: number;
}

/**
 * The distinct item and entry links of a feed, in order, at most `maxLinks`; `linksFound` counts
 * them (up to 100,000). An item with no link gives its permalink `<guid>` (RSS 2.0: one whose
 * isPermaLink is not "false") or its RSS 1.0 `rdf:about`, when that is an absolute http(s) URL;
 * prefixed names (`<rss:item>`, `<atom:link>`) count as theirs. `xml:base` applies to its element
 * and all inside it, as XML Base has it, resolved against the base around it.
 */
export function extractFeedLinks(body: Uint8Array, feedUrl: string, maxLinks: number): { links: ExtractedLink[]; linksFound: number } {
  // URLs are ASCII, or UTF-8 as IRIs are; a feed in another encoding rarely puts anything else in them.
  const xml = new TextDecoder('utf-8').decode(body);
  const seen = new Set<string>();
  const links: ExtractedLink[] = [];
  const add = (href: string, base: string) => {
    // Past the cap nothing a link could change: no normalizing (~5 µs each) for the rest of a feed.
    if (href.length > MAX_HREF_CHARS || seen.size >= MAX_FEED_LINKS) return;
    const url = normalizeUrl(decodeXmlText(href), base);
    if (url === null || seen.has(url)) return;
    seen.add(url);
    if (links.length < maxLinks) links.push({ url, text: '', isNofollow: false });
  };
  const bases: BaseScope[] = [];
  // Never bases[-1]: on an empty array that is a named-property lookup, which cost a 1 MB feed ~30 %.
  const baseOf = () => (bases.length === 0 ? feedUrl : bases[bases.length - 1]!.base);
  let itemDepth = 0;
  // The item being read: whether it gave a link, and its permalink guid or rdf:about for when it gave none.
  let hasItemLink = false;
  let itemFallback: string | null = null;
  let itemBase = feedUrl;
  const endItem = () => {
    if (!hasItemLink && itemFallback !== null) add(itemFallback, itemBase);
    itemFallback = null;
  };
  // A comment's markup is no markup (a commented-out item). Found ahead of the scan, each searched
  // for once, so the scan stays linear however many comments there are. A `<!--` inside CDATA is
  // text (a description's HTML cut short in a comment): taken for a comment, it hid every later
  // item up to the next `-->`, or to the end of the feed.
  let nextCdata = -1;
  const commentFrom = (from: number): number => {
    for (;;) {
      const start = xml.indexOf('<!--', from);
      if (start === -1) return -1;
      if (nextCdata !== -1 && nextCdata < from) nextCdata = xml.indexOf('<![CDATA[', from);
      if (nextCdata === -1 || nextCdata > start) return start;
      const end = xml.indexOf(']]>', nextCdata + 9);
      if (end === -1) return -1; // the rest of the feed is CDATA
      from = end + 3;
    }
  };
  nextCdata = xml.indexOf('<![CDATA[');
  let nextComment = commentFrom(0);
  TAG.lastIndex = 0;
  scan: for (let m = TAG.exec(xml); m !== null; m = TAG.exec(xml)) {
    while (nextComment !== -1 && nextComment < m.index) {
      const close = xml.indexOf('-->', nextComment + 4);
      if (close === -1) break scan; // the rest of the feed is a comment
      nextComment = commentFrom(close + 3);
      if (m.index < close + 3) {
        TAG.lastIndex = close + 3;
        continue scan;
      }
    }
    const [, slash, qualified, attrs] = m as unknown as [string, string, string, string];
    const colon = qualified.indexOf(':');
    const name = colon === -1 ? qualified : qualified.slice(colon + 1);
    const isEmpty = attrs.endsWith('/');
    const top = bases.length === 0 ? undefined : bases[bases.length - 1];
    if (slash) {
      if (top !== undefined && top.name === qualified) {
        if (top.nested > 0) top.nested--;
        else bases.pop();
      }
    } else if (attrs.includes('xml:base')) {
      const base = resolveBase(readAttributes(attrs)['xml:base'], baseOf());
      if (base !== null && !isEmpty && bases.length < MAX_BASE_DEPTH) bases.push({ name: qualified, base, nested: 0 });
      else if (top !== undefined && top.name === qualified && !isEmpty) top.nested++;
    } else if (top !== undefined && top.name === qualified && !isEmpty) top.nested++;
    if (name === 'item' || name === 'entry') {
      if (slash) {
        if (itemDepth === 1) endItem();
        itemDepth = Math.max(0, itemDepth - 1);
      } else if (!isEmpty && ++itemDepth === 1) {
        hasItemLink = false;
        itemBase = baseOf();
        const about = attrs.includes('about') ? readAttributes(attrs)['rdf:about'] : undefined;
        itemFallback = about !== undefined && isAbsoluteHttp(about) ? about.trim() : null;
      }
      continue;
    }
    if (itemDepth === 0 || slash) continue;
    if (name === 'guid') {
      if (isEmpty || hasItemLink || /ispermalink\s*=\s*["']\s*false\s*["']/i.test(attrs)) continue;
      const text = readText(xml, TAG.lastIndex);
      if (isAbsoluteHttp(text)) {
        itemFallback = text;
        itemBase = baseOf();
      }
      continue;
    }
    if (name !== 'link') continue;
    const attributes = readAttributes(attrs);
    // An xml:base on the <link/> itself applies to its href.
    const base = (isEmpty ? resolveBase(attributes['xml:base'], baseOf()) : null) ?? baseOf();
    if (attributes.href !== undefined) {
      // Relation types compare without regard to case (RFC 8288 2.1.1), and IANA's full IRI is its name (RFC 4287 4.2.7.2).
      const rel = attributes.rel?.trim().toLowerCase() ?? 'alternate';
      if (rel === 'alternate' || rel === '' || rel === IANA_ALTERNATE) {
        hasItemLink = true;
        add(attributes.href.trim(), base);
      }
    } else if (!isEmpty) {
      const text = readText(xml, TAG.lastIndex);
      if (text !== '') {
        hasItemLink = true;
        add(text, base);
      }
    }
  }
  if (itemDepth > 0) endItem();
  return { links, linksFound: seen.size };
}

/**
 * An element's text from `after` (its start tag's end), perhaps as CDATA, trimmed. Looked at up to
 * a bounded length, so an unclosed element costs no scan to the end of the feed; one with no end
 * in sight (a feed cut short by --max-bytes) names no URL we can trust, and gives ''.
 */
function readText(xml: string, after: number): string {
  const window = xml.slice(after, after + MAX_HREF_CHARS + 32);
  // A pretty-printed feed puts the CDATA on a line of its own: blanks before it are layout.
  let lead = 0;
  while (lead < window.length && XML_SPACE.has(window[lead]!)) lead++;
  const isCdata = window.startsWith('<![CDATA[', lead);
  const end = isCdata ? window.indexOf(']]>', lead) : window.indexOf('<');
  return end === -1 ? '' : window.slice(isCdata ? lead + 9 : 0, end).trim();
}

/** An `xml:base` resolved against the base around it; null when absent, not http(s) or unusable (it is then ignored). */
function resolveBase(href: string | undefined, outer: string): string | null {
  if (href === undefined || href.length > MAX_HREF_CHARS) return null;
  try {
    const url = new URL(decodeXmlText(href.trim()), outer);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** A guid or rdf:about is taken as a page only when it is plainly one: "tag:..." ids and bare numbers are not. */
function isAbsoluteHttp(s: string): boolean {
  return /^\s*https?:\/\/[^\s]/i.test(s);
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
