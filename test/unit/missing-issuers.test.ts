import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { caIssuersUrl, isIssuerMissing, parseCertificates, refuseIssuer, withIssuerNote } from '../../src/fetch/missing-issuers.js';
import { certsOnlyPkcs7, createTestPki } from '../helpers/test-pki.js';
import { selfSignedPair } from '../helpers/tls.js';

test('caIssuersUrl: the leaf\'s http(s) CA Issuers URL, or null', (t) => {
  const pki = createTestPki(t, { aiaUrl: 'http://ca.example/int.der' });
  assert.equal(caIssuersUrl(new X509Certificate(pki.leaf.cert)), 'http://ca.example/int.der');
  assert.equal(caIssuersUrl(new X509Certificate(pki.intermediatePem)), null, 'no AIA extension');
  const ldap = createTestPki(t, { aiaUrl: 'ldap://ca.example/cn=int' });
  assert.equal(caIssuersUrl(new X509Certificate(ldap.leaf.cert)), null, 'only http and https are fetched');
});

test('parseCertificates: DER, PEM (several), never a TRUSTED CERTIFICATE block', (t) => {
  const pki = createTestPki(t, { aiaUrl: null });
  assert.equal(parseCertificates(pki.intermediateDer)[0]?.subject, 'CN=Test Intermediate');
  const bundle = Buffer.from(`${pki.intermediatePem}\n${pki.rootPem}`);
  assert.deepEqual(parseCertificates(bundle).map((c) => c.subject), ['CN=Test Intermediate', 'CN=Test Root']);
  const trusted = pki.intermediatePem.replace(/BEGIN CERTIFICATE/, 'BEGIN TRUSTED CERTIFICATE').replace(/END CERTIFICATE/, 'END TRUSTED CERTIFICATE');
  assert.deepEqual(parseCertificates(Buffer.from(trusted)), []);
  assert.throws(() => parseCertificates(Buffer.from([0x30, 1, 2, 3])), { code: /^ERR_OSSL_/ });
});

test('parseCertificates: a PKCS#7 certs-only bundle (.p7c), DER or PEM, gives its certificates in order', (t) => {
  const pki = createTestPki(t, { aiaUrl: null });
  const der = certsOnlyPkcs7(t, [pki.intermediatePem, pki.rootPem]);
  assert.equal(der[0], 0x30);
  assert.deepEqual(parseCertificates(der).map((c) => c.subject), ['CN=Test Intermediate', 'CN=Test Root']);
  assert.deepEqual(parseCertificates(certsOnlyPkcs7(t, [pki.intermediatePem])).map((c) => c.subject), ['CN=Test Intermediate']);
  const pem = certsOnlyPkcs7(t, [pki.intermediatePem], 'PEM');
  assert.match(pem.toString('latin1'), /^-----BEGIN PKCS7-----/);
  assert.deepEqual(parseCertificates(pem).map((c) => c.subject), ['CN=Test Intermediate']);
  assert.equal(parseCertificates(der)[0]?.fingerprint256, new X509Certificate(pki.intermediatePem).fingerprint256);
});

test('parseCertificates: a malformed PKCS#7 bundle is refused with why, never read past its ends', (t) => {
  const pki = createTestPki(t, { aiaUrl: null });
  const der = certsOnlyPkcs7(t, [pki.intermediatePem]);
  assert.throws(() => parseCertificates(der.subarray(0, der.length - 40)), { name: 'RangeError', message: /^a malformed PKCS#7 bundle \(/ });
  // An indefinite (BER) length on the outer SEQUENCE.
  const ber = Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(der[1]! > 0x80 ? 2 + (der[1]! & 0x7f) : 2), Buffer.from([0, 0])]);
  assert.throws(() => parseCertificates(ber), /PKCS#7 bundle \(an indefinite length\)/);
  // Another content type (1.2.840.113549.1.7.1, data) in the same frame.
  const data = Buffer.from(der);
  data[data.indexOf(Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02])) + 8] = 0x01;
  assert.throws(() => parseCertificates(data), /PKCS#7 bundle \(not SignedData\)/);
  // SignedData with no certificates field: nothing, which the fetch reports as no certificate.
  const empty = Buffer.from('3023' + '06092a864886f70d010702' + 'a016' + '3014' + '020101' + '3100' + '300b06092a864886f70d010701' + '3100', 'hex');
  assert.deepEqual(parseCertificates(empty), []);
});

test('refuseIssuer: only a CA, within its dates, that signed the child and is not a root', (t) => {
  const pki = createTestPki(t, { aiaUrl: null });
  const leaf = new X509Certificate(pki.leaf.cert);
  const intermediate = new X509Certificate(pki.intermediatePem);
  const root = new X509Certificate(pki.rootPem);
  assert.equal(refuseIssuer(leaf, intermediate), null);
  assert.equal(refuseIssuer(intermediate, root), 'a root certificate, which is trusted only from the system\'s store');
  assert.equal(refuseIssuer(leaf, root), 'a root certificate, which is trusted only from the system\'s store');
  const other = createTestPki(t, { aiaUrl: null });
  assert.equal(refuseIssuer(leaf, new X509Certificate(other.intermediatePem)), 'not the issuer of the certificate', 'same name, another key');
  const leafOfRoot = createTestPki(t, { aiaUrl: null, isLeafSignedByRoot: true });
  assert.equal(refuseIssuer(new X509Certificate(leafOfRoot.intermediatePem), new X509Certificate(leafOfRoot.leaf.cert)), 'not the issuer of the certificate');
  assert.equal(refuseIssuer(leaf, intermediate, Date.parse(intermediate.validTo) + 1000), 'expired or not yet valid');
  assert.equal(refuseIssuer(leaf, intermediate, Date.parse(intermediate.validFrom) - 1000), 'expired or not yet valid');
  // A self-signed server certificate is a root too (subject = issuer): never taken from the network.
  const self = new X509Certificate(selfSignedPair().cert);
  assert.match(refuseIssuer(self, self)!, /root certificate/);
});

test('isIssuerMissing and withIssuerNote read the verify code along the causes', () => {
  const leafSig = Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  const wrapped = new Error('fetch failed', { cause: leafSig });
  assert.equal(isIssuerMissing(wrapped), true);
  assert.equal(isIssuerMissing(Object.assign(new Error('x'), { code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' })), true);
  assert.equal(isIssuerMissing(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' })), false);
  assert.equal(isIssuerMissing(Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })), false);
  const noted = withIssuerNote(wrapped, 'note') as Error & { code: string };
  assert.equal(noted.message, 'unable to verify the first certificate; note');
  assert.equal(noted.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  assert.equal(withIssuerNote(wrapped, ''), wrapped);
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  assert.equal(withIssuerNote(reset, 'note'), reset);
});
