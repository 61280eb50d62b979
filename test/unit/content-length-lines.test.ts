import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { mergeContentLengths, mergeContentLengthsOn } from '../../src/fetch/content-length-lines.js';

const head = (...lines: string[]) => `${['HTTP/1.1 200 OK', ...lines].join('\r\n')}\r\n`;

test('Content-Length lines that agree become one line, where the first stood', () => {
  assert.equal(mergeContentLengths(head('Content-Length: 5', 'X-A: b', 'content-length:5')), head('Content-Length: 5', 'X-A: b'));
  assert.equal(mergeContentLengths(head('Content-Length: 5, 5 ,5')), head('Content-Length: 5'));
  assert.equal(mergeContentLengths(head('Content-Length: 5\t')), head('Content-Length: 5'));
  assert.equal(mergeContentLengths('HTTP/1.1 200 OK\nContent-Length: 5\nContent-Length: 5\n'), 'HTTP/1.1 200 OK\nContent-Length: 5\n');
});

test('nothing to change, or lengths that disagree or are no number: null, left to the parser', () => {
  assert.equal(mergeContentLengths(head('Content-Length: 5', 'X-A: b')), null);
  assert.equal(mergeContentLengths(head('Content-Length:5')), null);
  assert.equal(mergeContentLengths(head('X-A: b')), null);
  assert.equal(mergeContentLengths(head('Content-Length: 5', 'Content-Length: 6')), null);
  assert.equal(mergeContentLengths(head('Content-Length: 5, 6')), null);
  assert.equal(mergeContentLengths(head('Content-Length: +5', 'Content-Length: +5')), null);
  assert.equal(mergeContentLengths(head('Content-Length: 5,')), null);
  assert.equal(mergeContentLengths('Content-Length: 5\r\nContent-Length: 5\r\n'.replace(/^/, 'HTTP/1.1 200 OK\r\nX-Content-Length: 1\r\n')), head('X-Content-Length: 1', 'Content-Length: 5'));
});

/** What a readable whose push() was wrapped hands on, given `chunks` as its reads. */
async function pushedThrough(chunks: Buffer[]): Promise<string> {
  const socket = new Readable({ read() {} });
  mergeContentLengthsOn(socket as unknown as Socket);
  for (const chunk of chunks) socket.push(chunk);
  socket.push(null);
  const out: Buffer[] = [];
  for await (const chunk of socket) out.push(chunk as Buffer);
  return Buffer.concat(out).toString('latin1');
}

test('on a socket: a head dripped byte by byte, after an interim 103, is merged; the body and a head with nothing to merge pass as they came', async () => {
  const wire = 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello';
  const bytes = Buffer.from(wire, 'latin1');
  const expected = 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
  assert.equal(await pushedThrough([...bytes].map((byte) => Buffer.from([byte]))), expected);
  assert.equal(await pushedThrough([bytes]), expected);
  const plain = 'HTTP/1.1 200 OK\nContent-Length: 5\r\n\nhello';
  assert.equal(await pushedThrough([Buffer.from(plain)]), plain, 'mixed line endings end the head too');
  assert.equal(await pushedThrough([Buffer.from('HTTP/1.1 200 OK\r\nX-A: b')]), 'HTTP/1.1 200 OK\r\nX-A: b', 'a head cut by the close is handed on');
});
