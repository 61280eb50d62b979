/**
 * `crawlite search` queries as a user types them, in child processes: phrases and hyphenated words
 * beside other words, exclusions with OR, and a query FTS5 still refuses (a usage error, not a
 * broken database); a query starting with - after --; bad flag values quoted as typed; unquoted
 * words as one query, and the refusals of a -word before -- and of a query with no letters or digits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { assertOneLineError, crawlite } from '../helpers/cli.js';

test('search: phrases, hyphens and NEAR( beside words, exclusions from every OR branch; an FTS5 refusal is CRAWL_USAGE', async (t) => {
  const site = await startSite({
    // page() writes each link's href into its anchor text, so the paths hold none of the searched words.
    '/': page('Home', ['/p1', '/p2', '/p3']),
    '/p1': page('Journal', ['/'], '<p>hello, the sqlite wal file</p>'),
    '/p2': page('Greeting', ['/'], '<p>hello world</p>'),
    '/p3': page('Filler', ['/'], '<p>lorem ipsum near x y</p>'),
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--workers', '0'])).code, 0);
  const urls = async (query: string): Promise<string[]> => {
    const run = await crawlite(['search', query, '--db', db, '--json']);
    assert.equal(run.code, 0, `${query}: ${run.stderr}`);
    return run.stdout.trim().split('\n').filter((l) => l !== '').map((l) => new URL((JSON.parse(l) as { url: string }).url).pathname).sort();
  };
  assert.deepEqual(await urls('"sqlite wal" hello'), ['/p1']);
  assert.deepEqual(await urls('hello "sqlite wal"'), ['/p1']);
  assert.deepEqual(await urls('hello sqlite-wal'), ['/p1']);
  assert.deepEqual(await urls('NEAR(x y)'), ['/p3']);
  assert.deepEqual(await urls('world OR lorem -hello'), ['/p3']);
  assert.deepEqual(await urls('hello OR lorem -sqlite -world'), ['/p3']);
  // A query starting with - goes after --, with the options before it.
  const afterDashes = await crawlite(['search', '--db', db, '--json', '--', '-sqlite hello']);
  assert.equal(afterDashes.code, 0, afterDashes.stderr);
  assert.deepEqual(afterDashes.stdout.trim().split('\n').map((l) => new URL((JSON.parse(l) as { url: string }).url).pathname), ['/p2']);
  assertOneLineError(await crawlite(['search', '--db', db]), 2, /^crawlite: give a query: .* \[CRAWL_USAGE\]$/);
  // A flag's bad value is quoted as typed, not as NaN.
  assertOneLineError(await crawlite(['search', 'hello', '--db', db, '--limit', 'abc']), 2, /^crawlite: invalid --limit 'abc': .* \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['export', '--db', db, '--run', 'abc']), 2, /^crawlite: invalid --run 'abc': .* \[CRAWL_USAGE\]$/);
  // U+19B0 is a letter to the query's word pattern but a separator to SQLite's unicode61 tables:
  // the word becomes a phrase, which an index without positions refuses.
  const refused = await crawlite(['search', 'a\u19b0b', '--db', db]);
  assertOneLineError(refused, 2, /^crawlite: cannot search for 'a\u19b0b': fts5: .* \[CRAWL_USAGE\]$/);
});

test('search: unquoted words are one query; a -word before -- and a query of no letters are refused, saying why', async (t) => {
  const site = await startSite({
    '/': page('Home', ['/p1', '/p2']),
    '/p1': page('Journal', ['/'], '<p>generic rel sqlite wal</p>'),
    '/p2': page('Other', ['/'], '<p>generic html</p>'),
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--workers', '0'])).code, 0);
  const paths = (run: { code: number | null; stdout: string; stderr: string }): string[] => {
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trim().split('\n').filter((l) => l !== '').map((l) => new URL((JSON.parse(l) as { url: string }).url).pathname).sort();
  };
  // QA: `search --db r.db generic rel` was "Unknown argument: rel".
  assert.deepEqual(paths(await crawlite(['search', '--db', db, '--json', 'generic', 'rel'])), ['/p1']);
  assert.deepEqual(paths(await crawlite(['search', 'sqlite', 'wal', '--db', db, '--json'])), paths(await crawlite(['search', 'sqlite wal', '--db', db, '--json'])));
  assert.deepEqual(paths(await crawlite(['search', '--db', db, '--json', 'generic', '--', '-rel'])), ['/p2'], 'words before -- and after it are one query');
  // QA: `search "-generic"` was "Unknown arguments: g, e, n, r, i, c"; -html (h: --help) printed the help, exit 0.
  // Refused before the database is opened: r.db need not exist.
  assertOneLineError(await crawlite(['search', '--db', 'r.db', '-generic']), 2, /^crawlite: a query starting with - goes after --: crawlite search --db r\.db -- "-generic" \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['search', '-html', '--json']), 2, /^crawlite: a query starting with - goes after --: crawlite search --json -- "-html" \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['search', 'generic', '-rel', '--limit', '3']), 2, /^crawlite: a query with a -word goes after --: crawlite search --limit 3 -- "generic -rel" \[CRAWL_USAGE\]$/);
  // Other unknown options keep yargs' message, in search and elsewhere.
  assertOneLineError(await crawlite(['search', 'x', '--jsn']), 2, /^crawlite: Unknown argument: jsn \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['crawl', '--max-pagse', '5', 'http://127.0.0.1:9/']), 2, /^crawlite: Unknown argument: max-pagse \[CRAWL_USAGE\]$/);
  // QA: emoji and punctuation were "give at least one word that is not excluded", though none was.
  for (const query of ['😀', '!!!']) {
    assertOneLineError(await crawlite(['search', query, '--db', db]), 2, new RegExp(`^crawlite: '${query}' has no searchable words \\(letters or digits\\) \\[CRAWL_USAGE\\]$`));
  }
  assertOneLineError(await crawlite(['search', '--db', db, '--', '-generic']), 2, /^crawlite: nothing to search for in '-generic': give at least one word that is not excluded \[CRAWL_USAGE\]$/);
});

test('search ranks text-only matches by their rare words: the page with all of them first, even with no title hit', async (t) => {
  const site = await startSite({
    '/': page('Home', ['/p1', '/p2', '/p3', '/p4']),
    '/p1': page('One', ['/'], '<p>alpha</p>'),
    '/p2': page('Two', ['/'], '<p>alpha</p>'),
    '/p3': page('Three', ['/'], '<p>alpha zebra</p>'),
    '/p4': page('Four', ['/'], '<p>alpha zebra quagga</p>'),
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--workers', '0'])).code, 0);
  const hits = async (query: string, limit: number): Promise<Array<{ path: string; score: number }>> => {
    const run = await crawlite(['search', query, '--db', db, '--json', '--limit', String(limit)]);
    assert.equal(run.code, 0, `${query}: ${run.stderr}`);
    return run.stdout.trim().split('\n').map((l) => {
      const hit = JSON.parse(l) as { url: string; score: number };
      return { path: new URL(hit.url).pathname, score: hit.score };
    });
  };
  const top = await hits('zebra OR quagga OR alpha', 2);
  assert.deepEqual(top.map((h) => h.path), ['/p4', '/p3'], 'the pages with the rare words, best first, before the ones with only alpha');
  assert.ok(top[0]!.score > top[1]!.score && top[1]!.score > 0, JSON.stringify(top));
  // A title hit still comes first: "three" is only in /p3's title.
  assert.deepEqual((await hits('three OR quagga', 2)).map((h) => h.path), ['/p3', '/p4']);
  // Every match is still found, past the ranked ones.
  assert.deepEqual((await hits('zebra OR quagga OR alpha', 10)).map((h) => h.path).sort(), ['/p1', '/p2', '/p3', '/p4']);
});

test('search --json: scores follow the ranks, a title-tier page above a text-tier page with rarer words (QA)', async (t) => {
  // "widget" is in four titles, so it weighs little; /p5 holds two words no other page has, in
  // its text only, and on its own scores more than the widget pages: it still ranks after them.
  const site = await startSite({
    '/': page('Home', ['/w1', '/w2', '/w3', '/w4', '/p5', '/p6']),
    '/w1': page('Widget one', ['/'], '<p>plain</p>'),
    '/w2': page('Widget two', ['/'], '<p>plain</p>'),
    '/w3': page('Widget three', ['/'], '<p>plain</p>'),
    '/w4': page('Widget four', ['/'], '<p>plain</p>'),
    '/p5': page('Five', ['/'], '<p>zebra quagga</p>'),
    '/p6': page('Six', ['/'], '<p>widget mention</p>'),
  });
  t.after(() => site.close());
  const db = tempDbPath(t);
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--no-progress', '--workers', '0'])).code, 0);
  const run = await crawlite(['search', 'widget OR zebra OR quagga', '--db', db, '--json', '--limit', '10']);
  assert.equal(run.code, 0, run.stderr);
  const hits = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rank: number; url: string; score: number });
  assert.deepEqual(hits.map((h) => new URL(h.url).pathname), ['/w1', '/w2', '/w3', '/w4', '/p5', '/p6'], 'title tier, text tier, the rest');
  for (let i = 1; i < hits.length; i += 1) {
    assert.ok(hits[i]!.score <= hits[i - 1]!.score, `rank ${hits[i]!.rank} scores ${hits[i]!.score}, above rank ${hits[i - 1]!.rank}'s ${hits[i - 1]!.score}`);
  }
  assert.ok(hits[4]!.score > 0 && hits[5]!.score === 0, JSON.stringify(hits.map((h) => h.score)));
});
