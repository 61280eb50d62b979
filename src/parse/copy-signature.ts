/**
 * A page's "copy" signature: what stays the same between the copies of a catch-all or soft-404
 * page that are not byte-identical (store/body-copies.ts decides what is a copy; this only says
 * which pages look alike).
 *
 * Real catch-all pages differ from copy to copy in what they echo of the request and in what they
 * make up per request, so the signature is taken over what the reader sees and where the page
 * links, with those parts left out:
 * - the title and the visible text (whole up to 8 K characters; of a longer page its first and last
 *   4 K and its length), with the page's own path read as the root's (as requested
 *   and percent-decoded, with or without its last "/": "No page at /about/about/" on every copy
 *   is "No page at /", as on the home page); entities are already decoded there, so an
 *   HTML-escaped echo is the same string;
 * - the hrefs as written, unresolved and in order: the trap's engine is the same relative links
 *   resolving under each copy's own directory. Kept verbatim (no path removal, no normalizing):
 *   pages whose links are built from their own path (/a/ linking /a/a/) are not one page repeated,
 *   and two listings whose only difference is their article links (/post/20241206-x) stay apart;
 * - tokens of nonce length (8+ characters of a word, "-", ":" or "." holding a digit: a CSRF
 *   token, a request id, a hex hash, a Unix time, a date) and times ("03:10") count as one
 *   placeholder. Shorter numbers are kept, so "Docs v1" and "Docs v2", or "Page 2" and "Page 3",
 *   stay apart.
 * Markup is left out altogether: a canonical, an og:url, a form action, a hidden CSRF field or a
 * script nonce is not text, so echoing the URL there (raw, percent-encoded or escaped) changes
 * nothing. A page whose text differs (same template and nav, another article) never matches, so a
 * real site's nested pages sharing relative links are crawled. What an exact hash cannot see
 * through: a random block of visible text or links per request ("related posts", a rotating
 * quote), or an echo of the path split into words (a breadcrumb "Home > about > about"). For those
 * a short page also gets a copy sketch (copyMarks, copy-sketch.ts) from the same reading, which
 * the writer compares with a threshold (src/near-copy.ts: at most 40 words and links, and a third
 * of the page, of its own; the title and short numbers equal).
 *
 * Cost (bench/parse-instructions.mjs): a SHA-1 over the title, the hrefs and at most 8 K
 * characters of text, all already in memory, and a scan of those for digits; the sketch of a short
 * page one more pass over its text and hrefs (copy-sketch.ts).
 */
import { createHash } from 'node:crypto';
import type { CopySketch } from '../types.js';
import { copySketch } from './copy-sketch.js';

/** Found with a regex, whose scan is native code; most text holds few digits. */
const DIGIT = /\d/g;
const NONCE_CHARS = 8;
/** A character that continues a path: "/about" in "/aboutus" is not the page's own path. */
const PATH_CHAR = /[\w.~%-]/;
/**
 * Text read at each end of a longer page (UTF-16 code units, to the next word's edge). A
 * soft-404 or catch-all page's text is shorter and read whole; on a long page the middle counts by
 * its length alone. Reading all of a 50 K-character article cost 2.5 M instructions (SHA-256 and
 * a scan for digits), 14 % of its parse; two 4 K ends are a bounded ~2 %.
 */
const END_CHARS = 4096;

export function copySignature(pageUrl: string, title: string | null, text: string, hrefs: readonly string[]): string {
  return copyMarks(pageUrl, title, text, hrefs).signature;
}

/**
 * The signature, the token signature and, for a short page, its copy sketch (copy-sketch.ts), from
 * one reading of the page. The token signature is the signature with the page's own URL in it and
 * the nonce-length tokens of its URL and hrefs read as placeholders too: a page made per request
 * whose links carry a new timestamp or random token each time (`/news?ts=1733580000123` linking
 * `/news/1733580000124`, which links `/news?ts=...` again) has a new signature on every copy, since
 * hrefs count verbatim there, but one token signature. The writer compares it only with the pages
 * its copy was found through (store/signature-copies.ts); the URL in it keeps two pages of
 * different paths (`/a?ts=...`, `/b?ts=...`) apart.
 */
export function copyMarks(pageUrl: string, title: string | null, text: string, hrefs: readonly string[]): { signature: string; tokenSignature: string; sketch?: CopySketch } {
  const paths = ownPaths(pageUrl);
  const shownTitle = normalizeVolatile(removePaths(title ?? '', paths));
  const hash = createHash('sha1').update(shownTitle).update('\n');
  const seen = removePaths(text, paths);
  let sketch: CopySketch | undefined;
  if (seen.length <= 2 * END_CHARS) {
    const numbers: string[] = [];
    const shown = normalizeVolatile(seen, numbers);
    hash.update(shown);
    sketch = copySketch(shownTitle, shown, hrefs, numbers);
  } else {
    hash.update(normalizeVolatile(seen.slice(0, wordEnd(seen, END_CHARS))));
    hash.update(`\n${seen.length}\n`);
    hash.update(normalizeVolatile(seen.slice(wordStart(seen, seen.length - END_CHARS))));
  }
  const joined = hrefs.join('\n');
  hash.update('\n\n');
  // A line break ends a token, so the joined hrefs read as each href would alone.
  const tokenSignature = hash.copy().update(normalizeVolatile(`${pageUrl}\n${joined}`)).digest('base64url').slice(0, 22);
  const signature = hash.update(joined).digest('base64url').slice(0, 22);
  return sketch === undefined ? { signature, tokenSignature } : { signature, tokenSignature, sketch };
}

/** Where the word at `at` ends: a cut inside a token (a nonce) would leave a part unrecognized. */
function wordEnd(text: string, at: number): number {
  const space = text.indexOf(' ', at);
  const line = text.indexOf('\n', at);
  const end = space === -1 ? line : line === -1 ? space : Math.min(space, line);
  return end === -1 ? text.length : end;
}

function wordStart(text: string, at: number): number {
  return Math.max(text.lastIndexOf(' ', at), text.lastIndexOf('\n', at), -1) + 1;
}

function removePaths(text: string, paths: readonly string[]): string {
  for (const path of paths) text = removePath(text, path);
  return text;
}

/**
 * Each token holding a digit (a run of letters, digits, "_", "-", ":" and ".") that is of nonce
 * length, or a time ("03:10", "2026-12-06T03:10:11.123Z"), as "#", the others (short numbers)
 * added to `numbers` when given: one native scan for digits and
 * a look around each. A regex matching the tokens themselves (`[\w-]*\d[\w-]*`) cost as much as
 * the whole parse of a long page, and backtracks quadratically over a long run; a JavaScript loop
 * over every character was slower than the native scan and SHA-256 together.
 */
function normalizeVolatile(text: string, numbers?: string[]): string {
  DIGIT.lastIndex = 0;
  let found = DIGIT.exec(text);
  if (found === null) return text;
  let out = '';
  let from = 0;
  while (found !== null) {
    let start = found.index;
    while (start > from && isTokenChar(text.charCodeAt(start - 1))) start--;
    let end = found.index + 1;
    let hasColon = false;
    for (let c = text.charCodeAt(end); end < text.length && isTokenChar(c); c = text.charCodeAt(++end)) hasColon ||= c === 0x3a;
    if (end - start >= NONCE_CHARS || hasColon) {
      out += `${text.slice(from, start)}#`;
      from = end;
    } else if (numbers !== undefined) {
      numbers.push(text.slice(start, end)); // a short number, kept (copy-sketch.ts's key)
    }
    DIGIT.lastIndex = end;
    found = DIGIT.exec(text);
  }
  return out + text.slice(from);
}

function isTokenChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x3a) // 0-9 and ":"
    || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) // A-Z, a-z
    || c === 0x5f || c === 0x2d || c === 0x2e; // _ - .
}

/**
 * The page's path as requested and percent-decoded, longest first, without a trailing "/"
 * (removePath takes it when it is there). The root's path is already what the others become.
 */
function ownPaths(pageUrl: string): string[] {
  let path: string;
  try {
    const url = new URL(pageUrl);
    path = url.pathname + url.search;
  } catch {
    return []; // not a URL (a unit test's page): nothing to remove
  }
  const paths: string[] = [];
  const add = (p: string) => {
    const trimmed = p.endsWith('/') ? p.slice(0, -1) : p;
    if (trimmed.length > 1 && !paths.includes(trimmed)) paths.push(trimmed);
  };
  const query = path.indexOf('?');
  for (const p of query === -1 ? [path] : [path, path.slice(0, query)]) {
    add(p);
    try {
      add(decodeURIComponent(p));
    } catch {
      // a malformed escape (%zz) is echoed as requested, which the raw form already covers
    }
  }
  return paths.sort((a, b) => b.length - a.length);
}

/**
 * `text` with each whole occurrence of `path` (not one that continues into a longer path), and a
 * "/" after it, read as "/": the root page's own echo, so every copy reads as the first one.
 */
function removePath(text: string, path: string): string {
  let at = text.indexOf(path);
  if (at === -1) return text;
  let out = '';
  let from = 0;
  while (at !== -1) {
    let end = at + path.length;
    if (end >= text.length || !PATH_CHAR.test(text[end]!)) {
      if (text[end] === '/') end++;
      out += `${text.slice(from, at)}/`;
      from = end;
    }
    at = text.indexOf(path, end);
  }
  return out + text.slice(from);
}
