/**
 * The extraction fields a database's jobs defined, as export columns: a plain `crawlite export`
 * (no --fields) writes one `field.<name>` column per field, after the page columns and before
 * text/html, so a job's fields come out as the columns a user asked the job for. The names come
 * from the runs' recorded options (runs.options.parse.fields), in the order the jobs gave them:
 * reading them there costs one row per run, not a scan of every page.
 */
import type { Db } from '../store/db.js';
import { UsageError } from '../errors.js';
import { isContentField, isExtractedField, type FieldName } from './fields.js';

export function listExtractedFields(db: Db): string[] {
  let rows: Array<{ spec: string | null }>;
  try {
    rows = db.prepare(`SELECT json_extract(options, '$.parse.fields') AS spec FROM runs ORDER BY id`).all() as Array<{ spec: string | null }>;
  } catch {
    return []; // options that are not JSON (edited by hand): no extraction columns rather than no export
  }
  const names = new Set<string>();
  for (const { spec } of rows) {
    if (spec === null) continue;
    for (const name of Object.keys(JSON.parse(spec) as object)) names.add(name);
  }
  return [...names];
}

/** `fields` with the database's `field.<name>` columns inserted before text/html. */
export function withExtractedFields(db: Db, fields: readonly FieldName[]): FieldName[] {
  const extracted = listExtractedFields(db)
    .map((name) => `field.${name}` as const)
    .filter((name) => isExtractedField(name) && !fields.includes(name));
  const at = fields.findIndex((f) => isContentField(f));
  const out = [...fields];
  out.splice(at < 0 ? out.length : at, 0, ...extracted);
  return out;
}

/**
 * `fields` as given with --fields, refused when it names a `field.<name>` no job in this database
 * defined: a typo would otherwise export a column of nulls with exit 0.
 */
export function checkExtractedFields(db: Db, fields: readonly FieldName[]): readonly FieldName[] {
  const defined = listExtractedFields(db);
  for (const field of fields) {
    if (!isExtractedField(field) || defined.includes(field.slice('field.'.length))) continue;
    const known = defined.length === 0 ? 'it has none' : `it has ${defined.map((n) => `field.${n}`).join(', ')}`;
    throw new UsageError('CRAWL_USAGE', `unknown field '${field}': no job of this database defined it (${known})`);
  }
  return fields;
}
