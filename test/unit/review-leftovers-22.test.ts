import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractPage } from '../../src/parse/extract.js';
import { formatBinaryBytes } from '../../src/format-numbers.js';

test('a <link rel="next"> typed with parameters (text/html; charset=utf-8) is an HTML page and followed; a non-HTML type with parameters is not', () => {
  const page = extractPage(`<head><link rel="next" type="text/html; charset=utf-8" href="/p2">
    <link rel="alternate" type="application/rss+xml; charset=utf-8" href="/feed/">
    <link rel="next" type="application/pdf; x=1" href="/p2.pdf"></head><body></body>`, 'https://example.org/', 100);
  assert.deepEqual(page.links.map((l) => l.url), ['https://example.org/p2', 'https://example.org/feed/']);
});

test('formatBinaryBytes never prints 1024.0 of a unit: just under a MiB is 1.0 MiB', () => {
  assert.equal(formatBinaryBytes(1023), '1023 B');
  assert.equal(formatBinaryBytes(1024), '1.0 KiB');
  assert.equal(formatBinaryBytes(1_048_575), '1.0 MiB');
  assert.equal(formatBinaryBytes(1_048_524), '1023.9 KiB');
  assert.equal(formatBinaryBytes(1024 ** 3 - 1), '1.0 GiB');
});

test('a feed\'s commented-out item gives no link; items around comments, and a tag ending inside one, still do', async () => {
  const { extractFeedLinks } = await import('../../src/parse/feed-links.js');
  const feed = `<?xml version="1.0"?><!-- generator --><rss><channel>
    <item><link>https://example.org/a</link></item>
    <!-- <item><link>https://example.org/hidden</link></item> -->
    <item><title>b <!-- x --></title><link>https://example.org/b</link></item>
    <!-- unclosed <item><link>https://example.org/never</link></item>`;
  const { links } = extractFeedLinks(new TextEncoder().encode(feed), 'https://example.org/feed.xml', 100);
  assert.deepEqual(links.map((l) => l.url), ['https://example.org/a', 'https://example.org/b']);
});

test('a header named __proto__ is refused in one line, from --header and from a job file (it was dropped without a word: the name sets a plain object\'s prototype)', async (t) => {
  const { parseHeaderFlags } = await import('../../src/config/request-headers.js');
  const { loadCrawlConfig } = await import('../../src/config/load-job.js');
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tempDir } = await import('../helpers/config.js');
  assert.deepEqual(parseHeaderFlags(['X-A: b', '__proto__: x']), { problem: "invalid --header (the 2nd one): header '__proto__' cannot be set: it is no HTTP header, and crawlite keeps headers by name in objects where this name is reserved" });
  const dir = tempDir(t, 'crawlite-proto-');
  for (const [name, text] of [['job.yaml', 'seeds: [https://example.org/]\nfetch: { headers: { __proto__: x, X-A: b } }\n'], ['job.json', '{"seeds": ["https://example.org/"], "fetch": {"headers": {"__proto__": "x"}}}']] as const) {
    writeFileSync(join(dir, name), text);
    await assert.rejects(loadCrawlConfig({ config: join(dir, name) }), { code: 'CRAWL_CONFIG_INVALID', message: /fetch\.headers: header '__proto__' cannot be set/ });
  }
  writeFileSync(join(dir, 'ok.yaml'), 'seeds: [https://example.org/]\nfetch: { headers: { X-A: b } }\n');
  assert.deepEqual((await loadCrawlConfig({ config: join(dir, 'ok.yaml') })).config.fetch.headers, { 'X-A': 'b' });
});
