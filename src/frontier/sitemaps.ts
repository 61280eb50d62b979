/**
 * Sitemaps as seeds (`--sitemaps`): for each seed's origin, the Sitemap: lines of its robots.txt
 * and /sitemap.xml; sitemap indexes are followed, gzip'd sitemaps unpacked. Every URL found goes
 * through the crawl's scope and spider-trap checks like a link (a URL out of scope or in a trap is
 * recorded as skipped, with why) and enters the frontier at depth 0; robots rules apply to it when it is fetched, like any URL.
 *
 * Bounded: at most `maxSitemaps` sitemap files per crawl, `maxUrls` URLs from all of them, and
 * `maxBytes` per unpacked file (the sitemap protocol's own limits are 50,000 URLs and 50 MB).
 * Sitemaps are fetched through the crawler's own fetcher and per-host limits, so they get its
 * timeouts, redirect checks and politeness, but `maxBytes` instead of --max-bytes as the body cap:
 * --max-bytes bounds a page, and a 12 MB sitemap within the protocol's limit was cut at its
 * default 10 MB. A sitemap that fails is skipped and listed in the report. One that arrives cut
 * short (over the cap; its connection closed, or silent, before its end: FetchOverrides.shortBody;
 * a gzip stream stopped mid-member) is read to its last whole entry and listed as read in part
 * (report.cut): skipped, it lost every URL, where each entry whose </loc> (or line break) came is
 * as whole as a whole file's, and the cut is said, not left unsaid.
 *
 * robots.txt itself is asked of the crawl's robots policy (`robots`), not fetched here: the policy
 * must fetch it anyway before the origin's first page, and fetching it twice doubles the cost of a
 * large robots.txt on exactly the hostile sites that serve one. So the Sitemap: lines come from the
 * policy's request and follow its rules rather than a sitemap's: RFC 9309's at least 5 redirects to
 * any host (scope does not apply to robots.txt), the first robotsMaxBytes (500 KiB) instead of
 * --max-bytes, any 2xx rather than only 200; same fetcher, user agent, timeouts and per-host slot.
 * With --ignore-robots the policy fetches nothing, and robots.txt is fetched here as a sitemap
 * would be, for its Sitemap: lines only (what --sitemaps did before the policy served it).
 */
import { gunzipMembers } from '../fetch/gunzip-members.js';
import { canonicalRobotsKeys } from '../fetch/robots-keys.js';
import { WHOLE_LINES, WHOLE_SITEMAP_FILE, type WholeTest } from '../fetch/unframed-body.js';
import { formatBinaryBytes } from '../format-numbers.js';
import { MAX_HREF_CHARS } from '../parse/directives.js';
import type { ErrorCode } from '../errors.js';
import type { AddedUrls, Discovered, FetchFailure, FetchResult, FrontierEntry, RobotsText } from '../types.js';
import { normalizeUrl, originKey } from './normalize-url.js';

export interface SitemapOptions {
  seeds: string[];
  fetcher: { fetch(entry: FrontierEntry, signal?: AbortSignal, overrides?: { maxBodyBytes?: number; wholeEnd?: RegExp | WholeTest; shortBody?: 'keep' }): Promise<FetchResult | FetchFailure> };
  limits: { run<T>(host: string, fn: () => Promise<T>): Promise<T> };
  scope: (url: string) => ErrorCode | null;
  /**
   * The spider-trap checks of the URL alone (length, path depth, repeated segments; traps.ts),
   * as for a link: a sitemap is written by the site and can list a trap too. The query-variant
   * cap does not apply, having no linking page.
   */
  trap?: (url: string) => ErrorCode | null;
  /** Adds the URLs found; returns how many were new to the database, to tell them from those it held. */
  writer: { addUrls(urls: Discovered[]): AddedUrls };
  signal?: AbortSignal;
  /**
   * --max-time: no sitemap (nor robots.txt) is asked for after this time (ms since the epoch);
   * the one being read finishes, and the rest are reported as not read. @default none
   */
  stopAt?: number | null;
  /**
   * The crawl's robots policy, asked for each origin's robots.txt (see above). Without it
   * robots.txt is fetched here like a sitemap.
   */
  robots?: { readText(origin: string): Promise<RobotsText>; check?(url: string): Promise<{ kind: string }> };
  /** @default 50 */
  maxSitemaps?: number;
  /** @default 100_000 */
  maxUrls?: number;
  /** Unpacked size of one sitemap. @default 50 MiB */
  maxBytes?: number;
}

export interface SitemapReport {
  /** Sitemap files read (indexes included). */
  sitemaps: number;
  /** URLs the sitemaps listed and the crawl took (in scope or not): what maxUrls caps. */
  urls: number;
  /**
   * Of those, the URLs new to the database, queued or recorded as skipped; the rest it held
   * already (a resume reads the same sitemaps again), or were listed twice, and were left as
   * they were.
   */
  queued: number;
  skipped: number;
  failures: Array<{ url: string; message: string }>;
  /**
   * Sitemaps cut short (their connection closed or fell silent before the end, a gzip stream
   * stopped early, or over maxBytes), read to their last whole entry: counted in `sitemaps`.
   */
  cut: Array<{ url: string; message: string }>;
}

/** The Sitemap: lines of a robots.txt, resolved against its URL (the field name is case-insensitive). */
export function parseRobotsSitemaps(robotsTxt: string, robotsUrl: string): string[] {
  const found: string[] = [];
  // `Site-map:` and `Sitemaps:` too, as Google reads them (robots-keys.ts).
  for (const m of canonicalRobotsKeys(robotsTxt).matchAll(/^[ \t]*sitemap[ \t]*:[ \t]*(\S+)/gim)) {
    if (m[1]!.length > MAX_HREF_CHARS) continue;
    const url = normalizeUrl(m[1]!, robotsUrl);
    if (url !== null) found.push(url);
  }
  return found;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXmlText(text: string): string {
  return text
    .replace(/^\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*$/, '$1')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, name: string) => {
      if (name[0] === '#') {
        const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
      }
      return ENTITIES[name.toLowerCase()] ?? all;
    })
    .trim();
}

/**
 * The next start or end tag, or a comment or CDATA section to skip whole. Attributes stop at the
 * next `<` as well as `>`, so a failed attempt scans only up to the next tag: with `[^>]*`, a file
 * of unclosed tags made every attempt scan to the end of the file (quadratic).
 */
const TAG = /<!--|<!\[CDATA\[|<(\/?)([\w.-]+:)?([\w.-]+)(?:\s[^<>]*)?>/g;
/** A </loc> end tag, tried (sticky) only where indexOf found a `</`. */
const LOC_CLOSE = /<\/(?:[\w.-]+:)?loc\s*>/iy;
/** Nesting kept track of; sitemaps are three deep, and a deeper element holds no entry. */
const MAX_NESTING = 32;

/** Where the first </loc> at or after `from` starts and ends, or null when there is none. */
function findLocClose(xml: string, from: number): { start: number; end: number } | null {
  for (let at = xml.indexOf('</', from); at !== -1; at = xml.indexOf('</', at + 2)) {
    LOC_CLOSE.lastIndex = at;
    if (LOC_CLOSE.test(xml)) return { start: at, end: LOC_CLOSE.lastIndex };
  }
  return null;
}

/**
 * A sitemap or sitemap index, read with a scan rather than a DOM: the format is flat (<loc> in
 * <url> or <sitemap>), and a scan keeps a 50 MB file cheap. An entry is a <loc> that is a direct
 * child of a <url> or <sitemap>, as in Scrapy's SitemapSpider: the extensions' own <image:loc>
 * (inside <image:image>), <video:...> and <xhtml:link> are not pages to crawl. Namespace prefixes
 * on either are accepted (<sm:url><sm:loc>), as Scrapy ignores namespaces on them too. At most
 * `maxLocs` entries are taken.
 *
 * Linear in the size of the file, whatever it holds: tags are met in one pass, each <loc>'s
 * </loc> is looked for once, from where the start tag ends, and the scan goes on after that
 * </loc>. When a <loc> has no </loc>, none after it can have one either, so the scan ends there.
 * (A single lazy regex, `<loc>([\s\S]*?)</loc>`, searched to the end of the file again from every
 * unclosed <loc>: 500 KB of them blocked the crawl for 20 s, and the cost grew with the square of
 * the size.) Mismatched end tags are ignored rather than searched for down the stack.
 */
export function parseSitemap(xml: string, maxLocs = Infinity): { isIndex: boolean; locs: string[] } {
  const isIndex = /<(?:[\w.-]+:)?sitemapindex[\s>]/i.test(xml);
  const locs: string[] = [];
  // Open elements, lowercased with their prefix ("sm:url"); past MAX_NESTING only counted.
  const open: string[] = [];
  let deeper = 0;
  TAG.lastIndex = 0;
  while (locs.length < maxLocs) {
    const tag = TAG.exec(xml);
    if (tag === null) break;
    if (tag[3] === undefined) {
      const isComment = tag[0] === '<!--';
      const end = xml.indexOf(isComment ? '-->' : ']]>', TAG.lastIndex);
      if (end === -1) break;
      TAG.lastIndex = end + 3;
      continue;
    }
    const name = (tag[2] ?? '').toLowerCase() + tag[3].toLowerCase();
    if (tag[1] === '/') {
      if (deeper > 0) deeper -= 1;
      else if (open.at(-1) === name) open.pop();
      continue;
    }
    if (tag[0].endsWith('/>')) continue;
    if (tag[3].toLowerCase() === 'loc') {
      const contentStart = TAG.lastIndex;
      const close = findLocClose(xml, contentStart);
      if (close === null) break;
      const parent = deeper > 0 ? undefined : open.at(-1);
      if (parent !== undefined && /^(?:[\w.-]+:)?(?:url|sitemap)$/.test(parent)) {
        const loc = decodeXmlText(xml.slice(contentStart, close.start));
        if (loc !== '') locs.push(loc);
      }
      TAG.lastIndex = close.end;
      continue;
    }
    if (open.length < MAX_NESTING) open.push(name);
    else deeper += 1;
  }
  return { isIndex, locs };
}

/**
 * A line of a text sitemap that is an absolute http(s) URL, whitespace around it: from a line's
 * start (the text's, or after a CR or LF) to its end. One scan of the text, where splitting it
 * into lines made an array of every line first: a 20 MB file of one-character lines (as a
 * hostile site serves up to the 50 MiB cap, and up to 50 of them) held the crawl's start for 5 s
 * (a 50 MiB one, 12 s); now 0.17 s. The same lines match as when each line was trimmed and
 * tested whole.
 */
const LINE_URL = /(?<![^\r\n])[^\S\r\n]*(https?:\/\/\S+?)[^\S\r\n]*(?![^\r\n])/gi;

/**
 * A text sitemap (sitemaps.org: "one URL per line", UTF-8): lines that are absolute http(s) URLs;
 * anything else on a line (a comment, a relative path, a stray word) is not an entry.
 */
export function parseTextSitemap(text: string, maxLocs = Infinity): string[] {
  const locs: string[] = [];
  if (maxLocs <= 0) return locs;
  for (const match of text.matchAll(LINE_URL)) {
    locs.push(match[1]!);
    if (locs.length >= maxLocs) break;
  }
  return locs;
}

/**
 * What a fetched sitemap file holds: XML (a <urlset> or <sitemapindex>), text (URLs one per line),
 * or neither (an HTML page a catch-all site serves at /sitemap.xml), which is said, not counted.
 */
export function readSitemapText(text: string, maxLocs = Infinity): { isIndex: boolean; locs: string[] } | { notSitemap: string } {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (!start.startsWith('<')) {
    const locs = parseTextSitemap(start, maxLocs);
    return locs.length > 0 || start === '' ? { isIndex: false, locs } : { notSitemap: 'not a sitemap (neither XML nor one URL per line)' };
  }
  const parsed = parseSitemap(text, maxLocs);
  if (parsed.locs.length === 0 && !/<(?:[\w.-]+:)?(?:urlset|sitemapindex)[\s>]/i.test(text)) {
    return { notSitemap: /<html[\s>]/i.test(text) ? 'not a sitemap (an HTML page)' : 'not a sitemap (no <urlset> or <sitemapindex>)' };
  }
  return parsed;
}

/**
 * A sitemap's text; a `.xml.gz` one is unzipped as a gzip body is (fetch/gunzip-members.ts), so
 * bytes after its last member (PHP's trailing newline) are ignored there too, and a bomb stops at
 * `maxBytes` unpacked. `cut` says why the text is not the whole file, when it is not: the gzip
 * stream stopped early (a file cut mid-member), or unpacked past `maxBytes` (kept to there).
 */
async function unpack(body: Uint8Array, maxBytes: number): Promise<{ text: string; cut: string | null }> {
  const isGzip = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
  let bytes: Uint8Array = body;
  let cut: string | null = null;
  if (isGzip) {
    const mark = { isCut: false };
    const chunks: Buffer[] = [];
    let total = 0;
    const source = (async function* () {
      yield Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    })();
    for await (const chunk of gunzipMembers(source, mark, {})) {
      if (total + chunk.length > maxBytes) {
        chunks.push(chunk.subarray(0, maxBytes - total));
        total = maxBytes;
        cut = `larger than ${formatBinaryBytes(maxBytes)} unpacked`;
        break;
      }
      total += chunk.length;
      chunks.push(chunk);
    }
    if (cut === null && mark.isCut) cut = 'its gzip stream is cut short';
    bytes = Buffer.concat(chunks, total);
  }
  if (bytes.byteLength > maxBytes) {
    bytes = bytes.subarray(0, maxBytes);
    cut = `larger than ${formatBinaryBytes(maxBytes)}`;
  }
  return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), cut };
}

/**
 * What of a sitemap cut short can be read: a text one's whole lines, each a URL that came to its
 * end (the cut one may be a URL cut anywhere, `https://a.example/produ`, and is left out, as
 * robots.txt is read to its last whole line). XML is read as it is: parseSitemap takes a <loc>
 * only once its </loc> has come, and a <loc> without one ends the scan, so the entries before the
 * cut are read and the cut one is not, wherever the cut falls (mid-URL, mid-tag, mid-character).
 */
function wholeEntriesOf(text: string): string {
  if (text.replace(/^\uFEFF/, '').trimStart().startsWith('<')) return text;
  return text.slice(0, Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1);
}

export async function addSitemapSeeds(opts: SitemapOptions): Promise<SitemapReport> {
  const maxSitemaps = opts.maxSitemaps ?? 50;
  const maxUrls = opts.maxUrls ?? 100_000;
  const maxBytes = opts.maxBytes ?? 50 * 1024 * 1024;
  const report: SitemapReport = { sitemaps: 0, urls: 0, queued: 0, skipped: 0, failures: [], cut: [] };

  /**
   * A sitemap's body, whole or cut short (`isCut`), or null (the failure reported). `isSitemap`
   * false is robots.txt read for its Sitemap: lines only (--ignore-robots): it keeps the crawl's
   * --max-bytes, and a cut one still gives the lines before the cut.
   */
  const get = async (url: string, isSitemap = true, isGuess = false): Promise<{ body: Uint8Array; isCut: boolean; by?: string } | null> => {
    const entry: FrontierEntry = { id: -1, url, host: originKey(url), depth: 0, attempt: 0 };
    // The cap is on decoded bytes (a Content-Encoding removed), so a .xml.gz file is capped as
    // sent; unpack() caps what it inflates to.
    // Read to the close from a server that never closes, a sitemap ends at a silence after its
    // end tag (a text one after a whole line), robots.txt after a whole line (unframed-body.ts).
    // A body that stops short of its end (closed, reset, or silent STALLED_IDLE_MS: shortBody)
    // comes back cut, not as a failure: its whole entries are read.
    const overrides = isSitemap ? { maxBodyBytes: maxBytes, wholeEnd: WHOLE_SITEMAP_FILE, shortBody: 'keep' as const } : { wholeEnd: WHOLE_LINES, shortBody: 'keep' as const };
    const result = await opts.limits.run(entry.host, () => opts.fetcher.fetch(entry, opts.signal, overrides));
    if ('code' in result) {
      report.failures.push({ url, message: `${result.message} [${result.code}]` });
      return null;
    }
    if (result.status !== 200) {
      // /sitemap.xml is only a guess: most sites that name their sitemaps in robots.txt have none
      // there, and a line about its 404 on every crawl read as something to fix.
      if (!(isGuess && (result.status === 404 || result.status === 410))) report.failures.push({ url, message: `HTTP ${result.status}` });
      return null;
    }
    return { body: result.body, isCut: result.isTruncated, ...(result.bodyCut !== undefined ? { by: result.bodyCut } : {}) };
  };

  const readRobots = async (origin: string, robotsUrl: string): Promise<string | null> => {
    const read: RobotsText = opts.robots ? await opts.robots.readText(origin) : { kind: 'notLoaded' };
    if (read.kind === 'text') return read.text;
    if (read.kind === 'none') return null;
    const got = await get(robotsUrl, false);
    if (got === null) return null;
    const text = Buffer.from(got.body).toString('utf8');
    return got.isCut ? wholeEntriesOf(text) : text;
  };

  /**
   * A sitemap robots.txt names is fetched whatever its rules say (the site points at it), but
   * /sitemap.xml unnamed is a guess, a URL like any other: its rules decide, and an unreachable
   * robots.txt allows nothing, as for pages. (--ignore-robots: the policy allows everything.)
   */
  const isGuessAllowed = async (url: string): Promise<boolean> => opts.robots?.check === undefined || (await opts.robots.check(url)).kind === 'allow';

  // Where to look first: each origin's robots.txt Sitemap lines, then its /sitemap.xml.
  const queue: string[] = [];
  const seen = new Set<string>();
  /** /sitemap.xml of an origin whose robots.txt does not name it. */
  const guessed = new Set<string>();
  const enqueue = (url: string): void => {
    if (!seen.has(url) && seen.size < maxSitemaps) {
      seen.add(url);
      queue.push(url);
    }
  };
  const isTimeUp = (): boolean => opts.stopAt != null && Date.now() >= opts.stopAt;
  for (const origin of new Set(opts.seeds.map(originKey))) {
    if (opts.signal?.aborted || isTimeUp()) return report;
    // originKey spells the port out (https://a.test:443); normalizing drops a default one.
    const robotsUrl = normalizeUrl(`${origin}/robots.txt`);
    const robots = robotsUrl === null ? null : await readRobots(origin, robotsUrl);
    if (robots !== null) {
      for (const url of parseRobotsSitemaps(robots, robotsUrl!)) enqueue(url);
    }
    // A site without robots.txt is ordinary, not a sitemap failure.
    report.failures = report.failures.filter((f) => f.url !== robotsUrl);
    const fallback = normalizeUrl(`${origin}/sitemap.xml`);
    if (fallback !== null && !seen.has(fallback) && (await isGuessAllowed(fallback))) {
      guessed.add(fallback);
      enqueue(fallback);
    }
  }

  while (queue.length > 0 && report.urls < maxUrls && !opts.signal?.aborted) {
    if (isTimeUp()) {
      // QA: a --max-time of 2s read ten slow sitemaps for 16 s before the crawl loop looked at the clock.
      const more = queue.length > 1 ? ` (and ${queue.length - 1} more)` : '';
      report.failures.push({ url: queue[0]!, message: `not read: --max-time reached${more}` });
      break;
    }
    const sitemapUrl = queue.shift()!;
    const got = await get(sitemapUrl, true, guessed.has(sitemapUrl));
    if (got === null) continue;
    let parsed: ReturnType<typeof readSitemapText>;
    /** Why what is read is not the whole file (null: it is). */
    let cut: string | null;
    try {
      const unpacked = await unpack(got.body, maxBytes);
      const why = got.body.byteLength >= maxBytes ? `larger than ${formatBinaryBytes(maxBytes)}`
        : unpacked.cut ?? `cut short after ${formatBinaryBytes(got.body.byteLength)}`;
      cut = !got.isCut ? unpacked.cut : got.by !== undefined ? `${why} (${got.by})` : why;
      // No file yields more entries than the crawl could still take (an index: sitemaps to read).
      parsed = readSitemapText(cut === null ? unpacked.text : wholeEntriesOf(unpacked.text), Math.max(maxUrls - report.urls, maxSitemaps));
    } catch (err) {
      report.failures.push({ url: sitemapUrl, message: (err as Error).message });
      continue;
    }
    if ('notSitemap' in parsed) {
      report.failures.push({ url: sitemapUrl, message: parsed.notSitemap });
      continue;
    }
    report.sitemaps += 1;
    if (cut !== null) report.cut.push({ url: sitemapUrl, message: `${cut}; read to its last whole entry (${parsed.locs.length} ${parsed.locs.length === 1 ? 'entry' : 'entries'})` });
    const found: Discovered[] = [];
    for (const loc of parsed.locs) {
      // Dropped as an href that long is (directives.ts): junk, and normalizing a 600 KB one held
      // the crawl's thread for over a second (bench/fuzz-21.mjs), each of a sitemap's many.
      if (loc.length > MAX_HREF_CHARS) continue;
      const url = normalizeUrl(loc, sitemapUrl);
      if (url === null) continue;
      if (parsed.isIndex) {
        // A child sitemap on the index's own origin is always read; elsewhere only within scope.
        if (originKey(url) === originKey(sitemapUrl) || opts.scope(url) === null) enqueue(url);
        continue;
      }
      if (report.urls + found.length >= maxUrls) break;
      found.push({ url, host: originKey(url), depth: 0, skipCode: opts.scope(url) ?? opts.trap?.(url) ?? null });
    }
    if (found.length > 0) {
      const added = opts.writer.addUrls(found);
      report.queued += added.queued;
      report.skipped += added.skipped;
    }
    report.urls += found.length;
  }
  return report;
}
