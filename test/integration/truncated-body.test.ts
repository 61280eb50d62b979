/**
 * A compressed page whose stream stops early is stored, as browsers show it, but with
 * is_truncated = 1: a reader of the database must be able to tell a partial page from a whole one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

test('a gzip page cut mid-stream by the server closing is stored with its links, marked truncated', async (t) => {
  const links = Array.from({ length: 400 }, (_, i) => `/p${i}`);
  const wire = zlib.gzipSync(page('partly sent', links));
  const site = await startSite({
    '/': page('home', ['/cut', '/whole']),
    // A close-delimited body (no Content-Length, not chunked), as old servers and proxies send:
    // the connection closing is the end of the body, wherever the gzip stream was.
    '/cut': (req) => {
      const head = 'HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-encoding: gzip\r\nconnection: close\r\n\r\n';
      req.socket.end(Buffer.concat([Buffer.from(head, 'latin1'), wire.subarray(0, Math.floor(wire.length / 2))]));
    },
    '/whole': { headers: { 'content-encoding': 'gzip' }, body: wire },
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { maxDepth: 1 });
  assert.equal((await runCrawl(config)).status, 'done');

  const stored = rows<{ url: string; title: string; is_truncated: number; links_found: number }>(
    config.dbPath, 'SELECT url, title, is_truncated, links_found FROM pages WHERE url IN (?, ?) ORDER BY url', site.url('/cut'), site.url('/whole'));
  assert.equal(stored.length, 2);
  const [cut, whole] = stored as [typeof stored[0], typeof stored[0]];
  assert.equal(cut.title, 'partly sent', 'the partial page is kept');
  assert.equal(cut.is_truncated, 1);
  assert.ok(cut.links_found > 0 && cut.links_found < links.length, `links before the cut: ${cut.links_found}`);
  assert.equal(whole.is_truncated, 0);
  assert.equal(whole.links_found, links.length);
});
