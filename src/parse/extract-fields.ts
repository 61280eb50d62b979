/**
 * A job's extraction fields: named CSS selectors evaluated on each HTML page in the parse
 * workers. cheerio is loaded on first use only, so a crawl without fields never pays for it, and
 * it is the htmlparser2 build (`cheerio/slim`, about 5x faster than cheerio's default parse5),
 * given a DOM built by the link extractor's own linear-time tree builder (parseDom below).
 *
 * Values: an attribute's value as written, or the element's text with whitespace collapsed;
 * the first match (null when none) or, with `many`, every match (an empty list when none).
 * Bounded like everything else a page yields: at most MAX_FIELD_VALUES values per field and
 * MAX_FIELD_CHARS characters per value (a `many` selector such as `a` on a link farm, or `body`'s
 * text, would otherwise put megabytes of JSON in one pages row).
 */
import { createRequire } from 'node:module';
import { DomHandler, Element, isDirective, isTag, type ChildNode, type Document, type ParentNode } from 'domhandler';
import type { FieldSpec, FieldValue } from '../types.js';
import { emitHtmlEvents } from './html-events.js';
import { cutChars } from './text-buffer.js';

type CheerioSlim = typeof import('cheerio/slim');
let cheerio: CheerioSlim | null = null;

/** Synchronous lazy load: parsePage is synchronous, and this is a one-time cost per thread. */
function loadCheerio(): CheerioSlim {
  cheerio ??= createRequire(import.meta.url)('cheerio/slim') as CheerioSlim;
  return cheerio;
}

const SPACE = /\s+/g;
export const MAX_FIELD_VALUES = 1000;
export const MAX_FIELD_CHARS = 10_000;

/**
 * Deepest element of the DOM fields are selected from; deeper ones become its children, as in
 * Chromium's HTML parser (512 too). The selector engine's cost grows with the square of the
 * depth: 30,000 nested elements took 0.4 s per selector, 150,000 over a minute.
 */
const MAX_DOM_DEPTH = 512;

/**
 * The page's DOM from the link extractor's tree builder (html-events.ts), not from cheerio.load:
 * htmlparser2's Parser is quadratic on deep nesting (a 720 KB page of unclosed <b><i><table>
 * held a worker to the parse timeout), ours is linear, and both follow the same implied end-tag
 * rules.
 */
function parseDom(html: string): Document {
  const handler = new DomHandler();
  // The open elements' names; SYNTHETIC_TBODY marks a <tbody> the source left out.
  const open: string[] = [];
  let flattened = 0; // elements past MAX_DOM_DEPTH left open in the source, closed at once here
  const openElement = (name: string, attribs: Record<string, string>): void => {
    handler.onopentag(name, attribs);
    if (open.length < MAX_DOM_DEPTH) open.push(name);
    else {
      handler.onclosetag();
      flattened++;
    }
  };
  const closeSyntheticTbody = (): void => {
    if (open.at(-1) !== SYNTHETIC_TBODY) return;
    handler.onclosetag();
    open.pop();
  };
  emitHtmlEvents(html, {
    onopentag(name, attribs) {
      // A <tr> straight inside <table> goes into a <tbody>, as every browser's parser puts it
      // (HTML's "in table" insertion mode): a selector copied from the browser's devtools
      // ("table > tbody > tr") then matches here too.
      if (name === 'tr' && open.at(-1) === 'table' && open.length < MAX_DOM_DEPTH - 1) {
        handler.onopentag('tbody', {});
        open.push(SYNTHETIC_TBODY);
      } else if (TABLE_PARTS.has(name)) closeSyntheticTbody();
      openElement(name, attribs as Record<string, string>);
    },
    ontext: (text) => handler.ontext(text),
    onclosetag() {
      // Events nest, so the closes of flattened elements come before their ancestors' closes.
      if (flattened > 0) {
        flattened--;
        return;
      }
      // The element closing is a real one: a <tbody> opened for its rows closes before it.
      closeSyntheticTbody();
      handler.onclosetag();
      open.pop();
    },
  }, true);
  handler.onend();
  return withDocumentElement(handler.root);
}

/**
 * The document with one element at its top, <html>, as every browser's DOM has: a page without
 * an <html> tag (a fragment an AJAX URL serves, 5,000 <li> and nothing around them) gets one
 * around it, and what stands outside the page's own <html> (the scripts injected after
 * `</html>`) is moved into it, where browsers put it (their <body>). cheerio queries the
 * document's top-level elements as a list whose duplicates and nesting css-select removes with a
 * search of that list for each of them: 40,000 top-level elements took 3.4 s per selector,
 * 200,000 over a minute, and the parse timeout then cost the page its links as well. `:root` and
 * `html > ...` now match such a page as in the browser's devtools.
 */
function withDocumentElement(root: Document): Document {
  const html = root.children.find((node): node is Element => isTag(node) && node.name === 'html');
  if (!root.children.some((node) => isTag(node) && node !== html)) return root;
  const before: ChildNode[] = [];
  const after: ChildNode[] = [];
  const kept: ChildNode[] = []; // the doctype stays where the document has it
  let isPastHtml = false;
  for (const node of root.children) {
    if (node === html) isPastHtml = true;
    else if (isDirective(node)) kept.push(node);
    else (isPastHtml ? after : before).push(node);
  }
  const element = html ?? new Element('html', {});
  setChildren(element, [...before, ...element.children, ...after]);
  setChildren(root, [...kept, element]);
  return root;
}

function setChildren(parent: ParentNode, children: ChildNode[]): void {
  parent.children = children;
  children.forEach((child, i) => {
    child.parent = parent;
    child.prev = children[i - 1] ?? null;
    child.next = children[i + 1] ?? null;
  });
}

/** Not a tag name (it has a space), so it never equals one in the stack of open elements. */
const SYNTHETIC_TBODY = 'tbody (implied)';
/** What ends an implied <tbody> when it opens in the same table. */
const TABLE_PARTS = new Set(['thead', 'tbody', 'tfoot', 'caption', 'colgroup']);

/**
 * Every field's value. A field whose evaluation fails (the selector engine and text() recurse
 * per level of nesting, and 20,000 nested elements exhaust the stack) gets no value: null, or
 * an empty list. The page keeps its links and text either way (parse-page.ts).
 */
export function extractFields(html: string, fields: Record<string, FieldSpec>): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  let $: ReturnType<CheerioSlim['load']> | null = null;
  try {
    $ = loadCheerio().load(parseDom(html));
  } catch {
    // no document: every field empty, below
  }
  for (const [name, spec] of Object.entries(fields)) {
    try {
      values[name] = $ === null ? noValue(spec) : fieldValue($, spec);
    } catch {
      values[name] = noValue(spec);
    }
  }
  return values;
}

function noValue(spec: FieldSpec): FieldValue {
  return spec.many ? [] : null;
}

function fieldValue($: ReturnType<CheerioSlim['load']>, spec: FieldSpec): FieldValue {
  const matches = $(spec.selector);
  const read = (i: number): string | null => {
    const el = matches.eq(i);
    const value = spec.attr === null ? el.text().replace(SPACE, ' ').trim() : (el.attr(spec.attr) ?? null);
    return value === null ? null : cutChars(value, MAX_FIELD_CHARS);
  };
  if (spec.many) {
    const all: string[] = [];
    for (let i = 0; i < matches.length && all.length < MAX_FIELD_VALUES; i++) {
      const v = read(i);
      if (v !== null) all.push(v);
    }
    return all;
  }
  return matches.length > 0 ? read(0) : null;
}

/** For validating a job: a selector css-select cannot compile throws here, on an empty document. */
export function isValidSelector(selector: string): boolean {
  try {
    loadCheerio().load('', { xml: { xmlMode: false } })(selector);
    return true;
  } catch {
    return false; // the caller reports "expected a valid CSS selector"
  }
}
