/**
 * Pulls what the crawl stores out of an HTML string: title, description, canonical, language,
 * links and visible text. Pure and synchronous, so unit tests call it on the main thread and the
 * pool calls it on a worker.
 *
 * No DOM is built. htmlparser2's Tokenizer feeds a small tree builder (html-events.ts), which
 * feeds a collector (PageCollector) that keeps only the state it needs. On a generated 50 KB
 * article (bench/parser.mjs, a busy 2-core machine) this took 1.95 ms/page against 2.14 for
 * htmlparser2's Parser callbacks, 2.27 for parseDocument + a DOM walk and 5.6 for cheerio.load
 * (parse5), with identical output from all four. The collector also takes plain open/text/close
 * events (createPageCollector), so a job that needs a DOM anyway (cheerio, for selector fields)
 * can walk it into the same collector.
 */
import { createUrlResolver, normalizeUrl } from '../frontier/normalize-url.js';
import { encodeHrefQuery } from './query-charset.js';
import { firstLanguage } from './header-metadata.js';
import { isRefreshValue } from './refresh-value.js';
import type { ExtractedLink } from '../types.js';
import { emitTagEvents, isHiddenBy, type HtmlSink, type TagSink } from './html-events.js';
import { TagFlag, TagKind, tagInfo, type TagInfo } from './html-tags.js';
import { collapse, TextBuffer } from './text-buffer.js';
import { MAX_HREF_CHARS } from './directives.js';

export { emitHtmlEvents, type HtmlSink } from './html-events.js';

export interface ExtractedPage {
  title: string | null;
  description: string | null;
  /** Resolved against <base href> and normalized; null when absent or not http(s). */
  canonical: string | null;
  language: string | null;
  /** Distinct links in document order, at most maxLinks. */
  links: ExtractedLink[];
  /** Distinct links found, including those beyond maxLinks (saturates at MAX_ANCHORS). */
  linksFound: number;
  /** Visible text: blocks on their own lines, runs of whitespace collapsed, at most MAX_TEXT_CHARS. */
  text: string;
  /** Every link's href (and frame's and HTML embed's src) as written, in document order, for parse/copy-signature.ts. */
  hrefs: string[];
  /** Contents of every `<meta name="robots">` (or name="crawlite"), joined with ", "; null when none. */
  metaRobots: string | null;
  /** Content of the first `<meta http-equiv="refresh">`, as written and whole; null when none. */
  metaRefresh: string | null;
  /**
   * The base URL its target resolves against when a `<base href>` came before the tag; null when
   * none did, and the page's URL applies (directives.ts parseRefreshUrl).
   */
  metaRefreshBase: string | null;
}

/** Visible text kept per page (UTF-16 code units); 2 M is far beyond any real article. */
export const MAX_TEXT_CHARS = 2 * 1024 * 1024;
const MAX_ANCHOR_CHARS = 500;
const MAX_TITLE_CHARS = 1000;
const MAX_DESCRIPTION_CHARS = 1000;
const MAX_LANGUAGE_CHARS = 64;
/** Anchors looked at per page; bounds memory on link-farm pages. */
const MAX_ANCHORS = 100_000;
/** The product token of the default User-Agent. */
const DEFAULT_ROBOTS_NAME = 'crawlite';

/**
 * `robotsName`: the `<meta name>` read besides "robots", our product token (ParseTask.robotsName).
 * `encoding`: the page's (decode-charset.ts), in which link queries are percent-encoded (query-charset.ts).
 */
export function extractPage(html: string, pageUrl: string, maxLinks: number, robotsName = DEFAULT_ROBOTS_NAME, encoding = 'utf-8'): ExtractedPage {
  const collector = new PageCollector(pageUrl, maxLinks, robotsName, encoding);
  emitTagEvents(html, collector);
  return collector.finish();
}

/**
 * The extraction state on its own, for feeding from another event source: a DOM walk when a job
 * needs cheerio anyway, or the parser comparison in bench/parser.mjs.
 */
export function createPageCollector(pageUrl: string, maxLinks: number, robotsName = DEFAULT_ROBOTS_NAME, encoding = 'utf-8'): HtmlSink & { finish(): ExtractedPage } {
  const collector = new PageCollector(pageUrl, maxLinks, robotsName, encoding);
  return {
    onopentag: (name, attribs) => collector.openTag(tagInfo(name), attribs, isHiddenBy(attribs)),
    ontext: (text) => collector.text(text, 0, text.length),
    onclosetag: (name) => collector.closeTag(tagInfo(name)),
    finish: () => collector.finish(),
  };
}

interface RawLink {
  href: string;
  text: string;
  isNofollow: boolean;
}

const enum Head {
  NotSeen,
  Open,
  Left,
}

/** Any non-whitespace character, as the HTML tree builder leaves <head> for it. */
const NON_SPACE = /\S/;

class PageCollector implements TagSink {
  readonly #pageUrl: string;
  readonly #maxLinks: number;
  readonly #robotsName: string;
  readonly #encoding: string;
  readonly #text = new TextBuffer(MAX_TEXT_CHARS, '\n');
  #title: string | null = null;
  #titleText: TextBuffer | null = null;
  #isTitleSeen = false;
  #isInTitle = false;
  #description: string | null = null;
  #metaRobots: string | null = null;
  #metaRefresh: string | null = null;
  #isRefreshAfterBase = false;
  #canonicalHref: string | null = null;
  #language: string | null = null;
  /** `<meta http-equiv="content-language">`: the language when `<html lang>` gives none. */
  #metaLanguage: string | null = null;
  #isHtmlSeen = false;
  #baseHref: string | null = null;
  // Hrefs wait for finish(): the first <base href> applies to every link, even those before it.
  readonly #rawLinks: RawLink[] = [];
  #anchor: RawLink | null = null;
  // Only written while #anchor is set: it is reset when an anchor opens and read when it closes.
  readonly #anchorText = new TextBuffer(MAX_ANCHOR_CHARS, ' ');
  #hiddenDepth = 0;
  /** Elements open now; every opened one is closed once (html-events.ts), void ones at once. */
  #depth = 0;
  /** #depth outside the outermost element hidden by its attributes (`hidden`, a closed <dialog>); -1 when none is open. */
  #hiddenAt = -1;
  /** Open <template>s: their content is inert, in a browser a fragment outside the document. */
  #templateDepth = 0;
  #framesetDepth = 0;
  #foreignDepth = 0;
  #preDepth = 0;
  #head = Head.NotSeen;

  constructor(pageUrl: string, maxLinks: number, robotsName: string, encoding: string) {
    this.#encoding = encoding;
    this.#pageUrl = pageUrl;
    this.#maxLinks = maxLinks;
    this.#robotsName = robotsName;
  }

  openTag(tag: TagInfo, attribs: Readonly<Record<string, string>>, isHidden: boolean): void {
    const flags = tag.flags;
    if (this.#head === Head.Open && (flags & TagFlag.HeadContent) === 0) this.#head = Head.Left;
    // `<body hidden>` and `<html hidden>` are a script's way to show a page only once it has run
    // (against a flash of unstyled content): the page is its content, so it is read.
    if (isHidden && (tag.kind === TagKind.Html || tag.name === 'body')) isHidden = false;
    if ((isHidden || (tag.kind === TagKind.Dialog && attribs.open === undefined)) && this.#hiddenAt === -1) {
      this.#hiddenAt = this.#depth;
      this.#hiddenDepth++;
    }
    this.#depth++;
    // Inside a <template> only nested templates count: its links, title, base and meta are not
    // the page's (a client-side template's href="{{url}}" is no link either).
    switch (this.#kindOf(tag)) {
      case TagKind.Other:
      case TagKind.Dialog:
        break;
      case TagKind.Template:
        this.#templateDepth++;
        break;
      case TagKind.Frameset:
        this.#framesetDepth++;
        break;
      case TagKind.A:
      case TagKind.Area:
        this.#openLink(tag.kind, attribs);
        break;
      case TagKind.Frame:
        // A frameset's frames are the site's pages (old sites have no other links to them); an
        // iframe's document is part of the page. Followed like links, as wget and Heritrix do;
        // off-site embeds (ads, videos) meet the scope like any link. A <frame> outside a
        // <frameset> is no element at all in a browser (the tree builder ignores its tag).
        if (tag.name === 'frame' && this.#framesetDepth === 0) break;
        if (attribs.src !== undefined && this.#rawLinks.length < MAX_ANCHORS) {
          this.#rawLinks.push({ href: attribs.src, text: collapse(attribs.title ?? '', MAX_ANCHOR_CHARS), isNofollow: false });
        }
        break;
      case TagKind.Embed: {
        // An <object data> or <embed src> holding an HTML page shows it as an iframe does (a
        // nested document; old docs sites and CMSs embed their parts so), and wget follows both.
        // Most hold a plugin or media (Flash, a PDF, a video): followed only when what they name
        // is an HTML page as far as the tag tells (isHtmlEmbed), which a fetch would only confirm.
        const src = tag.name === 'object' ? attribs.data : attribs.src;
        if (src !== undefined && this.#rawLinks.length < MAX_ANCHORS && attribs.classid === undefined && isHtmlEmbed(src, attribs.type)) {
          this.#rawLinks.push({ href: src, text: collapse(attribs.title ?? '', MAX_ANCHOR_CHARS), isNofollow: false });
        }
        break;
      }
      case TagKind.Base:
        // An svg <base> is an SVG element, not the document's base (an HTML one in its
        // foreignObject would be; taken as svg here too).
        if (this.#baseHref === null && attribs.href !== undefined && this.#foreignDepth === 0) this.#baseHref = attribs.href;
        break;
      case TagKind.Meta:
        if (this.#description === null && attribs.name?.trim().toLowerCase() === 'description') {
          this.#description = collapse(attribs.content ?? '', MAX_DESCRIPTION_CHARS);
        }
        this.#readDirective(attribs);
        break;
      case TagKind.Link:
        if (this.#canonicalHref === null && attribs.href && hasToken(attribs.rel, 'canonical')) {
          this.#canonicalHref = attribs.href;
        }
        if (attribs.href !== undefined && this.#rawLinks.length < MAX_ANCHORS && isPageLinkRel(attribs)) {
          this.#rawLinks.push({ href: attribs.href, text: collapse(attribs.title ?? '', MAX_ANCHOR_CHARS), isNofollow: hasToken(attribs.rel, 'nofollow') });
        }
        break;
      case TagKind.Html:
        if (!this.#isHtmlSeen) this.#language = collapse(attribs.lang ?? '', MAX_LANGUAGE_CHARS);
        this.#isHtmlSeen = true;
        break;
      case TagKind.Title:
        // The document's title is the first <title> outside svg/math (an svg <title> is a tooltip).
        this.#isInTitle = true;
        if (!this.#isTitleSeen && this.#foreignDepth === 0) {
          this.#isTitleSeen = true;
          this.#titleText = new TextBuffer(MAX_TITLE_CHARS, ' ');
        }
        break;
      case TagKind.Head:
        if (this.#head === Head.NotSeen) this.#head = Head.Open;
        break;
      case TagKind.Svg:
      case TagKind.Math:
        this.#foreignDepth++;
        break;
      case TagKind.Pre:
        this.#preDepth++;
        break;
    }
    if ((flags & TagFlag.Hidden) !== 0) this.#hiddenDepth++;
    this.#separate(flags);
  }

  text(source: string, start: number, end: number): void {
    if (this.#isInTitle) {
      this.#titleText?.append(source, start, end);
      return;
    }
    if (this.#hiddenDepth > 0) return;
    if (this.#head === Head.Open) {
      if (!NON_SPACE.test(source.slice(start, end))) return;
      this.#head = Head.Left; // text in <head> is moved into the body by browsers
    }
    this.#text.append(source, start, end, this.#preDepth > 0);
    if (this.#anchor) this.#anchorText.append(source, start, end);
  }

  /** Inside a <template> only nested templates count: every other tag there is Other. */
  #kindOf(tag: TagInfo): TagKind {
    return this.#templateDepth === 0 || tag.kind === TagKind.Template ? tag.kind : TagKind.Other;
  }

  closeTag(tag: TagInfo): void {
    if (--this.#depth === this.#hiddenAt) {
      this.#hiddenAt = -1;
      this.#hiddenDepth--;
    }
    switch (this.#kindOf(tag)) {
      case TagKind.Template:
        if (this.#templateDepth > 0) this.#templateDepth--;
        break;
      case TagKind.Frameset:
        if (this.#framesetDepth > 0) this.#framesetDepth--;
        break;
      case TagKind.A:
        this.#closeAnchor();
        break;
      case TagKind.Title:
        this.#isInTitle = false;
        if (this.#titleText) {
          this.#title = this.#titleText.toString() || null;
          this.#titleText = null;
        }
        break;
      case TagKind.Head:
        if (this.#head === Head.Open) this.#head = Head.Left;
        break;
      case TagKind.Svg:
      case TagKind.Math:
        if (this.#foreignDepth > 0) this.#foreignDepth--;
        break;
      case TagKind.Pre:
        if (this.#preDepth > 0) this.#preDepth--;
        break;
      default:
        break;
    }
    if ((tag.flags & TagFlag.Hidden) !== 0 && this.#hiddenDepth > 0) this.#hiddenDepth--;
    this.#separate(tag.flags);
  }

  finish(): ExtractedPage {
    this.#closeAnchor();
    const base = resolveBase(this.#baseHref, this.#pageUrl, this.#encoding);
    const self = normalizeUrl(this.#pageUrl);
    // URL -> its kept link (undefined once past maxLinks). One row per target, taken from one real
    // <a>: the first link to it that is followed, else (all nofollow) the first link. A URL linked
    // normally anywhere on the page is followable even if another link to it says rel="nofollow",
    // and the row's anchor text must belong to the link whose flag it carries.
    const seen = new Map<string, ExtractedLink | undefined>();
    const resolveUtf8 = createUrlResolver(base);
    const encoding = this.#encoding;
    const resolve = encoding === 'utf-8' ? resolveUtf8 : (href: string) => resolveUtf8(encodeHrefQuery(href, encoding));
    // Menus and footers repeat hrefs; each is resolved once per page.
    const resolved = new Map<string, string | null>();
    const links: ExtractedLink[] = [];
    for (const raw of this.#rawLinks) {
      if (raw.href.length > MAX_HREF_CHARS) continue;
      let url = resolved.get(raw.href);
      if (url === undefined) resolved.set(raw.href, (url = resolve(raw.href)));
      if (url === null) continue;
      if (seen.has(url)) {
        const kept = seen.get(url);
        if (kept && kept.isNofollow && !raw.isNofollow) {
          kept.isNofollow = false;
          kept.text = raw.text;
        }
        continue;
      }
      // "#section" (or "") points into this page, not at another one; with a <base> elsewhere it
      // resolves elsewhere, as in a browser, and is kept.
      if (url === self && isSameDocumentRef(raw.href)) continue;
      const link = links.length < this.#maxLinks ? { url, text: raw.text, isNofollow: raw.isNofollow } : undefined;
      seen.set(url, link);
      if (link) links.push(link);
    }
    return {
      title: this.#title,
      description: this.#description || null,
      canonical: this.#canonicalHref === null ? null : normalizeUrl(encodeHrefQuery(this.#canonicalHref, this.#encoding), base),
      language: this.#language || this.#metaLanguage,
      links,
      linksFound: seen.size,
      text: this.#text.toString(),
      hrefs: this.#rawLinks.map((raw) => raw.href),
      metaRobots: this.#metaRobots,
      metaRefresh: this.#metaRefresh,
      metaRefreshBase: this.#isRefreshAfterBase ? base ?? null : null,
    };
  }

  /** Robots and refresh directives (parse/directives.ts reads them); bounded like the description. */
  #readDirective(attribs: Readonly<Record<string, string>>): void {
    const name = attribs.name?.trim().toLowerCase();
    if ((name === 'robots' || name === this.#robotsName) && attribs.content) {
      const value = collapse(attribs.content, MAX_DESCRIPTION_CHARS);
      if ((this.#metaRobots?.length ?? 0) < MAX_DESCRIPTION_CHARS) {
        this.#metaRobots = this.#metaRobots === null ? value : `${this.#metaRobots}, ${value}`;
      }
    }
    const httpEquiv = attribs['http-equiv']?.trim().toLowerCase();
    // One that does not start with a delay is ignored, and a later one applies (the standard's
    // shared declarative refresh steps fail before a refresh is set; Chromium too).
    if (this.#metaRefresh === null && httpEquiv === 'refresh' && attribs.content && isRefreshValue(attribs.content)) {
      // Whole: cut at MAX_HREF_CHARS it named a URL the page never did, and was followed.
      // parseRefreshUrl drops a target over that length instead, as a link is dropped.
      this.#metaRefresh = attribs.content;
      // Unlike a link's, a refresh target is resolved when its tag is parsed (the HTML standard's
      // shared declarative refresh steps, run as the <meta> is inserted): only a <base> already
      // in the document applies. Chromium does so; a later <base> leaves the page's URL.
      this.#isRefreshAfterBase = this.#baseHref !== null;
    }
    if (this.#metaLanguage === null && httpEquiv === 'content-language') this.#metaLanguage = firstLanguage(attribs.content);
  }

  #openLink(kind: TagKind, attribs: Readonly<Record<string, string>>): void {
    if (kind === TagKind.A) this.#closeAnchor(); // an <a> inside an <a> ends the first, as browsers do
    // An svg <a> may still name its target the SVG 1.1 way, which browsers follow; `href` wins
    // when both are there (SVG 2). Outside svg, xlink:href is no link.
    const href = attribs.href ?? (this.#foreignDepth > 0 && kind === TagKind.A ? attribs['xlink:href'] : undefined);
    if (href === undefined || this.#rawLinks.length >= MAX_ANCHORS) return;
    const link: RawLink = { href, text: '', isNofollow: hasToken(attribs.rel, 'nofollow') };
    this.#rawLinks.push(link);
    if (kind === TagKind.Area) link.text = collapse(attribs.alt ?? '', MAX_ANCHOR_CHARS);
    else {
      this.#anchor = link;
      this.#anchorText.reset();
    }
  }

  #closeAnchor(): void {
    if (this.#anchor === null) return;
    this.#anchor.text = this.#anchorText.toString();
    this.#anchor = null;
  }

  #separate(flags: number): void {
    if ((flags & TagFlag.Block) !== 0) {
      this.#text.breakLine();
      if (this.#anchor) this.#anchorText.breakLine();
    } else if ((flags & TagFlag.Cell) !== 0) {
      this.#text.space();
      if (this.#anchor) this.#anchorText.space();
    }
  }
}

/**
 * The base URL's href: `new URL(href, base)` stringifies a URL base on every call anyway. Its
 * query is in the page's encoding, as a link's is: HTML parses <base href> with the document's
 * encoding, and an empty href or a fragment link is that base, query included.
 */
function resolveBase(baseHref: string | null, pageUrl: string, encoding: string): string | undefined {
  // An unusable <base href> is ignored: browsers fall back to the document's URL. That includes
  // a base that parses but is no fetch scheme (javascript:, data:, mailto:): Chromium refuses it,
  // and resolving against it would turn every relative link into a URL we then drop.
  if (baseHref !== null && baseHref.length <= MAX_HREF_CHARS) {
    try {
      const base = new URL(encodeHrefQuery(baseHref, encoding), pageUrl);
      if (base.protocol === 'http:' || base.protocol === 'https:') return base.href;
    } catch { /* fall through to the page URL */ }
  }
  try {
    return new URL(pageUrl).href;
  } catch {
    return undefined; // no usable base: only absolute hrefs resolve
  }
}

/**
 * `<link rel>` types that name another page of the same collection of documents (HTML 4's
 * navigation link types, and the series of a paginated listing): a pager drawn by script leaves
 * `rel="next"` the only link to page 2, and a Sphinx theme links its general index and search
 * page by `rel="index"` and `rel="search"` alone.
 */
const PAGE_LINK_RELS = new Set(['next', 'prev', 'previous', 'first', 'last', 'up', 'start', 'contents', 'toc', 'index', 'glossary', 'help', 'search', 'chapter', 'section', 'subsection', 'appendix']);

/**
 * A `<link>` naming another page of the site that a reader reaches through it: one of
 * PAGE_LINK_RELS, a language version (`rel="alternate" hreflang`; sites link these from the head
 * alone, the switcher a script-filled menu), or a feed (`rel="alternate"` typed RSS or Atom),
 * whose items crawlite reads as links (parse/feed-links.ts): on some blogs the only links to
 * older posts. Else only HTML: no OpenSearch description. Not other alternates (a print or AMP
 * copy, an oEmbed's JSON, a mobile copy by `media`), resources (stylesheet, icon, preload,
 * prefetch), nor canonical or shortlink, which name a page already here under another URL. wget
 * follows every `<link href>`.
 */
function isPageLinkRel(attribs: Readonly<Record<string, string>>): boolean {
  const rel = attribs.rel;
  if (rel === undefined) return false;
  const tokens = rel.toLowerCase().split(/\s+/);
  // The MIME type's essence: `text/html; charset=utf-8` is HTML, as for an <object> (isHtmlEmbed).
  const type = attribs.type?.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'application/rss+xml' || type === 'application/atom+xml') return tokens.includes('alternate');
  if (type && type !== 'text/html' && type !== 'application/xhtml+xml') return false;
  if (tokens.some((t) => PAGE_LINK_RELS.has(t))) return true;
  return tokens.includes('alternate') && (attribs.hreflang ?? '').trim() !== '' && attribs.media === undefined;
}

/** The paths a server answers with HTML, by their last segment's extension (none, as `/widgets/map/`, too). */
const HTML_EXTENSIONS = new Set(['html', 'htm', 'xhtml', 'xht', 'shtml', 'php', 'asp', 'aspx', 'jsp', 'cfm']);

/**
 * Whether an `<object data>` or `<embed src>` names an HTML page: its `type` says so, or it has
 * none and the URL's path ends in an HTML extension or none. A `type` decides when given, as it
 * does for a browser choosing a plugin; untyped, the extension is all there is before a fetch
 * (`movie.swf`, `doc.pdf`, `clip.mp4`, `x.bin` are not pages).
 */
function isHtmlEmbed(src: string, type: string | undefined): boolean {
  if (type !== undefined && type.trim() !== '') {
    const essence = type.split(';', 1)[0]!.trim().toLowerCase();
    return essence === 'text/html' || essence === 'application/xhtml+xml';
  }
  const s = src.trim();
  if (s === '' || s.startsWith('#') || /^(?:data|javascript|about):/i.test(s)) return false;
  const end = s.search(/[?#]/);
  // The path only: a bare origin's host (`https://docs.example.com`) has no extension to read.
  const path = (end === -1 ? s : s.slice(0, end)).replace(/^(?:[a-z][a-z\d+.-]*:)?\/\/[^/]*/i, '');
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot === -1 || HTML_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

function isSameDocumentRef(href: string): boolean {
  const h = href.trim();
  return h === '' || h.startsWith('#');
}

function hasToken(list: string | undefined, token: string): boolean {
  return list !== undefined && list.toLowerCase().split(/\s+/).includes(token);
}
