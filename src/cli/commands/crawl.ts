import type { CommandModule } from 'yargs';
import { DEFAULT_DB_PATH } from '../../config/schema.js';
import type { JobFlags } from '../../config/load-job.js';
import type { ViewFlags } from '../progress-view.js';

/**
 * Valued options whose --no- form means "none" (config/load.ts): the way to drop what a crawl
 * continued without URLs carries over (or a job file sets), as --no-proxy drops a proxy. Every
 * other --no-<valued option> is refused (cli/refuse-negations.ts).
 */
export const CRAWL_NEGATABLE = ['proxy', 'max-depth', 'max-pages', 'max-time', 'max-db-size', 'include', 'exclude', 'user-agent', 'delay', 'ca-file'] as const;

export const crawlCommand: CommandModule<object, JobFlags & ViewFlags> = {
  command: 'crawl [urls..]',
  describe: 'Crawl from one or more seed URLs into a SQLite file; with none, continue the last crawl in --db',
  builder: (y) =>
    y
      .positional('urls', { describe: 'Seed URLs (http or https); replace the job file\'s seeds. With no URL, -i or --config, the last crawl in --db is continued: its seeds, scope and options, under the flags given now (not its --max-pages, --max-time, --max-db-size, --recrawl, --retry-failed, --workers; -H headers must be given again). A flag changes a carried option; --no-max-depth, --no-include, --no-exclude, --no-user-agent, --no-delay, --no-proxy, --no-ca-file and the --no- form of a switch (--no-sitemaps) drop one', type: 'string', array: true })
      // No yargs defaults below: an option the user did not type must not override the job file.
      .option('seeds-file', { alias: 'i', describe: 'Read seed URLs from a file, one per line (- for stdin; # comments and blank lines skipped); with the URLs typed, they replace the job file\'s seeds', type: 'string', requiresArg: true })
      .option('config', { describe: 'Job file (.yaml or .json); flags override its values', type: 'string', requiresArg: true })
      .option('db', { describe: 'SQLite file to write', type: 'string', requiresArg: true, defaultDescription: DEFAULT_DB_PATH })
      .option('max-pages', { describe: 'Most URLs to fetch in this run (--no-max-pages: no limit, e.g. to lift a job file\'s)', type: 'string', requiresArg: true, defaultDescription: 'no limit' })
      .option('max-depth', { describe: 'Deepest link distance from a seed (--no-max-depth: no limit, e.g. to lift a continued crawl\'s)', type: 'string', requiresArg: true, defaultDescription: 'no limit' })
      .option('max-time', { describe: 'Take no new URL after this long (90, 90s, 10m, 1h30m); requests in flight finish, the rest stays queued for the next run (--no-max-time: no limit)', type: 'string', requiresArg: true, defaultDescription: 'no limit' })
      .option('concurrency', { describe: 'Requests in flight overall', type: 'string', requiresArg: true, defaultDescription: '16' })
      .option('per-host', { describe: 'Requests in flight per host', type: 'string', requiresArg: true, defaultDescription: '8' })
      .option('scope', { describe: 'Which links to follow', choices: ['host', 'domain', 'prefix', 'any'], defaultDescription: 'host', requiresArg: true })
      .option('include', { describe: 'Only follow URLs matching this regular expression (repeatable; --no-include: none, e.g. to drop a continued crawl\'s)', type: 'string', array: true, requiresArg: true })
      .option('exclude', { describe: 'Never follow URLs matching this regular expression (repeatable; --no-exclude: none, e.g. to drop a continued crawl\'s)', type: 'string', array: true, requiresArg: true })
      .option('user-agent', { describe: 'User-Agent header (--no-user-agent: the default, e.g. instead of a continued crawl\'s)', type: 'string', requiresArg: true, defaultDescription: 'crawlite/<version> (+https://github.com/crawlite/crawlite)' })
      .option('header', { alias: 'H', describe: 'Extra request header "Name: value" (repeatable), e.g. Authorization or Cookie; sent only to the seeds\' origins (scheme, host, port), never to other hosts reached by links or redirects. Host, Content-Length, Connection, User-Agent and a few more are refused', type: 'string', array: true, requiresArg: true })
      .option('insecure', { alias: 'k', describe: 'Accept TLS certificates that do not verify (self-signed, expired, wrong host); announced on stderr', type: 'boolean' })
      .option('ca-file', { describe: 'PEM file of root certificates to trust besides the usual ones, for a corporate or private CA (--no-ca-file: none, e.g. to drop a continued crawl\'s)', type: 'string', requiresArg: true })
      .option('proxy', { describe: 'HTTP(S) proxy for every request, e.g. http://user:pass@proxy:3128; --no-proxy connects directly, ignoring http_proxy/https_proxy/all_proxy (used by default, loopback excepted; no_proxy lists hosts that go direct)', type: 'string', requiresArg: true, defaultDescription: 'the environment\'s' })
      .option('cookies', { describe: 'Send back the cookies servers set, for this run (--no-cookies: never send cookies)', type: 'boolean', defaultDescription: 'true' })
      .option('timeout', { describe: 'Time allowed for a whole response, in seconds or with a unit (500ms, 30s, 2m)', type: 'string', requiresArg: true, defaultDescription: '30' })
      .option('max-bytes', { describe: 'Cap on a decoded body (e.g. 10MB); longer bodies are cut', type: 'string', requiresArg: true, defaultDescription: '10MB' })
      .option('delay', { describe: 'Time between request starts to one host, in seconds or with a unit (500ms, 2s) (robots.txt Crawl-delay may raise it; --no-delay: 0)', type: 'string', requiresArg: true, defaultDescription: '0' })
      .option('retries', { describe: 'Further attempts after a network error, timeout, 5xx, 408 or 429 (a malformed response: at most one)', type: 'string', requiresArg: true, defaultDescription: '3' })
      .option('max-redirects', { describe: 'Most redirects followed per URL', type: 'string', requiresArg: true, defaultDescription: '10' })
      .option('ignore-robots', { describe: 'Do not fetch or obey robots.txt (announced on stderr; --sitemaps still reads its Sitemap: lines)', type: 'boolean' })
      .option('max-query-variants', { describe: 'Spider-trap cap: most distinct query strings of one path followed from pages of that same path (calendars, endless pagination)', type: 'string', requiresArg: true, defaultDescription: '500' })
      .option('max-repeat-run', { describe: 'Spider-trap cap: pages in a row of one URL pattern, the same but for their numbers (an endless pagination), after which their links are not followed (e.g. 100); 0: none', type: 'string', requiresArg: true, defaultDescription: '0' })
      .option('follow-nofollow', { describe: 'Also follow links marked rel="nofollow"', type: 'boolean' })
      .option('store-non-html', { describe: 'Store the bodies of non-HTML responses (PDF, images...), not only their metadata', type: 'boolean' })
      .option('workers', { describe: 'Parse threads (0 = parse on the main thread)', type: 'string', requiresArg: true, defaultDescription: 'CPU cores' })
      .option('recrawl', { describe: 'Fetch the stored pages again (If-None-Match / If-Modified-Since); stats shows unchanged, changed, gone', type: 'boolean' })
      .option('retry-failed', { describe: 'Queue the URLs that failed in earlier runs on this --db again (refused, timed out, 5xx...)', type: 'boolean' })
      .option('sitemaps', { describe: "Also seed from the seeds' sitemaps (robots.txt Sitemap: lines, /sitemap.xml)", type: 'boolean' })
      .option('archive', { describe: 'Also keep compressed bodies as received, so WARC exports are byte-exact', type: 'boolean' })
      .option('progress', { describe: 'Live status on a terminal; --no-progress prints a plain line every few seconds instead', type: 'boolean', default: true })
      .option('progress-interval', { describe: 'Time between plain progress lines (not a terminal, or --no-progress), in seconds or with a unit', type: 'string', requiresArg: true, defaultDescription: '5' })
      .option('quiet', { alias: 'q', describe: 'Print only warnings and errors: no progress, no summary (with --log-format json: no page events, no summary)', type: 'boolean', default: false })
      .option('log-format', { describe: 'json: one JSON event per page and per failed URL on stderr, for machines', choices: ['text', 'json'], default: 'text', defaultDescription: 'text', requiresArg: true })
      .option('dry-run', { describe: 'Check the job file and flags, print the options the crawl would run with (JSON on stdout), and stop: nothing is fetched or written', type: 'boolean' })
      .option('max-db-size', { describe: 'Stop cleanly, keeping what is stored, when the database reaches this size (e.g. 2GB; --no-max-db-size: no limit)', type: 'string', requiresArg: true, defaultDescription: 'no limit' })
      // Grouped as wget's --help groups its options: 35 in one list read as a wall (QA 20).
      .group(['seeds-file', 'config', 'db', 'dry-run'], 'Input and output:')
      .group(['max-pages', 'max-depth', 'max-time', 'max-db-size'], 'Limits:')
      .group(['scope', 'include', 'exclude', 'follow-nofollow', 'max-query-variants', 'max-repeat-run', 'sitemaps'], 'Which links to follow:')
      .group(['concurrency', 'per-host', 'delay', 'timeout', 'retries', 'max-redirects', 'max-bytes', 'ignore-robots'], 'Pace and politeness:')
      .group(['user-agent', 'header', 'cookies', 'proxy', 'insecure', 'ca-file'], 'Requests:')
      .group(['recrawl', 'retry-failed', 'store-non-html', 'archive', 'workers'], 'What to fetch and keep:')
      .group(['progress', 'progress-interval', 'quiet', 'log-format'], 'Progress and logs:')
      .example('$0 crawl --config config/books.yaml', 'Run a job file (seeds, scope, limits, extraction fields)')
      .example('$0 crawl --config job.yaml --dry-run | jq .scope', 'Check a job file: the options it comes to, with nothing fetched')
      .example('$0 crawl https://example.org/ --max-pages 500', 'Crawl up to 500 pages of one site into data/crawl.db')
      .example('$0 crawl https://example.org/docs/ --scope prefix --exclude "\\?page="', 'Only URLs under /docs/, skipping paginated lists')
      .example('$0 crawl --seeds-file urls.txt --max-depth 0', 'Fetch a list of URLs (one per line), and no links')
      .example('$0 crawl --db data/x.db', 'Continue the last crawl in data/x.db (after Ctrl+C or --max-time): same seeds and scope')
      .example('$0 crawl --db data/x.db --no-max-depth', 'Continue it with no depth limit, whatever its last run had')
      .example('$0 crawl https://example.org/ --recrawl', 'Fetch every stored page again; keep unchanged ones (304)')
      .example('$0 crawl --retry-failed', 'Continue the last crawl in data/crawl.db, fetching again the URLs that failed')
      .example('$0 crawl https://a.example/ https://b.example/ --db data/ab.db --per-host 2', 'Two sites, gently, into their own file')
      .example('$0 crawl https://example.org/ --log-format json 2> events.jsonl', 'One JSON object per page and per error, for scripts')
      .example('$0 crawl https://intranet.example/ --header "Authorization: Bearer $TOKEN"', 'Crawl behind auth; the header goes to https://intranet.example only')
      .example('$0 crawl https://intranet.example/ --ca-file corp-root.pem', 'Trust a private root CA too (Node\'s usual roots stay trusted)')
      .example('$0 crawl https://example.org/ --proxy http://proxy.corp:3128', 'Every request through a proxy (https:// URLs tunnelled with CONNECT)')
      .example('$0 crawl https://example.org/ --max-db-size 2GB --quiet', 'Stop before the file passes 2 GB; print only warnings and errors'),
  handler: async (argv) => {
    // Already in place since main.ts started (this shares it, for a crawl run by other code):
    // loading the pipeline below is most of a crawl's first second.
    const { exitOnEarlyInterrupt } = await import('../early-interrupt.js');
    const handOver = exitOnEarlyInterrupt();
    const { runCrawlCommand } = await import('../run-crawl.js');
    process.exitCode = await runCrawlCommand(argv, handOver);
  },
};
