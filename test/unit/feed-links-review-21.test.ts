/**
 * Review 21: a feed's links are read by a linear scan that "no input costs more than a pass over"
 * (feed-links.ts). Its tag and attribute patterns backtracked over a long run of name characters
 * (`<` then a long word, or a `<link` whose attributes are one long word): quadratic, 40,000
 * characters took 3 s, and a feed of 1 MB so held a parse thread until the task timeout, the feed
 * lost as CRAWL_PARSE_TIMEOUT and its items' links with it. Run on the real pool with its default
 * timeout, the links are read.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ParsePool } from '../../src/parse/pool.js';
import { defaultConfig } from '../../src/config/schema.js';
import type { ParseTask } from '../../src/types.js';

const FEED = 'https://blog.example/feed.xml';

const feedTask = (xml: string): ParseTask => ({
  url: FEED, contentType: 'application/rss+xml', body: new TextEncoder().encode(xml), isHtml: false, isFeed: true, maxLinks: 100,
});

test('a feed holding a 1 MB run of name characters after a "<", or as a <link>\'s attributes, still gives its items\' links within the parse timeout', async (t) => {
  const pool = new ParsePool({ workers: 2, maxLinksPerPage: 100, taskTimeoutMs: defaultConfig().parse.taskTimeoutMs });
  t.after(() => pool.close());
  const run = 'a'.repeat(1 << 20);
  const items = '<rss><channel><item><link>https://blog.example/a/</link></item><item><link>/b/</link></item>';
  const afterLt = await pool.run(feedTask(`${items}<item><description><${run}</description></item></channel></rss>`));
  const inAttrs = await pool.run(feedTask(`${items}<item><link ${run}>/c/</link></item></channel></rss>`));
  for (const outcome of [afterLt, inAttrs]) {
    assert.equal(outcome.ok, true, outcome.ok ? '' : `${outcome.code}: ${outcome.message}`);
    assert.deepEqual(outcome.ok && outcome.links.map((l) => l.url).slice(0, 2), ['https://blog.example/a/', 'https://blog.example/b/']);
  }
});
