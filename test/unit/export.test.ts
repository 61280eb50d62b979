import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { packContent } from '../../src/content-frame.js';
import { exportPages } from '../../src/export/export.js';
import { DEFAULT_FIELDS, parseFieldList } from '../../src/export/fields.js';
import { writeJsonl } from '../../src/export/jsonl.js';
import { openForWrite, type Db } from '../../src/store/db.js';
import { tempDir } from '../helpers/config.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
const TRICKY_TITLE = 'Hello, "world"\r\nsecond line, still\ttitle';

interface PageInput {
  url: string;
  status?: number;
  contentType?: string;
  title?: string | null;
  headers?: Record<string, string>;
  redirects?: Array<{ url: string; status: number }> | null;
  encoding?: string | null;
  isTruncated?: boolean;
  errorCode?: string | null;
  contentHash?: string | null;
  depth?: number;
}

function addPage(db: Db, p: PageInput, i: number): void {
  const urlId = db
    .prepare("INSERT INTO urls (url, host, depth, state, discovered_at, updated_at) VALUES (?, 'https://a.test', ?, 'done', ?, ?)")
    .run(p.url, p.depth ?? 0, T0, T0).lastInsertRowid;
  db.prepare(
    `INSERT INTO pages (url_id, url, final_url, status, content_type, headers, redirects, fetched_at, elapsed_ms, depth, title,
       description, canonical, language, encoding, raw_bytes, wire_bytes, stored_bytes, is_truncated, links_found, content_hash,
       error_code, error_message)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 12, ?, ?, NULL, NULL, 'en', ?, 100, 60, 40, ?, 3, ?, ?, ?)`,
  ).run(
    urlId, p.url, p.url, p.status ?? 200, p.contentType ?? 'text/html; charset=utf-8', JSON.stringify(p.headers ?? { server: 'x' }),
    p.redirects ? JSON.stringify(p.redirects) : null, T0 + i * 1000, p.depth ?? 0, p.title ?? null, p.encoding ?? null,
    p.isTruncated ? 1 : 0, p.contentHash ?? null, p.errorCode ?? null, p.errorCode ? `failed: ${p.errorCode}` : null,
  );
}

function addContent(db: Db, hash: string, html: Uint8Array, text: string, codec: 'br' | 'gzip' | 'none'): void {
  const { data, textBytes } = packContent(html, text, { codec, level: codec === 'br' ? 4 : 6 });
  db.prepare('INSERT INTO contents (hash, codec, html_bytes, text_bytes, data) VALUES (?, ?, ?, ?, ?)').run(hash, codec, html.length, textBytes, data);
}

const HTML_A = '<html><title>a</title><body>Hi there</body></html>';
// "café “5 €”" in windows-1252: é is the single byte 0xE9, not valid UTF-8; the quotes and the
// euro sign are 0x93, 0x94 and 0x80, which ISO-8859-1 (Node's TextDecoder for this label) reads as C1 controls.
const HTML_B = Buffer.concat([Buffer.from('<p>caf'), Buffer.from([0xe9, 0x20, 0x93]), Buffer.from('5 '), Buffer.from([0x80, 0x94]), Buffer.from('</p>')]);

/** Three pages: a tricky title with content (br), a redirect with windows-1252 content (gzip), a 404 image without content. */
function buildFixture(t: TestContext): string {
  const path = join(tempDir(t, 'crawlite-export-'), 'crawl.db');
  const db = openForWrite(path);
  addContent(db, 'h-a', Buffer.from(HTML_A), 'a Hi there', 'br');
  addContent(db, 'h-b', HTML_B, 'café', 'gzip');
  addPage(db, { url: 'https://a.test/', title: TRICKY_TITLE, contentHash: 'h-a', encoding: 'utf-8', headers: { 'content-type': 'text/html', 'x-a': '1, 2' } }, 0);
  addPage(db, { url: 'https://a.test/b', title: 'B', contentHash: 'h-b', encoding: 'windows-1252', isTruncated: true, depth: 1, redirects: [{ url: 'https://a.test/old', status: 301 }] }, 1);
  addPage(db, { url: 'https://a.test/img.png', status: 404, contentType: 'image/png', errorCode: 'CRAWL_PARSE_FAILED', depth: 2 }, 2);
  db.close();
  return path;
}

/** Collects everything written, as a string. */
function sink(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  return Object.assign(w, { text: () => Buffer.concat(chunks).toString('utf8') });
}

async function exportJsonl(dbPath: string, opts: { fields?: string; with?: string } = {}): Promise<Array<Record<string, unknown>>> {
  const out = sink();
  const { rows } = await exportPages({ dbPath, format: 'jsonl', ...opts }, out);
  const lines = out.text().split('\n');
  assert.equal(lines.pop(), '', 'output ends with a newline');
  assert.equal(lines.length, rows);
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A strict RFC 4180 parser: CRLF record ends, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && field === '') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        assert.ok(q >= 0, 'unterminated quoted field');
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      assert.ok(text[i] === ',' || text.startsWith('\r\n', i), `garbage after a quoted field at ${i}`);
    } else if (ch === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      assert.ok(ch !== '\r' && ch !== '\n' && ch !== '"', `bare ${JSON.stringify(ch)} in an unquoted field at ${i}`);
      field += ch;
      i++;
    }
  }
  assert.equal(field, '', 'the last record ends with CRLF');
  assert.equal(record.length, 0, 'the last record ends with CRLF');
  return records;
}

describe('parseFieldList', () => {
  test('defaults to every page column but headers and redirects, and appends --with', () => {
    assert.deepEqual(parseFieldList(), [...DEFAULT_FIELDS]);
    assert.ok(!DEFAULT_FIELDS.includes('headers') && !DEFAULT_FIELDS.includes('redirects'));
    assert.equal(DEFAULT_FIELDS[0], 'url');
    assert.deepEqual(parseFieldList(' title , url', 'html,text'), ['title', 'url', 'html', 'text']);
    // --with adds content wherever --fields put it: no column twice, no error.
    assert.deepEqual(parseFieldList('url,text', 'text'), ['url', 'text']);
  });

  test('a name given twice in one list is refused, naming it (url,url was one url column, silently)', () => {
    assert.throws(() => parseFieldList('url,text,url', 'text'), { code: 'CRAWL_USAGE', message: "--fields names 'url' twice; name each field once" });
    assert.throws(() => parseFieldList('status, title,status,status'), { code: 'CRAWL_USAGE', message: "--fields names 'status' 3 times; name each field once" });
    assert.throws(() => parseFieldList('url', 'text,html,text'), { code: 'CRAWL_USAGE', message: "--with names 'text' twice; name each field once" });
  });

  test('an unknown name is one CRAWL_USAGE line naming it and the known names', () => {
    assert.throws(() => parseFieldList('url,foo'), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CRAWL_USAGE');
      assert.match(err.message, /^unknown field 'foo' \(known: url, final_url, status, .*, content_hash, text, html, body_base64\)$/);
      return true;
    });
    assert.throws(() => parseFieldList(undefined, 'text,title'), { code: 'CRAWL_USAGE', message: "unknown --with value 'title' (known: text, html, body_base64)" });
    assert.throws(() => parseFieldList(' , '), { code: 'CRAWL_USAGE' });
  });

  test("--with '' or ',' is refused as --fields '' is, not an export without the content asked for", () => {
    for (const withList of ['', ',', ' , ']) {
      assert.throws(() => parseFieldList(undefined, withList), { code: 'CRAWL_USAGE', message: '--with is empty (known: text, html, body_base64)' });
    }
  });
});

describe('exportPages', () => {
  test('jsonl round-trips every page with the default fields', async (t) => {
    const rows = await exportJsonl(buildFixture(t));
    assert.equal(rows.length, 3);
    for (const row of rows) assert.deepEqual(Object.keys(row), DEFAULT_FIELDS);
    assert.deepEqual(rows[0], {
      url: 'https://a.test/', final_url: 'https://a.test/', status: 200, content_type: 'text/html; charset=utf-8',
      fetched_at: '2024-05-01T12:00:00.000Z', depth: 0, title: TRICKY_TITLE, description: null, canonical: null, language: 'en',
      encoding: 'utf-8', raw_bytes: 100, stored_bytes: 40, wire_bytes: 60, is_truncated: false, links_found: 3, elapsed_ms: 12,
      error_code: null, error_message: null, content_hash: 'h-a',
    });
    assert.equal(rows[1]!.is_truncated, true);
    assert.equal(rows[1]!.fetched_at, '2024-05-01T12:00:01.000Z');
    assert.deepEqual([rows[2]!.status, rows[2]!.error_code, rows[2]!.content_hash], [404, 'CRAWL_PARSE_FAILED', null]);
  });

  test('--fields picks the columns and their order; JSON columns are parsed in jsonl', async (t) => {
    const rows = await exportJsonl(buildFixture(t), { fields: 'title,url,headers,redirects' });
    assert.deepEqual(Object.keys(rows[0]!), ['title', 'url', 'headers', 'redirects']);
    assert.deepEqual(rows[0]!.headers, { 'content-type': 'text/html', 'x-a': '1, 2' });
    assert.equal(rows[0]!.redirects, null);
    assert.deepEqual(rows[1]!.redirects, [{ url: 'https://a.test/old', status: 301 }]);
  });

  test('--with text,html gives the decompressed text and HTML, null without content', async (t) => {
    const rows = await exportJsonl(buildFixture(t), { fields: 'url', with: 'text,html' });
    assert.deepEqual(rows, [
      { url: 'https://a.test/', text: 'a Hi there', html: HTML_A },
      // The HTML is decoded with the page's own charset.
      { url: 'https://a.test/b', text: 'café', html: '<p>café “5 €”</p>' },
      { url: 'https://a.test/img.png', text: null, html: null },
    ]);
  });

  test('csv is RFC 4180 and reads back to the same values', async (t) => {
    const out = sink();
    const { rows } = await exportPages({ dbPath: buildFixture(t), format: 'csv', fields: 'url,title,status,is_truncated,headers,canonical' }, out);
    assert.equal(rows, 3);
    const text = out.text();
    assert.ok(text.startsWith('url,title,status,is_truncated,headers,canonical\r\n'));
    // Exact bytes of the first record: quotes doubled, the CRLF inside the title kept inside quotes.
    assert.ok(text.includes('\r\nhttps://a.test/,"Hello, ""world""\r\nsecond line, still\ttitle",200,false,"{""content-type"":""text/html"",""x-a"":""1, 2""}",\r\n'));
    const records = parseCsv(text);
    assert.equal(records.length, 4);
    assert.deepEqual(records[0], ['url', 'title', 'status', 'is_truncated', 'headers', 'canonical']);
    assert.deepEqual(records[1], ['https://a.test/', TRICKY_TITLE, '200', 'false', '{"content-type":"text/html","x-a":"1, 2"}', '']);
    assert.deepEqual(records[2]!.slice(0, 4), ['https://a.test/b', 'B', '200', 'true']);
    assert.deepEqual(records[3]!.slice(0, 3), ['https://a.test/img.png', '', '404']);
  });

  test('bad format, unknown field and missing database are CRAWL_* errors', async (t) => {
    const dbPath = buildFixture(t);
    await assert.rejects(exportPages({ dbPath, format: 'jsonl', fields: 'url,foo' }, sink()), {
      code: 'CRAWL_USAGE',
      message: /^unknown field 'foo' \(known: url, final_url, /,
    });
    await assert.rejects(exportPages({ dbPath, format: 'xml' as 'csv' }, sink()), { code: 'CRAWL_USAGE', message: "unknown export format 'xml' (known: jsonl, csv, warc, links)" });
    await assert.rejects(exportPages({ dbPath: join(tempDir(t, 'crawlite-export-'), 'none.db'), format: 'csv' }, sink()), { code: 'CRAWL_STORE_MISSING' });
    const notCrawl = join(tempDir(t, 'crawlite-export-'), 'other.db');
    writeFileSync(notCrawl, '');
    await assert.rejects(exportPages({ dbPath: notCrawl, format: 'csv' }, sink()), { code: 'CRAWL_STORE_OPEN' });
    await assert.rejects(exportPages({ dbPath, format: 'csv', out: dbPath }, sink()), { code: 'CRAWL_USAGE' });
    await assert.rejects(exportPages({ dbPath, format: 'csv', out: join(dbPath, 'x', 'y.csv') }, sink()), { code: 'CRAWL_USAGE' });
  });

  test('--out writes the file in place and leaves no temp file; a failed export keeps the old file', async (t) => {
    const dbPath = buildFixture(t);
    const dir = tempDir(t, 'crawlite-export-');
    const out = join(dir, 'pages.jsonl');
    const stdout = sink();
    const { rows } = await exportPages({ dbPath, format: 'jsonl', out, fields: 'url' }, stdout);
    assert.equal(rows, 3);
    assert.equal(stdout.text(), '', 'nothing on stdout');
    assert.deepEqual(readdirSync(dir), ['pages.jsonl']);
    assert.equal(readFileSync(out, 'utf8'), '{"url":"https://a.test/"}\n{"url":"https://a.test/b"}\n{"url":"https://a.test/img.png"}\n');

    // A corrupt content frame fails the export halfway through the rows.
    const db = openForWrite(dbPath);
    db.prepare("UPDATE contents SET data = x'00112233' WHERE hash = 'h-b'").run();
    db.close();
    await assert.rejects(exportPages({ dbPath, format: 'jsonl', out, with: 'text' }, sink()), {
      code: 'CRAWL_STORE_OPEN',
      message: /https:\/\/a\.test\/b/,
    });
    assert.deepEqual(readdirSync(dir), ['pages.jsonl']);
    assert.equal(readFileSync(out, 'utf8').split('\n').length, 4, 'the previous export is intact');
  });

  test('reads while a write connection holds an open transaction (WAL)', async (t) => {
    const dbPath = buildFixture(t);
    const writer = openForWrite(dbPath);
    t.after(() => writer.close());
    writer.exec('BEGIN IMMEDIATE');
    addPage(writer, { url: 'https://a.test/uncommitted' }, 3);
    const during = await exportJsonl(dbPath, { fields: 'url' });
    assert.deepEqual(during.map((r) => r.url), ['https://a.test/', 'https://a.test/b', 'https://a.test/img.png']);
    writer.exec('COMMIT');
    assert.equal((await exportJsonl(dbPath, { fields: 'url' })).length, 4);
  });
});

describe('streaming', () => {
  const TOTAL = 20_000;
  let bigDir = '';
  let bigDb = '';

  before(() => {
    bigDir = mkdtempSync(join(tmpdir(), 'crawlite-export-'));
    bigDb = join(bigDir, 'big.db');
    const db = openForWrite(bigDb);
    db.transaction(() => {
      for (let i = 0; i < TOTAL; i++) addPage(db, { url: `https://a.test/p/${i}`, title: `page ${i}` }, i);
    })();
    db.close();
  });
  after(() => rmSync(bigDir, { recursive: true, force: true }));

  test('20,000 rows through a slow writer: every row arrives, the buffer stays bounded', async () => {
    const HWM = 16 * 1024;
    let maxBuffered = 0;
    let maxChunk = 0;
    let text = '';
    const slow = new Writable({
      highWaterMark: HWM,
      write(chunk: Buffer, _enc, cb) {
        maxBuffered = Math.max(maxBuffered, this.writableLength);
        maxChunk = Math.max(maxChunk, chunk.length);
        text += chunk.toString('utf8');
        setTimeout(cb, 1); // slower than the export's own turn-taking, so the buffer really fills
      },
    });
    let drains = 0;
    slow.on('drain', () => drains++);
    // The invariant itself: nothing is written while the stream has asked to wait for 'drain'.
    let writesWhileFull = 0;
    const write = slow.write.bind(slow) as (...args: unknown[]) => boolean;
    slow.write = ((...args: unknown[]) => {
      if (slow.writableNeedDrain) writesWhileFull++;
      return write(...args);
    }) as typeof slow.write;
    const { rows } = await exportPages({ dbPath: bigDb, format: 'jsonl', fields: 'url,title' }, slow);
    assert.equal(rows, TOTAL);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, TOTAL);
    lines.forEach((line, i) => assert.equal(line, `{"url":"https://a.test/p/${i}","title":"page ${i}"}`));
    assert.ok(drains > 0, 'the writer had to wait for drain');
    assert.equal(writesWhileFull, 0);
    // Nothing is written while the stream is over its high-water mark, so at most one chunk past it.
    assert.ok(maxBuffered <= HWM + maxChunk, `buffered ${maxBuffered} > ${HWM} + ${maxChunk}`);
  });

  test('a reader that goes away (EPIPE) ends the export quietly and early', async () => {
    let chunks = 0;
    const broken = new Writable({
      write(_chunk, _enc, cb) {
        chunks++;
        if (chunks < 3) return cb();
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const { rows } = await exportPages({ dbPath: bigDb, format: 'csv' }, broken);
    assert.ok(rows > 0 && rows < TOTAL, `stopped early (${rows} rows)`);
    assert.equal(chunks, 3, 'nothing written after the failure');
  });

  test('another stream error rejects', async () => {
    const failing = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
      },
    });
    await assert.rejects(writeJsonl([{ a: 1 }], failing), { code: 'ENOSPC' });
  });

  test('`crawlite export | head` on a real pipe: exit 0, nothing on stderr', async () => {
    const exportModule = new URL('../../src/export/export.js', import.meta.url).href;
    const script = `const { exportPages } = await import(${JSON.stringify(exportModule)});
      await exportPages({ dbPath: ${JSON.stringify(bigDb)}, format: 'jsonl' }, process.stdout);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Like head: read a little, then close the read end while the child is still writing.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
});
