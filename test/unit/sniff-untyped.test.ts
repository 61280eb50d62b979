import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHtmlType, isUnknownType, isUntypedHtml } from '../../src/parse/sniff-untyped.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');

test('untyped text is parsed as HTML: markup, plain text, an empty body, a BOM before anything', () => {
  assert.equal(isUntypedHtml(bytes('<title>t</title><a href="/x">x</a>')), true);
  assert.equal(isUntypedHtml(bytes('just some words\r\nand more')), true);
  assert.equal(isUntypedHtml(new Uint8Array(0)), true);
  assert.equal(isUntypedHtml(Buffer.from([0xff, 0xfe, 0x3c, 0x00, 0x70, 0x00])), true, 'UTF-16 text has NULs, after its BOM');
});

test('binary starts are not HTML: images, archives, executables, PDF and PostScript', () => {
  assert.equal(isUntypedHtml(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), false, 'PNG');
  assert.equal(isUntypedHtml(Buffer.from([0x1f, 0x8b, 0x08, 0x00])), false, 'gzip');
  assert.equal(isUntypedHtml(bytes('PK\x03\x04rest')), false, 'zip');
  assert.equal(isUntypedHtml(bytes('MZ\x90\x00\x03')), false, 'exe');
  assert.equal(isUntypedHtml(bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj')), false, 'PDF without a control byte at its start');
  assert.equal(isUntypedHtml(bytes('%!PS-Adobe-3.0\n')), false);
});

test('a start WHATWG takes for HTML wins over binary bytes later; a control byte past 1,445 bytes is not looked at', () => {
  assert.equal(isUntypedHtml(bytes('\n  <!DOCTYPE HTML>\x00\x01')), true);
  assert.equal(isUntypedHtml(bytes('<HTML>\x00')), true);
  assert.equal(isUntypedHtml(bytes('<p>\x00')), true);
  assert.equal(isUntypedHtml(bytes('<!--x-->\x00')), true);
  assert.equal(isUntypedHtml(bytes('<pre>\x00')), false, '<pre is no pattern: <p must be followed by a space or >');
  assert.equal(isUntypedHtml(bytes(`${'a'.repeat(1445)}\x00`)), true);
});

test('types that name no type are sniffed as none is: empty, unknown/unknown, application/unknown, */*', () => {
  for (const type of ['', '  ', 'unknown/unknown', 'application/unknown; charset=utf-8', '*/*']) assert.equal(isUnknownType(type), true, type);
  for (const type of ['text/plain', 'application/octet-stream', 'text/html', 'image/png']) assert.equal(isUnknownType(type), false, type);
});

test('a Content-Type that parses as no MIME type is sniffed as none is (WHATWG): html, text, text/, /html, a type with a space in it', () => {
  for (const type of ['html', 'text', 'text/', '/html', 'text /html', 'none', 'html; charset=utf-8', 'text, html']) assert.equal(isUnknownType(type), true, type);
  for (const type of ['application/json, application/json', 'html, application/pdf', 'text/plain;charset=utf-8', ' image/png ', 'application/vnd.ms-excel']) {
    assert.equal(isUnknownType(type), false, type);
  }
});

test('isHtmlType reads the last MIME type of a header sent twice, as WHATWG does; the name inside another type is not HTML', () => {
  assert.equal(isHtmlType('text/html'), true);
  assert.equal(isHtmlType('text/html;charset=utf-8'), true);
  assert.equal(isHtmlType('application/xhtml+xml'), true);
  assert.equal(isHtmlType('application/json, text/html'), true);
  assert.equal(isHtmlType('text/html; charset=utf-8, application/json'), false);
  assert.equal(isHtmlType('text/html, */*'), true, '*/* is no type');
  assert.equal(isHtmlType('text/html, html'), true, 'nor is html');
  assert.equal(isHtmlType('text/html-sandboxed'), false);
  assert.equal(isHtmlType('text/plain'), false);
});
