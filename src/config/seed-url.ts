/**
 * Whether a seed, as the user wrote it (typed, a --seeds-file line, a job file's `seeds` item),
 * is one absolute http(s) URL. The URL parser percent-encodes a space inside a path or query, so
 * `http://a/ http://a/b` (two URLs in one quoted argument, or on one line) and
 * `http://a/p # the docs` (a comment after the URL) each became one URL that no one meant,
 * `http://a/%20http://a/b`, fetched and stored while the URLs meant were not (QA): a space inside
 * a seed is refused instead, and one that belongs in the URL is written %20.
 */
import { normalizeUrl } from '../frontier/normalize-url.js';

export type SeedProblem = 'not-http' | 'space';

export function seedUrlProblem(seed: string): SeedProblem | null {
  const trimmed = seed.trim();
  if (!/^https?:\/\/./i.test(trimmed)) return 'not-http';
  // Any white space, the no-break space a copy from a web page brings included. Asked before the
  // parse: a space in the host (http://exa mple.org/) made the URL unparsable, and its seed was
  // told to give an absolute http:// URL, which it looked like (QA).
  if (/\s/.test(trimmed)) return 'space';
  if (normalizeUrl(trimmed) === null) return 'not-http';
  return null;
}

/** What a seed with a space inside is told, after "invalid seed URL '...': ". */
export const SPACE_IN_SEED = 'it holds a space, so it is not one URL';

/**
 * The URL a seed typed without its scheme most likely means (`example.org/docs` ->
 * `https://example.org/docs`), for the refusal to offer; null when it has a scheme, a space, or
 * does not read as a host name then. Offered, not assumed: http:// or https:// is the user's call.
 */
export function suggestSeed(seed: string): string | null {
  const trimmed = seed.trim();
  // A scheme (ftp:, mailto:), not a host's port (localhost:3000).
  if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(trimmed) || /\s/.test(trimmed)) return null;
  const bare = trimmed.replace(/^\/\//, '');
  const url = normalizeUrl(`https://${bare}`);
  if (url === null) return null;
  const host = new URL(url).hostname;
  // A server on this machine or an address is most often plain http (a dev server, a router).
  const isLocal = host === 'localhost' || host.endsWith('.localhost') || /^[\d.]+$/.test(host) || host.startsWith('[');
  if (isLocal) return normalizeUrl(`http://${bare}`);
  return host.includes('.') ? url : null;
}

/**
 * `port 99999 is out of range (1 to 65535)` for a seed whose port no connection can use; null
 * otherwise. Such a seed was told "give an absolute http:// or https:// URL", which it is (QA).
 */
export function seedPortProblem(seed: string): string | null {
  const port = /^https?:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:@]*):(\d+)(?=[/?#]|$)/i.exec(seed.trim())?.[1];
  if (port === undefined) return null;
  const n = Number(port);
  return n >= 1 && n <= 65_535 ? null : `port ${port} is out of range (1 to 65535)`;
}
