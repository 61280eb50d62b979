/**
 * A self-signed key and certificate for HTTPS test servers on 127.0.0.1 (subjectAltName localhost
 * and IP 127.0.0.1, valid for 100 years). TEST-ONLY: the private key is committed on purpose and
 * protects nothing. Made once with:
 *   openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj /CN=localhost \
 *     -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout self-signed-key.pem -out self-signed-cert.pem
 * The .pem files are not compiled, so they are read from test/fixtures/ beside the sources.
 */
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../../test/fixtures/', import.meta.url);

export function selfSignedPair(): { key: string; cert: string } {
  return {
    key: readFileSync(new URL('self-signed-key.pem', FIXTURES), 'utf8'),
    cert: readFileSync(new URL('self-signed-cert.pem', FIXTURES), 'utf8'),
  };
}
