/**
 * Options of the crawlers crawlite's users come from (wget, Scrapy, Crawlee, HTTrack), mapped to
 * crawlite's own: `--depth 2` or wget's `--level` said only "Unknown argument: depth" and named
 * --help (QA 20), since no edit distance leads from depth to --max-depth or from wait to --delay.
 * Each maps to an option of the command typed (the hint is given only when that command has it),
 * or, where crawlite works otherwise, to what to do instead.
 */
interface OtherOption {
  /** The crawlite option meant, without dashes; the hint is given only where the command has it. */
  option: string;
  /** Said instead of the bare option, when the option alone would mislead. */
  say?: string;
}

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
  c: { option: 'db', say: 'no -c: run the same crawl command again on its --db to continue it' },
  continue: { option: 'db', say: 'no --continue: run the same crawl command again on its --db to continue it' },
  'warc-file': { option: 'archive', say: 'for a WARC file: crawl --archive, then crawlite export --format warc --out crawl.warc.gz' },
  o: { option: 'db', say: 'crawl writes every page to its --db; write a file from it with crawlite export --out pages.jsonl (or .csv, .warc.gz)' },
  O: { option: 'db', say: 'crawl writes every page to its --db; write a file from it with crawlite export --out pages.jsonl (or .csv, .warc.gz)' },
  output: { option: 'db', say: 'crawl writes every page to its --db; write a file from it with crawlite export --out pages.jsonl (or .csv, .warc.gz)' },
  'output-document': { option: 'db', say: 'crawl writes every page to its --db; write a file from it with crawlite export --out pages.jsonl (or .csv, .warc.gz)' },
  verbose: { option: 'log-format', say: '--log-format json (a line per page and per failed URL)' },
};

/** The output options of export and report: Scrapy's -o, wget's -O. */
const EXPORT_OTHER: Readonly<Record<string, OtherOption>> = {
  o: { option: 'out' }, O: { option: 'out' }, output: { option: 'out' }, 'output-file': { option: 'out' },
  'output-format': { option: 'format' }, t: { option: 'format' },
};

/**
 * What to say for `typed`, an option crawlite does not have: `--max-depth` or a sentence; null
 * when it is no other tool's option that this command has an answer for.
 */
export function otherToolOption(typed: string, known: readonly string[]): string | null {
  // OTHER is crawl's (the one command with --max-depth): stats -o is not a crawl's -o.
  const entry = known.includes('out') ? EXPORT_OTHER[typed] : known.includes('max-depth') ? OTHER[typed] : undefined;
  if (entry === undefined || !known.includes(entry.option)) return null;
  return entry.say ?? `--${entry.option}`;
}
