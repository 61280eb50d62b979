// Crawlee (CheerioCrawler from @crawlee/cheerio 3.x) over the bench site, doing what a default
// crawlite crawl does: fetch every page, parse it (cheerio), extract title, visible text and
// links, follow same-host links once each, 32 requests in flight, obey robots.txt, and store
// {url, title, text} per page in Crawlee's default dataset (one JSON file per item, under
// CRAWLEE_STORAGE_DIR, which run.sh points at a temp folder).
//
//   CRAWLEE_STORAGE_DIR=/tmp/x node crawlee.mjs <start-url>
import { CheerioCrawler, Configuration, EnqueueStrategy, log } from '@crawlee/cheerio';

const [startUrl] = process.argv.slice(2);
if (!startUrl) {
  console.error('usage: CRAWLEE_STORAGE_DIR=<dir> node crawlee.mjs <start-url>');
  process.exit(2);
}
log.setLevel(log.LEVELS.WARNING);

// Text never shown, as crawlite leaves it out of a page's text.
const HIDDEN = 'script, style, noscript, template, svg, iframe, object, noembed, noframes';
const collapse = (s) => s.replace(/\s+/g, ' ').trim();

const crawler = new CheerioCrawler(
  {
    // A fixed pool of 32, as crawlite's --concurrency 32: min = max = desired leaves the
    // autoscaler nothing to scale, and its CPU/memory snapshots can only log.
    minConcurrency: 32,
    maxConcurrency: 32,
    autoscaledPoolOptions: { desiredConcurrency: 32 },
    maxRequestsPerMinute: Infinity,
    // The default is already unlimited; said here so nobody wonders.
    maxRequestsPerCrawl: undefined,
    maxRequestRetries: 3,
    respectRobotsTxtFile: true,
    async requestHandler({ request, $, enqueueLinks, pushData }) {
      const title = collapse($('title').first().text());
      // Same host only (Crawlee's default strategy, spelled out); fragments are dropped by the
      // request queue's uniqueKey normalization, so 12.html#related is 12.html.
      await enqueueLinks({ strategy: EnqueueStrategy.SameHostname });
      $(HIDDEN).remove();
      const text = collapse($('body').text());
      await pushData({ url: request.loadedUrl ?? request.url, title, text });
    },
    failedRequestHandler({ request }, error) {
      console.error(`crawlee: failed ${request.url}: ${error.message}`);
    },
  },
  // persistStorage stays on (the default): items and the request queue go to disk as usual.
  new Configuration({ purgeOnStart: true }),
);

const stats = await crawler.run([startUrl]);
if (stats.requestsFailed > 0) console.error(`crawlee: ${stats.requestsFailed} failed requests`);
