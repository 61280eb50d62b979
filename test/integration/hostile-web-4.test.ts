/**
 * Hostile-web QA, round 4: what real servers send that earlier rounds did not cover. Each test
 * starts its own server on 127.0.0.1 and runs the real crawl on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runCrawl } from '../../src/crawl.js';
import { defaultPolitenessConfig } from '../../src/config/schema.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

/**
 * A 304 may carry the Content-Length of the representation it stands for (RFC 9110 section 8.6;
 * IIS, Tornado and Cowboy send it), and some servers put one on a 204: neither has content.
 */
function conditional(body: string, etag: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const length = String(Buffer.byteLength(body));
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag, 'content-length': length }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag, 'content-length': length }).end(body);
  };
}

test('a 304 or 204 with a Content-Length has no content: --recrawl finds the page unchanged, a 204 is stored empty', async (t) => {
  const home = page('home', ['/same', '/empty']);
  const same = page('same page');
  const site = await startSite({
    '/': conditional(home, '"h1"'),
    '/same': conditional(same, '"s1"'),
    '/empty': (_req, res) => {
      res.writeHead(204, { 'content-length': '50' }).end();
    },
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], {
    fetch: { politeness: { ...defaultPolitenessConfig(), retries: 0 } },
  });
  const first = await runCrawl(config);
  assert.equal(first.status, 'done');

  const again = await runCrawl({ ...config, recrawl: true });
  assert.equal(again.status, 'done');
  const urls = rows<{ url: string; state: string; error_code: string | null; error_message: string | null }>(
    config.dbPath, 'SELECT url, state, error_code, error_message FROM urls ORDER BY url');
  assert.deepEqual(urls.filter((u) => u.state !== 'done'), [], 'no URL failed');
  const pages = rows<{ url: string; status: number; title: string | null; recrawl_status: string | null }>(
    config.dbPath, 'SELECT url, status, title, recrawl_status FROM pages ORDER BY url');
  const at = (path: string) => pages.find((p) => p.url === site.url(path));
  assert.equal(at('/')?.recrawl_status, 'unchanged');
  assert.equal(at('/same')?.recrawl_status, 'unchanged');
  assert.equal(at('/same')?.title, 'same page', 'the stored content is kept');
  assert.equal(at('/empty')?.status, 204);
  assert.equal(site.hits.get('/same'), 2, 'one request per run: a 304 is no failure to retry');
});
