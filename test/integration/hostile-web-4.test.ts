/**
 * Hostile-web QA, round 4: what real servers send that earlier rounds did not cover. Each test
 * starts its own server on 127.0.0.1 and runs the real crawl on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runCrawl } from '../../src/crawl.js';
import { defaultPolitenessConfig, defaultTrapConfig } from '../../src/config/schema.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { startOneAnswerServer } from '../helpers/one-answer-server.js';

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

test('a keep-alive connection the server drops as a request goes out on it is not a failure: the request is sent again on a new one', async (t) => {
  // Each connection answers one request and is closed when the next one arrives on it, with no
  // Keep-Alive hint and no Connection: close: a server whose idle timeout fires as the client reuses it.
  const links = Array.from({ length: 8 }, (_, i) => `/p${i}`);
  let dropped = 0;
  const { origin, served } = await startOneAnswerServer(t, (path) => page(path, path === '/' ? links : []), (socket) => {
    dropped += 1;
    socket.destroy();
  });

  const config = testConfig(t, [`${origin}/`], {
    fetch: { concurrency: 1, perHost: 1, keepAliveMs: 10_000, politeness: { ...defaultPolitenessConfig(), retries: 0 } },
  });
  const summary = await runCrawl(config);
  assert.equal(summary.status, 'done');
  assert.ok(dropped > 0, 'the server dropped reused connections');
  const urls = rows<{ url: string; state: string; attempts: number; error_message: string | null }>(
    config.dbPath, 'SELECT url, state, attempts, error_message FROM urls ORDER BY url');
  assert.deepEqual(urls.filter((u) => u.state !== 'done'), [], 'with --retries 0, no URL failed');
  assert.equal(urls.length, links.length + 1);
  assert.ok(urls.every((u) => u.attempts <= 1), 'no attempt counted for a dropped connection');
  for (const path of ['/', ...links]) assert.equal(served.get(path), 1, `${path} answered once`);
});

test('a Content-Encoding that names a charset or none (PHP\'s header(\'Content-Encoding: UTF-8\')) is no coding: the page is parsed, as browsers show it; compress (a real coding nobody decodes) stays unparsed', async (t) => {
  const bogus = ['UTF-8', 'utf8', 'iso-8859-1', 'none', 'binary', '8bit'];
  const site = await startSite({
    '/': page('home', [...bogus.map((_, i) => `/bogus${i}`), '/compressed']),
    ...Object.fromEntries(bogus.map((coding, i) => [`/bogus${i}`, {
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-encoding': coding }, body: page(`bogus ${coding}`, [`/behind${i}`]),
    }])),
    '/compressed': { headers: { 'content-type': 'text/html', 'content-encoding': 'compress' }, body: page('compressed', ['/behind-compressed']) },
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  const pages = rows<{ url: string; title: string | null; error_code: string | null }>(config.dbPath, 'SELECT url, title, error_code FROM pages');
  for (const [i, coding] of bogus.entries()) {
    const row = pages.find((p) => p.url === site.url(`/bogus${i}`));
    assert.deepEqual({ ...row }, { url: site.url(`/bogus${i}`), title: `bogus ${coding}`, error_code: null }, coding);
    assert.equal(site.hits.get(`/behind${i}`), 1, `the link behind ${coding} is followed`);
  }
  assert.equal(pages.find((p) => p.url === site.url('/compressed'))?.error_code, 'CRAWL_FETCH_ENCODING');
  assert.equal(site.hits.get('/behind-compressed') ?? 0, 0);
});

test('an https:// URL whose port speaks plain HTTP fails as CRAWL_FETCH_TLS with a readable reason, not OpenSSL\'s source path', async (t) => {
  const site = await startSite({ '/': page('plain http') });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/').replace('http://', 'https://')], {
    fetch: { politeness: { ...defaultPolitenessConfig(), retries: 0 } },
  });
  await runCrawl(config);
  const [row] = rows<{ error_code: string; error_message: string }>(config.dbPath, 'SELECT error_code, error_message FROM urls');
  assert.equal(row?.error_code, 'CRAWL_FETCH_TLS');
  assert.match(row.error_message, /TLS failed: wrong version number: the server does not answer in TLS on this port \(plain HTTP\? try http:\/\/\) \[ERR_SSL_WRONG_VERSION_NUMBER\]$/);
  assert.doesNotMatch(row.error_message, /openssl|ssl3_get_record/);
});

test('a Refresh response header is followed as a meta refresh is (browsers honour both); a meta refresh in the HTML does not replace it', async (t) => {
  const site = await startSite({
    '/': page('home', ['/moving', '/both', '/twice']),
    '/moving': { headers: { 'content-type': 'text/html', refresh: '0; url=/moved-here' }, body: '<p>moving</p>' },
    '/both': { headers: { 'content-type': 'text/html', refresh: '1;URL="/from-header"' }, body: page('both', [], '<meta http-equiv="refresh" content="0; url=/from-meta">') },
    '/twice': (_req, res) => {
      res.writeHead(200, ['content-type', 'text/html', 'refresh', '0; url=/first-line', 'refresh', '0; url=/second-line']).end('<p>twice</p>');
    },
    '/moved-here': page('moved here'),
    '/from-header': page('from header'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')]);
  await runCrawl(config);
  const refresh = rows<{ url: string; refresh_url: string | null }>(config.dbPath, 'SELECT url, refresh_url FROM pages WHERE refresh_url IS NOT NULL ORDER BY url');
  assert.deepEqual(refresh.map((r) => ({ ...r })), [
    { url: site.url('/both'), refresh_url: site.url('/from-header') },
    { url: site.url('/moving'), refresh_url: site.url('/moved-here') },
    { url: site.url('/twice'), refresh_url: site.url('/first-line') },
  ]);
  assert.equal(site.hits.get('/moved-here'), 1);
  assert.equal(site.hits.get('/from-header'), 1);
  assert.equal(site.hits.get('/from-meta') ?? 0, 0, 'the header\'s refresh comes first, as in browsers');
});

test('a refresh URL over 8,192 characters, in a Refresh header or a meta tag, is dropped: no truncated URL is requested', async (t) => {
  const long = `/long/${'x'.repeat(9000)}`;
  const site = await startSite({
    '/': page('home', ['/header', '/meta']),
    '/header': { headers: { 'content-type': 'text/html', refresh: `0; url=${long}` }, body: '<p>header</p>' },
    '/meta': page('meta', [], `<meta http-equiv="refresh" content="0; url=${long}">`),
  });
  t.after(() => site.close());
  // URLs this long are let through the spider-trap cap, so a cut one would be requested.
  const config = testConfig(t, [site.url('/')], { traps: { ...defaultTrapConfig(), maxUrlLength: 20_000 } });
  await runCrawl(config);
  const pages = rows<{ url: string; refresh_url: string | null }>(config.dbPath, 'SELECT url, refresh_url FROM pages ORDER BY url');
  assert.deepEqual(pages.map((r) => [new URL(r.url).pathname, r.refresh_url]), [['/', null], ['/header', null], ['/meta', null]]);
  assert.deepEqual([...site.hits.keys()].filter((path) => path.startsWith('/long/')), []);
});
