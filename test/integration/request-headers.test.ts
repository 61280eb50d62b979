/**
 * --header and a job file's fetch.headers: sent to the seeds' origins (pages and robots.txt), never
 * to another origin reached by a link or a redirect; refused up front with one line when malformed
 * or owned by crawlite; never recorded by value (runs.options, exports, stderr).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startSite, page, type Route } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { assertOneLineError, crawlite } from '../helpers/cli.js';

const SECRET = 'Bearer s3cr3t-token';

interface Seen {
  path: string;
  authorization?: string;
  language?: string;
}

/** Routes that record the Authorization and Accept-Language each request brought. */
function recording(routes: Record<string, Route | ((req: IncomingMessage, res: ServerResponse) => void)>, seen: Seen[]): Record<string, Route> {
  return Object.fromEntries(
    Object.entries(routes).map(([path, route]) => [
      path,
      (req: IncomingMessage, res: ServerResponse) => {
        seen.push({ path, authorization: req.headers.authorization, language: req.headers['accept-language'] });
        if (typeof route === 'function') return route(req, res);
        res.writeHead(200, { 'content-type': path.endsWith('.txt') ? 'text/plain' : 'text/html' }).end(route as string);
      },
    ]),
  );
}

async function twoOrigins(t: TestContext) {
  const seenA: Seen[] = [];
  const seenB: Seen[] = [];
  const b = await startSite(recording({ '/robots.txt': 'User-agent: *\nAllow: /\n', '/b': page('b'), '/from-redirect': page('from redirect') }, seenB));
  const a = await startSite(recording({
    '/robots.txt': 'User-agent: *\nAllow: /\n',
    '/': page('a', ['/a2', b.url('/b'), '/redirect']),
    '/a2': page('a2'),
    '/redirect': (_req, res) => void res.writeHead(302, { location: b.url('/from-redirect') }).end(),
  }, seenA));
  t.after(() => Promise.all([a.close(), b.close()]));
  return { a, b, seenA, seenB };
}

function assertOnlyA(seenA: Seen[], seenB: Seen[]) {
  assert.deepEqual(seenA.map((s) => s.path).sort(), ['/', '/a2', '/redirect', '/robots.txt']);
  for (const s of seenA) {
    assert.equal(s.authorization, SECRET, `A ${s.path} got the header`);
    assert.equal(s.language, 'fr', `A ${s.path}: Accept-Language replaces the default, not beside it`);
  }
  assert.deepEqual(seenB.map((s) => s.path).sort(), ['/b', '/from-redirect', '/robots.txt']);
  for (const s of seenB) {
    assert.equal(s.authorization, undefined, `B ${s.path} must not get Authorization`);
    assert.equal(s.language, 'en;q=1.0, *;q=0.5', `B ${s.path} gets the default Accept-Language`);
  }
}

async function assertNoSecret(db: string, stderr: string) {
  const options = rows<{ options: string }>(db, 'SELECT options FROM runs');
  assert.equal(options.length, 1);
  const recorded = JSON.parse(options[0]!.options) as { fetch: { headers: Record<string, string> } };
  assert.deepEqual(Object.keys(recorded.fetch.headers).map((n) => n.toLowerCase()).sort(), ['accept-language', 'authorization'], 'names are recorded');
  assert.deepEqual(new Set(Object.values(recorded.fetch.headers)), new Set(['(not recorded)']), 'values are not');
  const texts = [
    stderr,
    options[0]!.options,
    (await crawlite(['export', '--db', db, '--format', 'jsonl'])).stdout,
    (await crawlite(['export', '--db', db, '--format', 'csv'])).stdout,
    (await crawlite(['stats', '--db', db])).stdout,
  ];
  for (const text of texts) assert.doesNotMatch(text, /s3cr3t/, text);
}

test('--header goes to the seed origin (pages, robots.txt), never to another origin by link or redirect', async (t) => {
  const { a, seenA, seenB } = await twoOrigins(t);
  const db = tempDbPath(t);
  const run = await crawlite(['crawl', a.url('/'), '--db', db, '--scope', 'any', '--no-progress', '--header', `Authorization: ${SECRET}`, '-H', 'accept-language:fr']);
  assert.equal(run.code, 0, run.stderr);
  assertOnlyA(seenA, seenB);
  assert.equal(rows(db, 'SELECT url FROM pages').length, 4, 'the redirect target is stored as the page of /redirect');
  await assertNoSecret(db, run.stderr);
});

test('fetch.headers in a job file does the same; a flag replaces the file\'s header of the same name', async (t) => {
  const { a, seenA, seenB } = await twoOrigins(t);
  const db = tempDbPath(t);
  const job = join(dirname(db), 'job.json');
  writeFileSync(job, JSON.stringify({ seeds: [a.url('/')], db, scope: { mode: 'any' }, fetch: { headers: { Authorization: SECRET, 'Accept-Language': 'de' } } }));
  const run = await crawlite(['crawl', '--config', job, '--no-progress', '--header', 'Accept-Language: fr']);
  assert.equal(run.code, 0, run.stderr);
  assertOnlyA(seenA, seenB);
  await assertNoSecret(db, run.stderr);
});

test('bad --header values: one line each, exit 2, and the value is never echoed', async (t) => {
  const db = tempDbPath(t);
  const cases: Array<[string[], RegExp]> = [
    [['-H', 'Authorization Bearer s3cr3t'], /^crawlite: invalid --header: expected "Name: value", found no colon/],
    [['-H', ': s3cr3t'], /^crawlite: invalid --header: empty header name/],
    [['-H', 'Bad Name: s3cr3t'], /^crawlite: invalid --header: invalid header name 'Bad\.\.\.': character 4 is not allowed/],
    [['-H', 'X-Ok: 1', '-H', 'X-Evil: s3cr3t\r\nHost: evil'], /^crawlite: invalid --header \(the 2nd one\): header 'X-Evil': its value has a newline/],
    [['-H', 'Authorization Bearer s3cr3t:x'], /^crawlite: invalid --header: invalid header name 'Authorization\.\.\.': character 14/],
    [['-H', 'Host: s3cr3t.example'], /^crawlite: invalid --header: header 'Host' cannot be set/],
    [['-H', 'content-length: 5'], /^crawlite: invalid --header: header 'content-length' cannot be set: it breaks HTTP framing/],
    [['-H', 'Transfer-Encoding: chunked'], /^crawlite: invalid --header: header 'Transfer-Encoding' cannot be set/],
    [['-H', 'Connection: close'], /^crawlite: invalid --header: header 'Connection' cannot be set/],
    [['-H', 'User-Agent: s3cr3t'], /^crawlite: invalid --header: header 'User-Agent' cannot be set: use --user-agent/],
    [['-H', 'X-A: 1', '-H', 'x-a: 2'], /^crawlite: invalid --header \(the 2nd one\): header 'x-a' is given twice/],
  ];
  for (const [args, pattern] of cases) {
    const run = await crawlite(['crawl', 'http://127.0.0.1:9/', '--db', db, ...args]);
    assertOneLineError(run, 2, pattern);
    assert.doesNotMatch(run.stderr, /s3cr3t/, run.stderr);
  }
});

test('bad fetch.headers in a job file: one line, exit 2, the value not echoed', async (t) => {
  const db = tempDbPath(t);
  const job = join(dirname(db), 'job.json');
  const cases: Array<[unknown, RegExp]> = [
    [{ 'X-Evil': 's3cr3t\nHost: evil' }, /fetch\.headers: header 'X-Evil': its value has a newline/],
    [{ 'Bad Name': 's3cr3t' }, /fetch\.headers: invalid header name 'Bad\.\.\.': character 4 is not allowed/],
    [{ Host: 's3cr3t' }, /fetch\.headers: header 'Host' cannot be set/],
    [{ Authorization: 's3cr3t', authorization: 's3cr3t' }, /fetch\.headers: header 'authorization' is given twice/],
    [['Authorization: s3cr3t'], /fetch\.headers: expected a mapping of header names to values/],
  ];
  for (const [headers, pattern] of cases) {
    writeFileSync(job, JSON.stringify({ seeds: ['http://127.0.0.1:9/'], db, fetch: { headers } }));
    const run = await crawlite(['crawl', '--config', job]);
    assertOneLineError(run, 2, pattern);
    assert.doesNotMatch(run.stderr, /s3cr3t/, run.stderr);
  }
});
