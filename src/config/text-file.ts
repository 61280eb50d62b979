/**
 * The text of a file the user wrote (a --seeds-file, a job file): UTF-8, or UTF-16 when it starts
 * with its byte order mark. Windows PowerShell's `>` and `Out-File`, and Notepad's "Unicode",
 * write UTF-16LE: read as UTF-8 a seeds file gave every line as invalid, NULs and all (QA), and a
 * job file "expected a mapping of job options, got '��s\u0000e\u0000'" (QA). A UTF-8 byte order
 * mark is dropped.
 */
export function decodeTextFile(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}
