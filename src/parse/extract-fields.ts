/**
 * A job's extraction fields: named CSS selectors evaluated on each HTML page in the parse
 * workers. cheerio is loaded on first use only, so a crawl without fields never pays for it, and
 * it is the htmlparser2 build (`cheerio/slim`): about 5x faster to load a page than cheerio's
 * default parse5, and the same tokenizer the link extractor uses.
 *
 * Values: an attribute's value as written, or the element's text with whitespace collapsed;
 * the first match (null when none) or, with `many`, every match (an empty list when none).
 * Bounded like everything else a page yields: at most MAX_FIELD_VALUES values per field and
 * MAX_FIELD_CHARS characters per value (a `many` selector such as `a` on a link farm, or `body`'s
 * text, would otherwise put megabytes of JSON in one pages row).
 */
import { createRequire } from 'node:module';
import type { FieldSpec, FieldValue } from '../types.js';

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

export function extractFields(html: string, fields: Record<string, FieldSpec>): Record<string, FieldValue> {
  const $ = loadCheerio().load(html, { xml: { xmlMode: false } });
  const values: Record<string, FieldValue> = {};
  for (const [name, spec] of Object.entries(fields)) {
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
      values[name] = all;
    } else {
      values[name] = matches.length > 0 ? read(0) : null;
    }
  }
  return values;
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
