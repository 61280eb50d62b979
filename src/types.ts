/**
 * The data that flows between pipeline stages. Stages import these types, never each other's
 * internals. Everything that crosses the worker boundary (ParseTask, ParseOutcome) must survive
 * structured clone: plain objects, strings, numbers, typed arrays; no classes, functions or Errors.
 */
import type { ErrorCode } from './errors.js';
import type { ScopeMode } from './config/schema.js';

/** A URL taken from the frontier, ready to fetch. */
/**
 * A seed that redirected out of the scope, whose final URL became a root of the scope
 * (frontier/seed-redirects.ts); the crawl reports each once, for the CLI's notice.
 */
export interface SeedRedirect {
  seed: string;
  target: string;
  /** The scope mode the target's root was added in: what "its host/domain/directory" means. */
  mode: ScopeMode;
}

/**
 * An origin whose robots.txt Crawl-delay slows the crawl (above --delay); the crawl reports each
 * of the first few once, for the CLI's notice: the peers ignore Crawl-delay, so a crawl that is
 * slow because of it should say so.
 */
export interface CrawlDelayNotice {
  /** Origin key, `scheme://host:port`. */
  origin: string;
  askedMs: number;
  /** What is applied: capped at politeness.maxCrawlDelayMs. */
  appliedMs: number;
}

export interface FrontierEntry {
  /** urls.id in the database. */
  id: number;
  /** Normalized absolute URL. */
  url: string;
  /** Origin key `scheme://host:port` used for per-host limits. */
  host: string;
  /** Link distance from a seed (seeds are depth 0). */
  depth: number;
  /** Fetch attempts already made for this URL (0 on the first). */
  attempt: number;
}

/** One hop of a redirect chain. */
export interface RedirectHop {
  url: string;
  status: number;
}

/** What the fetch stage hands on for a response that arrived. */
export interface FetchResult {
  entry: FrontierEntry;
  status: number;
  /** Response headers, lowercased names; repeated headers joined with ", " (set-cookie and x-robots-tag with "\n"). */
  headers: Record<string, string>;
  /** Decoded body (content-encoding removed), at most maxBodyBytes long. */
  body: Uint8Array;
  /**
   * True when the body was cut at maxBodyBytes, or is cut short: a coded stream that stopped
   * early, a text sitemap whose server fell silent mid-line (fetch/unframed-body.ts).
   */
  isTruncated: boolean;
  /**
   * Why a body asked to be kept when cut (FetchOverrides.shortBody 'keep': a sitemap) ended short
   * of its end, when it did: `its server fell silent`, `its connection closed`, `--timeout`.
   */
  bodyCut?: string;
  /** Bytes received on the wire (before content-encoding was removed). */
  wireBytes: number;
  /** Normalized URL after redirects (equals entry.url when there were none). */
  finalUrl: string;
  /** Redirect hops before the final response, in order. */
  redirects: RedirectHop[];
  contentType: string;
  fetchedAt: number;
  elapsedMs: number;
  /** With --archive: the body as received, when a content-coding (gzip, br...) was removed from it. */
  wireBody?: Uint8Array;
  /**
   * A content-coding the fetcher cannot remove (zstd on Node 20, a made-up one): `body` is then
   * the bytes as received, still encoded. Absent otherwise.
   */
  unknownEncoding?: string;
}

/** A fetch that produced no response worth parsing. */
export interface FetchFailure {
  entry: FrontierEntry;
  code: ErrorCode;
  message: string;
  retryable: boolean;
  /** Redirect hops seen before the failure. */
  redirects: RedirectHop[];
  /** When the fetch started (ms since the epoch) and how long it ran; absent when nothing was sent. */
  fetchedAt?: number;
  elapsedMs?: number;
  /**
   * Where the last of `redirects` pointed (resolved against the URL that sent it), whether the
   * failure was refusing that target or fetching it; absent when there was no redirect.
   */
  redirectTo?: string;
  /**
   * Not the URL's own failure but a wait: a redirect target's robots.txt is unreachable for now
   * and is fetched again at this time (ms since the epoch). The URL waits until then.
   */
  retryAt?: number;
}

/**
 * A page fetch that stopped at a redirect hop to a URL whose page is already stored (its urls row
 * 'done'): the target was not requested again. Fetching it would only have met its stored row as
 * a duplicate in the writer, after a request, a download and a parse.
 */
export interface RedirectToStored {
  entry: FrontierEntry;
  /** Where the last hop pointed (normalized): the stored URL, the entry's redirect_to. */
  storedUrl: string;
  /** The hops requested, in order; the last one points at storedUrl. */
  redirects: RedirectHop[];
  fetchedAt: number;
  elapsedMs: number;
}

/** Sent to a parse worker. `body` is transferred, not copied. */
export interface ParseTask {
  /** URL the body was served from (after redirects); links resolve against it or <base href>. */
  url: string;
  contentType: string;
  body: Uint8Array;
  /** Whether to parse for links and text (HTML) or only compress the body. */
  isHtml: boolean;
  /** Not HTML but an RSS or Atom feed: its items' links are read (parse/feed-links.ts). */
  isFeed?: boolean;
  /** With isFeed: the body is kept (--store-non-html); else only its hash and size, as metadata-only.ts. */
  shouldKeepBody?: boolean;
  /** Most links kept per page; the rest are counted, not returned. */
  maxLinks: number;
  /** Take the page's repeatKey (frontier/repeat-runs.ts); the crawl asks when it may be a repeat. */
  shouldKeyRepeat?: boolean;
  /** The job's extraction fields (parse/extract-fields.ts); absent when it has none. */
  fields?: Record<string, FieldSpec>;
  /**
   * The product token of our User-Agent, lowercased: `<meta name="<it>">` is read like
   * `<meta name="robots">`. Absent: "crawlite".
   */
  robotsName?: string;
}

/** One extraction field of a job: a CSS selector, read as text or as one attribute, first match or all. */
export interface FieldSpec {
  selector: string;
  /** Attribute to read; null reads the element's text (whitespace collapsed). */
  attr: string | null;
  /** All matches as a list (possibly empty) instead of the first match (or null). */
  many: boolean;
}

export type FieldValue = string | null | string[];

export interface ExtractedLink {
  /** Normalized absolute http(s) URL, fragment dropped. */
  url: string;
  /** Visible anchor text, whitespace collapsed, at most 500 chars. */
  text: string;
  /** rel="nofollow" on the anchor. */
  isNofollow: boolean;
}

/**
 * A page's copy sketch (parse/copy-sketch.ts): plain data, so it crosses the worker boundary as is.
 */
export interface CopySketch {
  /** Hash of what must be equal: the title and the text's short numbers, as copy-signature.ts reads them. */
  key: string;
  /** Distinct elements (word 3-shingles of the text, hrefs as written). */
  size: number;
  /** The smallest SKETCH_HASHES (near-copy.ts) of their 32-bit hashes (signed), ascending, packed by packHashes. */
  minHashes: string;
  /**
   * Hashes of the hrefs as written that are relative and lead into a folder ("about/",
   * "posts/x"), packed as minHashes (at most MAX_FOLDER_HREFS): a catch-all's copy carries again
   * the relative links it was made by, which is what near-copy.ts asks of a near copy.
   */
  folderHrefs: string;
}

/** What a worker returns for a page it parsed. */
export interface ParsedPage {
  ok: true;
  title: string | null;
  description: string | null;
  /** Canonical URL, resolved and normalized, when the page declares one. */
  canonical: string | null;
  language: string | null;
  /**
   * Character encoding used to decode the body (WHATWG label, e.g. "utf-8"); null for a body not
   * decoded (not HTML: a PDF, an image, JSON), which has none, as its title and language are null.
   */
  encoding: string | null;
  links: ExtractedLink[];
  /** Links found in the page, including those beyond maxLinks. */
  linksFound: number;
  /** Length of the visible text in UTF-8 bytes. */
  textBytes: number;
  /** Length of the HTML in bytes (the decoded body as received). */
  htmlBytes: number;
  /** One compressed frame holding the HTML bytes and the text (see content-frame.ts). */
  content: Uint8Array;
  /** Codec and layout of `content`, e.g. "br+spans" (content-frame.ts). */
  codec: string;
  /** Hex SHA-256 of the HTML bytes, for storing identical bodies once. */
  contentHash: string;
  /**
   * What a catch-all's copies that are not byte-identical share (parse/copy-signature.ts): the
   * title and text without the page's own path or nonces, and the hrefs as written. Absent for
   * non-HTML. Only compared, never stored.
   */
  copySignature?: string;
  /**
   * The copy signature with the nonce-length tokens of the page's URL and of its hrefs read as
   * placeholders (parse/copy-signature.ts): one for every copy of a page made per request whose
   * links carry a new timestamp each time. Absent for non-HTML; only compared, never stored.
   */
  copyTokenSignature?: string;
  /**
   * The same page's bounded-block-tolerant view (parse/copy-sketch.ts, compared by near-copy.ts);
   * absent for non-HTML, a text over 8 K characters, over 2,000 links, or too few words and links.
   */
  copySketch?: CopySketch;
  /**
   * The page's URL pattern, its body's hash but for its numbers, and those numbers
   * (frontier/repeat-runs.ts), taken on the parse thread that holds the body; absent for a URL
   * without a number, non-HTML, a body over 512 KiB or of over 2,000 numbers. Only compared, never stored.
   */
  repeatKey?: RepeatKey;
  /** Values of the task's extraction fields, by name; absent when the task had none. */
  fields?: Record<string, FieldValue>;
  /** `<meta name="robots">` and `<meta name="<robotsName>">` contents, joined; parse/directives.ts reads them. */
  metaRobots?: string | null;
  /** `<meta http-equiv="refresh">` content as written. */
  metaRefresh?: string | null;
  /** The `<base href>` URL that came before that tag, which its target resolves against; null: the page's URL. */
  metaRefreshBase?: string | null;
  /** The text's distinct words for the full-text index (parse/search-words.ts); absent for non-HTML. */
  searchWords?: string;
}

/** A parse that failed; errors do not cross threads, so a code and message do. */
export interface ParseFailure {
  ok: false;
  code: ErrorCode;
  message: string;
}

export type ParseOutcome = ParsedPage | ParseFailure;

/** What a page is compared by for endless paginations (frontier/repeat-runs.ts). */
export interface RepeatKey {
  /** The URL with each run of digits after its host read as `#`. */
  pattern: string;
  /** The body's hash with each of its numbers read as a placeholder. */
  hash: string;
  /** The body's numbers, in order. */
  numbers: number[];
  /** The numbers of the URL after its host, in order. */
  urlNumbers: number[];
}

/** A page's links as three columns, for the trip from a worker to the main thread (parse/link-columns.ts). */
export interface LinkColumns {
  urls: string[];
  texts: string[];
  nofollow: boolean[];
}

/** What a parse worker sends back: a ParsedPage with its links as columns, or a failure. */
export type WireParseOutcome = (Omit<ParsedPage, 'links'> & { links: LinkColumns }) | ParseFailure;

/** What the writer stores for one response. */
export interface PageRecord {
  entry: FrontierEntry;
  fetch: Omit<FetchResult, 'entry' | 'body'>;
  parsed: ParsedPage | null;
  /** Set when the page was fetched but could not be parsed. */
  error: { code: ErrorCode; message: string } | null;
  /** Robots directives that applied ("noindex,nofollow") and a meta refresh target; issue 3. */
  directives?: { robots: string | null; refreshUrl: string | null };
  /** Set when this response re-fetches a stored page in a recrawl (store/recrawl.ts): the row is replaced. */
  recrawl?: { id: number; status: 'changed' | 'unchanged' | 'gone' };
  /**
   * Set when the page repeats the pages of its URL pattern before it but for its numbers
   * (frontier/repeat-runs.ts), to its place in that run: its new links are skipped as a copy's.
   */
  repeatRun?: number;
}

/** A URL discovered on a page, after the scope decision. */
export interface Discovered {
  url: string;
  host: string;
  depth: number;
  /** null when the URL may be crawled; otherwise why it is not. */
  skipCode: ErrorCode | null;
}

/** What adding Discovered URLs outside a page (sitemaps) did: the rows new to the database, by state. URLs it already held are left as they are. */
export interface AddedUrls {
  queued: number;
  /** Recorded as skipped (outside the scope, --include/--exclude, a spider-trap cap). */
  skipped: number;
}

/** A link of a stored page: the URL's frontier decision plus what the links table keeps. */
export interface LinkRecord extends Discovered {
  /** Anchor text. */
  text: string;
  isNofollow: boolean;
  /** Inside --scope and --include/--exclude (skipCode may still be set, e.g. for depth). */
  isInScope: boolean;
}

/** An origin's robots.txt as the robots policy read it, for the Sitemap: lines of --sitemaps (fetch/robots.ts). */
export type RobotsText =
  /** The first robotsMaxBytes of a 2xx robots.txt, as parsed for the rules. */
  | { kind: 'text'; text: string }
  /** Fetched (or already known to be) without a text to read: 4xx, redirect failure, unreachable, given up. */
  | { kind: 'none' }
  /**
   * Not fetched by the policy: --ignore-robots, or the origin's rules were already loaded and
   * their text is not kept. The caller fetches robots.txt itself if it wants it.
   */
  | { kind: 'notLoaded' };
