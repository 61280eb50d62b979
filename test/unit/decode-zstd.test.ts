/**
 * zstd bodies (decode-body.ts): removed when the running Node's zlib has zstd (Node 22.15 and
 * later), and then only asked for; on a Node without it (Node 20), never asked for and kept as an
 * unknown coding (CRAWL_FETCH_ENCODING, unknown-encoding.test.ts). The tests of the decoding run
 * on a Node with zstd only.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { ACCEPT_ENCODING, CAN_DECODE_ZSTD, decodeBody } from '../../src/fetch/decode-body.js';

const zstdCompress = (zlib as unknown as { zstdCompressSync?: (data: Buffer, options?: object) => Buffer }).zstdCompressSync;
const NO_ZSTD = CAN_DECODE_ZSTD ? false : 'this Node has no zstd in zlib';
const HTML = Buffer.from(`<!doctype html><title>zstd</title><p>${'squeezed '.repeat(20_000)}</p>`);

/** `bytes` as an undici body would arrive: in 16 KiB chunks. */
function body(bytes: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 16 * 1024) chunks.push(bytes.subarray(at, at + 16 * 1024));
  return Readable.from(chunks);
}

test('zstd is asked for exactly when this Node can remove it', () => {
  assert.equal(ACCEPT_ENCODING, CAN_DECODE_ZSTD ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br');
  assert.equal(CAN_DECODE_ZSTD, typeof zstdCompress === 'function');
});

test('without zstd in zlib, a zstd body is kept as received, an unknown coding', { skip: CAN_DECODE_ZSTD ? 'this Node has zstd' : false }, async () => {
  const decoded = await decodeBody(body(HTML), 'zstd', 10 * 1024 * 1024);
  assert.equal(decoded.unknownEncoding, 'zstd');
  assert.equal(Buffer.from(decoded.body).equals(HTML), true);
});

test('a zstd body is removed, under the cap on decoded bytes', { skip: NO_ZSTD }, async () => {
  const packed = zstdCompress!(HTML);
  const whole = await decodeBody(body(packed), 'zstd', 10 * 1024 * 1024);
  assert.deepEqual([whole.unknownEncoding, whole.isTruncated, whole.wireBytes], [null, false, packed.length]);
  assert.equal(Buffer.from(whole.body).equals(HTML), true);
  const capped = await decodeBody(body(packed), 'ZSTD', 1000);
  assert.deepEqual([capped.body.byteLength, capped.isTruncated], [1000, true]);
  // Stacked under gzip, as a misconfigured proxy may add it.
  const stacked = await decodeBody(body(zlib.gzipSync(packed)), 'zstd, gzip', 10 * 1024 * 1024);
  assert.equal(Buffer.from(stacked.body).equals(HTML), true);
});

test('a zstd bomb stops at the cap; a corrupt body, or one asking for a window over 8 MiB, is CRAWL_FETCH_DECODE', { skip: NO_ZSTD }, async () => {
  const bomb = zstdCompress!(Buffer.alloc(200 * 1024 * 1024));
  const capped = await decodeBody(body(bomb), 'zstd', 1024 * 1024);
  assert.deepEqual([capped.body.byteLength, capped.isTruncated], [1024 * 1024, true]);
  await assert.rejects(decodeBody(body(Buffer.from('this is no zstd frame at all')), 'zstd', 1024), { code: 'CRAWL_FETCH_DECODE' });
  // windowLog 27 (128 MiB), and content that needs it: a long-distance repeat.
  const C = zlib.constants as unknown as Record<string, number>;
  const random = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 2654435761) >>> 24));
  const far = zstdCompress!(Buffer.concat([random, Buffer.alloc(20 * 1024 * 1024), random]), { params: { [C.ZSTD_c_windowLog!]: 27, [C.ZSTD_c_enableLongDistanceMatching!]: 1 } });
  await assert.rejects(decodeBody(body(far), 'zstd', 64 * 1024 * 1024), { code: 'CRAWL_FETCH_DECODE' });
});
