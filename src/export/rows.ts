/**
 * Pages as output rows, streamed: one prepared SELECT, read with `.iterate()`, so a million pages
 * cost one row of memory at a time. The statement is a single read transaction, so an export made
 * while a crawl writes is a consistent snapshot of the moment it started (WAL readers never block
 * the writer, nor it them). The price: while the export runs, checkpoints cannot pass that
 * snapshot and the crawl's WAL file grows until the export ends.
 */
import type { Statement } from 'better-sqlite3';
import { TextDecoder } from 'node:util';
import { decodeAs, declaredEncoding } from '../parse/decode-charset.js';
import type { Db } from '../store/db.js';
import { unpackContent } from '../content-frame.js';
import { StoreError } from '../errors.js';
import { corruptError } from '../store/store-corrupt.js';
import { describeUnreadable } from '../store/db-identity.js';
import { fieldDef, isContentField, isExtractedField, type FieldName } from './fields.js';

export type ExportValue = string | number | boolean | null | { [key: string]: unknown } | unknown[];
/** Keys are the requested field names, in the requested order. */
export type ExportRow = Record<string, ExportValue>;

export interface IterateOptions {
  /**
   * Keep JSON columns (headers, redirects) as the stored JSON text instead of parsing them,
   * which is what CSV writes anyway.
   * @default false
   */
  isJsonAsText?: boolean;
  /** Which pages (export/filters.ts); every page when absent. */
  filter?: { sql: string; params: Array<string | number> };
}

/**
 * Rows come back as arrays (better-sqlite3's raw mode), which halves the cost of reading them:
 * no object per row, no property per column. The layout is the page columns in field order,
 * then the page URL, then, when text, html or body_base64 is asked for, the content columns.
 */
type RawRow = unknown[];

interface Layout {
  sql: string;
  /** Per output field: where its value is, or -1 for text/html/body_base64. */
  positions: number[];
  urlAt: number;
  /** codec, html_bytes, data, page encoding, content type, page error code follow here; -1 without content. */
  contentAt: number;
}

function planSelect(fields: readonly FieldName[], where = ''): Layout {
  const columns: string[] = [];
  const positions = fields.map((f) => (isContentField(f) ? -1 : columns.push(pageColumn(f)) - 1));
  // The URL names the row in errors, and keeps the query valid when only text/html are asked for.
  const urlAt = columns.push('p.url') - 1;
  const withContent = fields.some(isContentField);
  const contentAt = withContent ? columns.push('c.codec', 'c.html_bytes', 'c.data', 'p.encoding', 'p.content_type', 'p.error_code') - 6 : -1;
  const join = withContent ? ' LEFT JOIN contents c ON c.hash = p.content_hash' : '';
  return { sql: `SELECT ${columns.join(', ')} FROM pages p${join} ${where} ORDER BY p.id`, positions, urlAt, contentAt };
}

/** A pages column, or for `field.<name>` that key of pages.fields as JSON (names are [A-Za-z0-9_-], see fields.ts). */
function pageColumn(name: FieldName): string {
  if (isExtractedField(name)) return `p.fields -> '$."${name.slice(6)}"'`;
  // A body stored undecoded (a JSON, an image: parse-page.ts) has no charset: null, as title and
  // language are. Older files hold '' for it until a crawl opens them (store/null-encodings.ts).
  return name === 'encoding' ? "NULLIF(p.encoding, '')" : `p.${name}`;
}

const decoders = new Map<string, TextDecoder>();

/**
 * The HTML is stored as the bytes the server sent, in the page's own charset; pages.encoding is
 * the WHATWG label the parser decoded it with, so decoding with it gives the text the parser saw.
 */
function decodeHtml(html: Uint8Array, encoding: unknown): string {
  const label = typeof encoding === 'string' && encoding !== '' ? encoding.toLowerCase() : 'utf-8';
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      // A label this Node build does not know (small-icu): UTF-8 with replacement characters
      // beats failing the whole export.
      decoder = new TextDecoder('utf-8');
    }
    decoders.set(label, decoder);
  }
  // Node's TextDecoder reads windows-1252 (and so latin1, iso-8859-1...) as ISO-8859-1, which
  // turns curly quotes and the euro sign into C1 controls: decodeAs is what the parser used.
  if (decoder.encoding === 'windows-1252') return decodeAs(html, 'windows-1252');
  return decoder.decode(html);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Types whose bodies are text even without a charset: text/*, JSON, XML, JavaScript. */
const TEXTUAL_TYPE = /^\s*(?:text\/|application\/(?:[\w.-]+\+)?(?:json|xml|javascript|ecmascript)\b|[\w.-]+\/[\w.-]+\+(?:json|xml)\b)/i;

/**
 * A body stored without being parsed as HTML (`--store-non-html`: JSON, CSS, an image, a PDF; or
 * one under a content-coding we could not remove) is decoded as its Content-Type charset (or byte
 * order mark) says; without one, UTF-8 text comes out as it is, other text types (a legacy
 * text/plain) as windows-1252, as a browser shows them, and anything else as null. Decoded with
 * replacement characters, a PNG came out as a string that no longer held its bytes; body_base64
 * has them.
 */
function decodeUnparsed(body: Uint8Array, contentType: unknown): string | null {
  const type = typeof contentType === 'string' ? contentType : '';
  const declared = declaredEncoding(body, type);
  if (declared !== null) return decodeAs(body, declared);
  try {
    return strictUtf8.decode(body);
  } catch {
    return TEXTUAL_TYPE.test(type) ? decodeAs(body, 'windows-1252') : null;
  }
}

/**
 * pages.encoding is the WHATWG label the parser decoded HTML with, or null for a body stored
 * unparsed (parse-page.ts; '' in older files). A page with content and no label was
 * never HTML: every HTML page was stored with one. A body still under a content-coding crawlite
 * cannot remove (CRAWL_FETCH_ENCODING: zstd on Node 20, an unknown coding) is compressed bytes,
 * no text in any charset: decoded as the charset its type declares, it came out as garbage with
 * replacement characters.
 */
function htmlValue(body: Uint8Array, encoding: unknown, contentType: unknown, errorCode: unknown): string | null {
  if (errorCode === 'CRAWL_FETCH_ENCODING') return null;
  return encoding === '' || encoding === null ? decodeUnparsed(body, contentType) : decodeHtml(body, encoding);
}

function parseJson(text: unknown): ExportValue {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text) as ExportValue;
  } catch {
    // The writer always stores valid JSON; if a row was edited by hand, show what is there
    // rather than abort a long export on it.
    return text;
  }
}

/** Half of a surrogate pair without its other half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * An extraction field as exported: files written by an earlier crawlite can hold a value cut at
 * 10,000 characters between the halves of a surrogate pair (an emoji). JSON.stringify writes the
 * lone half as `\ud83d`, which jq refuses, ending a pipeline on the whole export; it becomes
 * U+FFFD, as a UTF-8 writer (CSV) makes it anyway.
 */
function extractedValue(raw: unknown): ExportValue {
  const value = parseJson(raw);
  const wellFormed = (v: unknown): unknown => (typeof v === 'string' ? v.replace(LONE_SURROGATE, '\ufffd') : v);
  return Array.isArray(value) ? value.map(wellFormed) : (wellFormed(value) as ExportValue);
}

type Convert = (raw: unknown) => ExportValue;

/** The conversion for one field, chosen once per export rather than once per cell. */
function converterFor(name: FieldName, opts: IterateOptions): Convert {
  switch (fieldDef(name).kind) {
    case 'time':
      return (raw) => (raw === null ? null : new Date(Number(raw)).toISOString());
    case 'boolean':
      return (raw) => (raw === null ? null : Number(raw) !== 0);
    case 'extracted':
      return extractedValue; // a string, a list or null; CSV writes a list as its JSON text
    case 'json':
      return opts.isJsonAsText ? (raw) => (raw === null ? null : String(raw)) : parseJson;
    default:
      return (raw) => (raw ?? null) as ExportValue;
  }
}

function unpackRow(raw: RawRow, layout: Layout): { text: string; html: Uint8Array } | null {
  const data = raw[layout.contentAt + 2];
  if (!(data instanceof Uint8Array)) return null; // no content row: a non-HTML page or a failed parse
  try {
    return unpackContent(data, String(raw[layout.contentAt]), Number(raw[layout.contentAt + 1]));
  } catch (err) {
    const url = String(raw[layout.urlAt]);
    throw new StoreError('CRAWL_STORE_OPEN', `cannot decompress the stored content of ${url}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Prepares an export's query. Every format prepares before it writes its first byte, so a file
 * that is not a crawlite database (not SQLite, or no pages table) fails here with
 * CRAWL_STORE_OPEN and nothing written, not with a bare "no such table" after a header.
 */
export function prepareExportQuery<R>(db: Db, sql: string): Statement<unknown[], R> {
  try {
    return db.prepare<unknown[], R>(sql);
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('SQLITE_CORRUPT')) throw corruptError(db.name, err);
    throw new StoreError('CRAWL_STORE_OPEN', `${db.name} is not a crawlite database: ${describeUnreadable(db, err)}`, { cause: err });
  }
}

function prepareSelect(db: Db, sql: string): Statement<unknown[], RawRow> {
  return prepareExportQuery<RawRow>(db, sql).raw(true);
}

/**
 * Streams the pages, ordered by pages.id (the order they were stored), as rows holding `fields`.
 * The statement is prepared now, so a file that is not a crawlite database fails here with
 * CRAWL_STORE_OPEN, not on the first read. Stop early with `return()` (a `break` in for-of) to
 * release the statement.
 */
export function iteratePages(db: Db, fields: readonly FieldName[], opts: IterateOptions = {}): IterableIterator<ExportRow> {
  const layout = planSelect(fields, opts.filter?.sql);
  const stmt = prepareSelect(db, layout.sql);
  const converters = fields.map((f) => converterFor(f, opts));
  return (function* () {
    for (const raw of stmt.iterate(...(opts.filter?.params ?? []))) {
      const content = layout.contentAt < 0 ? null : unpackRow(raw, layout);
      const row: ExportRow = {};
      fields.forEach((name, i) => {
        if (name === 'text') row.text = content?.text ?? null;
        else if (name === 'html') row.html = content === null ? null : htmlValue(content.html, raw[layout.contentAt + 3], raw[layout.contentAt + 4], raw[layout.contentAt + 5]);
        else if (name === 'body_base64') row.body_base64 = content === null ? null : Buffer.from(content.html).toString('base64');
        else row[name] = converters[i]!(raw[layout.positions[i]!]);
      });
      yield row;
    }
  })();
}
