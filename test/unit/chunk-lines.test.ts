import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChunkReframer, isChunkedHead } from '../../src/fetch/chunk-lines.js';

/** The reframer's output for `wire`, fed whole and byte by byte (both must agree). */
function reframed(wire: string): string {
  const whole = createChunkReframer()(Buffer.from(wire, 'latin1')).toString('latin1');
  const reframe = createChunkReframer();
  const dripped = [...Buffer.from(wire, 'latin1')].map((byte) => reframe(Buffer.from([byte])).toString('latin1')).join('');
  assert.equal(dripped, whole, 'dripped byte by byte');
  return whole;
}

test('bare-LF lines, extensions with whitespace and padded sizes become plain framing; trailers are dropped', () => {
  assert.equal(reframed('5\nhello\n0\n\n'), '5\r\nhello\r\n0\r\n\r\n');
  assert.equal(reframed('5 ; a = b\r\nhello\r\n0;x\r\n\r\n'), '5\r\nhello\r\n0\r\n\r\n');
  assert.equal(reframed('A   \r\n0123456789\r\n3\t\r\nabc\r\n0\r\n\r\n'), 'a\r\n0123456789\r\n3\r\nabc\r\n0\r\n\r\n');
  assert.equal(reframed('2\r\nab\r\n0\r\nX-A: 1\nX-B: 2\r\n\r\n'), '2\r\nab\r\n0\r\n\r\n');
  assert.equal(reframed('2\r\n\r\n\r\n0\r\n\r\n'), '2\r\n\r\n\r\n0\r\n\r\n', 'data that is itself CRLF');
});

test('what is no chunk framing is handed on as it came from there, for the parser to refuse; bytes past the end too', () => {
  assert.equal(reframed('2\r\nab\r\nzz\r\nrest'), '2\r\nab\r\nzz\r\nrest');
  assert.equal(reframed(' 5\r\nhello'), ' 5\r\nhello');
  assert.equal(reframed('2\r\nabXY\r\n'), '2\r\nabXY\r\n', 'no line end after the data');
  assert.equal(reframed('0\r\n\r\nextra'), '0\r\n\r\nextra');
  assert.equal(reframed(`${'1'.repeat(20)}\r\n`), `${'1'.repeat(20)}\r\n`, 'a size past 12 hex digits');
});

test('a head is chunked when its last transfer coding is chunked', () => {
  assert.equal(isChunkedHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n'), true);
  assert.equal(isChunkedHead('HTTP/1.1 200 OK\nTransfer-Encoding: gzip\nTransfer-Encoding: chunked\n'), true);
  assert.equal(isChunkedHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n'), false);
  assert.equal(isChunkedHead('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n'), false);
});
