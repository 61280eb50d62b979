import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractFeedLinks } from '../../src/parse/feed-links.js';

const FEED = 'https://blog.example/feed/index.xml';
const bytes = (s: string) => new TextEncoder().encode(s);
const urls = (xml: string, maxLinks = 100) => extractFeedLinks(bytes(xml), FEED, maxLinks).links.map((l) => l.url);

describe('extractFeedLinks: xml:base', () => {
  it('resolves Atom links against the xml:base of the feed, the entry and the link, each against the one around it', () => {
    assert.deepEqual(urls(`<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/blog/">
      <entry><link href="posts/a/"/></entry>
      <entry xml:base="2026/"><link href="b.html"/><link rel="replies" href="c.xml"/></entry>
      <entry><link href="posts/d/" xml:base="/other/"/></entry>
      <entry xml:base="https://cdn.example/x/"><link href="e"/></entry>
      <entry><link href="f"/></entry></feed>`), [
      'https://blog.example/blog/posts/a/', 'https://blog.example/blog/2026/b.html', 'https://blog.example/other/posts/d/',
      'https://cdn.example/x/e', 'https://blog.example/blog/f',
    ]);
  });

  it('keeps a scope open across nested elements of its own name, and ignores an unusable or non-http base', () => {
    assert.deepEqual(urls(`<feed><div xml:base="/d/"><div><p/></div><entry><link href="a"/></entry></div>
      <entry xml:base="javascript:x"><link href="b"/></entry><entry xml:base="http://[bad/"><link href="c"/></entry></feed>`),
    ['https://blog.example/d/a', 'https://blog.example/feed/b', 'https://blog.example/feed/c']);
  });

  it('applies to RSS links too, and an entity in xml:base is decoded', () => {
    assert.deepEqual(urls('<rss><channel xml:base="https://blog.example/a&amp;b/"><item><link>p1/</link></item></channel><item><link>p2/</link></item></rss>'),
      ['https://blog.example/a&b/p1/', 'https://blog.example/feed/p2/']);
  });
});

describe('extractFeedLinks: rel, RSS 1.0, guid', () => {
  it('compares Atom rel case-insensitively, and takes IANA\'s full IRI for alternate', () => {
    assert.deepEqual(urls(`<feed><entry><link rel="Alternate" href="/a/"/><link rel="SELF" href="/self/"/></entry>
      <entry><link rel="http://www.iana.org/assignments/relation/alternate" href="/b/"/></entry><entry><link rel="ENCLOSURE" href="/c.mp3"/></entry></feed>`),
    ['https://blog.example/a/', 'https://blog.example/b/']);
  });

  it('reads RSS 1.0 items outside the channel, prefixed names, and rdf:about when an item has no link', () => {
    assert.deepEqual(urls(`<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://purl.org/rss/1.0/">
      <rss:channel rdf:about="https://blog.example/"><rss:link>https://blog.example/</rss:link><rss:items><rdf:Seq><rdf:li rdf:resource="https://blog.example/1"/></rdf:Seq></rss:items></rss:channel>
      <rss:item rdf:about="https://blog.example/1"><rss:title>1</rss:title><rss:link>https://blog.example/1</rss:link></rss:item>
      <item rdf:about="https://blog.example/2"><title>2</title></item>
      <item rdf:about="urn:x:3"><title>3</title></item></rdf:RDF>`),
    ['https://blog.example/1', 'https://blog.example/2']);
  });

  it('takes a permalink <guid> when an item has no <link>; not isPermaLink="false", not one that is no http(s) URL, not when a link exists', () => {
    assert.deepEqual(urls(`<rss><channel>
      <item><title>a</title><guid isPermaLink="true">https://blog.example/a/</guid></item>
      <item><guid>https://blog.example/b/</guid></item>
      <item><guid isPermaLink="false">https://blog.example/c/</guid></item>
      <item><guid ISPERMALINK = 'FALSE'>https://blog.example/c2/</guid></item>
      <item><guid>tag:blog.example,2026:d</guid></item><item><guid>12345</guid></item>
      <item><guid>https://blog.example/?p=5</guid><link>https://blog.example/e/</link></item>
      <item><link>https://blog.example/f/</link><guid><![CDATA[https://blog.example/?p=6]]></guid></item>
      <item><guid>https://blog.example/g/</guid>`), [
      'https://blog.example/a/', 'https://blog.example/b/', 'https://blog.example/e/', 'https://blog.example/f/', 'https://blog.example/g/',
    ]);
  });
});
