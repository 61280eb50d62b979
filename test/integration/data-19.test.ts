/**
 * The database and its exports read by their consumers (round 19): extraction fields that never
 * hold half a surrogate pair, and the README's queries, columns and export header checked against
 * a real crawl's file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { WARCParser } from 'warcio';
import Database from 'better-sqlite3';
import { runCrawl } from '../../src/crawl.js';
import { exportPages } from '../../src/export/export.js';
import { base32 } from '../../src/export/warc.js';
import { startSite } from '../helpers/site.js';
import { tempDbPath, testConfig } from '../helpers/config.js';
import { exportBytes } from '../helpers/export.js';
import { rows } from '../helpers/db.js';
import { crawlite } from '../helpers/cli.js';
import { docsText } from '../helpers/docs.js';

// README.md and docs/*.md: the queries and column lists live in docs/data.md, a few in the README.
const README = docsText();

/** Half of a surrogate pair without its other half, as a string or as a JSON escape. */
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_ESCAPE = /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i;

const FIELDS = {
  price: { selector: '.price', attr: null, many: false },
  tags: { selector: '.tag', many: true, attr: null },
  pic: { selector: 'img.pic', attr: 'src', many: false },
};

/** An emoji whose two halves straddle the 10,000th character of each field's value. */
const LONG = `${'x'.repeat(9_999)}😀tail`;

async function crawlFieldsSite(t: import('node:test').TestContext) {
  const site = await startSite({
    '/': `<html><head><title>Fields</title></head><body><a href="/plain">plain</a><p class="price">${LONG}</p>
      <span class="tag">${LONG}</span><span class="tag">short 😀</span><img class="pic" src="${LONG}"></body></html>`,
    '/plain': '<html><head><title>Plain</title></head><body><p class="price">£9.99</p><a href="/">home</a></body></html>',
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { parse: { fields: FIELDS } });
  await runCrawl(config);
  return { site, dbPath: config.dbPath };
}

test('a field value cut at 10,000 characters keeps whole characters: no lone surrogate in SQLite, JSON Lines or CSV', async (t) => {
  const { site, dbPath } = await crawlFieldsSite(t);
  const [stored] = rows<{ fields: string; price: Buffer }>(dbPath, "SELECT fields, CAST(fields ->> '$.price' AS BLOB) AS price FROM pages WHERE url = ?", site.url('/'));
  assert.ok(stored, 'the page is stored');
  // It was cut between the halves: the JSON held "\ud83d", which jq refuses and ->> turned into
  // bytes that are not UTF-8.
  assert.doesNotMatch(stored.fields, LONE_ESCAPE);
  assert.equal(new TextDecoder('utf-8', { fatal: true }).decode(stored.price), 'x'.repeat(9_999));

  const jsonl = (await exportBytes({ dbPath, format: 'jsonl', fields: 'url,field.price,field.tags,field.pic' })).toString('utf8');
  assert.doesNotMatch(jsonl, LONE_ESCAPE);
  const home = jsonl.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((r) => r.url === site.url('/'))!;
  assert.equal(home['field.price'], 'x'.repeat(9_999));
  assert.deepEqual(home['field.tags'], ['x'.repeat(9_999), 'short 😀'], 'a pair inside the limit is kept');
  assert.equal(home['field.pic'], 'x'.repeat(9_999));

  const csv = (await exportBytes({ dbPath, format: 'csv', fields: 'url,field.price,field.tags' })).toString('utf8');
  assert.ok(!csv.includes('\ufffd'), 'no replacement character for a half pair in the CSV');
});

test('a lone surrogate an earlier crawlite stored in pages.fields is exported as U+FFFD, so jq can read the line', async (t) => {
  const { site, dbPath } = await crawlFieldsSite(t);
  const db = new Database(dbPath);
  // As the cut at 10,000 characters wrote it before: the escape of the high half, alone.
  db.prepare('UPDATE pages SET fields = ? WHERE url = ?').run('{"price":"ab\\ud83d","tags":["\\ud83dc","d\\ude00"],"pic":null}', site.url('/'));
  db.close();
  const jsonl = (await exportBytes({ dbPath, format: 'jsonl', fields: 'url,field.price,field.tags' })).toString('utf8');
  assert.doesNotMatch(jsonl, LONE_ESCAPE);
  const home = jsonl.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((r) => r.url === site.url('/'))!;
  assert.equal(home['field.price'], 'ab\ufffd');
  assert.deepEqual(home['field.tags'], ['\ufffdc', 'd\ufffd']);
  for (const value of [home['field.price'], ...(home['field.tags'] as string[])]) assert.doesNotMatch(value as string, LONE);
});

/** The SQL of every `sqlite3 <file> '<select>'` command and backquoted `select ...` the README shows. */
function readmeQueries(): string[] {
  const found = new Set<string>();
  for (const m of README.matchAll(/sqlite3 \S+ (?:'((?:select|SELECT)[^']*)'|"((?:select|SELECT)[^"]*)")/g)) found.add((m[1] ?? m[2])!);
  for (const m of README.matchAll(/`((?:select|SELECT) [^`]+)`/g)) found.add(m[1]!);
  return [...found];
}

test("every SELECT the README shows runs on a crawl's file through better-sqlite3 (no double-quoted strings)", async (t) => {
  const { dbPath } = await crawlFieldsSite(t);
  const queries = readmeQueries();
  assert.ok(queries.length >= 5, `the README's queries were found: ${queries.join(' | ')}`);
  assert.ok(queries.some((q) => q.includes('unixepoch')), 'the runs query with its time');
  const db = new Database(dbPath, { readonly: true });
  t.after(() => db.close());
  for (const sql of queries) {
    // better-sqlite3 is built as sqlite3 3.41+ runs: "unixepoch" names a column, and fails.
    assert.doesNotThrow(() => db.prepare(sql).all(), `README query: ${sql}`);
  }
  const [price] = db.prepare("select url, fields ->> '$.price' AS price from pages where url like '%/plain'").all() as Array<{ price: string }>;
  assert.equal(price?.price, '£9.99');
});

/** The backquoted names in the first cell of each row of the README table after `heading`. */
function tableColumns(heading: string): string[] {
  const start = README.indexOf(heading);
  assert.ok(start >= 0, heading);
  const table = README.slice(start).split('\n\n')[1]!;
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split(' | ')[0]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!));
}

test("the README's pages and urls columns are the file's, and its export column list is a plain export's header", async (t) => {
  const { dbPath } = await crawlFieldsSite(t);
  const columns = (table: string) => rows<{ name: string }>(dbPath, `SELECT name FROM pragma_table_info('${table}')`).map((r) => r.name);

  const documented = tableColumns('**`pages`**');
  assert.deepEqual([...documented].sort(), columns('pages').filter((c) => c !== 'id').sort());

  const urls = README.slice(README.indexOf('**`urls`**'), README.indexOf('**`runs`**'));
  for (const column of columns('urls').filter((c) => c !== 'id')) assert.ok(urls.includes(`\`${column}\``), `urls.${column} is described`);

  const sentence = README.slice(README.indexOf('A plain export writes, in this order,'));
  const listed = [...sentence.slice(0, sentence.indexOf('(the `pages` columns')).matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
  const header = (await exportBytes({ dbPath, format: 'csv' })).toString('utf8').split('\r\n')[0]!.split(',');
  assert.deepEqual(header, [...listed, 'field.price', 'field.tags', 'field.pic']);
  for (const name of listed) assert.ok(columns('pages').includes(name), `${name} is a pages column`);
  assert.ok(!(await exportBytes({ dbPath, format: 'csv' })).subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'no byte order mark, as the README says');
});

/** Where Python's str.splitlines() breaks a line. */
const PYTHON_LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

test('JSON Lines, search --json and --log-format json escape the line breaks of Unicode, so a reader splitting at every line break gets whole objects', async (t) => {
  const body = '<html><head><title>Seal\u2028facts\u0085</title></head><body><p>The walrus\u0085hauls\u2029out.</p><pre>a\u2028b</pre></body></html>';
  const site = await startSite({ '/': body });
  t.after(() => site.close());
  const dbPath = tempDbPath(t);
  // The crawl as a user runs it, its log read as JSON Lines too: the page event carries the title.
  const crawl = await crawlite(['crawl', site.url('/'), '--db', dbPath, '--log-format', 'json', '--workers', '0']);
  assert.equal(crawl.code, 0, crawl.stderr);
  const events = crawl.stderr.replace(/\n$/, '').split(PYTHON_LINE_BREAK).map((l) => JSON.parse(l) as { type: string; title?: string });
  assert.match(events.find((e) => e.type === 'page')?.title ?? '', /\u0085/, 'the title keeps its character');

  const jsonl = (await exportBytes({ dbPath, format: 'jsonl', fields: 'url,title', with: 'text,html' })).toString('utf8');
  const lines = jsonl.replace(/\n$/, '').split(PYTHON_LINE_BREAK);
  assert.equal(lines.length, 1, 'one page, one line');
  const row = JSON.parse(lines[0]!) as { html: string; text: string; title: string };
  assert.equal(row.html, body, 'the same value, escaped only in the JSON text');
  assert.match(row.text, /walrus\u0085hauls/);
  assert.match(jsonl, /\\u0085/);

  const search = await crawlite(['search', 'walrus', '--db', dbPath, '--json']);
  assert.equal(search.code, 0, search.stderr);
  const hits = search.stdout.replace(/\n$/, '').split(PYTHON_LINE_BREAK).map((l) => JSON.parse(l) as { url: string; snippet: string });
  assert.deepEqual(hits.map((h) => h.url), [site.url('/')]);
  assert.match(hits[0]!.snippet, /\u0085/, 'the snippet keeps its character');
});

test('a body under a content-coding crawlite cannot remove: its html is null and its WARC record keeps the Content-Encoding', async (t) => {
  const coded = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x01, 0xff, 0xfe, 0x68]);
  const site = await startSite({
    '/': '<html><head><title>Home</title></head><body><a href="/coded">coded</a></body></html>',
    '/coded': { headers: { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'x-unknown' }, body: coded },
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { parse: { storeNonHtml: true } });
  await runCrawl(config);
  const dbPath = config.dbPath;
  assert.deepEqual(rows(dbPath, 'SELECT error_code FROM pages WHERE url = ?', site.url('/coded')), [{ error_code: 'CRAWL_FETCH_ENCODING' }]);

  const jsonl = (await exportBytes({ dbPath, format: 'jsonl', fields: 'url', with: 'html,body_base64' })).toString('utf8');
  const row = jsonl.trim().split('\n').map((l) => JSON.parse(l) as { url: string; html: string | null; body_base64: string }).find((r) => r.url === site.url('/coded'))!;
  // Decoded as the UTF-8 its type declares, the coded bytes came out as "(\ufffd/\ufffd\u0001\ufffd\ufffdh".
  assert.equal(row.html, null);
  assert.deepEqual(Buffer.from(row.body_base64, 'base64'), coded);

  const out = join(dirname(dbPath), 'crawl.warc.gz');
  await exportPages({ dbPath, format: 'warc', out }, process.stdout);
  const parser = new WARCParser(createReadStream(out));
  let found = false;
  for await (const record of parser) {
    if (record.warcType !== 'response' || record.warcTargetURI !== site.url('/coded')) continue;
    found = true;
    const payload = Buffer.from(await record.readFully(false));
    assert.deepEqual(payload, coded, 'the bytes as received');
    assert.equal(record.httpHeaders?.headers.get('content-encoding'), 'x-unknown', 'and the coding they are in');
    assert.equal(record.httpHeaders?.headers.get('content-length'), String(coded.length));
    assert.equal(record.warcHeaders.headers.get('WARC-Payload-Digest'), `sha1:${base32(createHash('sha1').update(coded).digest())}`);
  }
  assert.ok(found, 'the coded page has a response record');
});

test('an error message cut at 1,000 characters keeps whole characters: a redirect quoting two long Location values with emoji', async (t) => {
  // The message quotes both values, decoded as UTF-8; the first puts an emoji across the cut.
  const first = `/${'a'.repeat(940)}${'😀'.repeat(40)}`;
  const site = await startSite({
    '/': (_req, res) => {
      // Raw UTF-8 bytes on the wire, as a careless server sends them (Node writes latin1 strings byte for byte).
      res.setHeader('location', [Buffer.from(first, 'utf8').toString('latin1'), '/elsewhere']);
      res.writeHead(302).end();
    },
  });
  t.after(() => site.close());
  const dbPath = tempDbPath(t);
  const crawl = await crawlite(['crawl', site.url('/'), '--db', dbPath, '--log-format', 'json', '--workers', '0']);
  const [url] = rows<{ error_code: string; message: Buffer }>(dbPath, 'SELECT error_code, CAST(error_message AS BLOB) AS message FROM urls WHERE url = ?', site.url('/'));
  assert.equal(url?.error_code, 'CRAWL_REDIRECT_AMBIGUOUS', crawl.stderr);
  const message = new TextDecoder('utf-8', { fatal: true }).decode(url.message);
  assert.match(message, /😀\.\.\. \(\d+ characters\)$/u, 'cut after a whole emoji');
  assert.doesNotMatch(crawl.stderr, LONE_ESCAPE, 'the log line holds no half pair');
  const stats = await crawlite(['stats', '--db', dbPath, '--json']);
  assert.doesNotMatch(stats.stdout, LONE_ESCAPE);
});
