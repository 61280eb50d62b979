/**
 * A body under a content-coding the crawler cannot remove (compress, RFC 9110's LZW coding, which no
 * browser and no Node decodes; not zstd, which Node 22.15 and later can) is
 * stored as received with CRAWL_FETCH_ENCODING, and never parsed as HTML: parsed, its bytes gave
 * garbage text, links and search words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

// Plain HTML sent as "compress": were it parsed, its title and link would show.
const BODY = page('looks like html', ['/behind']);

type Row = { status: number; title: string | null; links_found: number; error_code: string | null; error_message: string | null; raw_bytes: number; content_hash: string | null };

for (const storeNonHtml of [false, true]) {
  test(`a body under an undecodable coding (compress) is stored unparsed with CRAWL_FETCH_ENCODING${storeNonHtml ? ', its bytes kept with --store-non-html' : ''}`, async (t) => {
    const site = await startSite({
      '/': page('home', ['/compressed']),
      '/compressed': { headers: { 'content-type': 'text/html', 'content-encoding': 'compress' }, body: BODY },
      '/behind': page('behind'),
    });
    t.after(() => site.close());
    const config = testConfig(t, [site.url('/')], { parse: { storeNonHtml } });
    const summary = await runCrawl(config);
    assert.equal(summary.errorsByCode.CRAWL_FETCH_ENCODING, 1);

    const [row] = rows<Row>(config.dbPath, 'SELECT status, title, links_found, error_code, error_message, raw_bytes, content_hash FROM pages WHERE url = ?', site.url('/compressed'));
    assert.ok(row, 'the page is stored');
    assert.equal(row.status, 200);
    assert.equal(row.error_code, 'CRAWL_FETCH_ENCODING');
    assert.equal(row.error_message, 'unsupported content-encoding compress; stored as received');
    assert.equal(row.title, null, 'not parsed');
    assert.equal(row.links_found, 0);
    assert.equal(row.raw_bytes, Buffer.byteLength(BODY), 'the bytes as received');
    assert.equal(row.content_hash !== null, storeNonHtml, 'its body kept as a non-HTML body would be');
    assert.equal(site.hits.get('/behind') ?? 0, 0, 'no link read from the undecoded bytes');
    const [url] = rows<{ state: string; error_code: string | null }>(config.dbPath, 'SELECT state, error_code FROM urls WHERE url = ?', site.url('/compressed'));
    assert.deepEqual({ ...url }, { state: 'done', error_code: 'CRAWL_FETCH_ENCODING' });
  });
}
