import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractFeedLinks } from '../../src/parse/feed-links.js';

const links = (xml: string): string[] => extractFeedLinks(Buffer.from(xml), 'http://a/feed.xml', 100).links.map((l) => l.url);

test('feed-links: an RSS <link> whose CDATA is laid out on a line of its own (pretty-printed feeds) gives its URL', () => {
  assert.deepEqual(links('<rss><channel><item><link>\n    <![CDATA[http://a/p1?x=1&y=2]]>\n  </link></item></channel></rss>'), ['http://a/p1?x=1&y=2']);
  // No CDATA after the blanks: the text itself, as before.
  assert.deepEqual(links('<rss><channel><item><link>\n  http://a/p2\n</link></item></channel></rss>'), ['http://a/p2']);
});

test('feed-links: an Atom rel is read as link relation types are, without regard to case (RFC 8288 2.1.1)', () => {
  assert.deepEqual(links('<feed><entry><link href="/e1" rel="Alternate"/></entry><entry><link href="/e2" rel="SELF"/></entry></feed>'), ['http://a/e1']);
});
