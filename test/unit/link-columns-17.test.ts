import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packLinks, unpackLinks } from '../../src/parse/link-columns.js';
import { ParsePool } from '../../src/parse/pool.js';
import { parsePage } from '../../src/parse/parse-page.js';
import type { ExtractedLink, ParseTask } from '../../src/types.js';

test('links packed into columns come back as the same objects, in order, flags and all', () => {
  const links: ExtractedLink[] = [
    { url: 'http://h.test/a', text: 'A', isNofollow: false },
    { url: 'http://h.test/b?x=1', text: '', isNofollow: true },
    { url: 'http://h.test/%C3%A9', text: 'été — 日本 \ud83d\ude00', isNofollow: false },
    { url: 'http://h.test/a', text: 'A again', isNofollow: true },
  ];
  const columns = packLinks(links);
  assert.deepEqual(columns, {
    urls: ['http://h.test/a', 'http://h.test/b?x=1', 'http://h.test/%C3%A9', 'http://h.test/a'],
    texts: ['A', '', 'été — 日本 \ud83d\ude00', 'A again'],
    nofollow: [false, true, false, true],
  });
  assert.deepEqual(unpackLinks(structuredClone(columns)), links);
  assert.deepEqual(unpackLinks(packLinks([])), []);
});

test('a page parsed on a worker thread has the links parsePage gives inline, nofollow ones included', async (t) => {
  const anchors = Array.from({ length: 40 }, (_, i) => `<a href="/p/${i}"${i % 3 === 0 ? ' rel="nofollow"' : ''}>link ${i} é</a>`).join(' ');
  const html = `<!doctype html><html><head><title>T</title></head><body><p>text</p>${anchors}</body></html>`;
  const task = (): ParseTask => ({ url: 'http://h.test/', body: Uint8Array.from(Buffer.from(html)), contentType: 'text/html; charset=utf-8', isHtml: true, maxLinks: 1000 });
  const inline = parsePage(task());
  assert.ok(inline.ok);
  assert.equal(inline.links.length, 40);
  assert.equal(inline.links.filter((l) => l.isNofollow).length, 14);
  const pool = new ParsePool({ workers: 1, maxLinksPerPage: 1000, taskTimeoutMs: 10_000 });
  t.after(() => pool.close());
  const outcome = await pool.run(task());
  assert.deepEqual(outcome, inline);
});
