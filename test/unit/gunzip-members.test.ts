/**
 * gzip bodies through decodeBody (gunzip-members.ts): bytes after the last member ignored, a cut
 * stream still truncated, concatenated members whole, corrupt data still CRAWL_FETCH_DECODE (but
 * for a corrupt member after a whole one: the body ends there, truncated).
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { decodeBody } from '../../src/fetch/decode-body.js';
import { gunzipMembers } from '../../src/fetch/gunzip-members.js';

const PAGE = Buffer.from('<title>x</title>' + Array.from({ length: 3000 }, (_, i) => `w${(i * 7919) % 10007} `).join(''));
const GZ = zlib.gzipSync(PAGE);

/** `body` in chunks of `size` bytes, as a socket might deliver it. */
function chunked(body: Buffer, size = body.length): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) chunks.push(body.subarray(i, i + size));
  return Readable.from(chunks);
}

async function consume(chunks: AsyncIterable<Buffer>): Promise<void> {
  for await (const _ of chunks);
}

const decode = (body: Buffer, size?: number, maxBodyBytes = 10_000_000) => decodeBody(chunked(body, size), 'gzip', maxBodyBytes);

test('bytes after a whole gzip member that start no other are ignored: stored whole, not truncated', async () => {
  for (const tail of ['\r\n', '\n', ' ', 'garbage', '\0\0', '\x1f']) {
    for (const size of [1, 5, 1 << 20]) {
      const what = `${JSON.stringify(tail)} in chunks of ${size}`;
      const decoded = await decode(Buffer.concat([GZ, Buffer.from(tail, 'latin1')]), size);
      assert.ok(Buffer.from(decoded.body).equals(PAGE), what);
      assert.equal(decoded.isTruncated, tail === '\x1f', `${what}: a lone 0x1f may begin a member, and it is cut`);
    }
  }
});

test('a gzip stream cut anywhere keeps what it decoded and is truncated', async () => {
  for (let cut = 1; cut < GZ.length; cut += 97) {
    const decoded = await decode(GZ.subarray(0, cut), 64);
    assert.equal(decoded.isTruncated, true, `cut at ${cut}`);
    assert.ok(Buffer.from(decoded.body).equals(PAGE.subarray(0, decoded.body.length)), `cut at ${cut}: a prefix of the page`);
  }
  // Whole but for its 8-byte trailer: all the content is there, the stream is still cut.
  const noTrailer = await decode(GZ.subarray(0, GZ.length - 8));
  assert.ok(Buffer.from(noTrailer.body).equals(PAGE));
  assert.equal(noTrailer.isTruncated, true);
});

test('concatenated gzip members are one body, with or without a tail; a second member cut is truncated', async () => {
  const two = Buffer.concat([zlib.gzipSync(PAGE.subarray(0, 1000)), zlib.gzipSync(PAGE.subarray(1000))]);
  for (const [body, size] of [[two, 1], [two, 3], [two, undefined], [Buffer.concat([two, Buffer.from('\r\n')]), 7]] as const) {
    const decoded = await decode(body, size);
    assert.ok(Buffer.from(decoded.body).equals(PAGE));
    assert.equal(decoded.isTruncated, false);
  }
  const cutSecond = await decode(two.subarray(0, two.length - 20));
  assert.equal(cutSecond.isTruncated, true);
});

test('a corrupt member after a whole one (bad data, a bad CRC or length) ends the body there: the whole members kept, truncated, not CRAWL_FETCH_DECODE (Chromium reads no member past the first)', async () => {
  const first = zlib.gzipSync(PAGE.subarray(0, 1000));
  const second = zlib.gzipSync(PAGE.subarray(1000));
  const flip = (at: number) => {
    const copy = Buffer.from(second);
    copy[at < 0 ? copy.length + at : at]! ^= 0xff;
    return copy;
  };
  const garbage = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  for (const [name, tail] of [['bad data', garbage], ['bad CRC', flip(-6)], ['bad length', flip(-2)]] as const) {
    for (const size of [3, undefined]) {
      const decoded = await decode(Buffer.concat([first, tail]), size);
      assert.equal(decoded.isTruncated, true, name);
      assert.ok(Buffer.from(decoded.body).subarray(0, 1000).equals(PAGE.subarray(0, 1000)), `${name}: the first member whole`);
    }
  }
  const onlyFirst = await decode(Buffer.concat([first, garbage]));
  assert.equal(onlyFirst.body.length, 1000, 'nothing of the garbage member is kept');
});

test('gzip headers with FEXTRA, FNAME, FCOMMENT and FHCRC are skipped whole', async () => {
  const header = Buffer.concat([
    Buffer.from([0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 3]),
    Buffer.from([3, 0, 1, 2, 3]), Buffer.from('page.html\0comment\0'), Buffer.from([0, 0]),
  ]);
  const decoded = await decode(Buffer.concat([header, GZ.subarray(10)]), 2);
  assert.ok(Buffer.from(decoded.body).equals(PAGE));
  assert.equal(decoded.isTruncated, false);
});

test('corrupt gzip is still CRAWL_FETCH_DECODE: not gzip, bad data, bad CRC, bad length', async () => {
  const flip = (at: number) => {
    const copy = Buffer.from(GZ);
    copy[at < 0 ? copy.length + at : at]! ^= 0xff;
    return copy;
  };
  for (const [name, body, message] of [
    ['not gzip', Buffer.from('<html>plain</html>'), /incorrect header check/],
    ['bad CRC', flip(-6), /incorrect data check/],
    ['bad length', flip(-2), /incorrect length check/],
    ['bad data', flip(20), /cannot decode "gzip" body/],
  ] as const) {
    await assert.rejects(decode(body), (err: { code?: string; message?: string }) => {
      assert.equal(err.code, 'CRAWL_FETCH_DECODE', name);
      assert.match(err.message ?? '', message, name);
      return true;
    });
  }
});

test('a gzip bomb still stops at maxBodyBytes, truncated', async () => {
  const decoded = await decodeBody(chunked(zlib.gzipSync(Buffer.alloc(20_000_000)), 16 * 1024), 'gzip', 1_000_000);
  assert.equal(decoded.body.length, 1_000_000);
  assert.equal(decoded.isTruncated, true);
  assert.ok(decoded.wireBytes < 200_000, `read ${decoded.wireBytes} bytes of the wire`);
});

test('a gzip header whose FNAME or FCOMMENT never ends is corrupt past 64 KiB: not read on to the timeout', async () => {
  for (const [name, flag] of [['FNAME', 0x08], ['FCOMMENT', 0x10]] as const) {
    for (const size of [1, 1024, 16 * 1024]) {
      const what = `${name}, chunks of ${size}`;
      let sent = 0;
      // Bounded only so a regression ends: 10 MB of a name or comment with no terminating 0 byte.
      async function* endless(): AsyncGenerator<Buffer> {
        yield Buffer.from([0x1f, 0x8b, 8, flag, 0, 0, 0, 0, 0, 3]);
        const chunk = Buffer.alloc(size, 'a');
        while (sent < 10_000_000) {
          sent += chunk.length;
          yield chunk;
        }
      }
      // gunzipMembers itself, so `sent` is what it read: decodeBody's streams read ahead of it.
      await assert.rejects(consume(gunzipMembers(endless(), { isCut: false }, {})), (err: { code?: string; message?: string }) => {
        assert.equal(err.code, 'Z_DATA_ERROR', what);
        assert.match(err.message ?? '', /header too long/, what);
        return true;
      });
      assert.ok(sent <= 64 * 1024 + size, `${what}: read ${sent} bytes of the header`);
      // Through decodeBody, the error every corrupt gzip body gets (1-byte chunks through its streams are slow).
      if (size === 1) continue;
      sent = 0;
      await assert.rejects(decodeBody(Readable.from(endless()), 'gzip', 10_000_000), (err: { code?: string; message?: string }) => {
        assert.equal(err.code, 'CRAWL_FETCH_DECODE', what);
        assert.match(err.message ?? '', /cannot decode "gzip" body: gzip member header too long/, what);
        return true;
      });
      assert.ok(sent < 1_000_000, `${what}: decodeBody read ${sent} bytes`);
    }
  }
});

test('a gzip header dripped a byte at a time, FEXTRA, FNAME and FCOMMENT of a few KiB, is still read whole', async () => {
  const header = Buffer.concat([
    Buffer.from([0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3]),
    Buffer.from([0x00, 0x10]), Buffer.alloc(4096, 1), Buffer.from(`${'n'.repeat(5000)}\0${'c'.repeat(5000)}\0`),
  ]);
  const decoded = await decode(Buffer.concat([header, GZ.subarray(10)]), 1);
  assert.ok(Buffer.from(decoded.body).equals(PAGE));
  assert.equal(decoded.isTruncated, false);
});

test('a body of more than 10,000 gzip members is cut after them, truncated: one engine per member is not free', async () => {
  const members = (n: number) => Buffer.concat(Array.from({ length: n }, () => zlib.gzipSync('a')));
  const whole = await decode(members(10_000), 16 * 1024);
  assert.equal(whole.body.length, 10_000);
  assert.equal(whole.isTruncated, false, 'exactly 10,000 members is a whole body');
  // And 20 MB of empty members after them is not read: cut, not failed, at the cap.
  const cut = await decode(Buffer.concat([members(10_000), zlib.gzipSync('b'), Buffer.concat(Array(1_000_000).fill(zlib.gzipSync(Buffer.alloc(0))))]), 16 * 1024);
  assert.ok(Buffer.from(cut.body).equals(Buffer.alloc(10_000, 'a')));
  assert.equal(cut.isTruncated, true);
});

test('a tail past 64 KiB after a whole member is still ignored, and the source let go (no AbortError)', async () => {
  const source = chunked(Buffer.concat([GZ, Buffer.alloc(1_000_000, 'x')]), 16 * 1024);
  const decoded = await decodeBody(source, 'gzip', 10_000_000);
  assert.ok(Buffer.from(decoded.body).equals(PAGE));
  assert.equal(decoded.isTruncated, false);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(source.destroyed, true, 'the rest is not read: the connection is dropped');
});
