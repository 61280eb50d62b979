/**
 * X-Robots-Tag and meta robots through a real crawl: which lines and names are ours to obey.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { runCrawl } from '../../src/crawl.js';
import { startSite, page, type Route } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';

async function site(t: TestContext, routes: Record<string, Route>) {
  const s = await startSite(routes);
  t.after(() => s.close());
  return s;
}

/** A page sent with one X-Robots-Tag field line per entry of `lines`. */
function withTags(lines: string[], body: string): Route {
  return (_req, res: ServerResponse) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('x-robots-tag', lines);
    res.end(body);
  };
}

interface PageRow {
  robots: string | null;
  content_hash: string | null;
  headers: string;
}

test('several X-Robots-Tag lines: a googlebot line neither hides nor takes a general noindex, in either order', async (t) => {
  const s = await site(t, {
    '/': page('home', ['/bot-first', '/bot-last']),
    '/bot-first': withTags(['googlebot: nofollow', 'noindex'], page('bot first', ['/from-bot-first'])),
    '/bot-last': withTags(['noindex', 'googlebot: nofollow'], page('bot last', ['/from-bot-last'])),
    '/from-bot-first': page('followed'),
    '/from-bot-last': page('followed'),
  });
  const config = testConfig(t, [s.url('/')]);
  await runCrawl(config);
  for (const path of ['/bot-first', '/bot-last']) {
    const [row] = rows<PageRow>(config.dbPath, 'SELECT robots, content_hash, headers FROM pages WHERE url = ?', s.url(path));
    assert.equal(row?.robots, 'noindex', `${path}: the general noindex applies`);
    assert.equal(row?.content_hash, null, `${path}: its content is not stored`);
  }
  assert.equal(s.hits.get('/from-bot-first'), 1, 'the googlebot nofollow is not ours');
  assert.equal(s.hits.get('/from-bot-last'), 1);
  const [first] = rows<PageRow>(config.dbPath, 'SELECT headers FROM pages WHERE url = ?', s.url('/bot-first'));
  assert.equal((JSON.parse(first!.headers) as Record<string, string>)['x-robots-tag'], 'googlebot: nofollow\nnoindex', 'stored one line each');
});
