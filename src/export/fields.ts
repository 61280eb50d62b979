/**
 * The columns `crawlite export` can write, in one place: their names, how a stored value becomes
 * an output value, and which of them a plain `crawlite export` writes. rows.ts builds its SELECT
 * from this table, so adding a pages column to the export means adding one line here.
 */
import { UsageError } from '../errors.js';

/**
 * How a stored value is shown:
 * - `text` and `integer` as stored;
 * - `time` is epoch milliseconds, written as ISO 8601 UTC;
 * - `boolean` is SQLite's 0/1;
 * - `json` is stored JSON text, parsed in JSONL and written as the JSON string in CSV;
 * - `content` comes from the compressed contents frame, not from a pages column.
 * - `extracted` is one of a job's extraction fields, `field.<name>`, read from pages.fields (JSON).
 */
export type FieldKind = 'text' | 'integer' | 'time' | 'boolean' | 'json' | 'content' | 'extracted';

export interface FieldDef {
  readonly name: string;
  readonly kind: FieldKind;
  readonly description: string;
}

/** Every pages column that can be exported, in the default output order. */
export const PAGE_FIELDS = [
  { name: 'url', kind: 'text', description: 'URL as queued (normalized)' },
  { name: 'final_url', kind: 'text', description: 'URL the response came from, after redirects' },
  { name: 'status', kind: 'integer', description: 'HTTP status' },
  { name: 'content_type', kind: 'text', description: 'Content-Type header as received' },
  { name: 'fetched_at', kind: 'time', description: 'when the response arrived (ISO 8601, UTC)' },
  { name: 'depth', kind: 'integer', description: 'link distance from a seed' },
  { name: 'title', kind: 'text', description: '<title>' },
  { name: 'description', kind: 'text', description: '<meta name=description>' },
  { name: 'canonical', kind: 'text', description: '<link rel=canonical>, resolved' },
  { name: 'language', kind: 'text', description: '<html lang>' },
  { name: 'encoding', kind: 'text', description: 'charset the body was decoded with' },
  { name: 'raw_bytes', kind: 'integer', description: 'body size after content-encoding was removed' },
  { name: 'stored_bytes', kind: 'integer', description: 'compressed size kept in the database' },
  { name: 'wire_bytes', kind: 'integer', description: 'body size on the wire' },
  { name: 'is_truncated', kind: 'boolean', description: 'body was cut: at the size cap, or its compressed stream ended early' },
  { name: 'links_found', kind: 'integer', description: 'links on the page, including those not kept' },
  { name: 'elapsed_ms', kind: 'integer', description: 'request start to body end' },
  { name: 'error_code', kind: 'text', description: 'why the page could not be parsed, if it could not (or was not: an unsupported content-encoding)' },
  { name: 'error_message', kind: 'text', description: 'the matching message' },
  { name: 'headers', kind: 'json', description: 'response headers (object)' },
  { name: 'redirects', kind: 'json', description: 'redirect hops [{url, status}], null when none' },
  { name: 'content_hash', kind: 'text', description: 'SHA-256 of the body; pages with equal bodies share it' },
] as const satisfies readonly FieldDef[];

/** Decompressed from the contents frame; written only when asked for (`--with text,html,body_base64`). */
export const CONTENT_FIELDS = [
  { name: 'text', kind: 'content', description: 'visible text' },
  { name: 'html', kind: 'content', description: 'the HTML body, decoded with the page encoding; a non-HTML body as UTF-8, or null when it is not UTF-8 text (an image)' },
  { name: 'body_base64', kind: 'content', description: 'the stored body, byte for byte, in base64 (any type: images, PDFs)' },
] as const satisfies readonly FieldDef[];

export type PageFieldName = (typeof PAGE_FIELDS)[number]['name'];
export type ContentFieldName = (typeof CONTENT_FIELDS)[number]['name'];
/** A job's extraction field (pages.fields), exported as the column `field.<name>`. */
export type ExtractedFieldName = `field.${string}`;
export type FieldName = PageFieldName | ContentFieldName | ExtractedFieldName;

const EXTRACTED_FIELD = /^field\.[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

export function isExtractedField(name: string): name is ExtractedFieldName {
  return EXTRACTED_FIELD.test(name);
}

const ALL_FIELDS: readonly FieldDef[] = [...PAGE_FIELDS, ...CONTENT_FIELDS];
const CONTENT_BY_NAME = new Set<string>(CONTENT_FIELDS.map((f) => f.name));
const BY_NAME = new Map<string, FieldDef>(ALL_FIELDS.map((f) => [f.name, f]));

/**
 * What a plain `crawlite export` writes: every pages column except `headers` and `redirects`.
 * Those two are JSON values, several hundred bytes a page for headers, and turn a CSV into
 * something no spreadsheet shows well; ask for them with `--fields`. Text and HTML are never
 * default: decompressing them is most of an export's cost and most of its size.
 */
export const DEFAULT_FIELDS: readonly FieldName[] = PAGE_FIELDS.map((f) => f.name).filter(
  (name) => name !== 'headers' && name !== 'redirects',
);

export function fieldDef(name: FieldName): FieldDef {
  if (isExtractedField(name)) return { name, kind: 'extracted', description: `extraction field ${name.slice(6)} of the job` };
  // Every other FieldName is in the table, by construction of the type.
  return BY_NAME.get(name)!;
}

export function isContentField(name: FieldName): name is ContentFieldName {
  return CONTENT_BY_NAME.has(name);
}

function splitList(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function refuseRepeatedName(flag: string, names: readonly string[]): void {
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated === undefined) return;
  const times = names.filter((name) => name === repeated).length;
  throw new UsageError('CRAWL_USAGE', `${flag} names '${repeated}' ${times === 2 ? 'twice' : `${times} times`}; name each field once`);
}

/**
 * The output columns, in order, from `--fields` (a comma list; default DEFAULT_FIELDS) and
 * `--with` (text, html and/or body_base64, appended unless --fields already names them). Throws
 * UsageError CRAWL_USAGE naming the first bad name, or the first name a list gives twice
 * (`--fields url,url`): that was kept once, silently, and the file had fewer columns than the
 * names typed; refused as refuse-repeats.ts refuses an option given twice. A --with name --fields already has is no
 * mistake: --with means "also the content", wherever --fields put it.
 */
export function parseFieldList(fields?: string, withList?: string): FieldName[] {
  let chosen: FieldName[];
  if (fields === undefined) {
    chosen = [...DEFAULT_FIELDS];
  } else {
    const names = splitList(fields);
    if (names.length === 0) throw new UsageError('CRAWL_USAGE', `--fields is empty (known: ${ALL_FIELDS.map((f) => f.name).join(', ')})`);
    chosen = names.map((name) => {
      if (!BY_NAME.has(name) && !isExtractedField(name)) {
        throw new UsageError('CRAWL_USAGE', `unknown field '${name}' (known: ${ALL_FIELDS.map((f) => f.name).join(', ')})`);
      }
      return name as FieldName;
    });
    refuseRepeatedName('--fields', names);
  }
  const withNames = withList === undefined ? [] : splitList(withList);
  // As --fields '': an empty list adds nothing, and exiting 0 would hide the mistyped option.
  if (withList !== undefined && withNames.length === 0) {
    throw new UsageError('CRAWL_USAGE', `--with is empty (known: ${CONTENT_FIELDS.map((f) => f.name).join(', ')})`);
  }
  for (const name of withNames) {
    if (!CONTENT_BY_NAME.has(name)) {
      throw new UsageError('CRAWL_USAGE', `unknown --with value '${name}' (known: ${CONTENT_FIELDS.map((f) => f.name).join(', ')})`);
    }
    chosen.push(name as ContentFieldName);
  }
  refuseRepeatedName('--with', withNames);
  return [...new Set(chosen)];
}
