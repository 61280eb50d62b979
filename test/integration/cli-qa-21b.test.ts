/**
 * Round 21b, from real crawls of 127.0.0.1 sites: a crawl stopped by Ctrl+C inside --max-time is
 * offered a continuing command that keeps its --max-time (it was offered one "to its end", with
 * no limit: unbounded on an endless site), and that command, pasted, reads back the same limit;
 * wget's --user is answered with the header that logs a crawl in, and that header does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSite, page } from '../helpers/site.js';
import { assertOneLineError, crawlite, whenPages } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';

test('a crawl stopped by Ctrl+C inside --max-time 10m is continued with what is left of it, and the pasted command reads it back', async (t) => {
  // An endless chain: each page links the next, answered after 20 ms, so the interrupt lands mid-crawl.
  const routes: Record<string, string> = {};
  for (let n = 0; n < 200; n++) routes[`/p${n}`] = page(`p${n}`, [`/p${n + 1}`]);
  const site = await startSite(routes, { delayMs: 20 });
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-qa21b-'), 'crawl.db');
  const stopped = await crawlite(['crawl', site.url('/p0'), '--db', db, '--max-time', '10m', '--max-db-size', '1GB', '--no-progress', '--workers', '0', '--concurrency', '1'], {
    onSpawn: (child) => whenPages(child, db, 3, () => child.kill('SIGINT')),
  });
  assert.equal(stopped.code, 130, stopped.stderr);
  // What is left of the 10 minutes (round 22): the whole, to the second, when under a second had run.
  const row = new RegExp(`^next:\n {2}(crawlite crawl --db ${db} --max-time (?:10m|9m\\d+s) --max-db-size 1GB) +# continue the crawl, for (?:10m|9m\\d+s) at most(?: \\(the rest of --max-time 10m\\))?, the file 1GB at most \\([1-9]\\d* URLs? queued\\)$`, 'm').exec(stopped.stderr);
  assert.ok(row, stopped.stderr);

  // The command as printed (its words: the path has no space), checked with --dry-run: nothing fetched.
  const pasted = await crawlite([...row[1]!.split(' ').slice(1), '--dry-run']);
  assert.equal(pasted.code, 0, pasted.stderr);
  const options = JSON.parse(pasted.stdout) as { maxTimeMs: number; maxPages: number | null; store: { maxDbBytes?: number } };
  assert.ok(options.maxTimeMs > 540_000 && options.maxTimeMs <= 600_000, String(options.maxTimeMs));
  assert.equal(options.store.maxDbBytes, 1024 ** 3);
  assert.equal(options.maxPages, null);
});

test("wget's --user is answered with -H \"Authorization: Basic ...\", and that header gets a Basic-auth site crawled", async (t) => {
  const expected = `Basic ${Buffer.from('ann:s3cret').toString('base64')}`;
  const site = await startSite({
    '/': (req, res) => {
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="x"', 'content-type': 'text/html' }).end('<title>login</title>');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('inside'));
    },
  });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa21b-');
  const refused = await crawlite(['crawl', site.url('/'), '--db', join(dir, 'a.db'), '--user', 'ann', '--password', 's3cret']);
  assertOneLineError(refused, 2, /^crawlite: Unknown argument: user, password \[CRAWL_USAGE\]$|^crawlite: Unknown arguments: user, password \[CRAWL_USAGE\]$/);
  assert.match(refused.stderr, /^crawlite: -H "Authorization: Basic \$\(printf %s 'user:pass' \| base64\)" \(sent to the seeds' origins only/m);
  assert.ok(!refused.stderr.includes('s3cret'), 'the password typed is not echoed');

  const crawled = await crawlite(['crawl', site.url('/'), '--db', join(dir, 'b.db'), '-H', `Authorization: ${expected}`, '--no-progress', '--workers', '0']);
  assert.equal(crawled.code, 0, crawled.stderr);
  const exported = await crawlite(['export', '--db', join(dir, 'b.db'), '--fields', 'url,status,title']);
  assert.equal(exported.code, 0, exported.stderr);
  assert.deepEqual(JSON.parse(exported.stdout.trim()), { url: site.url('/'), status: 200, title: 'inside' });
});
