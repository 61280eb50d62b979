import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeContentLengths } from '../../src/fetch/content-length-lines.js';

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
