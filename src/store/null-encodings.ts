/**
 * pages.encoding of a body that was not decoded (not HTML: a PDF, an image, JSON) is NULL, as its
 * title and language are. Older files hold '' there, which a user's `WHERE encoding IS NULL`
 * missed (QA); `export` already wrote null for it. The first crawl on such a file rewrites them,
 * once: a meta row marks the file done, so later opens cost one lookup, not a scan of pages (as
 * search-index.ts marks its noindex clean-up). Run after the writer's lock is taken, as every
 * write is. Readers still take '' as null (export/rows.ts), for files no crawl has opened
 * since, and for rows an older crawlite may add to a file later.
 */
import type { Db } from './db.js';

export const ENCODINGS_NULL_KEY = 'encodings_null';

/** Returns how many rows were rewritten (0 once the file is marked). */
export function nullEmptyEncodings(db: Db): number {
  const rewrite = db.transaction(() => {
    if (db.prepare('SELECT 1 FROM meta WHERE key = ?').get(ENCODINGS_NULL_KEY) !== undefined) return 0;
    const changed = db.prepare("UPDATE pages SET encoding = NULL WHERE encoding = ''").run().changes;
    db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(ENCODINGS_NULL_KEY, '1');
    return changed;
  });
  return rewrite.immediate();
}
