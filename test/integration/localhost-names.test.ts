/**
 * Names under .localhost are loopback without DNS (fetch/loopback-lookup.ts), so several hosts
 * served from one machine can be crawled as the different hosts they are: here site.localhost
 * and www.site.localhost, one registrable domain for --scope domain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookup } from 'node:dns';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { crawlite } from '../helpers/cli.js';
import { loopbackLookup } from '../../src/fetch/loopback-lookup.js';

test('site.localhost and www.site.localhost are crawled as two hosts of one domain', async (t) => {
  const www = await startSite({ '/': page('www'), '/robots.txt': 'User-agent: *\nAllow: /\n' });
  t.after(() => www.close());
  const wwwUrl = www.url('/').replace('127.0.0.1', 'www.site.localhost');
  const apex = await startSite({ '/': page('apex', [wwwUrl, www.url('/').replace('127.0.0.1', 'other.localhost')]) });
  t.after(() => apex.close());
  const seed = apex.url('/').replace('127.0.0.1', 'site.localhost');
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', seed, '--db', db, '--no-progress', '--scope', 'domain']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(rows(db, 'SELECT url, title FROM pages ORDER BY title'), [{ url: seed, title: 'apex' }, { url: wwwUrl, title: 'www' }]);
  const [other] = rows<{ error_code: string }>(db, "SELECT error_code FROM urls WHERE url LIKE 'http://other.localhost%'");
  assert.equal(other?.error_code, 'CRAWL_SCOPE_OUT', 'another .localhost name is another domain');
  assert.equal(www.hits.get('/'), 1);
});

test('loopbackLookup answers .localhost names itself, by family, and passes every other name to DNS', async () => {
  const ask = (host: string, options: object) =>
    new Promise<unknown>((resolve, reject) => loopbackLookup(host, options, (err, address, family) => (err ? reject(err) : resolve(family === undefined ? address : [address, family]))));
  assert.deepEqual(await ask('App.Localhost.', {}), ['127.0.0.1', 4]);
  assert.deepEqual(await ask('a.b.localhost', { all: true }), [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }]);
  assert.deepEqual(await ask('a.localhost', { family: 6 }), ['::1', 6]);
  const system = await new Promise((resolve) => lookup('localhost', { all: true }, (_err, addresses) => resolve(addresses)));
  assert.deepEqual(await ask('localhost', { all: true }), system, 'localhost itself is the system\'s');
  assert.deepEqual(await ask('127.0.0.1', {}), ['127.0.0.1', 4]);
});
