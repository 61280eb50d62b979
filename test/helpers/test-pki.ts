/**
 * A throwaway PKI made at test time with the openssl CLI, in a temp dir: TEST-ONLY keys that
 * protect nothing. EC P-256 keys, so it takes a fraction of a second. Each call:
 *   root CA (self-signed) -> intermediate CA -> leaf for localhost and 127.0.0.1,
 * the leaf naming `aiaUrl` as its "CA Issuers" URL (Authority Information Access), unless null;
 * the intermediate names `intermediateAiaUrl` the same way when given (where its root is).
 * `isLeafSignedByRoot`: the root signs the leaf itself (no intermediate in the chain).
 * `upperAiaUrl`: two intermediates, the leaf's naming this URL for the one above it.
 * The commands, for one made by hand:
 *   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
 *     -subj "/CN=Test Root" -addext basicConstraints=critical,CA:TRUE -keyout root.key -out root.pem
 *   openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=Test Intermediate" \
 *     -keyout int.key -out int.csr
 *   openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -set_serial 2 -days 3650 -extfile int.ext -out int.pem
 *   (leaf the same way, signed by int.pem, with subjectAltName and authorityInfoAccess in leaf.ext)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  rootPem: string;
  /** Where the root's PEM is, for NODE_EXTRA_CA_CERTS. */
  rootPath: string;
  /** The intermediate that signed the leaf. */
  intermediatePem: string;
  intermediateDer: Buffer;
  /** With `upperAiaUrl`: the intermediate between the root and that one. */
  upperDer?: Buffer;
  /** The leaf alone (what a misconfigured server sends) and its key. */
  leaf: { key: string; cert: string };
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function createTestPki(t: { after(fn: () => void): void }, opts: { aiaUrl: string | null; intermediateAiaUrl?: string; name?: string; isLeafSignedByRoot?: boolean; upperAiaUrl?: string }): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-pki-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const name = opts.name ?? 'Test';
  openssl(dir, ['req', '-x509', ...EC, '-days', '3650', '-subj', `/CN=${name} Root`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', 'root.key', '-out', 'root.pem']);
  const caExt = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];
  if (opts.intermediateAiaUrl !== undefined) caExt.push(`authorityInfoAccess=caIssuers;URI:${opts.intermediateAiaUrl}`);
  writeFileSync(join(dir, 'int.ext'), caExt.join('\n') + '\n');
  // With upperAiaUrl, a second intermediate sits between the root and the leaf's ("upper"),
  // and the leaf's names where that one is.
  let intIssuer = 'root';
  if (opts.upperAiaUrl !== undefined) {
    writeFileSync(join(dir, 'upper.ext'), caExt.slice(0, 2).join('\n') + '\n');
    openssl(dir, ['req', '-new', ...EC, '-subj', `/CN=${name} Upper Intermediate`, '-keyout', 'upper.key', '-out', 'upper.csr']);
    openssl(dir, ['x509', '-req', '-in', 'upper.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-set_serial', '4', '-days', '3650', '-extfile', 'upper.ext', '-out', 'upper.pem']);
    openssl(dir, ['x509', '-in', 'upper.pem', '-outform', 'DER', '-out', 'upper.der']);
    writeFileSync(join(dir, 'int.ext'), [...caExt.slice(0, 2), `authorityInfoAccess=caIssuers;URI:${opts.upperAiaUrl}`].join('\n') + '\n');
    intIssuer = 'upper';
  }
  openssl(dir, ['req', '-new', ...EC, '-subj', `/CN=${name} Intermediate`, '-keyout', 'int.key', '-out', 'int.csr']);
  openssl(dir, ['x509', '-req', '-in', 'int.csr', '-CA', `${intIssuer}.pem`, '-CAkey', `${intIssuer}.key`, '-set_serial', '2', '-days', '3650', '-extfile', 'int.ext', '-out', 'int.pem']);
  const leafExt = ['basicConstraints=CA:FALSE', 'subjectAltName=DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage=serverAuth'];
  if (opts.aiaUrl !== null) leafExt.push(`authorityInfoAccess=caIssuers;URI:${opts.aiaUrl}`);
  writeFileSync(join(dir, 'leaf.ext'), leafExt.join('\n') + '\n');
  openssl(dir, ['req', '-new', ...EC, '-subj', '/CN=localhost', '-keyout', 'leaf.key', '-out', 'leaf.csr']);
  openssl(dir, ['x509', '-req', '-in', 'leaf.csr', '-CA', opts.isLeafSignedByRoot ? 'root.pem' : 'int.pem', '-CAkey', opts.isLeafSignedByRoot ? 'root.key' : 'int.key', '-set_serial', '3', '-days', '3650', '-extfile', 'leaf.ext', '-out', 'leaf.pem']);
  openssl(dir, ['x509', '-in', 'int.pem', '-outform', 'DER', '-out', 'int.der']);
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  return {
    rootPem: read('root.pem'),
    rootPath: join(dir, 'root.pem'),
    intermediatePem: read('int.pem'),
    intermediateDer: readFileSync(join(dir, 'int.der')),
    ...(opts.upperAiaUrl === undefined ? {} : { upperDer: readFileSync(join(dir, 'upper.der')) }),
    leaf: { key: read('leaf.key'), cert: read('leaf.pem') },
  };
}

/**
 * A PKCS#7 "certs-only" bundle (a .p7c, as some CAs serve at their CA Issuers URL) of `pems`,
 * made by openssl: `openssl crl2pkcs7 -nocrl -certfile certs.pem -outform DER`.
 */
export function certsOnlyPkcs7(t: { after(fn: () => void): void }, pems: string[], outform: 'DER' | 'PEM' = 'DER'): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-p7c-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'certs.pem'), pems.join('\n'));
  openssl(dir, ['crl2pkcs7', '-nocrl', '-certfile', 'certs.pem', '-outform', outform, '-out', 'certs.p7c']);
  return readFileSync(join(dir, 'certs.p7c'));
}
