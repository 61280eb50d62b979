/**
 * A --recrawl's 304 refreshes a page's validators into its stored headers: the row stays within
 * the bound a page's headers have (store/stored-headers.ts), and what was cut before stays said.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Database from 'better-sqlite3';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { CUT_KEY, MAX_STORED_CHARS } from '../../src/store/stored-headers.js';

test('--recrawl: a 304 with long validators leaves the stored headers within 32 KiB, the first fetch\'s note kept', async (t) => {
  // The first answer: 36 KiB of its own (a long cookie cut to 8 KiB), stored within the bound.
  const padding = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`x-pad-${i}`, String(i).repeat(4_000)]));
  const cookies = Array.from({ length: 200 }, (_, i) => `c${i}=${'v'.repeat(100)}`);
  const site = await startSite({
    '/': (req: IncomingMessage, res: ServerResponse) => {
      if (req.headers['if-none-match'] === '"v1"') {
        // Validators as long as a head allows: each cut to 8 KiB, together still 24 KiB.
        res.writeHead(304, { etag: '"v1"', 'cache-control': `max-age=60, ${'x'.repeat(12_000)}`, expires: 'e'.repeat(12_000), 'last-modified': 'l'.repeat(12_000) }).end();
        return;
      }
      res.setHeader('set-cookie', cookies);
      res.writeHead(200, { 'content-type': 'text/html', etag: '"v1"', ...padding }).end(page('home'));
    },
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { maxPages: 1 });
  assert.equal((await runCrawl(config)).status, 'done');
  const read = (): Record<string, string> => {
    const db = new Database(config.dbPath, { readonly: true });
    try {
      return JSON.parse((db.prepare('SELECT headers FROM pages').pluck().get() as string)) as Record<string, string>;
    } finally {
      db.close();
    }
  };
  const size = (h: Record<string, string>) => Object.entries(h).reduce((n, [k, v]) => n + k.length + v.length, 0);
  const first = read();
  assert.match(first[CUT_KEY]!, /^set-cookie: \d+ of 200 lines kept/);
  assert.ok(size(first) <= MAX_STORED_CHARS, String(size(first)));

  assert.equal((await runCrawl({ ...config, recrawl: true })).status, 'done');
  const after = read();
  assert.ok(size(after) <= MAX_STORED_CHARS, `stored headers after the recrawl: ${size(after)} characters`);
  assert.equal(after.etag, '"v1"');
  assert.equal(after['content-type'], 'text/html', 'a short field the user queries is kept');
  assert.match(after[CUT_KEY]!, /set-cookie: \d+ of 200 lines kept/, 'what the first fetch cut is still said');
});
