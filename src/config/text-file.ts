/**
 * The text of a file the user wrote (a --seeds-file, a job file): UTF-8, or UTF-16 when it starts
 * with its byte order mark. Windows PowerShell's `>` and `Out-File`, and Notepad's "Unicode",
 * write UTF-16LE: read as UTF-8 a seeds file gave every line as invalid, NULs and all (QA), and a
 * job file "expected a mapping of job options, got '��s\u0000e\u0000'" (QA). A UTF-8 byte order
 * mark is dropped.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The first `maxBytes` + 1 bytes of the file at `path` (more than `maxBytes`: the caller refuses
 * it as too large). readFileSync reads to the end, and /dev/zero, /dev/urandom or a FIFO fed by
 * `yes` have none: `--seeds-file /dev/urandom` and a job file linked to /dev/zero ran until
 * memory ran out (QA). Errors are fs' own (ENOENT, EISDIR, EACCES), for the caller to word.
 */
export function readBounded(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    while (size <= maxBytes) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, maxBytes + 1 - size));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      size += n;
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/** Where a file stops being UTF-8: 1-based line and column (in characters), and the byte there. */
export interface NotUtf8At {
  line: number;
  column: number;
  byte: number;
}

/**
 * The file's text; a byte that is not UTF-8 (a Latin-1 or Windows-1252 file: `café` saved by an
 * older editor) is refused with `refuse(at)`. Decoded with replacement characters, a seeds file's
 * `/café` was fetched as `/caf%EF%BF%BD`, a URL nobody wrote, and a job file's selectors and
 * names silently held U+FFFD (QA).
 */
export function decodeTextFile(bytes: Buffer, refuse: (at: NotUtf8At) => Error): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (!isUtf8(bytes)) throw refuse(locateNotUtf8(bytes));
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

function locateNotUtf8(bytes: Buffer): NotUtf8At {
  const offset = firstBadOffset(bytes);
  // Lines end at LF, CRLF or a bare CR, as seeds-file.ts splits them.
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = bytes[i]!;
    if (c === 0x0a || (c === 0x0d && bytes[i + 1] !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = bytes.subarray(lineStart, offset).toString('utf8').replace(/^\uFEFF/, '').length + 1;
  return { line, column, byte: bytes[offset]! };
}

/** The offset of the first byte that starts no valid UTF-8 sequence (isUtf8 judges overlong forms and surrogates). */
function firstBadOffset(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    const tail = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (tail < 0 || !isUtf8(bytes.subarray(i, i + tail + 1)) || i + tail >= bytes.length) return i;
    i += tail + 1;
  }
  return bytes.length - 1;
}

/** What every caller says after naming its file and the place. */
export function notUtf8Words(at: NotUtf8At): string {
  const hex = at.byte.toString(16).toUpperCase().padStart(2, '0');
  return `byte 0x${hex} is not UTF-8 (a file saved as Latin-1 or Windows-1252?); save the file as UTF-8`;
}
