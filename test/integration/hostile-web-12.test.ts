/**
 * Hostile-web QA, round 12. Each test starts its own server on 127.0.0.1 and runs the real crawl
 * (the CLI where a crash would show as one) on a fresh SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlite } from '../helpers/cli.js';
import { tempDbPath } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { rawResponse, startRawSite } from '../helpers/raw-site.js';

interface UrlRow {
  path: string;
  state: string;
  error_code: string | null;
  error_message: string | null;
  title: string | null;
}

function urlRows(db: string, origin: string): UrlRow[] {
  return rows<UrlRow>(db, `SELECT replace(u.url, ?, '') AS path, u.state, u.error_code, u.error_message, p.title
    FROM urls u LEFT JOIN pages p ON p.url_id = u.id ORDER BY u.url`, origin);
}

test('a final status below 200 (HTTP/1.1 000, an unrequested 101) fails its URL with a readable reason and the crawl goes on, on an origin read by the lenient parser too (it crashed the crawl with a stack trace)', async (t) => {
  const page = (title: string, links: string[] = []) => Buffer.from(`<title>${title}</title>${links.map((l) => `<a href="${l}">${l}</a>`).join('')}`);
  const weird = (path: string): Buffer | null => {
    if (path === '/zero') return rawResponse(['Content-Type: text/html', 'Connection: close'], page('zero'), '000 Nothing');
    if (path === '/switch') return rawResponse(['Content-Type: text/html', 'Connection: close'], page('switch'), '101 Switching Protocols');
    if (path === '/after') return rawResponse(['Content-Type: text/html'], page('after'));
    return null;
  };
  // One origin whose home page has a bare-LF head, so it is read by Node's lenient parser from
  // then on, and one undici reads throughout.
  const lenient = await startRawSite(t, (path) => {
    if (path !== '/') return weird(path);
    const body = page('lenient home', ['/zero', '/switch', '/after']);
    return Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: ${body.length}\n\n`, 'latin1'), body]);
  });
  const strict = await startRawSite(t, (path) => (path === '/' ? rawResponse(['Content-Type: text/html'], page('strict home', ['/zero', '/switch', '/after'])) : weird(path)));

  const db = tempDbPath(t);
  const run = await crawlite(['crawl', `${lenient.origin}/`, `${strict.origin}/`, '--db', db, '--retries', '0', '--quiet', '--timeout', '5s']);
  assert.doesNotMatch(run.stderr, /\n\s+at |TypeError/, `no stack trace: ${run.stderr}`);
  assert.equal(run.code, 0, run.stderr);
  for (const site of [lenient, strict]) {
    const byPath = new Map(urlRows(db, site.origin).map((r) => [r.path, r]));
    assert.equal(byPath.get('/after')?.title, 'after', 'the crawl went on past them');
    const zero = byPath.get('/zero');
    assert.equal(zero?.error_code, 'CRAWL_FETCH_NETWORK');
    assert.match(zero?.error_message ?? '', /^network error: Response does not match the HTTP\/1\.1 protocol \(status code below 100\)$/);
    const upgrade = byPath.get('/switch');
    assert.equal(upgrade?.error_code, 'CRAWL_FETCH_NETWORK');
    assert.match(upgrade?.error_message ?? '', /\(status 101 as the final response; a 101 Switching Protocols answers only a request for an upgrade\)$/);
    assert.doesNotMatch(upgrade?.error_message ?? '', /assert|ERR_ASSERTION/);
  }
});
