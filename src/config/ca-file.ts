/**
 * --ca-file (a job file's fetch.caFile): PEM certificates of a private or corporate root, trusted
 * beside Node's own roots, as NODE_EXTRA_CA_CERTS adds them but for one crawl and checked first.
 * Node warns about a bad NODE_EXTRA_CA_CERTS file and goes on; a crawl would then fail every https
 * page, so a file that cannot be read, is not PEM or holds no certificate is refused at load with
 * one line, before anything is fetched. Read again where the crawl's TLS context is made
 * (fetch/fetcher.ts): the config keeps the path, which runs.options records, not the certificates.
 *
 * OpenSSL's trusted form (`BEGIN TRUSTED CERTIFICATE`, what `openssl x509 -trustout` or
 * `-addtrust` writes, and some distributions' trust stores hold) is a certificate followed by its
 * trust settings. It is taken as its certificate, the way OpenSSL reads it for a TLS client: a
 * root trusted for server authentication, unless its settings say otherwise (they reject it for
 * that, or trust it for other purposes only, such as e-mail), which is refused, saying so,
 * rather than widened into trust for every site.
 */
import { X509Certificate } from 'node:crypto';
import { UsageError } from '../errors.js';
import { readBounded } from './text-file.js';

/** Mozilla's whole root bundle is about 220 KB; a file far larger is not a CA file. */
const MAX_CA_FILE_BYTES = 4 * 1024 * 1024;

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * The certificates of `path` as plain PEM texts, each parsed once (so a broken one is refused
 * here, not in the middle of a crawl). `option` names where the path came from, for the error line;
 * `jobFile`, the job file it was read from: the line then starts `<job file>: fetch.caFile:` with
 * CRAWL_CONFIG_INVALID, as for the file's other keys (it named neither, with CRAWL_USAGE, QA 18).
 */
export function readCaFile(path: string, option = '--ca-file', jobFile?: string): string[] {
  const refuse = (verb: string, why: string) => jobFile === undefined
    ? new UsageError('CRAWL_USAGE', `cannot ${verb} ${option} ${path}: ${why}`)
    : new UsageError('CRAWL_CONFIG_INVALID', `${jobFile}: ${option}: cannot ${verb} ${path}: ${why}`);
  const fail = (why: string) => refuse('use', `${why}; pass a file of PEM certificates (-----BEGIN CERTIFICATE-----)`);
  let bytes: Buffer;
  try {
    bytes = readBounded(path, MAX_CA_FILE_BYTES);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied'
      : code === 'ENOTDIR' ? 'a part of its path is a file, not a folder' : (err as Error).message;
    throw refuse('read', why);
  }
  if (bytes.length > MAX_CA_FILE_BYTES) throw fail(`it is larger than ${MAX_CA_FILE_BYTES / 1024 / 1024} MB`);
  // DER starts with a SEQUENCE tag: a certificate, but one the user should convert, as Node's ca option wants PEM.
  if (bytes[0] === 0x30) throw fail('it is DER (binary), not PEM; convert it with: openssl x509 -inform der -in <file> -out <file>.pem');
  const certs: string[] = [];
  for (const [block, label] of bytes.toString('latin1').matchAll(BLOCK)) {
    // A bundle may hold other blocks (a key, a CRL); only certificates are taken as roots.
    // `X509 CERTIFICATE` is the form's old label, which OpenSSL still reads as CERTIFICATE.
    if (label !== 'CERTIFICATE' && label !== 'X509 CERTIFICATE' && label !== 'TRUSTED CERTIFICATE') continue;
    let cert: X509Certificate;
    let distrust: string | null = null;
    try {
      cert = new X509Certificate(block);
      if (label === 'TRUSTED CERTIFICATE') distrust = serverAuthDistrust(block);
    } catch {
      throw fail(`certificate ${certs.length + 1} in it cannot be read`);
    }
    if (distrust !== null) {
      throw refuse('use', `certificate ${certs.length + 1} in it is a TRUSTED CERTIFICATE whose trust settings ${distrust}, so it cannot vouch for a site; leave it out of the file`);
    }
    // A plain PEM of the certificate alone: its trust settings were read just above.
    certs.push(cert.toString());
  }
  if (certs.length === 0) throw fail('it holds no certificate');
  return certs;
}

/** Server authentication (id-kp-serverAuth) and anyExtendedKeyUsage, as DER object identifiers. */
const SERVER_AUTH = '06082b06010505070301';
const ANY_PURPOSE = '0604551d2500';

/** One DER element at `at`: its tag, where its content starts and where it ends. */
function derElement(der: Buffer, at: number): { tag: number; start: number; end: number } {
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new Error('unsupported DER length');
    length = der.readUIntBE(start, bytes);
    start += bytes;
  }
  if (start + length > der.length) throw new Error('DER element past the end');
  return { tag, start, end: start + length };
}

/** The object identifiers (as hex of their whole DER elements) in a SEQUENCE OF OID's content. */
function oids(der: Buffer, start: number, end: number): string[] {
  const out: string[] = [];
  for (let at = start; at < end;) {
    const el = derElement(der, at);
    out.push(der.subarray(at, el.end).toString('hex'));
    at = el.end;
  }
  return out;
}

/**
 * Why a TRUSTED CERTIFICATE block's trust settings (OpenSSL's X509_CERT_AUX, after the
 * certificate: trust SEQUENCE OF OID, reject [0] SEQUENCE OF OID, then an alias and key id) keep
 * it from vouching for a server, as OpenSSL's X509_check_trust decides for a TLS client: once
 * either list is there, server authentication (or any purpose) must be trusted and not rejected.
 * Null when it may, or when the block has no lists (an alias alone): a root, as a plain certificate.
 */
function serverAuthDistrust(block: string): string | null {
  const body = block.replace(/-----(BEGIN|END) TRUSTED CERTIFICATE-----/g, '');
  const der = Buffer.from(body, 'base64');
  const cert = derElement(der, 0);
  if (cert.end >= der.length) return null; // no settings: a plain certificate
  const aux = derElement(der, cert.end);
  let trusted: string[] | null = null;
  let rejected: string[] | null = null;
  for (let at = aux.start; at < aux.end;) {
    const el = derElement(der, at);
    if (el.tag === 0x30) trusted = oids(der, el.start, el.end);
    else if (el.tag === 0xa0) rejected = oids(der, el.start, el.end);
    at = el.end;
  }
  const isServerAuth = (oid: string) => oid === SERVER_AUTH || oid === ANY_PURPOSE;
  if (rejected?.some(isServerAuth)) return 'reject it for server authentication';
  if ((trusted !== null || rejected !== null) && !trusted?.some(isServerAuth)) return 'do not trust it for server authentication';
  return null;
}
