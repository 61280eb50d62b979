/**
 * --archive: keeps a page's body as it came over the wire when the fetcher removed a
 * content-coding from it (gzip, br, deflate), in the archive table, inside the page's own
 * transaction. An identity-coded body is not kept twice: the decoded body in contents is then
 * already the bytes received. export/warc.ts writes the kept bytes with the response's own
 * Content-Encoding, so the WARC record is what the server sent. A noindex page's body is not
 * kept here either, as its content is not (crawl.ts).
 */
import type { Db } from './db.js';
import type { PageHooks } from './writer.js';
import { isStoredNoindex } from '../parse/directives.js';

export function createArchiveHooks(db: Db): PageHooks {
  const insert = db.prepare('INSERT OR REPLACE INTO archive (page_id, content_encoding, body) VALUES (?, ?, ?)');
  return {
    afterInsert(pageId, record) {
      const wire = record.fetch.wireBody;
      if (wire === undefined || isStoredNoindex(record.directives?.robots)) return;
      insert.run(pageId, record.fetch.headers['content-encoding'] ?? '', wire);
    },
  };
}
