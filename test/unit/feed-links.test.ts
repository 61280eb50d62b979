import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractFeedLinks, isFeed } from '../../src/parse/feed-links.js';

const FEED = 'https://blog.example/feed/index.xml';
const bytes = (s: string) => new TextEncoder().encode(s);
const urls = (xml: string, maxLinks = 100) => extractFeedLinks(bytes(xml), FEED, maxLinks).links.map((l) => l.url);

describe('isFeed', () => {
  it('takes the RSS and Atom types, and generic XML only with a feed root', () => {
    assert.equal(isFeed('application/rss+xml; charset=UTF-8', bytes('')), true);
    assert.equal(isFeed('Application/Atom+XML', bytes('')), true);
    assert.equal(isFeed('application/xml', bytes('<?xml version="1.0"?>\n<!-- generator --><?xml-stylesheet href="/f.xsl"?><rss version="2.0">')), true);
    assert.equal(isFeed('text/xml', bytes('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">')), true);
    assert.equal(isFeed('application/rdf+xml', bytes('<rdf:RDF xmlns:rdf="x">')), true);
    assert.equal(isFeed('application/xml', bytes('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')), false);
    assert.equal(isFeed('application/json', bytes('{"rss":1}')), false);
    assert.equal(isFeed('text/html', bytes('<rss>')), false);
  });
});

describe('extractFeedLinks', () => {
  it('reads RSS items\' <link>, as text or CDATA, entities decoded, not the channel\'s own link', () => {
    assert.deepEqual(urls(`<rss version="2.0"><channel><title>t</title><link>https://blog.example/</link>
      <item><title>a</title><link>https://blog.example/posts/a/</link><guid>https://blog.example/?p=1</guid></item>
      <item><link><![CDATA[https://blog.example/posts/b/?x=1&y=2]]></link></item>
      <item><link> /posts/c/?x=1&amp;y=2 </link><atom:link rel="self" href="/x"/></item>
      <item><link>https://blog.example/posts/a/#comments</link></item></channel></rss>`),
    ['https://blog.example/posts/a/', 'https://blog.example/posts/b/?x=1&y=2', 'https://blog.example/posts/c/?x=1&y=2']);
  });

  it('reads Atom entries\' alternate links, relative ones against the feed, not self, enclosure or replies', () => {
    assert.deepEqual(urls(`<feed xmlns="http://www.w3.org/2005/Atom"><link href="/" rel="alternate"/><link rel="self" href="/atom.xml"/>
      <entry><link href="../posts/a/"/><link rel="replies" href="/posts/a/comments.xml"/><link rel='enclosure' href="/a.mp3"/></entry>
      <entry><link rel="alternate" type="text/html" href="https://blog.example/posts/b/"/><link rel="edit" href="/api/b"/></entry></feed>`),
    ['https://blog.example/posts/a/', 'https://blog.example/posts/b/']);
  });

  it('reads RSS 1.0 items; drops javascript:, unparseable and overlong links; counts past maxLinks', () => {
    const xml = `<rdf:RDF><item rdf:about="x"><link>https://blog.example/1</link></item><item><link>javascript:alert(1)</link></item>
      <item><link>http://[bad</link></item><item><link>https://blog.example/${'a'.repeat(9000)}</link></item>
      <item><link>https://blog.example/2</link></item><item><link>https://blog.example/3</link></item></rdf:RDF>`;
    const { links, linksFound } = extractFeedLinks(bytes(xml), FEED, 1);
    assert.deepEqual(links.map((l) => l.url), ['https://blog.example/1']);
    assert.equal(linksFound, 3);
  });

  it('survives malformed input: unclosed links and CDATA, stray brackets, items never closed', () => {
    assert.deepEqual(urls('<rss><item><link>https://blog.example/ok</link><item><link><![CDATA[https://blog.example/unclosed'), ['https://blog.example/ok']);
    const hostile = '<item><link>' + '<'.repeat(50_000) + '<link><![CDATA['.repeat(5_000);
    assert.deepEqual(urls(hostile), []);
  });
});

describe('parsePage on a feed', () => {
  const xml = '<rss><channel><item><link>/posts/a/</link></item></channel></rss>';
  const task = (shouldKeepBody: boolean) => ({ url: FEED, contentType: 'application/rss+xml', body: bytes(xml), isHtml: false, isFeed: true, shouldKeepBody, maxLinks: 10 });

  it('returns its items as links, its body dropped (metadata only) or kept (--store-non-html)', async () => {
    const { parsePage } = await import('../../src/parse/parse-page.js');
    const dropped = parsePage(task(false));
    const kept = parsePage(task(true));
    for (const outcome of [dropped, kept]) {
      assert.ok(outcome.ok);
      assert.deepEqual(outcome.links, [{ url: 'https://blog.example/posts/a/', text: '', isNofollow: false }]);
      assert.equal(outcome.htmlBytes, xml.length);
    }
    assert.ok(dropped.ok && kept.ok);
    assert.equal(dropped.content.byteLength, 0);
    assert.ok(kept.content.byteLength > 0);
    assert.equal(dropped.contentHash, kept.contentHash);
  });
});
