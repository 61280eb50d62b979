/**
 * A seed that redirects to another host (example.com -> www.example.com, here localhost ->
 * 127.0.0.1 on one server) is followed, and the host it lands on is crawled as if it had been a
 * seed; a link that redirects off the site is still refused. A resumed crawl keeps the widening.
 * (QA: such a seed failed the whole crawl with CRAWL_REDIRECT_OUT_OF_SCOPE.)
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { runCrawl } from '../../src/crawl.js';
import type { SeedRedirect } from '../../src/types.js';
import { startSite, page, type TestSite } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { crawlite } from '../helpers/cli.js';
import { openForWrite } from '../../src/store/db.js';
import { Writer } from '../../src/store/writer.js';
import { openRecrawl } from '../../src/store/recrawl.js';

/** Routes answer on both hosts; only localhost's "/" is ever asked for, as the seed. */
async function redirectingSite(t: TestContext): Promise<{ site: TestSite; seed: string; target: (path: string) => string }> {
  let port = 0;
  const site = await startSite({
    '/': (_req, res) => void res.writeHead(301, { location: `http://127.0.0.1:${port}/home` }).end(),
    '/home': page('home', ['/a', '/b', 'http://external.invalid/x', '/off']),
    '/a': page('a', ['/c']),
    '/b': page('b'),
    '/c': page('c'),
    // A page's link that redirects off the site: not a seed, so still out of scope.
    '/off': { status: 302, headers: { location: 'http://elsewhere.invalid/y' } },
  });
  t.after(() => site.close());
  port = Number(new URL(site.origin).port);
  return { site, seed: `http://localhost:${port}/`, target: (path) => `http://127.0.0.1:${port}${path}` };
}

test("a seed's redirect to another host makes that host part of the scope; links on pages stay in their scope", async (t) => {
  const { site, seed, target } = await redirectingSite(t);
  const config = testConfig(t, [seed]);
  const widened: SeedRedirect[] = [];
  await runCrawl(config, { onSeedRedirect: (r) => widened.push(r) });

  assert.deepEqual(widened, [{ seed, target: target('/home'), mode: 'host' }]);
  const pages = rows<{ url: string }>(config.dbPath, 'SELECT final_url AS url FROM pages ORDER BY final_url').map((r) => r.url);
  assert.deepEqual(pages, ['/a', '/b', '/c', '/home'].map(target));
  const urls = Object.fromEntries(
    rows<{ url: string; state: string; error_code: string | null; redirect_to: string | null }>(config.dbPath, 'SELECT url, state, error_code, redirect_to FROM urls')
      .map((r) => [r.url, [r.state, r.error_code, r.redirect_to]]),
  );
  assert.deepEqual(urls[seed], ['redirected', null, target('/home')]);
  assert.deepEqual(urls['http://external.invalid/x'], ['skipped', 'CRAWL_SCOPE_OUT', null]);
  assert.deepEqual(urls[target('/off')], ['failed', 'CRAWL_REDIRECT_OUT_OF_SCOPE', 'http://elsewhere.invalid/y']);
  assert.equal(site.hits.get('/'), 1);
});

test('a resumed crawl keeps the scope its seed widened: links found in the second run on the target host are crawled', async (t) => {
  const { seed, target } = await redirectingSite(t);
  const first = testConfig(t, [seed], { maxPages: 1 });
  await runCrawl(first);
  assert.deepEqual(rows(first.dbPath, 'SELECT final_url FROM pages'), [{ final_url: target('/home') }]);

  // /c is only linked from /a, which the first run did not fetch: judged against this run's scope.
  const widened: SeedRedirect[] = [];
  await runCrawl(testConfig(t, [seed], { dbPath: first.dbPath }), { onSeedRedirect: (r) => widened.push(r) });
  assert.deepEqual(widened, [{ seed, target: target('/home'), mode: 'host' }], 'restored from the database, and said again');
  const pages = rows<{ url: string }>(first.dbPath, 'SELECT final_url AS url FROM pages ORDER BY final_url').map((r) => r.url);
  assert.deepEqual(pages, ['/a', '/b', '/c', '/home'].map(target));
});

test('a recrawl stopped before its seed is asked again keeps the scope the seed widened', async (t) => {
  const { seed, target } = await redirectingSite(t);
  const config = testConfig(t, [seed]);
  await runCrawl(config);
  // The recrawl's one write (every URL requeued, the seed's redirect with it), then a stop.
  const db = openForWrite(config.dbPath);
  const writer = new Writer(db, config.store);
  const runId = writer.startRun({ recrawl: true });
  openRecrawl(db, writer, { start: true, runId });
  writer.endRun('interrupted');
  writer.close();
  db.close();
  assert.deepEqual(rows(config.dbPath, 'SELECT state, redirect_to FROM urls WHERE url = ?', seed), [{ state: 'queued', redirect_to: target('/home') }]);

  const widened: SeedRedirect[] = [];
  await runCrawl(config, { onSeedRedirect: (r) => widened.push(r) });
  assert.deepEqual(widened, [{ seed, target: target('/home'), mode: 'host' }], 'restored from the queued row');
  const recrawled = rows<{ url: string }>(config.dbPath, 'SELECT final_url AS url FROM pages WHERE recrawl_id = 1 ORDER BY final_url').map((r) => r.url);
  assert.deepEqual(recrawled, ['/a', '/b', '/c', '/home'].map(target));
  assert.deepEqual(rows(config.dbPath, 'SELECT state, redirect_to FROM urls WHERE url = ?', seed), [{ state: 'redirected', redirect_to: target('/home') }]);
});

test('--scope prefix: a seed redirected to another origin is followed, and that origin is crawled', async (t) => {
  const { seed, target } = await redirectingSite(t);
  const config = testConfig(t, [seed], { scope: { mode: 'prefix' } });
  await runCrawl(config);
  const pages = rows<{ url: string }>(config.dbPath, 'SELECT final_url AS url FROM pages ORDER BY final_url').map((r) => r.url);
  assert.deepEqual(pages, ['/a', '/b', '/c', '/home'].map(target));
});

test('a seed redirected to a URL --exclude rejects still fails, and the CLI names the target', async (t) => {
  const { seed, target } = await redirectingSite(t);
  const config = testConfig(t, [seed]);
  const run = await crawlite(['crawl', seed, '--db', config.dbPath, '--exclude', '/home$', '--no-progress']);
  assert.equal(run.code, 1);
  const last = run.stderr.trimEnd().split('\n').at(-1);
  assert.equal(
    last,
    `crawlite: no page could be fetched: every seed failed (${seed}: redirected out of scope: to ${target('/home')}, which --include/--exclude rejects) [CRAWL_NOTHING_FETCHED]`,
  );
});

test('the CLI says when a seed widened the scope: a line in text, a notice event with --log-format json', async (t) => {
  const { seed, target } = await redirectingSite(t);
  const text = await crawlite(['crawl', seed, '--db', testConfig(t, [seed]).dbPath, '--no-progress']);
  assert.equal(text.code, 0, text.stderr);
  assert.ok(text.stderr.includes(`crawlite: seed ${seed} redirected to ${target('/home')}; its host is crawled too\n`), text.stderr);

  const json = await crawlite(['crawl', seed, '--db', testConfig(t, [seed]).dbPath, '--log-format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const notices = json.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; message?: string }).filter((e) => e.type === 'notice');
  assert.deepEqual(notices.map((n) => n.message), [`seed ${seed} redirected to ${target('/home')}; its host is crawled too`]);
});

test('a URL an earlier run skipped as out of scope is queued once a seed redirect brings it in scope', async (t) => {
  // --scope prefix, two servers: the ports make two origins of one host.
  let docsPort = 0;
  const docs = await startSite({
    '/': (_req, res) => void res.writeHead(301, { location: `http://127.0.0.1:${docsPort}/docs/home` }).end(),
    '/docs/home': page('docs home', ['/docs/a']),
    '/docs/a': page('docs a'),
  });
  t.after(() => docs.close());
  docsPort = Number(new URL(docs.origin).port);
  const blog = await startSite({ '/x/': page('blog', [docs.url('/docs/a')]) });
  t.after(() => blog.close());

  const first = testConfig(t, [blog.url('/x/')], { scope: { mode: 'prefix' } });
  await runCrawl(first);
  assert.deepEqual(rows(first.dbPath, 'SELECT state, error_code FROM urls WHERE url = ?', docs.url('/docs/a')), [{ state: 'skipped', error_code: 'CRAWL_SCOPE_OUT' }]);

  await runCrawl(testConfig(t, [blog.url('/x/'), `http://localhost:${docsPort}/`], { dbPath: first.dbPath, scope: { mode: 'prefix' } }));
  const pages = rows<{ url: string }>(first.dbPath, 'SELECT final_url AS url FROM pages ORDER BY final_url').map((r) => r.url);
  assert.deepEqual(pages, [docs.url('/docs/a'), docs.url('/docs/home'), blog.url('/x/')].sort());
});
