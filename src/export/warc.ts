/**
 * `crawlite export --format warc`: WARC 1.1 (ISO 28500:2017), one gzip member per record, so
 * standard tools (warcio, pywb, wget's readers) can read it and seek to any record.
 *
 * A warcinfo record first, then per page a `response` and its `request`, linked by
 * WARC-Concurrent-To. What the file can and cannot say:
 * - The body is the one stored: content-encoding already removed (the parse workers hash and
 *   parse the decoded bytes). So the response's HTTP headers drop Content-Encoding and
 *   Transfer-Encoding and carry a Content-Length that matches the body written. Pages crawled
 *   with --archive have their compressed body as received (store/archive.ts); it is written
 *   instead, with its Content-Encoding.
 * - Header names are as undici gives them, lowercased; repeated headers were joined with ", "
 *   when stored (Set-Cookie and X-Robots-Tag are kept one per line and written back one per line).
 * - The request record is rebuilt: the fetcher's fixed headers and the run's User-Agent; the
 *   crawler does not store the request it sent.
 * - A body cut at --max-bytes is marked `WARC-Truncated: length`. Pages with no stored body
 *   (a failed parse) are left out; redirect hops are not recorded.
 * Digests are SHA-1 in base32 (WARC-Block-Digest for each record, WARC-Payload-Digest for a
 * response's body), the form every WARC tool checks.
 */
import { createHash, randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Writable } from 'node:stream';
import { VERSION } from '../config/schema.js';
import { unpackContent } from '../content-frame.js';
import { ACCEPT_ENCODING } from '../fetch/decode-body.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/db.js';
import { prepareExportQuery } from './rows.js';
import { NO_FILTER, type PageFilter } from './filters.js';
import { writeBuffers } from './write-buffers.js';
import { gzipInOrder } from './gzip-in-order.js';

const CRLF = '\r\n';
const DROPPED_HEADERS = new Set(['content-encoding', 'transfer-encoding', 'content-length']);
/** With the body as received (--archive), its Content-Encoding is true and stays. */
const DROPPED_HEADERS_RAW = new Set(['transfer-encoding', 'content-length']);
/** What the fetcher sends besides User-Agent (src/fetch/fetcher.ts). */
const REQUEST_HEADERS: Array<[string, string]> = [
  ['Accept', 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8'],
  ['Accept-Encoding', ACCEPT_ENCODING],
  ['Accept-Language', 'en;q=1.0, *;q=0.5'],
];

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (no padding is needed for a 20-byte SHA-1: 160 bits = 32 characters). */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}

const sha1 = (...parts: Uint8Array[]): string => {
  const hash = createHash('sha1');
  for (const p of parts) hash.update(p);
  return `sha1:${base32(hash.digest())}`;
};

/** WARC-Date: UTC to the second, the precision every reader accepts. */
const warcDate = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const recordId = (): string => `<urn:uuid:${randomUUID()}>`;
/** content-type -> Content-Type, for readers that compare names case-sensitively. */
const headerName = (name: string): string => name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
/** Header bytes are latin1 on the wire; undici hands them over as latin1 strings. */
const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

/**
 * zlib level 4, not its default 6: compression is most of an export's CPU. On the bench site's
 * 50 KB pages, CPU per page for the gzip alone and the size against the HTML: level 1 0.63 ms,
 * 41.6 %; 2 0.66 ms, 40.6 %; 3 0.89 ms, 39.6 %; 4 0.89 ms, 38.8 %; 5 1.37 ms, 37.8 %; 6 1.75 ms,
 * 37.6 %. Level 4 halves that cost for a file 3 % larger. The records are compressed on libuv's
 * thread pool, in order (gzip-in-order.ts), while the main thread reads, unpacks and hashes the
 * next rows.
 */
export const WARC_GZIP_LEVEL = 4;

/** One record: WARC headers, the block, and the two CRLFs that end a record (gzip'd on its own by gzipInOrder). */
function record(fields: Array<[string, string]>, blockParts: Uint8Array[]): Buffer {
  const length = blockParts.reduce((n, p) => n + p.byteLength, 0);
  const head = ['WARC/1.1', ...fields.map(([k, v]) => `${k}: ${v}`), `Content-Length: ${length}`, '', ''].join(CRLF);
  return Buffer.concat([Buffer.from(head, 'utf8'), ...blockParts, latin1(CRLF + CRLF)]);
}

function httpResponseHead(status: number, headersJson: string, bodyBytes: number, isRaw: boolean): Buffer {
  let headers: Record<string, string> = {};
  try {
    headers = JSON.parse(headersJson) as Record<string, string>;
  } catch {
    // The writer stores valid JSON; a hand-edited row still gets a status line and Content-Length.
  }
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd()];
  for (const [name, value] of Object.entries(headers)) {
    if ((isRaw ? DROPPED_HEADERS_RAW : DROPPED_HEADERS).has(name)) continue;
    // crawlite's own note of what was not stored (store/stored-headers.ts): no header the server sent.
    if (name.includes(':')) continue;
    // A "\n" only ever separates field lines the fetcher kept apart (Set-Cookie, X-Robots-Tag).
    for (const v of value.split('\n')) lines.push(`${headerName(name)}: ${v}`);
  }
  lines.push(`Content-Length: ${bodyBytes}`, '', '');
  return latin1(lines.join(CRLF));
}

function httpRequestHead(url: string, userAgent: string): Buffer {
  const u = new URL(url);
  const lines = [`GET ${u.pathname}${u.search} HTTP/1.1`, `Host: ${u.host}`, `User-Agent: ${userAgent}`];
  for (const [k, v] of REQUEST_HEADERS) lines.push(`${k}: ${v}`);
  lines.push('', '');
  return latin1(lines.join(CRLF));
}

interface WarcRow {
  final_url: string;
  status: number;
  headers: string;
  fetched_at: number;
  is_truncated: number;
  user_agent: string | null;
  codec: string;
  html_bytes: number;
  data: Uint8Array;
  raw_body: Uint8Array | null;
  error_code: string | null;
}

/** The warcinfo record, then each page's response and request records, uncompressed. */
function warcRecords(db: Db, filter: PageFilter): Generator<Buffer[]> {
  // Prepared here, not in the generator: a file that is not a crawlite database fails before the
  // warcinfo record is written.
  // A file made before --archive existed has no archive table (readers do not create tables).
  const hasArchive = prepareExportQuery(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'archive'").get() !== undefined;
  const stmt = prepareExportQuery<WarcRow>(
    db,
    `SELECT p.final_url, p.status, p.headers, p.fetched_at, p.is_truncated,
            json_extract(r.options, '$.fetch.userAgent') AS user_agent, c.codec, c.html_bytes, c.data, ${hasArchive ? 'a.body' : 'NULL'} AS raw_body,
            p.error_code
       FROM pages p JOIN contents c ON c.hash = p.content_hash LEFT JOIN runs r ON r.id = p.run_id
       ${hasArchive ? 'LEFT JOIN archive a ON a.page_id = p.id' : ''}
       ${filter.sql} ORDER BY p.id`,
  );
  return recordsOf(stmt, filter);
}

function* recordsOf(stmt: Statement<unknown[], WarcRow>, filter: PageFilter): Generator<Buffer[]> {
  const infoId = recordId();
  const info = latin1(`software: crawlite/${VERSION}${CRLF}format: WARC File Format 1.1${CRLF}conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/${CRLF}`);
  yield [record(
    [['WARC-Type', 'warcinfo'], ['WARC-Record-ID', infoId], ['WARC-Date', warcDate(Date.now())], ['Content-Type', 'application/warc-fields'], ['WARC-Block-Digest', sha1(info)]],
    [info],
  )];
  for (const row of stmt.iterate(...filter.params)) {
    // A body under a content-coding crawlite cannot remove was stored as received: its
    // Content-Encoding is still true of it (dropped, the record said these bytes were the page).
    const isRaw = row.raw_body !== null || row.error_code === 'CRAWL_FETCH_ENCODING';
    const body = row.raw_body ?? unpackContent(row.data, row.codec, row.html_bytes).html;
    const head = httpResponseHead(row.status, row.headers, body.byteLength, isRaw);
    const date = warcDate(row.fetched_at);
    const responseId = recordId();
    const responseFields: Array<[string, string]> = [
      ['WARC-Type', 'response'], ['WARC-Record-ID', responseId], ['WARC-Warcinfo-ID', infoId], ['WARC-Date', date],
      ['WARC-Target-URI', row.final_url], ['Content-Type', 'application/http;msgtype=response'],
      ['WARC-Payload-Digest', sha1(body)], ['WARC-Block-Digest', sha1(head, body)],
    ];
    if (row.is_truncated) responseFields.push(['WARC-Truncated', 'length']);
    const request = httpRequestHead(row.final_url, row.user_agent ?? `crawlite/${VERSION}`);
    yield [
      record(responseFields, [head, body]),
      record(
        [
          ['WARC-Type', 'request'], ['WARC-Record-ID', recordId()], ['WARC-Warcinfo-ID', infoId], ['WARC-Date', date],
          ['WARC-Target-URI', row.final_url], ['WARC-Concurrent-To', responseId], ['Content-Type', 'application/http;msgtype=request'],
          ['WARC-Block-Digest', sha1(request)],
        ],
        [request],
      ),
    ];
  }
}

/**
 * Writes the WARC; resolves with the number of pages (response + request pairs) written.
 * `isPlain`: records as they are, not gzip members, for an --out named `.warc` rather than
 * `.warc.gz` (wget's --no-warc-compression): that name got gzip bytes, which `less`, `grep` and a
 * reader going by the name could not read (QA). WARC readers (warcio, pywb) take both.
 */
export async function writeWarc(db: Db, out: Writable, filter: PageFilter = NO_FILTER, isPlain = false): Promise<number> {
  const units = warcRecords(db, filter);
  const chunks = isPlain ? joinUnits(units) : gzipInOrder(units, { level: WARC_GZIP_LEVEL });
  const written = await writeBuffers(chunks, out);
  return Math.max(0, written - 1);
}

function* joinUnits(units: Iterable<Buffer[]>): Generator<Buffer> {
  for (const records of units) yield records.length === 1 ? records[0]! : Buffer.concat(records);
}
