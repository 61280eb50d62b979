/**
 * One parse task, start to finish: decode, extract, pack HTML and text into one frame, hash.
 * Runs on a pool worker (or inline when workers is 0). Nothing thrown escapes: the result is
 * plain data either way, because an Error does not survive the trip back to the main thread
 * with its code.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_PACK, packContent, packPage } from '../content-frame.js';
import type { ParseOutcome, ParseTask } from '../types.js';
import { copyMarks } from './copy-signature.js';
import { decodeHtml } from './decode-charset.js';
import { extractPage } from './extract.js';
import { extractFields } from './extract-fields.js';
import { extractFeedLinks } from './feed-links.js';
import { metadataOnly } from './metadata-only.js';
import { collectSearchWords } from './search-words.js';

/**
 * Most of a page's distinct words sent back for the full-text index (UTF-8 bytes): a
 * structured-clone copy per page, so it is capped. Far beyond any real page's vocabulary.
 */
export const SEARCH_WORDS_BYTES = 200_000;

export function parsePage(task: ParseTask): ParseOutcome {
  try {
    const body = task.body;
    if (task.isFeed && !task.shouldKeepBody) return { ...metadataOnly(body), ...extractFeedLinks(body, task.url, task.maxLinks) };
    const contentHash = createHash('sha256').update(body).digest('hex');
    if (!task.isHtml) {
      // Not ours to parse (PDF, image, JSON...): stored as received, so nothing is decoded; a feed's
      // items are read from its bytes.
      const { data } = packContent(body, '', DEFAULT_PACK);
      const { links, linksFound } = task.isFeed ? extractFeedLinks(body, task.url, task.maxLinks) : { links: [], linksFound: 0 };
      return {
        ok: true, title: null, description: null, canonical: null, language: null, encoding: null,
        links, linksFound, textBytes: 0, htmlBytes: body.byteLength,
        content: ownedBytes(data), codec: DEFAULT_PACK.codec, contentHash,
      };
    }
    const { html, encoding } = decodeHtml(body, task.contentType);
    const page = extractPage(html, task.url, task.maxLinks, task.robotsName, encoding);
    const words = collectSearchWords(page.text, SEARCH_WORDS_BYTES);
    const marks = copyMarks(task.url, page.title, page.text, page.hrefs);
    // The frame holds the bytes as received, not `html`: re-encoding could change them.
    const { data, codec, textBytes } = packPage(body, { htmlString: html, encoding, text: page.text, textBytes: words.textBytes }, DEFAULT_PACK);
    return {
      ok: true,
      title: page.title,
      description: page.description,
      canonical: page.canonical,
      language: page.language,
      encoding,
      links: page.links,
      linksFound: page.linksFound,
      textBytes,
      htmlBytes: body.byteLength,
      content: ownedBytes(data),
      codec,
      contentHash,
      copySignature: marks.signature,
      copyTokenSignature: marks.tokenSignature,
      ...(marks.sketch ? { copySketch: marks.sketch } : {}),
      ...(task.fields ? { fields: extractFields(html, task.fields) } : {}),
      metaRobots: page.metaRobots,
      metaRefresh: page.metaRefresh,
      metaRefreshBase: page.metaRefreshBase,
      searchWords: words.words,
    };
  } catch (err) {
    return { ok: false, code: 'CRAWL_PARSE_FAILED', message: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * A plain Uint8Array that owns its whole ArrayBuffer. zlib may hand back a slice of Node's
 * shared Buffer pool; transferring that to another thread would detach unrelated buffers, so
 * such a slice is copied. A plain Uint8Array also compares equal to what a worker returns
 * (structured clone turns a Buffer into a Uint8Array).
 */
function ownedBytes(data: Uint8Array): Uint8Array {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) {
    return new Uint8Array(data.buffer, 0, data.byteLength);
  }
  return new Uint8Array(data);
}
