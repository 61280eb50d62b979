/**
 * Whether a body labelled HTML is a file of another kind, by its first bytes. PHP's default type
 * is `text/html; charset=UTF-8`, so a download script that streams a file with readfile() and no
 * header() of its own (`download.php?id=5`) serves every PDF, ZIP, image and Office file it hands
 * out as HTML; parsed, such a body gave a page of binary garbage as text and in the search index.
 * Browsers trust the label, but a crawler wants what the file is, so a body that starts with one
 * of these signatures is kept as a non-HTML body (its metadata, its bytes only with
 * --store-non-html). Only signatures no HTML page or text starts with are listed: the magic
 * numbers of WHATWG MIME Sniffing's image, audio, video, font and archive tables (sections 6 and
 * 7.1) and of the other files such scripts serve (Office, executables, other archives). Short
 * ASCII ones a text may start with (`BM`, `MZ`) are left out: a page is never dropped for them.
 */

/** A signature: its bytes, `null` for a byte that may be anything (RIFF's and MP4's sizes). */
type Signature = ReadonlyArray<number | null>;

const bytesOf = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
const ANY4: null[] = [null, null, null, null];

const SIGNATURES: readonly Signature[] = [
  bytesOf('%PDF-'),
  bytesOf('%!PS-Adobe-'),
  bytesOf('\x89PNG\r\n\x1a\n'),
  bytesOf('GIF87a'),
  bytesOf('GIF89a'),
  [0xff, 0xd8, 0xff], // JPEG
  [...bytesOf('RIFF'), ...ANY4, ...bytesOf('WEBPVP')],
  [...bytesOf('RIFF'), ...ANY4, ...bytesOf('WAVE')],
  [...bytesOf('RIFF'), ...ANY4, ...bytesOf('AVI ')],
  [0x00, 0x00, 0x01, 0x00], // ICO
  [0x00, 0x00, 0x02, 0x00], // CUR
  bytesOf('OggS\x00'),
  bytesOf('MThd\x00\x00\x00\x06'), // MIDI
  [0x1a, 0x45, 0xdf, 0xa3], // WebM, Matroska
  [...ANY4, ...bytesOf('ftyp')], // MP4, MOV, HEIC
  bytesOf('ID3\x02'), bytesOf('ID3\x03'), bytesOf('ID3\x04'), // MP3
  [0x00, 0x01, 0x00, 0x00, 0x00], // TrueType
  bytesOf('wOFF'),
  bytesOf('wOF2'),
  [0x1f, 0x8b, 0x08], // gzip
  bytesOf('PK\x03\x04'), // ZIP: also docx, xlsx, jar, epub, apk
  bytesOf('Rar!\x1a\x07'),
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], // xz
  bytesOf('BZh91AY&SY'), // bzip2 at its usual block size
  [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], // OLE: doc, xls, ppt, msi
  bytesOf('\x7fELF'),
  bytesOf('\x00asm'), // WebAssembly
];

function startsWith(body: Uint8Array, signature: Signature): boolean {
  if (body.length < signature.length) return false;
  for (let i = 0; i < signature.length; i++) {
    const byte = signature[i];
    if (byte !== null && body[i] !== byte) return false;
  }
  return true;
}

/** True when `body` starts with the signature of a file that is not a page (see above). */
export function startsWithBinarySignature(body: Uint8Array): boolean {
  return SIGNATURES.some((signature) => startsWith(body, signature));
}
