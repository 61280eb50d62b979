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
import { DomHandler, type Document } from 'domhandler';
import type { FieldSpec, FieldValue } from '../types.js';
import { emitHtmlEvents } from './html-events.js';

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
  let depth = 0;
  let flattened = 0; // elements past MAX_DOM_DEPTH left open in the source, closed at once here
  emitHtmlEvents(html, {
    onopentag(name, attribs) {
      handler.onopentag(name, attribs as Record<string, string>);
      if (depth < MAX_DOM_DEPTH) depth++;
      else {
        handler.onclosetag();
        flattened++;
      }
    },
    ontext: (text) => handler.ontext(text),
    onclosetag() {
      // Events nest, so the closes of flattened elements come before their ancestors' closes.
      if (flattened > 0) flattened--;
      else {
        handler.onclosetag();
        depth--;
      }
    },
  }, true);
  handler.onend();
  return handler.root;
}

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
    return value !== null && value.length > MAX_FIELD_CHARS ? value.slice(0, MAX_FIELD_CHARS) : value;
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
