/**
 * Options of the crawlers crawlite's users come from (wget, Scrapy, Crawlee, HTTrack), mapped to
 * crawlite's own: `--depth 2` or wget's `--level` said only "Unknown argument: depth" and named
 * --help (QA 20), since no edit distance leads from depth to --max-depth or from wait to --delay.
 * Each maps to an option of the command typed (the hint is given only when that command has it),
 * or, where crawlite works otherwise, to what to do instead.
 */
import { UsageError } from '../errors.js';

interface OtherOption {
  /** The crawlite option meant, without dashes; the hint is given only where the command has it. */
  option: string;
  /** Said instead of the bare option, when the option alone would mislead. */
  say?: string;
}

const COOKIE = '-H "Cookie: name=value" (sent to the seeds\' origins only)';
const COOKIE_JAR = 'cookies the servers set are sent back during the run (--cookies, the default) and never saved to a file; to send your own, -H "Cookie: name=value"';
const BASIC = `-H "Authorization: Basic $(printf %s 'user:pass' | base64)" (sent to the seeds' origins only; a URL's user:pass@ is dropped)`;
const HEADLESS = 'no browser here: crawl fetches each page over HTTP and parses the HTML as served (no JavaScript is run)';

const OTHER: Readonly<Record<string, OtherOption>> = {
  // Depth: wget --level / -l, Scrapy DEPTH_LIMIT, Crawlee maxCrawlDepth.
  depth: { option: 'max-depth' }, level: { option: 'max-depth' }, l: { option: 'max-depth' },
  'depth-limit': { option: 'max-depth' }, 'max-crawl-depth': { option: 'max-depth' },
  // Count: Crawlee maxRequestsPerCrawl, Scrapy CLOSESPIDER_PAGECOUNT.
  limit: { option: 'max-pages' }, 'max-requests-per-crawl': { option: 'max-pages' }, 'max-requests': { option: 'max-pages' }, pagecount: { option: 'max-pages' },
  // Pacing: wget --wait / -w, Scrapy DOWNLOAD_DELAY.
  wait: { option: 'delay' }, w: { option: 'delay' }, 'download-delay': { option: 'delay' },
  tries: { option: 'retries' }, t: { option: 'retries' }, 'max-retries': { option: 'retries' }, 'retry-times': { option: 'retries' }, 'max-request-retries': { option: 'retries' },
  'max-concurrency': { option: 'concurrency' }, 'concurrent-requests': { option: 'concurrency' },
  'concurrent-requests-per-domain': { option: 'per-host' }, 'max-concurrency-per-host': { option: 'per-host' },
  T: { option: 'timeout' }, 'read-timeout': { option: 'timeout' }, 'download-timeout': { option: 'timeout' },
  U: { option: 'user-agent' },
  'input-file': { option: 'seeds-file' },
  quota: { option: 'max-db-size' }, Q: { option: 'max-db-size' },
  'no-check-certificate': { option: 'insecure' }, 'ca-certificate': { option: 'ca-file' },
  // Scope: wget --no-parent, --span-hosts, --domains, --accept-regex / --reject-regex.
  'no-parent': { option: 'scope', say: '--scope prefix (only URLs under the seed\'s directory)' },
  // yargs reads --no-parent as the negation of a --parent, and names that.
  parent: { option: 'scope', say: '--scope prefix (only URLs under the seed\'s directory)' },
  'check-certificate': { option: 'insecure' },
  'span-hosts': { option: 'scope', say: '--scope any (or --scope domain for the seeds\' domains)' },
  domains: { option: 'scope', say: '--scope domain, or --include with a pattern per domain' },
  'allowed-domains': { option: 'scope', say: '--scope domain, or --include with a pattern per domain' },
  'accept-regex': { option: 'include' }, 'reject-regex': { option: 'exclude' },
  robots: { option: 'ignore-robots', say: '--ignore-robots (robots.txt is obeyed by default)' },
  'no-robots': { option: 'ignore-robots' },
  // Where crawlite works otherwise.
  r: { option: 'max-depth', say: 'no -r: crawl follows links by default (--max-depth bounds it)' },
  recursive: { option: 'max-depth', say: 'no --recursive: crawl follows links by default (--max-depth bounds it)' },
  mirror: { option: 'max-depth', say: 'no --mirror: crawl follows links by default and stores every page in --db' },
  m: { option: 'max-depth', say: 'no -m (--mirror): crawl follows links by default and stores every page in --db' },
  c: { option: 'db', say: 'no -c: run the same crawl command again on its --db to continue it' },
  continue: { option: 'db', say: 'no --continue: run the same crawl command again on its --db to continue it' },
  'warc-file': { option: 'archive', say: 'for a WARC file: crawl --archive, then crawlite export --format warc --out crawl.warc.gz' },
  o: { option: 'db', say: 'crawl writes every page to its --db; write a file from it with crawlite export --out pages.jsonl (or .csv, .warc.gz)' },
  O: { option: 'db', say: 'crawl writes every page to its --db; write a file from it with crawlite export --out pages.jsonl (or .csv, .warc.gz)' },
  output: { option: 'db', say: 'crawl writes every page to its --db; write a file from it with crawlite export --out pages.jsonl (or .csv, .warc.gz)' },
  'output-document': { option: 'db', say: 'crawl writes every page to its --db; write a file from it with crawlite export --out pages.jsonl (or .csv, .warc.gz)' },
  verbose: { option: 'log-format', say: '--log-format json (a line per page and per failed URL)' },
  // QA 21: more of wget's, Scrapy's and curl's, each met as "Unknown argument" with no way on.
  accept: { option: 'include', say: `--include '\\.html?$' (a regular expression every URL followed must match)` },
  A: { option: 'include', say: `--include '\\.html?$' (a regular expression every URL followed must match)` },
  reject: { option: 'exclude', say: `--exclude '\\.pdf$' (a regular expression: matching URLs are not followed)` },
  R: { option: 'exclude', say: `--exclude '\\.pdf$' (a regular expression: matching URLs are not followed)` },
  'include-directories': { option: 'include', say: `--include '^https://example\\.org/docs/' (a regular expression), or --scope prefix` },
  I: { option: 'include', say: `--include '^https://example\\.org/docs/' (a regular expression), or --scope prefix` },
  'exclude-directories': { option: 'exclude', say: `--exclude '/private/' (a regular expression)` },
  X: { option: 'exclude', say: `--exclude '/private/' (a regular expression)` },
  D: { option: 'scope', say: '--scope domain, or --include with a pattern per domain' },
  'same-domain': { option: 'scope', say: '--scope domain' },
  'random-wait': { option: 'delay' },
  'max-requests-per-minute': { option: 'delay', say: '--delay 1s (time between two requests to one host)' },
  'limit-rate': { option: 'delay', say: 'no bandwidth cap: --delay (time between two requests to one host) or --per-host 1 slow a crawl down' },
  e: { option: 'ignore-robots', say: "wget's -e robots=off is --ignore-robots here; its other settings are flags of their own" },
  s: { option: 'max-depth', say: "Scrapy's settings are flags here: DEPTH_LIMIT --max-depth, CLOSESPIDER_PAGECOUNT --max-pages, DOWNLOAD_DELAY --delay, CONCURRENT_REQUESTS --concurrency" },
  set: { option: 'max-depth', say: "Scrapy's settings are flags here: DEPTH_LIMIT --max-depth, CLOSESPIDER_PAGECOUNT --max-pages, DOWNLOAD_DELAY --delay, CONCURRENT_REQUESTS --concurrency" },
  spider: { option: 'max-depth', say: 'no --spider: crawl stores every status; list the broken ones with crawlite export --status 4xx,5xx --fields url,status' },
  N: { option: 'recrawl', say: '--recrawl (asks each stored page again with If-Modified-Since and ETag)' },
  timestamping: { option: 'recrawl', say: '--recrawl (asks each stored page again with If-Modified-Since and ETag)' },
  P: { option: 'db', say: 'crawl writes one SQLite file, not a folder of pages: --db dir/crawl.db, then crawlite export' },
  'directory-prefix': { option: 'db', say: 'crawl writes one SQLite file, not a folder of pages: --db dir/crawl.db, then crawlite export' },
  jobdir: { option: 'db', say: 'crawl keeps its state in --db: run the same command again to continue' },
  threads: { option: 'concurrency' }, jobs: { option: 'concurrency' }, j: { option: 'concurrency' }, parallel: { option: 'concurrency' },
  'max-filesize': { option: 'max-bytes' }, 'max-size': { option: 'max-bytes' },
  'output-file': { option: 'log-format', say: 'progress and logs go to stderr: 2> crawl.log (--log-format json for a line per page)' },
  'append-output': { option: 'log-format', say: 'progress and logs go to stderr: 2>> crawl.log (--log-format json for a line per page)' },
  nolog: { option: 'quiet' }, silent: { option: 'quiet' },
  loglevel: { option: 'quiet', say: '-q (--quiet) for warnings and errors only, --log-format json for a line per page' },
  'log-level': { option: 'quiet', say: '-q (--quiet) for warnings and errors only, --log-format json for a line per page' },
  'proxy-user': { option: 'proxy', say: '--proxy http://user:pass@host:3128' },
  'load-cookies': { option: 'header', say: COOKIE },
  // Round 21b: cookies, credentials and browsers, each answered with what crawlite has.
  'cookies-file': { option: 'header', say: COOKIE }, cookie: { option: 'header', say: COOKIE }, b: { option: 'header', say: COOKIE },
  'save-cookies': { option: 'cookies', say: COOKIE_JAR }, 'cookie-jar': { option: 'cookies', say: COOKIE_JAR }, 'keep-session-cookies': { option: 'cookies', say: COOKIE_JAR },
  'header-file': { option: 'header', say: '-H "Name: value" once per header (repeatable), or a --config job file\'s fetch.headers' },
  // The seed's user:pass@ is dropped with the rest of a URL's userinfo (normalize-url.ts): a header is the one way.
  user: { option: 'header', say: BASIC }, password: { option: 'header', say: BASIC }, u: { option: 'header', say: BASIC },
  'http-user': { option: 'header', say: BASIC }, 'http-password': { option: 'header', say: BASIC }, 'ask-password': { option: 'header', say: BASIC },
  'proxy-password': { option: 'proxy', say: '--proxy http://user:pass@host:3128' },
  // Crawlee's --headless (and yargs' reading of --no-headless, --headful).
  headless: { option: 'max-depth', say: HEADLESS }, headful: { option: 'max-depth', say: HEADLESS },
};

/**
 * wget's two-letter options (-nv, -np, -nc, -nd, -nH) reach yargs as bundles of one-letter flags:
 * `-nv` printed the version and exited 0 as if it had crawled, and `-np` said "Unknown arguments:
 * n, p" (QA 21). Told apart before yargs reads them.
 */
const WGET_BUNDLES: Readonly<Record<string, string>> = {
  '-nv': "wget's --no-verbose is -q (--quiet) here: only warnings and errors",
  '-np': "wget's --no-parent is --scope prefix here: only URLs under the seed's directory",
  '-nc': "wget's --no-clobber is the default here: a stored page is not fetched again (run the same crawl command on its --db to continue)",
  '-nd': "wget's --no-directories: crawl writes one SQLite file (--db), never a folder of pages",
  '-nH': "wget's --no-host-directories: crawl writes one SQLite file (--db), never a folder of pages",
};

/** Throws UsageError CRAWL_USAGE for a wget bundle typed before `--` (`args`: the command line without node and the script). */
export function refuseWgetBundles(args: readonly string[]): void {
  const end = args.indexOf('--');
  // Own keys only: WGET_BUNDLES['constructor'] is Object's, and `search constructor` was refused.
  const typed = (end === -1 ? args : args.slice(0, end)).find((a) => Object.hasOwn(WGET_BUNDLES, a));
  if (typed !== undefined) throw new UsageError('CRAWL_USAGE', `unknown option ${typed}: ${WGET_BUNDLES[typed]}`);
}

/** The output options of export and report: Scrapy's -o, wget's -O. */
const EXPORT_OTHER: Readonly<Record<string, OtherOption>> = {
  o: { option: 'out' }, O: { option: 'out' }, output: { option: 'out' }, 'output-file': { option: 'out' },
  'output-format': { option: 'format' }, t: { option: 'format' },
};

/**
 * Options any command may be guessed to have, each answered only by a command that has the option
 * it maps to: `search --top 5`, `export --columns url`, `stats --format json` (QA 21).
 */
const ANY_OTHER: Readonly<Record<string, OtherOption>> = {
  top: { option: 'limit' }, max: { option: 'limit' }, count: { option: 'limit' }, 'max-results': { option: 'limit' }, m: { option: 'limit' },
  columns: { option: 'fields' }, cols: { option: 'fields' }, field: { option: 'fields' },
  type: { option: 'format' }, f: { option: 'format' },
  where: { option: 'status', say: 'export filters with --status, --content-type, --since, --until and --run; any other query: sqlite3 on the database' },
  filter: { option: 'status', say: 'export filters with --status, --content-type, --since, --until and --run; any other query: sqlite3 on the database' },
  limit: { option: 'fields', say: 'export streams every page it selects: pipe it to head -n 10, or select fewer with --status, --since, --content-type' },
  head: { option: 'fields', say: 'export streams every page it selects: pipe it to head -n 10, or select fewer with --status, --since, --content-type' },
  format: { option: 'json', say: '--json' },
};

/**
 * What to say for `typed`, an option crawlite does not have: `--max-depth` or a sentence; null
 * when it is no other tool's option that this command has an answer for.
 */
export function otherToolOption(typed: string, known: readonly string[]): string | null {
  // OTHER is crawl's (the one command with --max-depth): stats -o is not a crawl's -o.
  const ownKey = <T>(table: Readonly<Record<string, T>>): T | undefined => (Object.hasOwn(table, typed) ? table[typed] : undefined);
  const own = known.includes('out') ? ownKey(EXPORT_OTHER) : known.includes('max-depth') ? ownKey(OTHER) : undefined;
  const entry = [own, ownKey(ANY_OTHER)].find((e) => e !== undefined && known.includes(e.option));
  if (entry === undefined) return null;
  return entry.say ?? `--${entry.option}`;
}
