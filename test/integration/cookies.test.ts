/**
 * Cookies (fetch/cookie-jar.ts): what a server sets is sent back for the rest of the run, so a
 * site that checks for cookies with a redirect to itself is crawled instead of failing as a
 * redirect loop; cookies stay with the host that set them; a site setting cookies without end
 * does not grow the Cookie header past what servers accept; --no-cookies sends none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startSite, page, type Route } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { crawlite } from '../helpers/cli.js';

/** A page that, without the `check` cookie, sets it and redirects to itself (a cookie wall). */
function cookieWall(body: string, seen: Array<string | undefined>): Route {
  return (req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.headers.cookie);
    if (!/(^|; )check=ok(;|$)/.test(req.headers.cookie ?? '')) {
      res.writeHead(302, { location: req.url ?? '/', 'set-cookie': 'check=ok; Path=/; HttpOnly' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(body);
  };
}

test('a cookie wall (302 to itself with Set-Cookie) is crawled; with --no-cookies it is a redirect loop', async (t) => {
  const seen: Array<string | undefined> = [];
  const site = await startSite({ '/': cookieWall(page('home', ['/a']), seen), '/a': cookieWall(page('a'), seen) });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(rows(db, 'SELECT url, status, title FROM pages ORDER BY url'), [
    { url: site.url('/'), status: 200, title: 'home' },
    { url: site.url('/a'), status: 200, title: 'a' },
  ]);
  assert.deepEqual(seen, [undefined, 'check=ok', 'check=ok'], 'one wall, then the cookie on every request');

  seen.length = 0;
  const without = tempDbPath(t);
  const refused = await crawlite(['crawl', site.url('/'), '--db', without, '--no-progress', '--no-cookies']);
  assert.equal(refused.code, 1, refused.stderr);
  const [url] = rows<{ error_code: string }>(without, 'SELECT error_code FROM urls WHERE url = ?', site.url('/'));
  assert.equal(url?.error_code, 'CRAWL_REDIRECT_LOOP');
  assert.ok(seen.every((c) => c === undefined), 'no Cookie header at all');
});

test('cookies stay with their host; a --header Cookie comes first for the seeds\' origin', async (t) => {
  const seenA: Array<string | undefined> = [];
  const seenB: Array<string | undefined> = [];
  const b = await startSite({
    '/': (req, res) => {
      seenB.push(req.headers.cookie);
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'b=2' }).end(page('b'));
    },
  });
  t.after(() => b.close());
  // b is reached as localhost, a as 127.0.0.1: two hosts to cookies (ports do not separate them).
  const bAsLocalhost = b.url('/').replace('127.0.0.1', 'localhost');
  const a = await startSite({
    '/': (req, res) => {
      seenA.push(req.headers.cookie);
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': ['a=1; Path=/', 'other=x; Domain=example.org'] }).end(page('a', ['/next', bAsLocalhost]));
    },
    '/next': (req, res) => {
      seenA.push(req.headers.cookie);
      res.writeHead(200, { 'content-type': 'text/html' }).end(page('next'));
    },
  });
  t.after(() => a.close());
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', a.url('/'), '--db', db, '--no-progress', '--scope', 'any', '-H', 'Cookie: user=me', '--ignore-robots']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(seenA, ['user=me', 'user=me; a=1'], 'the user\'s cookie first; one for another domain was refused');
  assert.deepEqual(seenB, [undefined], 'neither a\'s cookie nor the --header one reached another host');
});

test('a site that sets cookies without end: the Cookie header stays under 8 KiB and the crawl goes on', async (t) => {
  const sizes: number[] = [];
  let n = 0;
  const routes: Record<string, Route> = {};
  for (let i = 0; i < 20; i++) {
    routes[`/p${i}`] = (req, res) => {
      sizes.push((req.headers.cookie ?? '').length);
      const cookies = Array.from({ length: 40 }, () => `c${n++}=${'v'.repeat(100)}; Path=/`);
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': cookies }).end(page(`p${i}`, i < 19 ? [`/p${i + 1}`] : []));
    };
  }
  const site = await startSite(routes);
  t.after(() => site.close());
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', site.url('/p0'), '--db', db, '--no-progress', '--ignore-robots']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(rows(db, 'SELECT url FROM pages').length, 20);
  assert.equal(sizes.length, 20);
  assert.ok(sizes[1]! > 0, 'cookies were sent');
  assert.ok(Math.max(...sizes) <= 8 * 1024, `largest Cookie header: ${Math.max(...sizes)} bytes`);
});

test('a host and its parent domains each setting their fill: the Cookie header still fits what servers accept (QA: 431 on every page)', async (t) => {
  const sizes: number[] = [];
  // Served as a.b.site.localhost: three domains (host, b.site.localhost, site.localhost) hold 6 KiB each.
  const fill = (domain: string) => Array.from({ length: 30 }, (_, i) => `${domain.length}_${i}=${'v'.repeat(200)}${domain ? `; Domain=${domain}` : ''}`);
  const site = await startSite({
    '/p0': (req, res) => {
      sizes.push((req.headers.cookie ?? '').length);
      const cookies = [...fill(''), ...fill('b.site.localhost'), ...fill('site.localhost')];
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': cookies }).end(page('p0', ['/p1']));
    },
    '/p1': (req, res) => {
      sizes.push((req.headers.cookie ?? '').length);
      res.writeHead(200, { 'content-type': 'text/html' }).end(page('p1'));
    },
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const seed = site.url('/p0').replace('127.0.0.1', 'a.b.site.localhost');
  const run = await crawlite(['crawl', seed, '--db', db, '--no-progress', '--ignore-robots']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(rows(db, 'SELECT status, title FROM pages ORDER BY url'), [{ status: 200, title: 'p0' }, { status: 200, title: 'p1' }], 'not a 431 for p1');
  assert.ok(sizes[1]! > 0 && sizes[1]! <= 8 * 1024, `Cookie header of ${sizes[1]} bytes`);
});
