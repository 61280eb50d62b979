/**
 * What the tree builder and the page collector need to know about a tag name, in one record, so a
 * tag event costs one Map lookup instead of the ten Set lookups it used to (those were a tenth of
 * extractPage's time on bench pages).
 */

export const enum TagFlag {
  Void = 1,
  /** svg, math: "/>" self-closes inside them. */
  Foreign = 2,
  /** HTML integration points: "/>" is HTML again inside them. */
  Integration = 4,
  /** The collector reads this tag's attributes; other tags get no attribute object. */
  Attributes = 8,
  /** Text never shown: script bodies, styles, fallbacks, embedded documents. */
  Hidden = 16,
  /** May sit in <head>; any other element opens the body, as in a browser. */
  HeadContent = 32,
  /** Its text goes on its own line. */
  Block = 64,
  /** Table cells sit side by side: a space, not a line, between them. */
  Cell = 128,
  /** Content that is not markup: a script (html-events.ts: a double-escaped one's end) or <plaintext>. */
  RawText = 256,
  /**
   * In HTML (not in svg or math) its content is text up to its end tag, never markup: the
   * Tokenizer reads it so (html-tokenizer.ts readAsRawText for the names it does not know).
   */
  TextContent = 512,
  /**
   * An HTML element that, started inside svg or math, closes them first ("breaks out" of foreign
   * content, as the HTML standard's tree builder does): `<svg><p>` puts the p in the HTML body.
   */
  BreakOut = 1024,
}

/** The tags the collector treats one by one (a switch on a small int, not on strings). */
export const enum TagKind {
  Other,
  A,
  Area,
  Base,
  Meta,
  Link,
  Html,
  Title,
  Head,
  Svg,
  Math,
  Pre,
  /** <frame src> and <iframe src>: a document the page shows, followed like a link. */
  Frame,
  /** Its content is inert: no links, title, base or meta of the page's (a browser's DOM has none there). */
  Template,
  /** Hidden unless it has an `open` attribute. */
  Dialog,
  /** A <frame> counts only inside one; elsewhere browsers drop it. */
  Frameset,
  /** <object data> and <embed src>: followed when what they show is an HTML page (extract.ts). */
  Embed,
}

export interface TagInfo {
  readonly name: string;
  readonly flags: number;
  readonly kind: TagKind;
  /** This tag's bit when it is one that opening another tag implicitly closes; else 0. */
  readonly closeBit: number;
  /** Opening this tag pops open elements from the top while their closeBit is in this mask. */
  readonly closesMask: number;
}

// Opening the key closes any of the listed tags on top of the stack (htmlparser2 10's
// openImpliesClose). Each closable tag gets one bit, so "is the top in the set" is one AND.
const P = ['p'];
const FORM = ['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea'];
const DD_DT = ['dd', 'dt'];
const RT_RP = ['rt', 'rp'];
const TABLE_SECTION = ['thead', 'tbody'];
const IMPLIED_CLOSE: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['tr', ['tr', 'th', 'td']], ['th', ['th']], ['td', ['thead', 'th', 'td']],
  ['body', ['head', 'link', 'script']], ['li', ['li']],
  ['option', ['option']], ['optgroup', ['optgroup', 'option']],
  ['dd', DD_DT], ['dt', DD_DT], ['rt', RT_RP], ['rp', RT_RP], ['tbody', TABLE_SECTION], ['tfoot', TABLE_SECTION],
  ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((t) => [t, FORM] as const),
  // The standard's start tags that close an open <p> (in button scope; here only when on top).
  ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'address', 'article', 'aside', 'blockquote', 'center', 'details',
    'dialog', 'dir', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hgroup', 'hr',
    'listing', 'main', 'menu', 'nav', 'ol', 'plaintext', 'pre', 'search', 'section', 'summary', 'table', 'ul',
    'xmp'].map((t) => [t, P] as const),
];
const FLAGGED: ReadonlyArray<readonly [TagFlag, readonly string[]]> = [
  [TagFlag.Void, ['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input',
    'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']],
  [TagFlag.Foreign, ['math', 'svg']],
  [TagFlag.Integration, ['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']],
  [TagFlag.Attributes, ['a', 'area', 'base', 'meta', 'link', 'html', 'frame', 'iframe', 'dialog', 'object', 'embed']],
  // A <video>, <audio> or <canvas> shows itself, never its fallback ("Your browser does not
  // support..."), and a <datalist>'s options are suggestions, not text: none is in innerText.
  [TagFlag.Hidden, ['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'object', 'noembed', 'noframes',
    'video', 'audio', 'canvas', 'datalist']],
  [TagFlag.HeadContent, ['title', 'meta', 'link', 'style', 'script', 'noscript', 'base', 'template', 'basefont',
    'bgsound', 'head']],
  [TagFlag.Block, ['address', 'article', 'aside', 'blockquote', 'body', 'br', 'caption', 'center', 'dd', 'details',
    'dialog', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5',
    'h6', 'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'listing', 'main', 'menu', 'nav', 'ol', 'option', 'p',
    'pre', 'plaintext', 'search', 'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul', 'xmp']],
  [TagFlag.Cell, ['td', 'th']],
  [TagFlag.RawText, ['script', 'plaintext']],
  // The HTML standard's raw text and RCDATA (title, textarea) elements and two of the three more
  // it parses as raw text. <noscript> is raw text only in a browser that runs scripts: crawlite runs
  // none, so it reads <noscript> as a browser with scripting off does, as markup, and follows
  // its links: the ones a page offers readers without JavaScript (a "next page" instead of
  // infinite scroll, a gallery's pages), which other crawlers that run no scripts follow too
  // (Scrapy's link extractor, parsing with lxml, among them). <noframes> likewise: a frameset's
  // fallback for agents that show no frames, search engines first, where old sites put their site
  // map or "enter without frames"; wget and lxml read it as markup, and pages linked only there
  // were never found. Its text stays hidden (TagFlag.Hidden), as a browser shows none of it.
  [TagFlag.TextContent, ['script', 'style', 'xmp', 'iframe', 'noembed', 'title', 'textarea']],
  // The standard's list; <font> breaks out only with a color, face or size attribute, which the
  // tree builder does not read, so it stays foreign here.
  [TagFlag.BreakOut, ['b', 'big', 'blockquote', 'body', 'br', 'center', 'code', 'dd', 'div', 'dl', 'dt', 'em',
    'embed', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'head', 'hr', 'i', 'img', 'li', 'listing', 'menu', 'meta', 'nobr',
    'ol', 'p', 'pre', 'ruby', 's', 'small', 'span', 'strong', 'strike', 'sub', 'sup', 'table', 'tt', 'u', 'ul',
    'var']],
];
const KINDS: ReadonlyArray<readonly [string, TagKind]> = [
  ['a', TagKind.A], ['area', TagKind.Area], ['base', TagKind.Base], ['meta', TagKind.Meta], ['link', TagKind.Link],
  ['html', TagKind.Html], ['title', TagKind.Title], ['head', TagKind.Head], ['svg', TagKind.Svg],
  ['math', TagKind.Math], ['frame', TagKind.Frame], ['iframe', TagKind.Frame],
  ['template', TagKind.Template], ['dialog', TagKind.Dialog], ['frameset', TagKind.Frameset],
  ['object', TagKind.Embed], ['embed', TagKind.Embed],
  // The UA stylesheet's `white-space: pre` elements: their line breaks are the text's.
  ['pre', TagKind.Pre], ['listing', TagKind.Pre], ['xmp', TagKind.Pre], ['plaintext', TagKind.Pre],
];

const KNOWN: ReadonlyMap<string, TagInfo> = buildTable();

function buildTable(): Map<string, TagInfo> {
  const names = new Set<string>([...IMPLIED_CLOSE.flatMap(([t, c]) => [t, ...c]),
    ...FLAGGED.flatMap(([, ts]) => ts), ...KINDS.map(([t]) => t)]);
  const bits = new Map<string, number>();
  for (const t of new Set(IMPLIED_CLOSE.flatMap(([, c]) => c))) bits.set(t, 1 << bits.size);
  if (bits.size > 31) throw new Error('too many implicitly closed tags for one int mask');
  const closes = new Map(IMPLIED_CLOSE.map(([t, c]) => [t, c.reduce((m, n) => m | (bits.get(n) as number), 0)]));
  const table = new Map<string, TagInfo>();
  for (const name of names) {
    table.set(name, Object.freeze({
      name,
      flags: FLAGGED.reduce((f, [flag, ts]) => (ts.includes(name) ? f | flag : f), 0),
      kind: KINDS.find(([t]) => t === name)?.[1] ?? TagKind.Other,
      closeBit: bits.get(name) ?? 0,
      closesMask: closes.get(name) ?? 0,
    }));
  }
  return table;
}

/** The record for a lowercase tag name; unknown names get a plain record of their own. */
export function tagInfo(name: string): TagInfo {
  return KNOWN.get(name) ?? { name, flags: 0, kind: TagKind.Other, closeBit: 0, closesMask: 0 };
}
