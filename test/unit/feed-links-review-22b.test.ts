/**
 * Review 22b: a `<!--` inside a CDATA section is text, not a comment. A description whose HTML
 * was cut short inside a comment (`<![CDATA[<p>Cut <!-- wp:more ]]>`) hid every item after it
 * until the next `-->` (to the end of the feed when none).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractFeedLinks } from '../../src/parse/feed-links.js';

const links = (xml: string): string[] => extractFeedLinks(Buffer.from(xml), 'http://a/feed.xml', 100).links.map((l) => l.url);

test('feed-links: a comment opened inside CDATA hides no later item', () => {
  assert.deepEqual(links(`<rss><channel><link>http://a/</link>
    <item><link>http://a/1</link><description><![CDATA[<p>Cut short <!-- wp:more ]]></description></item>
    <item><link>http://a/2</link></item>
    <item><link>http://a/3</link></item></channel></rss>`), ['http://a/1', 'http://a/2', 'http://a/3']);
  // A later real comment is still one; so is one holding a CDATA start.
  assert.deepEqual(links(`<rss><channel><item><link>http://a/1</link><description><![CDATA[a <!-- b]]></description></item>
    <!-- <item><link>http://a/old</link></item> -->
    <item><link>http://a/2</link></item>
    <!-- <![CDATA[ --><item><link>http://a/3</link></item></channel></rss>`), ['http://a/1', 'http://a/2', 'http://a/3']);
  // A CDATA section never closed: what follows is its text, as before no comment is looked for in it.
  assert.deepEqual(links('<rss><channel><item><link>http://a/1</link><description><![CDATA[x <!-- y'), ['http://a/1']);
});

test('feed-links: many CDATA sections holding comment starts cost one pass', () => {
  const item = (i: number) => `<item><link>http://a/${i}</link><description><![CDATA[<p>x <!-- y]]></description></item>`;
  const xml = `<rss><channel>${Array.from({ length: 20_000 }, (_, i) => item(i)).join('')}</channel></rss>`;
  assert.equal(extractFeedLinks(Buffer.from(xml), 'http://a/feed.xml', 100_000).links.length, 20_000);
});
