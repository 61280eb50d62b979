/**
 * stats, export, search and report on a database made by a newer crawlite (its meta
 * schema_version above ours). A crawl refuses such a file, since writing could spoil what the
 * newer version stored (store/db-identity.ts); a read changes nothing, and what a newer crawlite
 * adds has so far been tables and columns beside ours (store/add-columns.ts), which a read
 * simply does not see. So the read goes ahead, exit 0, and one line on stderr says that what this
 * version does not know is left out: the figures and rows may be incomplete, never wrong by being
 * quiet. Should the newer layout lack a table or column this one reads, the command fails with a
 * line saying so (upgrade), rather than "not a crawlite database".
 */
import { escapeControls, isCrawlError, StoreError } from '../errors.js';
import { newerSchemaOfFile, SCHEMA_VERSION } from '../store/db-identity.js';

export async function readNewerSchema<T>(dbPath: string, read: () => Promise<T>): Promise<T> {
  const newer = newerSchemaOfFile(dbPath);
  if (newer === null) return read();
  const made = `made by a newer crawlite (schema ${newer}; this one knows up to ${SCHEMA_VERSION})`;
  let result: T;
  try {
    result = await read();
  } catch (err) {
    if (isCrawlError(err) && err.code === 'CRAWL_STORE_OPEN') {
      const why = err.cause instanceof Error ? ` (${err.cause.message})` : '';
      throw new StoreError('CRAWL_STORE_OPEN', `cannot read ${dbPath}: it was ${made}, whose tables this one cannot read${why}; upgrade crawlite`, { cause: err });
    }
    throw err;
  }
  // After the output, where a terminal user sees it last.
  process.stderr.write(`crawlite: ${escapeControls(dbPath)} was ${made}: what it stores that this one does not know is left out; upgrade crawlite to read all of it\n`);
  return result;
}
