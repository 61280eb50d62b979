/**
 * htmlparser2's Tokenizer with the changes below, all made on a subclass's prototype.
 *
 * Plain text is skipped with String#indexOf instead of visited one character at a time. That loop
 * was half of extractPage's time on 50 KB bench pages, and on them this patch makes extractPage
 * about 40% cheaper again. In the Text state the Tokenizer (htmlparser2 10.1, decodeEntities on)
 * reacts only to "<" and "&": every other character is a no-op that advances `index`. So moving
 * `index` to just before the next "<" or "&" is the same as stepping there, and it is what the
 * Tokenizer's own fastForwardTo does when entities are not decoded. The positions found are kept
 * until passed, so each indexOf scans fresh text and a page stays linear time.
 *
 * A textarea's character references are decoded, as a title's are: both are RCDATA in HTML, so
 * `<textarea>a &amp; b</textarea>` holds "a & b" in every browser. The Tokenizer decodes them in
 * <title> only, one character at a time, and not after a partial end tag ("</ti&amp;"). Both now
 * skip plain text as the Text state does and decode every "&", as the HTML standard's RCDATA
 * state does.
 *
 * "/>" ending a script, style, title, textarea or xmp start tag reads as ">". In HTML the slash on
 * a non-void element means nothing (the tree builder ignores the self-closing flag), so
 * `<script src="a.js"/>` opens script data that runs to the next `</script>`, as in every browser;
 * the Tokenizer instead left its raw-text state at the slash and read the script as markup, so
 * links and text inside it were extracted. In svg and math, where "/>" does close the element and
 * a script, style or title holds markup, html-events.ts calls readAsMarkup at the tag's name, so
 * the raw-text state is gone before the slash.
 *
 * Raw text and RCDATA end at `</script/>` too (any of their end tags with a slash after the name),
 * as in browsers; the Tokenizer went on to the next `</script>` or whitespace-ended one.
 *
 * Browsers read the content of <iframe>, <noembed> and <noframes> as raw text too, as they do a
 * script's (crawlite reads <noframes> as markup, html-tags.ts says why); the Tokenizer knows only
 * script, style, title, textarea and xmp, so html-events.ts calls readAsRawText at the others, which puts the Tokenizer in its raw-text state with an end
 * sequence of ours.
 *
 * Comments end at "--!>" as at "-->", "<!>" and "<!->" are empty bogus comments, "</>" is
 * dropped and "</ x>" is a bogus comment, as the HTML standard tokenizes them (see commentEnd).
 *
 * This reaches into the Tokenizer's private members (stateText, stateInSpecialTag, startEntity,
 * stateInSelfClosingTag, stateBeforeAttributeName, the comment and declaration states, isSpecial, currentSequence, sequenceIndex,
 * decodeEntities, buffer, index, offset, sectionStart). If a release renames them the patch concerned is not
 * installed and parsing stays as htmlparser2 has it; if one changes what they mean, the
 * emitHtmlEvents tests (against htmlparser2's own Parser, and the browser cases of
 * html-events.test.ts) fail.
 *
 * The overrides live on a subclass's prototype, not on each tokenizer: a closure assigned per
 * instance made every page's tokenizer a new shape for V8, and the workers' heaps grew from 17 to
 * 45 MB (peak RSS of a 5,000-page bench crawl +60 MB) with the code it kept optimizing.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * htmlparser2's Tokenizer, and nothing else of it. Its index also loads its Parser, domhandler,
 * domutils, dom-serializer and an older entities for them: 26 more modules, 50-80 ms in each
 * parse thread's start, for classes the parse never uses (html-events.ts builds its own tree).
 * The package's exports name only its index, so the file is found beside the CommonJS index
 * (htmlparser2 is pinned: a release that moves it fails every parse test at once). CommonJS,
 * not the ES build: it loads faster, and synchronously. extract-fields.ts's cheerio requires the
 * same CommonJS build, so a crawl with fields still has one copy of the file.
 */
type Tokenizer = import('htmlparser2').Tokenizer;
const require = createRequire(import.meta.url);
const { default: Tokenizer } = require(join(dirname(require.resolve('htmlparser2')), 'Tokenizer.js')) as { default: typeof import('htmlparser2').Tokenizer };

interface TokenizerInternals {
  stateText(c: number): void;
  stateInSpecialTag(c: number): void;
  startEntity(): void;
  stateInSelfClosingTag(c: number): void;
  stateBeforeAttributeName(c: number): void;
  stateInCommentLike(c: number): void;
  stateBeforeDeclaration(c: number): void;
  stateBeforeComment(c: number): void;
  stateInDeclaration(c: number): void;
  stateBeforeClosingTagName(c: number): void;
  sectionStart: number;
  /** Set from a script, style, title, textarea or xmp tag name on: its content is raw text. */
  isSpecial: boolean;
  /** The end tag that ends the raw text ("</title", lowercase), one instance per tag name. */
  currentSequence: Uint8Array | undefined;
  /** How much of currentSequence the text has matched so far. */
  sequenceIndex: number;
  decodeEntities: boolean;
  buffer: string;
  index: number;
  offset: number;
}

interface SkipState {
  skipBuffer: string;
  nextLt: number;
  nextAmp: number;
}

const LT = 0x3c;
const AMP = 0x26;
const GT = 0x3e;
const SLASH = 0x2f;
const SPACE = 0x20;
const BANG = 0x21;

type TokenizerOptions = ConstructorParameters<typeof Tokenizer>[0];
type TokenizerCallbacks = ConstructorParameters<typeof Tokenizer>[1];

class HtmlTokenizer extends Tokenizer implements SkipState {
  // Declared here so every instance has the same shape from its construction on.
  skipBuffer = '';
  nextLt = -1;
  nextAmp = -1;
}

const base = Tokenizer.prototype as unknown as Partial<TokenizerInternals>;
const patched = HtmlTokenizer.prototype as unknown as TokenizerInternals;
const probe = new Tokenizer({}, {} as TokenizerCallbacks) as unknown as Partial<TokenizerInternals>;

const hasBuffer = typeof probe.buffer === 'string' && typeof probe.index === 'number' && typeof probe.offset === 'number';

/** Moves the Tokenizer to just before the next "<" or "&": the characters between are no-ops. */
function skipToLtOrAmp(t: TokenizerInternals & SkipState): void {
  const buffer = t.buffer;
  if (buffer !== t.skipBuffer) {
    t.skipBuffer = buffer;
    t.nextLt = t.nextAmp = -1;
  }
  const from = t.index - t.offset + 1;
  if (t.nextLt < from) t.nextLt = indexOrEnd(buffer, '<', from);
  if (t.nextAmp < from) t.nextAmp = indexOrEnd(buffer, '&', from);
  // The parse loop adds one after each state call, as after fastForwardTo.
  t.index = Math.min(t.nextLt, t.nextAmp) + t.offset - 1;
}

const stateText = base.stateText;
if (typeof stateText === 'function' && hasBuffer) {
  patched.stateText = function (this: TokenizerInternals & SkipState, c: number): void {
    if (c === LT || c === AMP) stateText.call(this, c);
    else skipToLtOrAmp(this);
  };
}

// The Tokenizer's own end sequences of <title> and <textarea>: it keeps one instance of each, and
// currentSequence holds it while their content is read.
const titleEnd = endSequenceOf('title');
const textareaEnd = endSequenceOf('textarea');
const canDecodeRcdata = typeof base.startEntity === 'function' && hasBuffer && typeof probe.decodeEntities === 'boolean'
  && titleEnd !== undefined && textareaEnd !== undefined;
const stateInSpecialTag = base.stateInSpecialTag;
if (typeof stateInSpecialTag === 'function' && typeof probe.sequenceIndex === 'number') {
  patched.stateInSpecialTag = function (this: TokenizerInternals & SkipState, c: number): void {
    const sequence = this.currentSequence as Uint8Array;
    if (c === SLASH && this.sequenceIndex === sequence.length) {
      // "</script/>" ends the script, as "</script >" does: the HTML standard reads the slash as
      // the end tag's (meaningless) self-closing flag. The Tokenizer ends raw text only at ">" or
      // whitespace, so the rest of the page became the script's text.
      stateInSpecialTag.call(this, SPACE);
    } else if ((sequence !== textareaEnd && sequence !== titleEnd) || !canDecodeRcdata || !this.decodeEntities) {
      stateInSpecialTag.call(this, c);
    } else if (c === AMP) {
      // "&" is in no end tag's name, so it ends a partial match ("</ti&amp;") and starts a reference.
      this.sequenceIndex = 0;
      this.startEntity();
    } else if (this.sequenceIndex === 0 && c !== LT) skipToLtOrAmp(this);
    else stateInSpecialTag.call(this, c);
  };
}

const stateInSelfClosingTag = base.stateInSelfClosingTag;
if (typeof stateInSelfClosingTag === 'function' && typeof base.stateBeforeAttributeName === 'function' && typeof probe.isSpecial === 'boolean') {
  patched.stateInSelfClosingTag = function (this: TokenizerInternals, c: number): void {
    // ">" in the before-attribute-name state ends the start tag and enters the raw-text state.
    if (c === GT && this.isSpecial) this.stateBeforeAttributeName(c);
    else stateInSelfClosingTag.call(this, c);
  };
}

// Comments and bogus comments end where browsers end them. The Tokenizer ended a comment only at
// "-->", read "<!>" and "<!->" as the start of a declaration running to the next ">" (so the
// text up to it was lost), and gave "</>" to the page as text; the HTML standard ends a comment
// at "--!>" too (its comment end bang state), "<!>" and "<!->" at their own ">" (bogus comments),
// and drops "</>" (missing-end-tag-name). A "--!>" left unended took the rest of the page with it.
const commentEnd = sequenceAfter('<!--');
const stateInCommentLike = base.stateInCommentLike;
if (typeof stateInCommentLike === 'function' && commentEnd !== undefined && hasBuffer && typeof probe.sectionStart === 'number') {
  patched.stateInCommentLike = function (this: TokenizerInternals, c: number): void {
    // The "!" of "--!>", when both dashes are the comment's own ("<!--!>" is not closed): skipped,
    // so the ">" after it completes "-->". The Tokenizer fast-forwards to each "-", so this runs
    // near dashes only.
    if (c === BANG && this.sequenceIndex === 2 && this.currentSequence === commentEnd
      && this.buffer.charCodeAt(this.index - this.offset + 1) === GT && this.index - 2 >= this.sectionStart) return;
    stateInCommentLike.call(this, c);
  };
}
const stateInDeclaration = base.stateInDeclaration;
for (const key of ['stateBeforeDeclaration', 'stateBeforeComment'] as const) {
  const original = base[key];
  if (typeof original !== 'function' || typeof stateInDeclaration !== 'function') continue;
  patched[key] = function (this: TokenizerInternals, c: number): void {
    original.call(this, c);
    // The Tokenizer moved to its declaration state without looking at this ">": it ends it here.
    if (c === GT) stateInDeclaration.call(this, c);
  };
}
const stateBeforeClosingTagName = base.stateBeforeClosingTagName;
if (typeof stateBeforeClosingTagName === 'function' && typeof probe.sectionStart === 'number') {
  patched.stateBeforeClosingTagName = function (this: TokenizerInternals, c: number): void {
    if (c === GT) {
      stateBeforeClosingTagName.call(this, c);
      this.sectionStart = this.index + 1; // "</>" is nothing, not text
    } else if (c === SPACE || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) {
      // "</ x>" is a bogus comment to the ">", not an end tag: a character that starts no tag
      // name puts the Tokenizer in its bogus-comment state, as it does for "</1>".
      stateBeforeClosingTagName.call(this, BANG);
    } else stateBeforeClosingTagName.call(this, c);
  };
}

/** A Tokenizer that skips plain text in one step and reads `<script/>` and `<textarea>` as browsers do. */
export function createTokenizer(options: TokenizerOptions, callbacks: TokenizerCallbacks): Tokenizer {
  return new HtmlTokenizer(options, callbacks);
}

// The end tags of the raw-text elements the Tokenizer does not know, lowercase, as its own
// end sequences are spelled.
const RAW_TEXT_ENDS: ReadonlyMap<string, Uint8Array> = new Map(['iframe', 'noembed']
  .map((name) => [name, Uint8Array.from(`</${name}`, (ch) => ch.charCodeAt(0))]));
const canReadAsRawText = typeof base.stateInSpecialTag === 'function' && typeof probe.isSpecial === 'boolean'
  && 'currentSequence' in probe;

/**
 * The HTML start tag whose name was just read is one a browser reads as raw text, and the
 * Tokenizer (which knows script, style, title, textarea and xmp) does not: <iframe>, <noembed>.
 * Its content up to the end tag becomes text, so markup written inside
 * (`<iframe><a href="/x">`, fallback for browsers without iframes) gives no element and no link,
 * as in a browser. Call it from onopentagname.
 */
export function readAsRawText(tokenizer: Tokenizer, name: string): void {
  const sequence = RAW_TEXT_ENDS.get(name);
  if (sequence === undefined || !canReadAsRawText) return;
  const internals = tokenizer as unknown as TokenizerInternals;
  internals.isSpecial = true;
  internals.currentSequence = sequence;
}

/**
 * The start tag whose name was just read holds markup, so the Tokenizer leaves any raw-text state
 * its name entered. Either it is in svg or math, where a script, style or title holds markup (the
 * HTML standard's rules for foreign content), or it is no raw-text element at all: the Tokenizer
 * picks title, textarea or xmp by a name's second letter when its first is a "t" or an "x", so
 * `<tmp>` passed for `<xmp>` (and `<xitle>`, `<xextarea>` for the others) and took the rest of
 * the page as its text. Call it from onopentagname.
 */
export function readAsMarkup(tokenizer: Tokenizer): void {
  const internals = tokenizer as unknown as Partial<TokenizerInternals>;
  if (internals.isSpecial === true) internals.isSpecial = false;
}

/** The sequence a probe Tokenizer reads `<name>`'s content to; undefined if it keeps none there. */
function endSequenceOf(name: string): Uint8Array | undefined {
  return sequenceAfter(`<${name}>`);
}

/** The sequence a probe Tokenizer waits for after reading `markup`; undefined if none. */
function sequenceAfter(markup: string): Uint8Array | undefined {
  const ignore = (): void => {};
  const callbacks = new Proxy({}, { get: () => ignore }) as TokenizerCallbacks;
  const tokenizer = new Tokenizer({}, callbacks);
  tokenizer.write(markup);
  const sequence = (tokenizer as unknown as Partial<TokenizerInternals>).currentSequence;
  return sequence instanceof Uint8Array ? sequence : undefined;
}

function indexOrEnd(s: string, search: string, from: number): number {
  const i = s.indexOf(search, from);
  return i === -1 ? s.length : i;
}
