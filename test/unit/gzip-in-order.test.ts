import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { gzipInOrder, MAX_IN_FLIGHT, MAX_IN_FLIGHT_BYTES } from '../../src/export/gzip-in-order.js';

/** Splits a buffer of concatenated gzip members at each member's start (the records here hold no gzip magic). */
function members(buf: Buffer): Buffer[] {
  const starts: number[] = [];
  for (let i = 0; i + 2 < buf.length; i++) if (buf[i] === 0x1f && buf[i + 1] === 0x8b && buf[i + 2] === 8) starts.push(i);
  return starts.map((s, k) => buf.subarray(s, starts[k + 1] ?? buf.length));
}

const text = (i: number, bytes: number): Buffer => Buffer.from(`record ${i} `.padEnd(bytes, String.fromCharCode(97 + (i % 26))));

test('each record one gzip member, the units in the order they came, however long each took to compress', async () => {
  // Big and small units alternate, so later (small) ones finish first.
  const units = Array.from({ length: 60 }, (_, i) => [text(i, i % 3 === 0 ? 400_000 : 50), text(1000 + i, 30)]);
  const out: Buffer[] = [];
  for await (const b of gzipInOrder(units)) out.push(b);
  assert.equal(out.length, units.length);
  out.forEach((b, i) => {
    const parts = members(b);
    assert.equal(parts.length, 2, `unit ${i}: two members`);
    assert.deepEqual(parts.map((p) => gunzipSync(p)), units[i], `unit ${i} in place`);
  });
});

test('bounded: the source is read at most MAX_IN_FLIGHT units ahead of what was written', async () => {
  let pulled = 0;
  const most: number[] = [];
  function* source(): Generator<Buffer[]> {
    for (let i = 0; i < MAX_IN_FLIGHT * 4; i++) {
      pulled++;
      yield [text(i, 2_000)];
    }
  }
  let written = 0;
  for await (const b of gzipInOrder(source())) {
    written++;
    most.push(pulled - written);
    assert.ok(b.length > 0);
  }
  assert.equal(written, MAX_IN_FLIGHT * 4);
  assert.ok(Math.max(...most) <= MAX_IN_FLIGHT, `ahead by at most ${MAX_IN_FLIGHT}: ${Math.max(...most)}`);
});

test('bounded in bytes: units bigger than a share of the bound are compressed a few at a time', async () => {
  const size = Math.ceil(MAX_IN_FLIGHT_BYTES / 3);
  let pulled = 0;
  function* source(): Generator<Buffer[]> {
    for (let i = 0; i < 8; i++) {
      pulled++;
      yield [Buffer.alloc(size, 97 + i)];
    }
  }
  let written = 0;
  let most = 0;
  for await (const b of gzipInOrder(source())) {
    written++;
    most = Math.max(most, pulled - written);
    assert.equal(gunzipSync(b)[0], 97 + written - 1);
  }
  assert.equal(written, 8);
  // Three units fit under the bound, a fourth goes over it and waits for the oldest.
  assert.ok(most <= 3, `${most} units ahead`);
});

test('a consumer that stops early closes the source (a database cursor behind it)', async () => {
  let isClosed = false;
  function* source(): Generator<Buffer[]> {
    try {
      for (let i = 0; ; i++) yield [randomBytes(5_000)];
    } finally {
      isClosed = true;
    }
  }
  let n = 0;
  for await (const b of gzipInOrder(source())) {
    assert.ok(b.length > 0);
    if (++n === 3) break;
  }
  assert.equal(isClosed, true);
});
