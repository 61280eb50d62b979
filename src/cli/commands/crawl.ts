import type { CommandModule } from 'yargs';
import { DEFAULT_DB_PATH } from '../../config/schema.js';
import type { CrawlFlags } from '../../config/load.js';

export const crawlCommand: CommandModule<object, CrawlFlags & { progress?: boolean }> = {
  command: 'crawl <urls..>',
  describe: 'Crawl from one or more seed URLs into a SQLite file',
  builder: (y) =>
    y
      .positional('urls', { describe: 'Seed URLs (http or https)', type: 'string', array: true })
      .option('db', { describe: 'SQLite file to write', type: 'string', default: DEFAULT_DB_PATH, requiresArg: true })
      .option('max-pages', { describe: 'Most URLs to fetch in this run', requiresArg: true, defaultDescription: 'no limit' })
      .option('max-depth', { describe: 'Deepest link distance from a seed', requiresArg: true, defaultDescription: 'no limit' })
      .option('concurrency', { describe: 'Requests in flight overall', requiresArg: true, defaultDescription: '16' })
      .option('per-host', { describe: 'Requests in flight per host', requiresArg: true, defaultDescription: '4' })
      .option('scope', { describe: 'Which links to follow', choices: ['host', 'domain', 'prefix', 'any'], default: 'host' })
      .option('include', { describe: 'Only follow URLs matching this regular expression (repeatable)', type: 'string', array: true, requiresArg: true })
      .option('exclude', { describe: 'Never follow URLs matching this regular expression (repeatable)', type: 'string', array: true, requiresArg: true })
      .option('user-agent', { describe: 'User-Agent header', type: 'string', requiresArg: true, defaultDescription: 'crawlite/<version>' })
      .option('timeout', { describe: 'Seconds allowed for a whole response', requiresArg: true, defaultDescription: '30' })
      .option('max-bytes', { describe: 'Cap on a decoded body (e.g. 10MB); longer bodies are cut', requiresArg: true, defaultDescription: '10MB' })
      .option('workers', { describe: 'Parse threads (0 = parse on the main thread)', requiresArg: true, defaultDescription: 'CPU cores' })
      .option('recrawl', { describe: 'Fetch the stored pages again (If-None-Match / If-Modified-Since); stats shows unchanged, changed, gone', type: 'boolean', default: false })
      .option('sitemaps', { describe: "Also seed from the seeds' sitemaps (robots.txt Sitemap: lines, /sitemap.xml)", type: 'boolean', default: false })
      .option('archive', { describe: 'Also keep compressed bodies as received, so WARC exports are byte-exact', type: 'boolean', default: false })
      .option('progress', { describe: 'Print a progress line every few seconds', type: 'boolean', default: true })
      .example('$0 crawl https://example.org/ --max-pages 500', 'Crawl up to 500 pages of one site into data/crawl.db')
      .example('$0 crawl https://example.org/docs/ --scope prefix --exclude "\\?page="', 'Only URLs under /docs/, skipping paginated lists')
      .example('$0 crawl https://example.org/ --recrawl', 'Fetch every stored page again; keep unchanged ones (304)')
      .example('$0 crawl https://a.example/ https://b.example/ --db data/ab.db --per-host 2', 'Two sites, gently, into their own file'),
  handler: async (argv) => {
    const { runCrawlCommand } = await import('../run-crawl.js');
    process.exitCode = await runCrawlCommand(argv);
  },
};
