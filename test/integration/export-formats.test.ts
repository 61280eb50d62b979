/**
 * WARC and link-graph exports of a real crawl, read back by a standard reader (warcio), and the
 * filters every export takes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WARCParser } from 'warcio';
import { runCrawl } from '../../src/crawl.js';
import { exportPages, type ExportOptions } from '../../src/export/export.js';
import { base32 } from '../../src/export/warc.js';
import { startSite, page } from '../helpers/site.js';
import { testConfig } from '../helpers/config.js';
import { exportBytes } from '../helpers/export.js';

const PIXEL = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001', 'hex');

async function collect(opts: ExportOptions): Promise<string> {
  return (await exportBytes(opts)).toString('utf8');
}

async function crawledSite(t: import('node:test').TestContext) {
  const home = page('home', ['/zipped', '/pixel.png', '/missing', 'https://elsewhere.invalid/x'], '<a href="/zipped" rel="nofollow">nofollow first</a><a href="/zipped">again, "quoted", followed</a>');
  const site = await startSite({
    '/': home,
    '/zipped': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip', 'set-cookie': ['a=1', 'b=2'] });
      res.end(gzipSync(page('zipped page', ['/'], '<p>compressed on the wire</p>')));
    },
    '/pixel.png': { headers: { 'content-type': 'image/png' }, body: PIXEL },
  });
  t.after(() => site.close());
  // The WARC carries the PNG's bytes, so its body is stored (non-HTML is metadata-only by default).
  const config = testConfig(t, [site.url('/')], { parse: { storeNonHtml: true } });
  await runCrawl(config);
  return { site, dbPath: config.dbPath, config };
}

test('--format warc: WARC 1.1 that warcio reads record by record, gzip per record, digests right', async (t) => {
  const { site, dbPath } = await crawledSite(t);
  const out = join(dirname(dbPath), 'crawl.warc.gz');
  await exportPages({ dbPath, format: 'warc', out }, process.stdout);

  const parser = new WARCParser(createReadStream(out));
  const records: Array<{ type: string; uri: string | null | undefined; status: unknown; payload: Buffer; headers: Headers | null; warc: Map<string, string>; offset: number }> = [];
  for await (const record of parser) {
    const payload = Buffer.from(await record.readFully(true));
    const warc = new Map<string, string>();
    for (const [k, v] of record.warcHeaders.headers as unknown as Iterable<[string, string]>) warc.set(k.toLowerCase(), v);
    records.push({
      type: record.warcType, uri: record.warcTargetURI, status: record.httpHeaders?.statusCode,
      payload, headers: record.httpHeaders?.headers as Headers | null, warc, offset: parser.offset,
    });
  }
  assert.equal(records[0]!.type, 'warcinfo');
  const responses = records.filter((r) => r.type === 'response');
  const requests = records.filter((r) => r.type === 'request');
  assert.deepEqual(responses.map((r) => r.uri).sort(), [site.url('/'), site.url('/missing'), site.url('/pixel.png'), site.url('/zipped')].sort());
  assert.equal(requests.length, responses.length);
  for (const r of records.slice(1)) assert.match(r.warc.get('warc-date')!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const zipped = responses.find((r) => r.uri === site.url('/zipped'))!;
  assert.equal(zipped.status, 200);
  assert.match(zipped.payload.toString('utf8'), /compressed on the wire/, 'the body is the decoded HTML');
  assert.equal(zipped.headers!.get('content-encoding'), null, 'Content-Encoding dropped with the decoding');
  assert.equal(zipped.headers!.get('content-length'), String(zipped.payload.length));
  assert.equal(zipped.headers!.get('set-cookie'), 'a=1, b=2', 'one Set-Cookie line per cookie');
  const pixel = responses.find((r) => r.uri === site.url('/pixel.png'))!;
  assert.deepEqual(pixel.payload, PIXEL, 'binary bodies byte for byte');
  assert.equal(pixel.warc.get('warc-payload-digest'), `sha1:${base32(createHash('sha1').update(PIXEL).digest())}`);
  assert.equal(responses.find((r) => r.uri === site.url('/missing'))!.status, 404);

  const request = requests.find((r) => r.uri === site.url('/zipped'))!;
  assert.equal(request.warc.get('warc-concurrent-to'), zipped.warc.get('warc-record-id'));
  assert.equal(request.warc.get('content-type'), 'application/http;msgtype=request');

  // Every record starts a gzip member of its own, so readers can seek to any record.
  const bytes = readFileSync(out);
  const starts = [0, ...records.slice(0, -1).map((r) => r.offset)];
  for (const at of starts) assert.deepEqual([bytes[at], bytes[at + 1]], [0x1f, 0x8b], `gzip member at ${at}`);
});

test('--archive keeps compressed bodies as received; the WARC then carries them with their Content-Encoding', async (t) => {
  const html = page('zipped page', ['/'], '<p>compressed on the wire</p>');
  const wire = gzipSync(html, { level: 9 });
  const site = await startSite({
    '/': page('home', ['/zipped', '/plain']),
    '/zipped': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'transfer-encoding': 'chunked' });
      res.end(wire);
    },
    '/plain': page('plain page'),
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { archive: true });
  await runCrawl(config);
  const out = join(dirname(config.dbPath), 'archive.warc.gz');
  await exportPages({ dbPath: config.dbPath, format: 'warc', out }, process.stdout);
  const responses = new Map<string, { raw: Buffer; content: string; headers: Headers; digest: string | null | undefined }>();
  for await (const record of new WARCParser(createReadStream(out))) {
    if (record.warcType !== 'response') continue;
    const headers = record.httpHeaders!.headers as Headers;
    const raw = Buffer.from(await record.readFully(false));
    responses.set(record.warcTargetURI!, { raw, content: '', headers, digest: record.warcPayloadDigest });
  }
  const zipped = responses.get(site.url('/zipped'))!;
  assert.equal(zipped.headers.get('content-encoding'), 'gzip', 'Content-Encoding kept with the bytes it describes');
  assert.equal(zipped.headers.get('transfer-encoding'), null);
  assert.equal(zipped.headers.get('content-length'), String(wire.length));
  assert.ok(zipped.raw.subarray(zipped.raw.length - wire.length).equals(wire), 'the body is the gzip bytes as sent');
  assert.equal(zipped.digest, `sha1:${base32(createHash('sha1').update(wire).digest())}`);
  const plain = responses.get(site.url('/plain'))!;
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.match(plain.raw.toString('utf8'), /plain page/);
});

test('base32 is RFC 4648', () => {
  assert.equal(base32(Buffer.from('foobar')), 'MZXW6YTBOI======');
  assert.equal(base32(Buffer.from('')), '');
});

test('--format links: the link graph as CSV edges', async (t) => {
  const { site, dbPath } = await crawledSite(t);
  const csv = await collect({ dbPath, format: 'links', filter: { status: '200', contentType: 'text/html' } });
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'from_url,to_url,anchor,in_scope,nofollow');
  assert.ok(lines.includes(`${site.url('/')},https://elsewhere.invalid/x,link 3 to https://elsewhere.invalid/x,false,false`), csv);
  assert.ok(lines.includes(`${site.url('/zipped')},${site.url('/')},link 0 to /,true,false`), 'links of every matching page');
  // /zipped is linked three times on the home page, first with rel=nofollow: the link is
  // followable because the page also links it normally, and the row is the first followed link's.
  assert.ok(csv.includes(`"again, ""quoted"", followed",true,false`), 'RFC 4180 quoting; a URL also linked normally is followed');
  assert.ok(!csv.includes('nofollow first'), csv);
  const froms = new Set(lines.slice(1, -1).map((l) => l.split(',')[0]));
  assert.deepEqual([...froms].sort(), [site.url('/'), site.url('/zipped')], 'only the 200 HTML pages');
  await assert.rejects(collect({ dbPath, format: 'links', fields: 'url' }), { code: 'CRAWL_USAGE' });
});

test('filters: --status, --content-type, --run, --since/--until, on every format', async (t) => {
  const { site, dbPath, config } = await crawledSite(t);
  const urls = async (filter: ExportOptions['filter']) =>
    (await collect({ dbPath, format: 'jsonl', fields: 'url', filter })).trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { url: string }).url.slice(site.origin.length)).sort();

  assert.deepEqual(await urls({ status: '2xx' }), ['/', '/pixel.png', '/zipped']);
  assert.deepEqual(await urls({ status: '404,500' }), ['/missing']);
  assert.deepEqual(await urls({ contentType: 'image/*' }), ['/pixel.png']);
  assert.deepEqual(await urls({ contentType: 'TEXT/HTML', status: '2xx' }), ['/', '/zipped']);
  // Parameters are ignored on both sides, as the README says: the type as a Content-Type header gives it.
  assert.deepEqual(await urls({ contentType: 'text/html; charset=utf-8', status: '2xx' }), ['/', '/zipped']);
  assert.deepEqual(await urls({ since: '2000-02-29', until: '2999-01-01' }), ['/', '/missing', '/pixel.png', '/zipped']);
  assert.deepEqual(await urls({ since: '2000-01-01', until: '2999-01-01T00:00:00Z' }), ['/', '/missing', '/pixel.png', '/zipped']);
  assert.deepEqual(await urls({ until: '2000-01-01' }), []);
  assert.deepEqual(await urls({ run: 1 }), ['/', '/missing', '/pixel.png', '/zipped']);

  // A second run that adds one page: --run 2 has only that page.
  site.hits.clear();
  await runCrawl({ ...config, seeds: [site.url('/later')] });
  assert.deepEqual(await urls({ run: 2 }), ['/later']);
  const csv = await collect({ dbPath, format: 'csv', fields: 'url,status', filter: { run: 2 } });
  assert.equal(csv, `url,status\r\n${site.url('/later')},404\r\n`);
  const warc = join(dirname(dbPath), 'run2.warc.gz');
  await exportPages({ dbPath, format: 'warc', out: warc, filter: { run: 2 } }, process.stdout);
  const uris: Array<string | null | undefined> = [];
  for await (const record of new WARCParser(createReadStream(warc))) if (record.warcType === 'response') uris.push(record.warcTargetURI);
  assert.deepEqual(uris, [site.url('/later')]);

  for (const bad of [{ status: '2x' }, { status: '99' }, { since: 'yesterday' }, { until: '2024-13-45' }, { since: '2026-02-30' }, { until: '2025-04-31T10:00:00Z' }, { since: '2026-05-02', until: '2026-05-01' }, { since: '2026-05-01', until: '2026-05-01' }, { contentType: 'html' }, { run: 0 }]) {
    await assert.rejects(collect({ dbPath, format: 'jsonl', filter: bad as ExportOptions['filter'] }), { code: 'CRAWL_USAGE' }, JSON.stringify(bad));
  }
});

test('--with html,body_base64 on non-HTML bodies: html is text in its charset or null, body_base64 the exact bytes (jsonl and csv)', async (t) => {
  const json = Buffer.from('{"name":"caf\u00e9 \u20ac"}', 'utf8');
  const home = page('home', ['/pixel.png', '/data.json', '/ru.txt', '/legacy.txt']);
  const site = await startSite({
    '/': home,
    '/pixel.png': { headers: { 'content-type': 'image/png' }, body: PIXEL },
    '/data.json': { headers: { 'content-type': 'application/json' }, body: json },
    // привет in windows-1251, named by the charset; café € in windows-1252, named by nothing.
    '/ru.txt': { headers: { 'content-type': 'text/plain; charset=windows-1251' }, body: Buffer.from([0xef, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]) },
    '/legacy.txt': { headers: { 'content-type': 'text/plain' }, body: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80]) },
  });
  t.after(() => site.close());
  const config = testConfig(t, [site.url('/')], { parse: { storeNonHtml: true } });
  await runCrawl(config);
  const dbPath = config.dbPath;

  const lines = (await collect({ dbPath, format: 'jsonl', fields: 'url', with: 'html,body_base64' })).trim().split('\n');
  const byUrl = new Map(lines.map((l) => JSON.parse(l) as { url: string; html: string | null; body_base64: string | null }).map((r) => [r.url, r]));
  const pixel = byUrl.get(site.url('/pixel.png'))!;
  // Decoded as text, the PNG was a string of U+FFFD that no longer held its bytes.
  assert.equal(pixel.html, null, 'an image is no text');
  assert.deepEqual(Buffer.from(pixel.body_base64!, 'base64'), PIXEL, 'the PNG byte for byte');
  const data = byUrl.get(site.url('/data.json'))!;
  assert.equal(data.html, '{"name":"caf\u00e9 \u20ac"}', 'UTF-8 text stored unparsed is still given as text');
  assert.deepEqual(Buffer.from(data.body_base64!, 'base64'), json);
  assert.equal(byUrl.get(site.url('/ru.txt'))!.html, '\u043f\u0440\u0438\u0432\u0435\u0442', 'text in its Content-Type charset');
  assert.equal(byUrl.get(site.url('/legacy.txt'))!.html, 'caf\u00e9 \u20ac', 'legacy text without a charset, as a browser shows it');
  const root = byUrl.get(site.url('/'))!;
  assert.equal(root.html, home, 'HTML as before');
  assert.equal(Buffer.from(root.body_base64!, 'base64').toString('utf8'), home);

  const csv = (await collect({ dbPath, format: 'csv', fields: 'url,body_base64' })).split('\r\n');
  assert.equal(csv[0], 'url,body_base64');
  const row = csv.find((l) => l.startsWith(`${site.url('/pixel.png')},`))!;
  assert.deepEqual(Buffer.from(row.split(',')[1]!, 'base64'), PIXEL, 'CSV carries the same base64');
  const csvHtml = (await collect({ dbPath, format: 'csv', fields: 'url,html' })).split('\r\n');
  assert.ok(csvHtml.includes(`${site.url('/pixel.png')},`), `an empty html cell for the PNG: ${csvHtml.join('|')}`);
});
