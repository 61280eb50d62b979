import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { startsWithBinarySignature } from '../../src/parse/binary-signature.js';

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

test('files of other kinds are told by their first bytes: PDF, images, media, archives, Office, executables', () => {
  const files = [
    bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj'), bytes('%!PS-Adobe-3.0'), bytes('\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR'), bytes('GIF89a\x01\x00'),
    bytes([0xff, 0xd8, 0xff, 0xe0], '\x00\x10JFIF'), bytes('RIFF\x24\x00\x00\x00WEBPVP8 '), bytes('RIFF\x24\x00\x00\x00WAVEfmt '),
    bytes('\x00\x00\x00\x20ftypisom'), bytes('ID3\x03\x00'), bytes('OggS\x00\x02'), bytes('wOF2\x00\x01'),
    zlib.gzipSync('<html>'), bytes('PK\x03\x04\x14\x00'), bytes('Rar!\x1a\x07\x01\x00'), bytes([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]),
    bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]), bytes('\x7fELF\x02\x01'), bytes('\x00asm\x01\x00\x00\x00'),
  ];
  for (const file of files) assert.equal(startsWithBinarySignature(file), true, JSON.stringify(file.subarray(0, 12).toString('latin1')));
});

test('pages and text are never taken for files: HTML, byte order marks, UTF-16 without one, ASCII starts that only look alike', () => {
  const pages = [
    bytes('<!doctype html><title>x</title>'), bytes([0xef, 0xbb, 0xbf], '<html>'), bytes([0xff, 0xfe], '<\x00h\x00'), bytes('\x00<\x00h\x00t\x00m\x00l\x00>'),
    bytes('<\x00h\x00t\x00m\x00l\x00>\x00'), bytes('BMW news'), bytes('MZ is a name'), bytes('GIF87 is a format'), bytes('PK is a name'), bytes('%PDF is a format'),
    bytes('RIFF files'), bytes('ID3 tags'), bytes(''), bytes('\n\n<p>x</p>'),
  ];
  for (const page of pages) assert.equal(startsWithBinarySignature(page), false, JSON.stringify(page.toString('latin1')));
});
