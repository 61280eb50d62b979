/**
 * QA report item 4: `http://user:pass@host/` was stored and exported verbatim (urls, pages,
 * runs.options, exports, the JSON log) yet never sent, and the same page with and without the
 * userinfo was fetched twice. Normalization now drops the userinfo everywhere; a seed given with
 * it gets one warning line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSite } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { crawlite } from '../helpers/cli.js';

test('userinfo in a seed and in links is dropped: never stored, exported or logged, and one page is fetched once', async (t) => {
  const authorizations: string[] = [];
  const site = await startSite({
    '/': (req, res) => {
      const origin = `http://${req.headers.host}`;
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<a href="${origin.replace('//', '//alice:hunter2@')}/private">with</a><a href="/private">without</a>` +
        `<a href="${origin.replace('//', '//bob@')}/other">user only</a>`,
      );
    },
    '/private': (req, res) => {
      if (req.headers.authorization) authorizations.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<title>private</title>');
    },
    '/other': '<title>other</title>',
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const seed = site.url('/').replace('//', '//alice:hunter2@');

  const run = await crawlite(['crawl', seed, '--db', db, '--log-format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  // --log-format json: every line on stderr is a JSON object, the warning a `notice` event.
  const events = run.stderr.trim().split('\n').map((l) => JSON.parse(l) as { type: string; message?: string });
  assert.deepEqual(events.filter((e) => e.message?.includes('credentials')).map((e) => [e.type, e.message]), [
    ['notice', `credentials in seed URLs are not sent and were removed: ${site.url('/')} (to authenticate, use --header "Authorization: ...")`],
  ]);
  assert.equal(events.at(-1)?.type, 'summary');
  assert.equal(site.hits.get('/private'), 1, 'the two spellings are one frontier entry');
  assert.deepEqual(authorizations, [], 'no Basic auth is sent');

  const stored = rows<{ url: string }>(db, 'SELECT url FROM urls ORDER BY url').map((r) => r.url);
  assert.deepEqual(stored, [site.url('/'), site.url('/other'), site.url('/private')]);
  const texts = [
    run.stderr,
    JSON.stringify(rows(db, 'SELECT url, final_url FROM pages')),
    JSON.stringify(rows(db, 'SELECT options FROM runs')),
    (await crawlite(['export', '--db', db, '--format', 'jsonl'])).stdout,
    (await crawlite(['export', '--db', db, '--format', 'links'])).stdout,
  ];
  assert.ok(texts[4]!.split('\n').length >= 4, `links were exported: ${texts[4]}`);
  for (const text of texts) {
    assert.doesNotMatch(text, /hunter2|alice|bob@/, text);
  }
});

test('in text mode the warning is one plain line', async (t) => {
  const site = await startSite({ '/': '<title>home</title>' });
  t.after(() => site.close());
  const run = await crawlite(['crawl', site.url('/').replace('//', '//alice:hunter2@'), '--db', tempDbPath(t), '--no-progress']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr.split('\n')[0], `crawlite: credentials in seed URLs are not sent and were removed: ${site.url('/')} (to authenticate, use --header "Authorization: ...")`);
});

test('a seed without userinfo gets no warning', async (t) => {
  const site = await startSite({ '/': '<title>home</title>' });
  t.after(() => site.close());
  const run = await crawlite(['crawl', site.url('/'), '--db', tempDbPath(t), '--no-progress']);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /credentials/);
});
