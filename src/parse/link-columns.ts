/**
 * A page's links as they cross from a parse worker to the main thread (worker.ts -> pool.ts):
 * three arrays, the URLs, the texts and the nofollow flags, instead of an object a link. The
 * structured clone writes and reads a plain object property by property (on the main thread,
 * each through a lookup of its map's transitions), an array of strings or booleans element by
 * element: timed alone on the bench pages (35 links, a loaded host), v8.serialize 45-60 ->
 * 32-43 µs a page and v8.deserialize 91-112 -> 36-64 µs. The objects are made again on the
 * main thread, one literal each, so nothing past the pool sees the difference.
 */
import type { ExtractedLink, LinkColumns } from '../types.js';

export function packLinks(links: readonly ExtractedLink[]): LinkColumns {
  const n = links.length;
  const urls: string[] = new Array(n);
  const texts: string[] = new Array(n);
  const nofollow: boolean[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const link = links[i]!;
    urls[i] = link.url;
    texts[i] = link.text;
    nofollow[i] = link.isNofollow;
  }
  return { urls, texts, nofollow };
}

export function unpackLinks(columns: LinkColumns): ExtractedLink[] {
  const { urls, texts, nofollow } = columns;
  const n = urls.length;
  const links: ExtractedLink[] = new Array(n);
  for (let i = 0; i < n; i++) links[i] = { url: urls[i]!, text: texts[i]!, isNofollow: nofollow[i]! };
  return links;
}
