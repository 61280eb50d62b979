/**
 * --ca-file (a job file's fetch.caFile): PEM certificates of a private or corporate root, trusted
 * beside Node's own roots, as NODE_EXTRA_CA_CERTS adds them but for one crawl and checked first.
 * Node warns about a bad NODE_EXTRA_CA_CERTS file and goes on; a crawl would then fail every https
 * page, so a file that cannot be read, is not PEM or holds no certificate is refused at load with
 * one line, before anything is fetched. Read again where the crawl's TLS context is made
 * (fetch/fetcher.ts): the config keeps the path, which runs.options records, not the certificates.
 */
import { X509Certificate } from 'node:crypto';
import { UsageError } from '../errors.js';
import { readBounded } from './text-file.js';

/** Mozilla's whole root bundle is about 220 KB; a file far larger is not a CA file. */
const MAX_CA_FILE_BYTES = 4 * 1024 * 1024;

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * The certificates of `path` as plain PEM texts, each parsed once (so a broken one is refused
 * here, not in the middle of a crawl). `option` names where the path came from, for the error line.
 */
export function readCaFile(path: string, option = '--ca-file'): string[] {
  const fail = (why: string) => new UsageError('CRAWL_USAGE', `cannot use ${option} ${path}: ${why}; pass a file of PEM certificates (-----BEGIN CERTIFICATE-----)`);
  let bytes: Buffer;
  try {
    bytes = readBounded(path, MAX_CA_FILE_BYTES);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied'
      : code === 'ENOTDIR' ? 'a part of its path is a file, not a folder' : (err as Error).message;
    throw new UsageError('CRAWL_USAGE', `cannot read ${option} ${path}: ${why}`);
  }
  if (bytes.length > MAX_CA_FILE_BYTES) throw fail(`it is larger than ${MAX_CA_FILE_BYTES / 1024 / 1024} MB`);
  // DER starts with a SEQUENCE tag: a certificate, but one the user should convert, as Node's ca option wants PEM.
  if (bytes[0] === 0x30) throw fail('it is DER (binary), not PEM; convert it with: openssl x509 -inform der -in <file> -out <file>.pem');
  const certs: string[] = [];
  for (const [block, label] of bytes.toString('latin1').matchAll(BLOCK)) {
    // A bundle may hold other blocks (a key, a CRL); only plain certificates are taken as roots.
    if (label !== 'CERTIFICATE') continue;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch {
      throw fail(`certificate ${certs.length + 1} in it cannot be read`);
    }
    certs.push(cert.toString());
  }
  if (certs.length === 0) throw fail('it holds no certificate');
  return certs;
}
