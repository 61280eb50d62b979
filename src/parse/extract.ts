/**
 * Pulls what the crawl stores out of an HTML string: title, description, canonical, language,
 * links and visible text. Pure and synchronous, so unit tests call it on the main thread and the
 * pool calls it on a worker.
 *
 * No DOM is built. htmlparser2's Tokenizer feeds a small tree builder here, which feeds a
 * collector (PageCollector) that keeps only the state it needs. On a generated 50 KB article
 * (bench/parser.mjs, a busy 2-core machine) this took 1.95 ms/page against 2.14 for htmlparser2's
 * Parser callbacks, 2.27 for parseDocument + a DOM walk and 5.6 for cheerio.load (parse5), with
 * identical output from all four. The collector is a plain open/text/close sink, so a job that
 * needs a DOM anyway (cheerio, for selector fields) can walk it into the same collector.
 *
 * Why not htmlparser2's own Parser: it keeps its open-element stack with Array#unshift and
 * searches it with indexOf on every end tag, so 20,000 nested <div>s take ~250 ms, 100,000 take
 * ~5 s, and deep nesting followed by unmatched end tags is quadratic (9 s for 20,000 + 1 MB). The
 * tree builder below keeps the same implied-end-tag rules over a push/pop stack plus a count of
 * open elements per name, so an unmatched end tag costs O(1) and every page is linear time.
 */
import { Tokenizer } from 'htmlparser2';
import { normalizeUrl } from '../frontier/normalize-url.js';
import type { ExtractedLink } from '../types.js';

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
  /** Contents of every `<meta name="robots">` (or name="crawlite"), joined with ", "; null when none. */
  metaRobots: string | null;
  /** Content of the first `<meta http-equiv="refresh">`, as written; null when none. */
  metaRefresh: string | null;
}

/** Visible text kept per page (UTF-16 code units); 2 M is far beyond any real article. */
export const MAX_TEXT_CHARS = 2 * 1024 * 1024;
const MAX_ANCHOR_CHARS = 500;
const MAX_TITLE_CHARS = 1000;
const MAX_DESCRIPTION_CHARS = 1000;
const MAX_LANGUAGE_CHARS = 64;
/** Anchors looked at per page; bounds memory on link-farm pages. */
const MAX_ANCHORS = 100_000;
/** Longer hrefs are junk (or an attack on the links table), not links. */
const MAX_HREF_CHARS = 8192;

/** The open / text / close events of an HTML document, as htmlparser2's Handler shapes them. */
export interface HtmlSink {
  onopentag(name: string, attribs: Readonly<Record<string, string>>): void;
  ontext(text: string): void;
  onclosetag(name: string): void;
}

export function extractPage(html: string, pageUrl: string, maxLinks: number): ExtractedPage {
  const collector = createPageCollector(pageUrl, maxLinks);
  emitHtmlEvents(html, collector);
  return collector.finish();
}

/**
 * The extraction state on its own, for feeding from another event source: a DOM walk when a job
 * needs cheerio anyway, or the parser comparison in bench/parser.mjs.
 */
export function createPageCollector(pageUrl: string, maxLinks: number): HtmlSink & { finish(): ExtractedPage } {
  return new PageCollector(pageUrl, maxLinks);
}

// --- tree builder: htmlparser2's Parser rules, linear time ----------------------------------

const P = new Set(['p']);
const FORM = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const DD_DT = new Set(['dd', 'dt']);
const RT_RP = new Set(['rt', 'rp']);
const TABLE_SECTION = new Set(['thead', 'tbody']);
/** Opening the key closes any of these on top of the stack (htmlparser2 10's openImpliesClose). */
const IMPLIED_CLOSE = new Map<string, ReadonlySet<string>>([
  ['tr', new Set(['tr', 'th', 'td'])], ['th', new Set(['th'])], ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])], ['li', new Set(['li'])],
  ['option', new Set(['option'])], ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', DD_DT], ['dt', DD_DT], ['rt', RT_RP], ['rp', RT_RP], ['tbody', TABLE_SECTION], ['tfoot', TABLE_SECTION],
  ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((t) => [t, FORM] as const),
  ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'address', 'article', 'aside', 'blockquote', 'details', 'div',
    'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'nav', 'ol', 'pre',
    'section', 'table', 'ul'].map((t) => [t, P] as const),
]);
const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input',
  'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const FOREIGN = new Set(['math', 'svg']);
const INTEGRATION = new Set(['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);
/** Only these tags' attributes are read; skipping the rest saves an object per tag. */
const ATTRIBUTE_TAGS = new Set(['a', 'area', 'base', 'meta', 'link', 'html']);
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

/** Drives `sink` with the document's events; every opened element is closed exactly once. */
export function emitHtmlEvents(html: string, sink: HtmlSink): void {
  const stack: string[] = [];
  const openByName = new Map<string, number>();
  const foreign: boolean[] = [false]; // self-closing "/>" only counts inside svg/math
  let tag = '';
  let attribs: Record<string, string> | null = null;
  let attrName = '';
  let attrValue = '';

  const pop = (): string => {
    const name = stack.pop() as string;
    openByName.set(name, (openByName.get(name) ?? 1) - 1);
    sink.onclosetag(name);
    return name;
  };
  const endOpenTag = (): void => {
    sink.onopentag(tag, attribs ?? NO_ATTRIBUTES);
    if (VOID.has(tag)) sink.onclosetag(tag);
    attribs = null;
  };
  const tokenizer = new Tokenizer({ decodeEntities: true }, {
    ontext: (start, end) => sink.ontext(html.slice(start, end)),
    ontextentity: (cp) => sink.ontext(String.fromCodePoint(cp)),
    onopentagname(start, end) {
      tag = html.slice(start, end).toLowerCase();
      const closes = IMPLIED_CLOSE.get(tag);
      if (closes) while (stack.length > 0 && closes.has(stack[stack.length - 1] as string)) pop();
      if (!VOID.has(tag)) {
        stack.push(tag);
        openByName.set(tag, (openByName.get(tag) ?? 0) + 1);
        if (FOREIGN.has(tag)) foreign.push(true);
        else if (INTEGRATION.has(tag)) foreign.push(false);
      }
      attribs = ATTRIBUTE_TAGS.has(tag) ? {} : null;
    },
    onattribname(start, end) {
      if (attribs) attrName = html.slice(start, end).toLowerCase();
    },
    onattribdata(start, end) {
      if (attribs) attrValue += html.slice(start, end);
    },
    onattribentity(cp) {
      if (attribs) attrValue += String.fromCodePoint(cp);
    },
    onattribend() {
      if (attribs && !Object.hasOwn(attribs, attrName)) attribs[attrName] = attrValue; // first one wins
      attrValue = '';
    },
    onopentagend: endOpenTag,
    onselfclosingtag() {
      const name = tag;
      endOpenTag();
      if (foreign[foreign.length - 1] === true && stack[stack.length - 1] === name) pop();
    },
    onclosetag(start, end) {
      const name = html.slice(start, end).toLowerCase();
      if ((FOREIGN.has(name) || INTEGRATION.has(name)) && foreign.length > 1) foreign.pop();
      if (!VOID.has(name)) {
        if ((openByName.get(name) ?? 0) > 0) while (pop() !== name);
        else if (name === 'p') {
          sink.onopentag('p', NO_ATTRIBUTES); // "</p>" alone means an empty paragraph
          sink.onclosetag('p');
        }
      } else if (name === 'br') {
        sink.onopentag('br', NO_ATTRIBUTES); // "</br>" is read as "<br>"
        sink.onclosetag('br');
      }
    },
    oncomment() {},
    oncdata() {},
    ondeclaration() {},
    onprocessinginstruction() {},
    onend() {
      while (stack.length > 0) pop();
    },
  });
  tokenizer.write(html);
  tokenizer.end();
}

// --- collector ---------------------------------------------------------------------------------

/** Text never shown: script bodies, styles, fallbacks, embedded documents. */
const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'object', 'noembed', 'noframes']);
/** Elements that may sit in <head>; any other opens the body, as in a browser. */
const HEAD_CONTENT = new Set(['title', 'meta', 'link', 'style', 'script', 'noscript', 'base', 'template',
  'basefont', 'bgsound', 'head']);
const BLOCK = new Set(['address', 'article', 'aside', 'blockquote', 'body', 'br', 'caption', 'center', 'dd',
  'details', 'dialog', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2',
  'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'main', 'menu', 'nav', 'ol',
  'option', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul']);
/** Table cells sit side by side: a space, not a line, between them. */
const CELL = new Set(['td', 'th']);

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

class PageCollector implements HtmlSink {
  readonly #pageUrl: string;
  readonly #maxLinks: number;
  readonly #text = new TextBuffer(MAX_TEXT_CHARS, '\n');
  #title: string | null = null;
  #titleText: TextBuffer | null = null;
  #isTitleSeen = false;
  #isInTitle = false;
  #description: string | null = null;
  #metaRobots: string | null = null;
  #metaRefresh: string | null = null;
  #canonicalHref: string | null = null;
  #language: string | null = null;
  #isHtmlSeen = false;
  #baseHref: string | null = null;
  // Hrefs wait for finish(): the first <base href> applies to every link, even those before it.
  readonly #rawLinks: RawLink[] = [];
  #anchor: RawLink | null = null;
  readonly #anchorText = new TextBuffer(MAX_ANCHOR_CHARS, ' ');
  #hiddenDepth = 0;
  #foreignDepth = 0;
  #preDepth = 0;
  #head = Head.NotSeen;

  constructor(pageUrl: string, maxLinks: number) {
    this.#pageUrl = pageUrl;
    this.#maxLinks = maxLinks;
  }

  onopentag(name: string, attribs: Readonly<Record<string, string>>): void {
    if (this.#head === Head.Open && !HEAD_CONTENT.has(name)) this.#head = Head.Left;
    switch (name) {
      case 'a':
      case 'area':
        this.#openLink(name, attribs);
        break;
      case 'base':
        if (this.#baseHref === null && attribs.href !== undefined) this.#baseHref = attribs.href;
        break;
      case 'meta':
        if (this.#description === null && attribs.name?.trim().toLowerCase() === 'description') {
          this.#description = collapse(attribs.content ?? '', MAX_DESCRIPTION_CHARS);
        }
        this.#readDirective(attribs);
        break;
      case 'link':
        if (this.#canonicalHref === null && attribs.href && hasToken(attribs.rel, 'canonical')) {
          this.#canonicalHref = attribs.href;
        }
        break;
      case 'html':
        if (!this.#isHtmlSeen) this.#language = collapse(attribs.lang ?? '', MAX_LANGUAGE_CHARS);
        this.#isHtmlSeen = true;
        break;
      case 'title':
        // The document's title is the first <title> outside svg/math (an svg <title> is a tooltip).
        this.#isInTitle = true;
        if (!this.#isTitleSeen && this.#foreignDepth === 0) {
          this.#isTitleSeen = true;
          this.#titleText = new TextBuffer(MAX_TITLE_CHARS, ' ');
        }
        break;
      case 'head':
        if (this.#head === Head.NotSeen) this.#head = Head.Open;
        break;
      case 'svg':
      case 'math':
        this.#foreignDepth++;
        break;
      case 'pre':
        this.#preDepth++;
        break;
    }
    if (HIDDEN.has(name)) this.#hiddenDepth++;
    this.#separate(name);
  }

  ontext(data: string): void {
    if (this.#isInTitle) {
      this.#titleText?.append(data);
      return;
    }
    if (this.#hiddenDepth > 0) return;
    if (this.#head === Head.Open) {
      if (!/\S/.test(data)) return;
      this.#head = Head.Left; // text in <head> is moved into the body by browsers
    }
    if (this.#preDepth > 0) this.#text.appendPreformatted(data);
    else this.#text.append(data);
    if (this.#anchor) this.#anchorText.append(data);
  }

  onclosetag(name: string): void {
    switch (name) {
      case 'a':
        this.#closeAnchor();
        break;
      case 'title':
        this.#isInTitle = false;
        if (this.#titleText) {
          this.#title = this.#titleText.toString() || null;
          this.#titleText = null;
        }
        break;
      case 'head':
        if (this.#head === Head.Open) this.#head = Head.Left;
        break;
      case 'svg':
      case 'math':
        if (this.#foreignDepth > 0) this.#foreignDepth--;
        break;
      case 'pre':
        if (this.#preDepth > 0) this.#preDepth--;
        break;
    }
    if (HIDDEN.has(name) && this.#hiddenDepth > 0) this.#hiddenDepth--;
    this.#separate(name);
  }

  finish(): ExtractedPage {
    this.#closeAnchor();
    const base = resolveBase(this.#baseHref, this.#pageUrl);
    const self = normalizeUrl(this.#pageUrl);
    // URL -> its kept link (undefined once past maxLinks): a repeat keeps the first anchor text,
    // but a URL linked normally anywhere on the page is followable even if another link to it
    // says rel="nofollow".
    const seen = new Map<string, ExtractedLink | undefined>();
    const links: ExtractedLink[] = [];
    for (const raw of this.#rawLinks) {
      if (raw.href.length > MAX_HREF_CHARS) continue;
      const url = normalizeUrl(raw.href, base);
      if (url === null) continue;
      if (seen.has(url)) {
        const kept = seen.get(url);
        if (kept && !raw.isNofollow) kept.isNofollow = false;
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
      canonical: this.#canonicalHref === null ? null : normalizeUrl(this.#canonicalHref, base),
      language: this.#language || null,
      links,
      linksFound: seen.size,
      text: this.#text.toString(),
      metaRobots: this.#metaRobots,
      metaRefresh: this.#metaRefresh,
    };
  }

  /** Robots and refresh directives (parse/directives.ts reads them); bounded like the description. */
  #readDirective(attribs: Readonly<Record<string, string>>): void {
    const name = attribs.name?.trim().toLowerCase();
    if ((name === 'robots' || name === 'crawlite') && attribs.content) {
      const value = collapse(attribs.content, MAX_DESCRIPTION_CHARS);
      if ((this.#metaRobots?.length ?? 0) < MAX_DESCRIPTION_CHARS) {
        this.#metaRobots = this.#metaRobots === null ? value : `${this.#metaRobots}, ${value}`;
      }
    }
    if (this.#metaRefresh === null && attribs['http-equiv']?.trim().toLowerCase() === 'refresh' && attribs.content) {
      this.#metaRefresh = attribs.content.slice(0, MAX_HREF_CHARS);
    }
  }

  #openLink(name: string, attribs: Readonly<Record<string, string>>): void {
    if (name === 'a') this.#closeAnchor(); // an <a> inside an <a> ends the first, as browsers do
    const href = attribs.href;
    if (href === undefined || this.#rawLinks.length >= MAX_ANCHORS) return;
    const link: RawLink = { href, text: '', isNofollow: hasToken(attribs.rel, 'nofollow') };
    this.#rawLinks.push(link);
    if (name === 'area') link.text = collapse(attribs.alt ?? '', MAX_ANCHOR_CHARS);
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

  #separate(name: string): void {
    if (BLOCK.has(name)) {
      this.#text.breakLine();
      this.#anchorText.breakLine();
    } else if (CELL.has(name)) {
      this.#text.space();
      this.#anchorText.space();
    }
  }
}

function resolveBase(baseHref: string | null, pageUrl: string): URL | undefined {
  // An unusable <base href> is ignored: browsers fall back to the document's URL.
  if (baseHref !== null && baseHref.length <= MAX_HREF_CHARS) {
    try {
      return new URL(baseHref, pageUrl);
    } catch { /* fall through to the page URL */ }
  }
  try {
    return new URL(pageUrl);
  } catch {
    return undefined; // no usable base: only absolute hrefs resolve
  }
}

function isSameDocumentRef(href: string): boolean {
  const h = href.trim();
  return h === '' || h.startsWith('#');
}

function hasToken(list: string | undefined, token: string): boolean {
  return list !== undefined && list.toLowerCase().split(/\s+/).includes(token);
}

function collapse(value: string, maxChars: number): string {
  const buf = new TextBuffer(maxChars, ' ');
  buf.append(value);
  return buf.toString();
}

/** Stands for a block boundary inside a TextBuffer; NUL in page text is turned into a space. */
const BREAK = '\u0000';
const BREAK_CODE = 0;

/**
 * Whitespace as JavaScript's \s sees it, plus the other C0 controls and DEL (junk in text, poison
 * for SQLite TEXT). NUL is not here: it is the block BREAK.
 */
function isSpaceLike(c: number): boolean {
  if (c <= 0x20) return c !== BREAK_CODE;
  if (c < 0x7f) return false;
  return (
    c === 0x7f || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/**
 * One pass over the raw text: each run of whitespace becomes one space, and a run of spaces and
 * BREAKs holding at least one BREAK becomes one BREAK. Words separated by a single plain space are
 * copied as one slice, so a page costs a slice per line, not per word. (It replaced two regex
 * passes that took a fifth of extract()'s time on 50 KB article pages.)
 */
function collapseSpaces(raw: string): string {
  let out = '';
  let runStart = -1;
  let pendingSpace = false;
  let pendingBreak = false;
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    const isBreak = c === BREAK_CODE;
    if (!isBreak && !isSpaceLike(c)) {
      if (runStart === -1) {
        if (pendingBreak) out += BREAK;
        else if (pendingSpace) out += ' ';
        pendingBreak = pendingSpace = false;
        runStart = i;
      }
      continue;
    }
    // A lone plain space between two word characters stays inside the current slice.
    if (c === 0x20 && runStart !== -1 && i + 1 < n) {
      const next = raw.charCodeAt(i + 1);
      if (next !== BREAK_CODE && !isSpaceLike(next)) continue;
    }
    if (runStart !== -1) {
      out += raw.slice(runStart, i);
      runStart = -1;
    }
    if (isBreak) pendingBreak = true;
    else pendingSpace = true;
  }
  if (runStart !== -1) out += raw.slice(runStart);
  else if (pendingBreak) out += BREAK;
  else if (pendingSpace) out += ' ';
  return out;
}

/**
 * Accumulates text up to maxChars with whitespace runs collapsed to one space, no leading or
 * trailing space, and one separator between blocks. Pieces are kept raw and collapsed in one
 * regex pass at the end (collapsing each of the tokenizer's many small pieces cost more than the
 * tokenizer); a compaction pass whenever the raw pieces reach twice maxChars keeps memory bounded.
 */
class TextBuffer {
  readonly #maxChars: number;
  readonly #separator: string;
  #parts: string[] = [];
  #rawLength = 0;
  #isFull = false;

  constructor(maxChars: number, separator: string) {
    this.#maxChars = maxChars;
    this.#separator = separator;
  }

  append(data: string): void {
    if (!this.#isFull) this.#add(data.includes(BREAK) ? data.replaceAll(BREAK, ' ') : data);
  }

  /** Inside <pre> the author's line breaks are kept; spaces still collapse. */
  appendPreformatted(data: string): void {
    if (this.#isFull) return;
    const s = data.includes(BREAK) ? data.replaceAll(BREAK, ' ') : data;
    this.#add(s.replaceAll('\n', BREAK));
  }

  breakLine(): void {
    if (!this.#isFull) this.#add(BREAK);
  }

  space(): void {
    if (!this.#isFull) this.#add(' ');
  }

  reset(): void {
    this.#parts = [];
    this.#rawLength = 0;
    this.#isFull = false;
  }

  toString(): string {
    let s = trimEdges(this.#collapsed()).replaceAll(BREAK, this.#separator);
    if (s.length > this.#maxChars) {
      s = s.slice(0, this.#maxChars);
      const last = s.charCodeAt(s.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) s = s.slice(0, -1); // never split a surrogate pair
      s = s.trimEnd();
    }
    return s;
  }

  #add(s: string): void {
    this.#parts.push(s);
    this.#rawLength += s.length;
    if (this.#rawLength >= 2 * this.#maxChars + 64) {
      const compacted = this.#collapsed();
      this.#parts = [compacted];
      this.#rawLength = compacted.length;
      this.#isFull = compacted.length > this.#maxChars + 2; // + 2 for edges trimmed at the end
    }
  }

  #collapsed(): string {
    return collapseSpaces(this.#parts.join(''));
  }
}

function trimEdges(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s[start] === ' ' || s[start] === BREAK)) start++;
  while (end > start && (s[end - 1] === ' ' || s[end - 1] === BREAK)) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}
