import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repairStatusLine } from '../../src/fetch/status-line.js';

test('a dotless version (HTTP/2, HTTP/1) is made HTTP/1.1, the status, reason and headers kept', () => {
  assert.equal(repairStatusLine('HTTP/2 200 OK\r\nContent-Type: text/html\r\n'), 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n');
  assert.equal(repairStatusLine('HTTP/2 404\r\n'), 'HTTP/1.1 404\r\n');
  assert.equal(repairStatusLine('HTTP/1 200 OK\n'), 'HTTP/1.1 200 OK\n');
  assert.equal(repairStatusLine('HTTP/3 100 Continue\r\n'), 'HTTP/1.1 100 Continue\r\n');
});

test('a version llhttp reads, or a line that is no status line, is left as it is', () => {
  for (const line of ['HTTP/1.1 200 OK\r\n', 'HTTP/2.0 200\r\n', 'HTTP/2 20\r\n', 'HTTP/22 200\r\n', 'HTTP/x 200\r\n', 'ICY 200 OK\r\n', 'HTTP/2 2000\r\n']) {
    assert.equal(repairStatusLine(line), null, line);
  }
});

test('a version in lower or mixed case, or after up to 4 spaces or tabs, is read as Chromium reads it: made HTTP/<major>.<minor>', () => {
  assert.equal(repairStatusLine('http/1.1 200 OK\r\nContent-Type: text/html\r\n'), 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n');
  assert.equal(repairStatusLine('Http/1.0 404 Not Found\n'), 'HTTP/1.0 404 Not Found\n');
  assert.equal(repairStatusLine(' HTTP/1.1 200 OK\r\n'), 'HTTP/1.1 200 OK\r\n');
  assert.equal(repairStatusLine('\t \t HTTP/1.1 200\r\n'), 'HTTP/1.1 200\r\n');
  assert.equal(repairStatusLine('  http/2 200\r\n'), 'HTTP/1.1 200\r\n', 'dotless too');
  for (const line of ['     HTTP/1.1 200 OK\r\n', 'xHTTP/1.1 200\r\n', 'http/1.1 20\r\n', 'htt/1.1 200\r\n']) {
    assert.equal(repairStatusLine(line), null, line);
  }
});

test('a reason glued to its status (HTTP/1.1 200OK) is parted from it, as Chromium and curl read it', () => {
  assert.equal(repairStatusLine('HTTP/1.1 200OK\r\nContent-Length: 2\r\n'), 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n');
  assert.equal(repairStatusLine('http/1.0 404Not Found\n'), 'HTTP/1.0 404 Not Found\n', 'with a version in lower case');
  assert.equal(repairStatusLine('HTTP/2 301Moved\r\n'), 'HTTP/1.1 301 Moved\r\n');
  for (const line of ['HTTP/1.1 200 OK\r\n', 'HTTP/1.1 200\r\n', 'HTTP/1.1 2000\r\n', 'HTTP/1.1 20OK\r\n']) {
    assert.equal(repairStatusLine(line), null, line);
  }
});
