/**
 * The certificates of a PKCS#7 "certs-only" bundle (RFC 5652 SignedData with no signers, the
 * `.p7c` that RFC 5280 section 4.2.2.1 names for a "CA Issuers" URL, and what several CAs serve
 * there), read with a small DER walk: Node's crypto reads single certificates only, and a
 * general ASN.1 library would be a dependency for four nested elements.
 *
 *   ContentInfo ::= SEQUENCE { contentType OID (1.2.840.113549.1.7.2), content [0] EXPLICIT SignedData }
 *   SignedData  ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo SEQUENCE,
 *                              certificates [0] IMPLICIT SET OF CertificateChoices OPTIONAL,
 *                              crls [1] IMPLICIT ... OPTIONAL, signerInfos SET }
 *
 * Only the walk's own elements are read; each certificate is handed whole to X509Certificate,
 * which checks it. Definite lengths only (DER): an indefinite (BER) length, a length past its
 * parent's end, or a length field over 4 bytes is refused rather than guessed at. The body is
 * capped before this (MAX_ISSUER_BYTES), so the walk is small whatever it holds.
 */
import { X509Certificate } from 'node:crypto';

/** 1.2.840.113549.1.7.2, id-signedData, as its DER content bytes. */
const SIGNED_DATA_OID = Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);

const SEQUENCE = 0x30;
const OID = 0x06;
/** [0], constructed: ContentInfo's content (EXPLICIT) and SignedData's certificates (IMPLICIT). */
const CONTEXT_0 = 0xa0;

interface Element {
  tag: number;
  /** Where the element's tag is. */
  at: number;
  /** Where its content starts and ends. */
  start: number;
  end: number;
}

function malformed(why: string): RangeError {
  return new RangeError(`a malformed PKCS#7 bundle (${why})`);
}

/** The element whose tag is at `at`, which must end by `limit`. */
function readElement(der: Uint8Array, at: number, limit: number): Element {
  if (at + 2 > limit) throw malformed('cut short');
  const tag = der[at]!;
  if ((tag & 0x1f) === 0x1f) throw malformed('a multi-byte tag');
  const first = der[at + 1]!;
  let start = at + 2;
  let length = first;
  if (first === 0x80) throw malformed('an indefinite length');
  if (first > 0x80) {
    const size = first & 0x7f;
    if (size > 4) throw malformed('a length over 4 bytes');
    if (start + size > limit) throw malformed('cut short');
    length = 0;
    for (let i = 0; i < size; i++) length = length * 256 + der[start + i]!;
    start += size;
  }
  const end = start + length;
  if (end > limit) throw malformed('an element longer than what holds it');
  return { tag, at, start, end };
}

function* children(der: Uint8Array, parent: Element): Generator<Element> {
  for (let at = parent.start; at < parent.end;) {
    const child = readElement(der, at, parent.end);
    yield child;
    at = child.end;
  }
}

/** Whether `der` is a ContentInfo (a SEQUENCE whose first element is an OID), not a certificate (whose is a SEQUENCE). */
export function isPkcs7(der: Uint8Array): boolean {
  // Its head only: a bundle cut short or malformed is still one, and says so when read.
  if (der[0] !== SEQUENCE || der.length < 2) return false;
  const first = der[1]!;
  return der[first <= 0x80 ? 2 : 2 + (first & 0x7f)] === OID;
}

/** The certificates a PKCS#7 SignedData holds; other CertificateChoices (attribute certificates) are skipped. */
export function pkcs7Certificates(der: Uint8Array): X509Certificate[] {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const info = readElement(bytes, 0, bytes.length);
  if (info.tag !== SEQUENCE) throw malformed('not a SEQUENCE');
  const [type, content] = children(bytes, info);
  if (type?.tag !== OID || !bytes.subarray(type.start, type.end).equals(SIGNED_DATA_OID)) throw malformed('not SignedData');
  if (content?.tag !== CONTEXT_0) throw malformed('no content');
  const signedData = readElement(bytes, content.start, content.end);
  if (signedData.tag !== SEQUENCE) throw malformed('SignedData is not a SEQUENCE');
  const certs: X509Certificate[] = [];
  for (const field of children(bytes, signedData)) {
    if (field.tag !== CONTEXT_0) continue;
    for (const choice of children(bytes, field)) {
      if (choice.tag === SEQUENCE) certs.push(new X509Certificate(bytes.subarray(choice.at, choice.end)));
    }
  }
  return certs;
}
