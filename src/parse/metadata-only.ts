/**
 * A non-HTML response (PDF, image, JSON...) recorded by its metadata only: status, type, sizes and
 * headers go in `pages`, the body is not kept (an empty content frame tells the writer so) unless
 * the crawl was asked to store non-HTML bodies, in which case it goes through the parse pool.
 */
import { createHash } from 'node:crypto';
import type { ParsedPage } from '../types.js';

/** The hash (pages.body_hash) lets a recrawl tell an unchanged PDF from a changed one. */
export function metadataOnly(body: Uint8Array): ParsedPage {
  return {
    ok: true, title: null, description: null, canonical: null, language: null, encoding: null,
    links: [], linksFound: 0, textBytes: 0, htmlBytes: body.byteLength,
    content: new Uint8Array(0), codec: '', contentHash: createHash('sha256').update(body).digest('hex'),
  };
}
