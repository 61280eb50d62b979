/**
 * Custom request headers (--header "Name: value", a job file's fetch.headers): their checks, shared
 * by the flag and the file so both refuse the same things, and their masking for what is recorded.
 *
 * Messages never repeat a header's value: the reason for the option is Authorization and Cookie,
 * and an error line is as likely to land in a CI log as the crawl's own output.
 */
import { isHeaderValue } from './header-value.js';

/** RFC 9110 5.1: a field name is a token (tchar: ALPHA, DIGIT and !#$%&'*+-.^_`|~). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** The first character that is no tchar. */
const NOT_TCHAR = /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Names crawlite owns or that would break HTTP framing, lowercase, with what to say instead.
 * undici itself throws for transfer-encoding, keep-alive, upgrade and expect on every request, and
 * would let a Host or Content-Length through that makes the request lie about itself.
 */
const REFUSED: ReadonlyMap<string, string> = new Map([
  ['host', 'crawlite sets Host from each URL'],
  ['content-length', 'it breaks HTTP framing (crawlite sends GET requests without a body)'],
  ['transfer-encoding', 'it breaks HTTP framing (crawlite sends GET requests without a body)'],
  ['te', 'it is a hop-by-hop header undici manages'],
  ['trailer', 'it is a hop-by-hop header undici manages'],
  ['connection', 'connections are managed by crawlite (see --per-host)'],
  ['keep-alive', 'connections are managed by crawlite (see --per-host)'],
  ['upgrade', 'connections are managed by crawlite'],
  ['expect', 'crawlite sends GET requests without a body'],
  ['user-agent', 'use --user-agent (fetch.userAgent) instead'],
  ['accept-encoding', 'crawlite decodes bodies itself and asks only for the encodings it can decode'],
  ['if-none-match', 'crawlite sends it with --recrawl'],
  ['if-modified-since', 'crawlite sends it with --recrawl'],
  ['proxy-authorization', 'give the proxy\'s credentials in its URL (--proxy http://user:password@host:port)'],
  // A valid token, but headers are kept in plain objects, where this name sets the prototype: the
  // header was dropped without a word (fuzz22). No server reads a header of this name.
  ['__proto__', 'it is no HTTP header, and crawlite keeps headers by name in objects where this name is reserved'],
]);

/** What is wrong with one header, as a message that names it but not its value; null when it is fine. */
export function headerProblem(name: string, value: string): string | null {
  if (name === '') return 'empty header name';
  if (!TOKEN.test(name)) {
    // Only the part before the first bad character is shown: "Authorization Bearer abc: d" has a
    // colon in its token, and what follows the space is the secret.
    const at = name.search(NOT_TCHAR);
    return `invalid header name '${name.slice(0, at)}...': character ${at + 1} is not allowed (expected letters, digits and !#$%&'*+-.^_\`|~ only)`;
  }
  const refused = REFUSED.get(name.toLowerCase());
  if (refused !== undefined) return `header '${name}' cannot be set: ${refused}`;
  if (!isHeaderValue(value)) return `header '${name}': its value has a newline, tab or other control character (or a character beyond Latin-1)`;
  return null;
}

/**
 * Parses repeated `--header "Name: value"` flags into a name -> value map; the value's surrounding
 * blanks are dropped, as HTTP does. Returns the problem of the first bad one, which names its
 * position, never its text (it may be a secret with the colon forgotten).
 */
export function parseHeaderFlags(values: readonly unknown[]): { headers: Record<string, string> } | { problem: string } {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [i, raw] of values.entries()) {
    const text = String(raw);
    const colon = text.indexOf(':');
    const which = values.length > 1 ? ` (the ${ordinal(i + 1)} one)` : '';
    if (colon < 0) return { problem: `invalid --header${which}: expected "Name: value", found no colon` };
    const name = text.slice(0, colon).trim();
    const value = text.slice(colon + 1).trim();
    const problem = headerProblem(name, value);
    if (problem !== null) return { problem: `invalid --header${which}: ${problem}` };
    if (seen.has(name.toLowerCase())) return { problem: `invalid --header${which}: header '${name}' is given twice` };
    seen.add(name.toLowerCase());
    headers[name] = value;
  }
  return { headers };
}

/** `base` with `over` laid on it, a name in `over` replacing the same name in any letter case. */
export function overrideHeaders(base: Readonly<Record<string, string>>, over: Readonly<Record<string, string>>): Record<string, string> {
  const names = new Set(Object.keys(over).map((n) => n.toLowerCase()));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (!names.has(name.toLowerCase())) out[name] = value;
  return { ...out, ...over };
}

/** What runs.options and logs record of the headers: their names, never their values. */
export const MASKED_VALUE = '(not recorded)';

export function maskHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  return Object.fromEntries(Object.keys(headers).map((name) => [name, MASKED_VALUE]));
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
