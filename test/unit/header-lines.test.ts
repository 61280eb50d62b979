import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { repairHeaderLines } from '../../src/fetch/header-lines.js';
import { mergeContentLengthsOn } from '../../src/fetch/content-length-lines.js';

const head = (...lines: string[]) => `${['HTTP/1.1 200 OK', ...lines].join('\r\n')}\r\n`;

test('a header line with no colon, or whose name is no token, is dropped, as Chromium skips it', () => {
  assert.equal(repairHeaderLines(head('Content-Type: text/html', 'Debug output here', 'X-A: b')), head('Content-Type: text/html', 'X-A: b'));
  assert.equal(repairHeaderLines(head('Bad Name: x', 'X-A: b')), head('X-A: b'));
  assert.equal(repairHeaderLines(head(': no name', 'X-A: b')), head('X-A: b'));
  assert.equal(repairHeaderLines('HTTP/1.1 200 OK\nno colon\nX-A: b\n'), 'HTTP/1.1 200 OK\nX-A: b\n', 'bare LF lines too');
});

test('spaces or tabs before a colon are trimmed off the name', () => {
  assert.equal(repairHeaderLines(head('Content-Type : text/html', 'X-A\t: b')), head('Content-Type: text/html', 'X-A: b'));
});

test('Content-Length lines that hold no number are dropped (the body runs to the close); a number among them is left to the parser', () => {
  assert.equal(repairHeaderLines(head('Content-Type: text/html', 'Content-Length: ', 'X-A: b')), head('Content-Type: text/html', 'X-A: b'));
  assert.equal(repairHeaderLines(head('Content-Length: -1')), head());
  assert.equal(repairHeaderLines(head('Content-Length: +5', 'content-length: abc')), head());
  assert.equal(repairHeaderLines(head('Content-Length: 5', 'Content-Length: abc')), null);
  assert.equal(repairHeaderLines(head('Content-Length : 5')), head('Content-Length: 5'));
});

test('a head with nothing to repair, or folded continuation lines, is left as it is', () => {
  assert.equal(repairHeaderLines(head('Content-Type: text/html', 'Content-Length: 5')), null);
  assert.equal(repairHeaderLines(head('X-Powered-By: an old', '  CGI server', '\tand more')), null);
  assert.equal(repairHeaderLines(head('X-Odd: a:b: c', 'Content-Length: 5, 5')), null);
});

test('on a socket: a head is repaired before the parser reads it, Content-Length lines merged after; the body passes as it came', async () => {
  const socket = new Readable({ read() {} });
  mergeContentLengthsOn(socket as unknown as Socket);
  const wire = 'HTTP/1.1 200 OK\r\nContent-Type : text/html\r\nstray line\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello';
  for (const byte of Buffer.from(wire, 'latin1')) socket.push(Buffer.from([byte]));
  socket.push(null);
  const out: Buffer[] = [];
  for await (const chunk of socket) out.push(chunk as Buffer);
  assert.equal(Buffer.concat(out).toString('latin1'), 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello');
});
