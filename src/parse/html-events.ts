/**
 * The tree builder: htmlparser2's Tokenizer in, open / text / close events out, with the implied
 * end-tag rules of htmlparser2's Parser but linear time.
 *
 * Why not htmlparser2's own Parser: it keeps its open-element stack with Array#unshift and
 * searches it with indexOf on every end tag, so 20,000 nested <div>s take ~250 ms, 100,000 take
 * ~5 s, and deep nesting followed by unmatched end tags is quadratic (9 s for 20,000 + 1 MB). This
 * one keeps the same rules over a push/pop stack plus a count of open elements per name, so an
 * unmatched end tag costs O(1) and every page is linear time.
 *
 * svg and math ("foreign content") follow the HTML standard as far as links and text need: inside
 * them "/>" closes the element, and a script, style or title holds markup, not raw text (so a
 * script there is an element whose text is hidden, and `<svg><script/>` closes); their HTML
 * integration points (foreignObject, desc, title; mi, mo, mn, ms, mtext, annotation-xml) hold HTML
 * again. An HTML element such as <p>, <div> or <b> inside svg or math closes them first ("breaks
 * out"), as in a browser. Left as they were, because pages rarely depend on them: <font color>
 * breaks out in a browser, not here; each integration point is taken in both svg and math (a browser takes title and desc in svg only,
 * mi...mtext in math only, annotation-xml only with an HTML encoding); and `<![CDATA[...]]>` is
 * dropped, where a browser gives its content as text in svg/math and ends it at the first ">" as
 * a comment in HTML.
 */
import { Tokenizer } from 'htmlparser2';
import { TagFlag, tagInfo, type TagInfo } from './html-tags.js';
import { createTokenizer, readAsMarkup, readAsRawText } from './html-tokenizer.js';
import { doubleEscapedScriptEnd } from './script-data.js';

/** The open / text / close events of an HTML document, as htmlparser2's Handler shapes them. */
export interface HtmlSink {
  onopentag(name: string, attribs: Readonly<Record<string, string>>): void;
  ontext(text: string): void;
  onclosetag(name: string): void;
}

/**
 * The same events for the page collector: the tag's record instead of its name, and text as a
 * range of the source, so text that is only scanned is never copied out first.
 */
export interface TagSink {
  /** `isHidden`: it has a `hidden` attribute (not "until-found"), so nothing in it is shown. */
  openTag(tag: TagInfo, attribs: Readonly<Record<string, string>>, isHidden: boolean): void;
  text(source: string, start: number, end: number): void;
  closeTag(tag: TagInfo): void;
}

const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Whether an element's attributes hide it and all it holds: a `hidden` attribute, except
 * hidden="until-found", which find-in-page and search engines show, so its text is kept.
 */
export function isHiddenBy(attribs: Readonly<Record<string, string>>): boolean {
  return attribs.hidden !== undefined && attribs.hidden.toLowerCase() !== 'until-found';
}

/**
 * Drives `sink` with the document's events; every opened element is closed exactly once.
 * Attributes are read only on the tags the link extractor looks at, unless `allAttributes` (a
 * whole DOM for CSS selectors, extract-fields.ts).
 */
export function emitHtmlEvents(html: string, sink: HtmlSink, allAttributes = false): void {
  emitTagEvents(html, {
    openTag: (tag, attribs) => sink.onopentag(tag.name, attribs),
    text: (source, start, end) => sink.ontext(source.slice(start, end)),
    closeTag: (tag) => sink.onclosetag(tag.name),
  }, allAttributes);
}

/** A tag name's record and how many elements of that name are open, for this document only. */
interface Counted {
  readonly tag: TagInfo;
  open: number;
}

const P = tagInfo('p');
const BR = tagInfo('br');
const PLAINTEXT = tagInfo('plaintext');

/**
 * `name.toLowerCase()`, without the call when the name is ASCII and has no capital, as nearly
 * every tag and attribute name is. A page's HTML is a two-byte string as soon as it holds one
 * character past U+00FF (a dash, a curly quote), and so is each name sliced from it; V8 lowercases
 * a two-byte string through ICU, a runtime call several times the cost of a one-byte one's, once
 * per tag and end tag (~1,000 a bench page).
 */
function lowerName(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x80 || (c >= 0x41 && c <= 0x5a)) return name.toLowerCase();
  }
  return name;
}

function indexOrEnd(s: string, search: string, from: number): number {
  const i = s.indexOf(search, from);
  return i === -1 ? s.length : i;
}

export function emitTagEvents(html: string, sink: TagSink, allAttributes = false): void {
  const stack: Counted[] = [];
  const byName = new Map<string, Counted>();
  // Per open svg/math (true) and HTML integration point (false): is the content here foreign?
  // Pushed and popped with those elements, so an end tag that closes several, or a "/>" that
  // closes one, leaves it right.
  const foreign: boolean[] = [false];
  /** The start tag being read honours "/>": it is in svg or math, or is <svg/> or <math/>. */
  let isSelfClosable = false;
  let current: Counted = { tag: P, open: 0 };
  let attribs: Record<string, string> | null = null;
  let attrName = '';
  let attrValue = '';
  /** The start tag being read has a `hidden` attribute; its attributes are then all read. */
  let hasHiddenAttribute = false;

  const counted = (name: string): Counted => {
    let c = byName.get(name);
    if (c === undefined) byName.set(name, (c = { tag: tagInfo(name), open: 0 }));
    return c;
  };
  const pop = (): Counted => {
    const c = stack.pop() as Counted;
    c.open--;
    if ((c.tag.flags & (TagFlag.Foreign | TagFlag.Integration)) !== 0) foreign.pop();
    sink.closeTag(c.tag);
    return c;
  };
  /**
   * An HTML element such as <p> or <div> met inside svg or math closes them, up to the nearest
   * HTML element or integration point, before it opens (the standard's "in foreign content" rule):
   * `<svg><path/><p>text` shows "text" in a browser, which the svg would have hidden.
   */
  const breakOut = (): void => {
    while (foreign[foreign.length - 1] === true && stack.length > 0) pop();
  };
  const endOpenTag = (): void => {
    const isHidden = hasHiddenAttribute && attribs !== null && isHiddenBy(attribs);
    sink.openTag(current.tag, attribs ?? NO_ATTRIBUTES, isHidden);
    if ((current.tag.flags & TagFlag.Void) !== 0) sink.closeTag(current.tag);
    attribs = null;
    hasHiddenAttribute = false;
  };
  // Where the next "<!--" is, kept until passed (so a page of many scripts stays linear time).
  let nextComment = -1;
  /**
   * Content the Tokenizer would read as markup although a browser does not: a double-escaped
   * script's rest (script-data.ts) and everything after <plaintext>. It goes to the sink as the
   * element's text, and the Tokenizer is moved past it: to the script's real end tag, or to the
   * end of the document. Reaches into the Tokenizer's index and offset, as html-tokenizer.ts
   * does; if a release renames them, parsing stays as htmlparser2 has it.
   */
  const skipRawText = (tag: TagInfo, contentStart: number): void => {
    if (foreign[foreign.length - 1] === true) return; // in svg/math a script or <plaintext> holds markup
    const internals = tokenizer as unknown as { index: unknown; offset: unknown };
    if (typeof internals.index !== 'number' || internals.offset !== 0) return;
    let end: number;
    if (tag === PLAINTEXT) {
      end = html.length;
    } else {
      if (nextComment < contentStart) nextComment = indexOrEnd(html, '<!--', contentStart);
      if (nextComment === html.length) return;
      end = doubleEscapedScriptEnd(html, contentStart);
      if (end === -1) return;
    }
    if (end > contentStart) sink.text(html, contentStart, end);
    // The Tokenizer sets sectionStart to index + 1 and steps on to `end` itself.
    internals.index = end - 1;
  };
  const endStartTag = (endIndex: number): void => {
    const tag = current.tag;
    endOpenTag();
    if ((tag.flags & TagFlag.RawText) !== 0) skipRawText(tag, endIndex + 1);
  };
  const tokenizer = createTokenizer({ decodeEntities: true }, {
    ontext(start, end) {
      // Text left after an unterminated end tag ("</a b") arrives with start -1, which the
      // Parser's slice reads as the last character; slice keeps that reading here.
      if (start >= 0) sink.text(html, start, end);
      else {
        const s = html.slice(start, end);
        sink.text(s, 0, s.length);
      }
    },
    ontextentity(cp) {
      const s = String.fromCodePoint(cp);
      sink.text(s, 0, s.length);
    },
    onopentagname(start, end) {
      current = counted(lowerName(html.slice(start, end)));
      const { flags, closesMask } = current.tag;
      if ((flags & TagFlag.BreakOut) !== 0) breakOut();
      if (closesMask !== 0) {
        while (stack.length > 0 && ((stack[stack.length - 1] as Counted).tag.closeBit & closesMask) !== 0) pop();
      }
      const isInForeign = foreign[foreign.length - 1] === true;
      isSelfClosable = isInForeign || (flags & TagFlag.Foreign) !== 0;
      if (!isInForeign && (flags & TagFlag.TextContent) !== 0) readAsRawText(tokenizer, current.tag.name);
      else readAsMarkup(tokenizer);
      if ((flags & TagFlag.Void) === 0) {
        stack.push(current);
        current.open++;
        if ((flags & TagFlag.Foreign) !== 0) foreign.push(true);
        else if ((flags & TagFlag.Integration) !== 0) foreign.push(false);
      }
      attribs = allAttributes || (flags & TagFlag.Attributes) !== 0 ? {} : null;
    },
    onattribname(start, end) {
      if (attribs) attrName = lowerName(html.slice(start, end));
      // Any element may be hidden: a name of six letters starting with "h" is checked, so other
      // tags' attributes are still not read.
      else if (end - start === 6 && (html.charCodeAt(start) | 0x20) === 0x68) {
        attrName = lowerName(html.slice(start, end));
        if (attrName === 'hidden') attribs = {};
      }
      if (attribs && attrName === 'hidden') hasHiddenAttribute = true;
    },
    onattribdata(start, end) {
      if (attribs) attrValue += html.slice(start, end);
    },
    onattribentity(cp) {
      if (attribs) attrValue += String.fromCodePoint(cp);
    },
    onattribend() {
      // The HTML standard's attribute value states turn a NUL into U+FFFD, and browsers then
      // resolve an href holding one to %EF%BF%BD; htmlparser2 keeps the NUL, which became %00 (a
      // URL no browser requests), or was cut with the URL's trailing controls ("?q=\0" gave "?q=").
      if (attribs && attrValue.includes('\0')) attrValue = attrValue.replaceAll('\0', '\uFFFD');
      if (attribs && !Object.hasOwn(attribs, attrName)) attribs[attrName] = attrValue; // first one wins
      attrValue = '';
    },
    onopentagend: endStartTag,
    onselfclosingtag(endIndex) {
      // In HTML "/>" on a non-void element is ">": <a/>, <div/> and <plaintext/> open (the
      // Tokenizer already reads <script/> and the other raw-text tags so, html-tokenizer.ts).
      if (!isSelfClosable) return endStartTag(endIndex);
      const opened = current;
      endOpenTag();
      if (stack[stack.length - 1] === opened) pop();
    },
    onclosetag(start, end) {
      // A "/" ends a tag name (WHATWG: self-closing start tag state), in end tags too: "</div/>"
      // closes a div. htmlparser2 reads the name up to whitespace or ">" only.
      const slash = html.indexOf('/', start);
      const name = lowerName(html.slice(start, slash !== -1 && slash < end ? slash : end));
      // No record is made for a name that was never opened: hostile pages send 100,000s of those.
      const c = byName.get(name);
      const tag = c?.tag ?? tagInfo(name);
      // "</p>" and "</br>" break out of svg and math as their start tags do.
      if ((tag === P || tag === BR) && foreign[foreign.length - 1] === true) breakOut();
      if ((tag.flags & TagFlag.Void) === 0) {
        if (c !== undefined && c.open > 0) while (pop() !== c);
        else if (tag === P) {
          sink.openTag(P, NO_ATTRIBUTES, false); // "</p>" alone means an empty paragraph
          sink.closeTag(P);
        }
      } else if (tag === BR) {
        sink.openTag(BR, NO_ATTRIBUTES, false); // "</br>" is read as "<br>"
        sink.closeTag(BR);
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
