/**
 * The intermediate CA certificates a server forgot to send, fetched from the URL its leaf names
 * (Authority Information Access, "CA Issuers"), as Chromium does; Firefox ships them preloaded.
 * Such a site fails verification as UNABLE_TO_VERIFY_LEAF_SIGNATURE while every browser shows it.
 *
 * A fetched certificate is never a trust anchor. It goes into the verify store of the one TLS
 * context every connection uses, where OpenSSL (Node sets no X509_V_FLAG_PARTIAL_CHAIN) uses it to
 * build a chain but accepts the chain only when it ends at a self-signed root of that store.
 * Checked with OpenSSL 3.0 / Node 20: leaf <- fetched intermediate <- a root the store lacks fails
 * as UNABLE_TO_GET_ISSUER_CERT. What would make one an anchor is refused before it is added: a
 * self-issued certificate (subject = issuer: OpenSSL takes such a one in the store for a root,
 * without checking its signature), and trust settings ("BEGIN TRUSTED CERTIFICATE", which Node's
 * addCACert reads), dropped by re-encoding each as a plain PEM. Each must also have issued the
 * certificate below it (names and signature), be a CA (basicConstraints) and be within its dates.
 * DER, PEM and PKCS#7 (.p7c) answers are read, redirects followed (MAX_ISSUER_REDIRECTS).
 *
 * The roots of --ca-file (config/ca-file.ts) are the one exception, trust anchors by the user's
 * choice: added to the same store when it is made, beside Node's roots, so pages, robots.txt,
 * sitemaps and these AIA fetches all trust them, and a fetched intermediate may chain to them.
 *
 * Node has no public way to add a certificate to a live context's store: `context.addCACert` is
 * the internal one `ca` uses. Its first call copies the store from Node's bundled roots, without
 * NODE_EXTRA_CA_CERTS (Node 20), so that file's certificates are added back along with it, as
 * Node adds a `ca` option's. tls.createSecureContext({ ca }) would instead drop the system's roots.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { Client, Dispatcher } from 'undici';
import { ClientClass, request } from './undici-parts.js';
import { proxyAuthorization } from '../config/proxy.js';
import { loopbackLookup } from './loopback-lookup.js';
import { isPkcs7, pkcs7Certificates } from './pkcs7-certs.js';

/** The verify errors that mean "the issuer of a certificate is not at hand". */
const ISSUER_MISSING = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);
/** A CA certificate is 1-2 KiB; a PEM bundle of a few, a few more. */
export const MAX_ISSUER_BYTES = 64 * 1024;
/** Certificates fetched for one leaf: two missing intermediates, and one more. */
const MAX_HOPS = 3;
/**
 * Redirects followed from an AIA URL (a CA that moved its files to a CDN, or to https); Chromium
 * follows them too. Each target must be http(s), and all share the one timeout.
 */
export const MAX_ISSUER_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** AIA URLs (and origins whose chain could not be completed) remembered for the crawl. */
const MAX_REMEMBERED = 512;

type Fetched = X509Certificate[] | string;

export interface IssuerCompletion {
  /**
   * An issuer of the leaf was found and is in the store (added now, or before for another site
   * of the same CA): the connection is worth trying again.
   */
  hasIssuer: boolean;
  /** What to add to the URL's TLS error should it (still) fail; '' for nothing. */
  note: string;
}

export interface MissingIssuers {
  /** The context every connection of the crawl uses (connect.secureContext). */
  readonly secureContext: tls.SecureContext;
  /**
   * Finds and adds the missing issuers of `url`'s server certificate (an https:// URL whose
   * connection failed). Once per origin for the crawl: its other URLs share the answer.
   */
  complete(url: string, dispatcher: Dispatcher, proxy: string | null): Promise<IssuerCompletion>;
}

export interface MissingIssuersOptions {
  userAgent: string;
  timeoutMs: number;
  /** Read as Node read it at start. @default process.env.NODE_EXTRA_CA_CERTS */
  extraCaCertsPath?: string | undefined;
  /** PEM roots trusted besides Node's (--ca-file). @default none */
  roots?: readonly string[];
}

/** The OpenSSL verify code along `err`'s causes, when it says an issuer is missing. */
export function isIssuerMissing(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current != null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && ISSUER_MISSING.has(code)) return true;
    const nested = current as { cause?: unknown; errors?: unknown };
    current = nested.cause ?? (Array.isArray(nested.errors) ? nested.errors[0] : undefined);
  }
  return false;
}

/**
 * `err` with `note` after its message, keeping its verify code (so map-error.ts still says
 * CRAWL_FETCH_TLS, the reason and --insecure); `err` itself when it is no verify error.
 */
export function withIssuerNote(err: unknown, note: string): unknown {
  let current: unknown = err;
  for (let depth = 0; note !== '' && depth < 5 && current != null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /CERT|^UNABLE_TO_/.test(code)) {
      return Object.assign(new Error(`${(current as Error).message}; ${note}`, { cause: err }), { code });
    }
    const nested = current as { cause?: unknown; errors?: unknown };
    current = nested.cause ?? (Array.isArray(nested.errors) ? nested.errors[0] : undefined);
  }
  return err;
}

/** The leaf's first http(s) "CA Issuers" URL. Newer Nodes quote a value with special characters as JSON. */
export function caIssuersUrl(cert: X509Certificate): string | null {
  for (const line of (cert.infoAccess ?? '').split('\n')) {
    const match = /^CA Issuers - URI:(.+)$/.exec(line.trim());
    if (match === null) continue;
    let value = match[1]!;
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        continue; // not the quoting we know: not a URL we would fetch
      }
    }
    if (/^https?:\/\//i.test(value)) return value;
  }
  return null;
}

/**
 * DER (one certificate, or a PKCS#7 bundle: pkcs7-certs.ts) or PEM (any number of CERTIFICATE or
 * PKCS7 blocks); never a TRUSTED CERTIFICATE block.
 */
export function parseCertificates(bytes: Buffer): X509Certificate[] {
  if (bytes[0] === 0x30) return isPkcs7(bytes) ? pkcs7Certificates(bytes) : [new X509Certificate(bytes)];
  const blocks = bytes.toString('latin1').match(/-----BEGIN (CERTIFICATE|PKCS7)-----([\s\S]+?)-----END \1-----/g) ?? [];
  return blocks.flatMap((block) => {
    if (block.startsWith('-----BEGIN CERTIFICATE-----')) return [new X509Certificate(block)];
    return pkcs7Certificates(Buffer.from(block.replace(/^-----BEGIN PKCS7-----|-----END PKCS7-----$/g, ''), 'base64'));
  });
}

/** Why `candidate` may not stand as the issuer of `child` in a chain, or null when it may. */
export function refuseIssuer(child: X509Certificate, candidate: X509Certificate, nowMs = Date.now()): string | null {
  if (candidate.subject === candidate.issuer) return 'a root certificate, which is trusted only from the system\'s store';
  if (!child.checkIssued(candidate) || !child.verify(candidate.publicKey)) return 'not the issuer of the certificate';
  if (candidate.ca !== true) return 'not a CA certificate';
  if (Date.parse(candidate.validFrom) > nowMs || Date.parse(candidate.validTo) < nowMs) return 'expired or not yet valid';
  return null;
}

let bundledRoots: X509Certificate[] | null = null;

/**
 * `cert` names one of Node's bundled roots (or `own`, --ca-file's) as its issuer: the chain needs
 * nothing more from the network (an intermediate's own AIA URL is where its root is). Names only:
 * OpenSSL verifies.
 */
function isIssuedByKnownRoot(cert: X509Certificate, own: readonly X509Certificate[]): boolean {
  bundledRoots ??= tls.rootCertificates.map((pem) => new X509Certificate(pem));
  return bundledRoots.some((root) => cert.checkIssued(root)) || own.some((root) => cert.checkIssued(root));
}

/**
 * For a Node whose context cannot take a certificate later (no AIA completion then): a context
 * whose store is Node's roots, NODE_EXTRA_CA_CERTS's and `roots`. `ca` alone would drop Node's.
 */
export function contextWithRoots(roots: readonly string[], extraCaCertsPath = process.env.NODE_EXTRA_CA_CERTS): tls.SecureContext {
  let extra: string[] = [];
  try {
    if (extraCaCertsPath) extra = [readFileSync(extraCaCertsPath, 'utf8')];
  } catch {
    // Node warned at start and went on without the file; so does this context.
  }
  return tls.createSecureContext({ ca: [...tls.rootCertificates, ...extra, ...roots] });
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value as string);
}

/** A CONNECT tunnel to `url`'s host through `proxy`, as proxy-dispatcher.ts opens one. */
async function openTunnel(proxy: string, url: URL, timeoutMs: number): Promise<{ tunnel: Duplex; client: Client }> {
  const client = new ClientClass(new URL(proxy).origin, { connect: { timeout: timeoutMs, lookup: loopbackLookup } });
  const target = `${url.hostname}:${url.port || 443}`;
  const token = proxyAuthorization(proxy);
  try {
    const { socket } = await client.connect({
      path: target, headers: { host: target, ...(token === null ? {} : { 'proxy-authorization': token }) }, signal: AbortSignal.timeout(timeoutMs),
    });
    return { tunnel: socket, client };
  } catch (err) {
    void client.destroy().catch(() => {}); // the tunnel's own failure is what counts
    throw err;
  }
}

/**
 * The server's certificate, read over a handshake that verifies nothing and sends no request;
 * through the proxy's CONNECT tunnel when the URL goes through one.
 */
async function readServerCertificate(url: URL, timeoutMs: number, proxy: string | null): Promise<X509Certificate> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const through = proxy === null ? null : await openTunnel(proxy, url, timeoutMs);
  return new Promise<X509Certificate>((resolve, reject) => {
    const socket = tls.connect({
      rejectUnauthorized: false,
      ...(through === null ? { host, port: Number(url.port || 443), lookup: loopbackLookup as never } : { socket: through.tunnel }),
      ...(isIP(host) === 0 ? { servername: host } : {}),
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerX509Certificate();
      socket.destroy();
      if (cert === undefined) reject(new Error('no certificate'));
      else resolve(cert);
    });
  }).finally(() => {
    through?.tunnel.destroy();
    void through?.client.close().catch(() => {});
  });
}

export function createMissingIssuers(opts: MissingIssuersOptions): MissingIssuers | null {
  const secureContext = tls.createSecureContext();
  const store = (secureContext as unknown as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof store?.addCACert !== 'function') return null; // a Node without it: sites fail as before
  const addCACert = store.addCACert.bind(store);
  const extraPath = 'extraCaCertsPath' in opts ? opts.extraCaCertsPath : process.env.NODE_EXTRA_CA_CERTS;
  const fetched = new Map<string, Promise<Fetched>>();
  const byOrigin = new Map<string, Promise<IssuerCompletion>>();
  const added = new Set<string>();
  const ownRoots = (opts.roots ?? []).map((pem) => new X509Certificate(pem));
  let isStoreOwn = false;

  function add(cert: X509Certificate): void {
    if (added.has(cert.fingerprint256)) return;
    addToStore(cert);
  }

  function addToStore(cert: X509Certificate): void {
    if (!isStoreOwn) {
      isStoreOwn = true;
      if (extraPath) {
        try {
          addCACert(readFileSync(extraPath, 'utf8'));
        } catch {
          // Node warned at start and went on without the file; so does this copy of its store.
        }
      }
    }
    // toString() is a plain PEM of the DER: no trust settings, whatever the response held.
    addCACert(cert.toString());
    added.add(cert.fingerprint256);
  }

  for (const root of ownRoots) addToStore(root);

  /** The answer to `url`, redirects followed, or why there is none to read. */
  async function requestFollowing(url: string, dispatcher: Dispatcher, signal: AbortSignal): Promise<Dispatcher.ResponseData | string> {
    let current = url;
    for (let redirects = 0; ; redirects++) {
      const res = await request(current, {
        dispatcher, method: 'GET', signal,
        headers: { 'user-agent': opts.userAgent, accept: 'application/pkix-cert, application/x-x509-ca-cert, application/pkcs7-mime, */*;q=0.5' },
      });
      const location = res.headers.location;
      if (!REDIRECT_STATUSES.has(res.statusCode) || location === undefined) return res;
      await res.body.dump({ limit: MAX_ISSUER_BYTES }).catch(() => {});
      if (redirects >= MAX_ISSUER_REDIRECTS) return `more than ${MAX_ISSUER_REDIRECTS} redirects`;
      const target = URL.parse(Array.isArray(location) ? location[0] ?? '' : location, current);
      if (target === null || !/^https?:$/.test(target.protocol)) return `HTTP ${res.statusCode} to a URL that is not http(s)`;
      current = target.href;
    }
  }

  /**
   * Not under --per-host or --delay for the CA's host: it runs inside the page fetch that needed
   * it, which holds its own host's slot, and its answer is shared by every URL of the origin, so
   * a wait for another host's turn has no URL to send back to the queue (as a redirect hop does)
   * and could only run out the deadline. It is one request per CA URL for the crawl.
   */
  async function download(url: string, dispatcher: Dispatcher): Promise<Fetched> {
    try {
      const res = await requestFollowing(url, dispatcher, AbortSignal.timeout(opts.timeoutMs));
      if (typeof res === 'string') return res;
      if (res.statusCode !== 200) {
        await res.body.dump({ limit: MAX_ISSUER_BYTES }).catch(() => {});
        return `HTTP ${res.statusCode}`;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_ISSUER_BYTES) {
          res.body.destroy();
          return `larger than ${MAX_ISSUER_BYTES / 1024} KiB`;
        }
        chunks.push(chunk as Buffer);
      }
      const certs = parseCertificates(Buffer.concat(chunks));
      return certs.length > 0 ? certs : 'no certificate in the response';
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (/^ERR_OSSL_/.test(String(code))) return 'not a certificate (DER, PEM or PKCS#7)';
      return (err as Error).name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : (err as Error).message.replace(/\s+/g, ' ');
    }
  }

  function fetchOnce(url: string, dispatcher: Dispatcher): Promise<Fetched> {
    let pending = fetched.get(url);
    if (pending === undefined) {
      pending = download(url, dispatcher);
      remember(fetched, url, pending);
    }
    return pending;
  }

  async function walk(leaf: X509Certificate, dispatcher: Dispatcher): Promise<IssuerCompletion> {
    let child = leaf;
    let hasIssuer = false;
    let from = '';
    let addedFrom = '';
    let bundle: X509Certificate[] = [];
    for (let hop = 0; hop < MAX_HOPS && !(hop > 0 && isIssuedByKnownRoot(child, ownRoots)); hop++) {
      let issuer = bundle.find((cert) => child.checkIssued(cert) && cert.subject !== cert.issuer);
      if (issuer === undefined) {
        const url = caIssuersUrl(child);
        if (url === null) break;
        const got = await fetchOnce(url, dispatcher);
        if (typeof got === 'string') return { hasIssuer, note: `its intermediate certificate could not be fetched from ${url} (${got})` };
        from = url;
        bundle = got;
        issuer = got.find((cert) => child.checkIssued(cert)) ?? got[0]!;
      }
      const refusal = refuseIssuer(child, issuer);
      // The root a chain ends at is the store's own business: reaching one ends the walk.
      if (refusal !== null && issuer.subject === issuer.issuer && hop > 0) break;
      if (refusal !== null) return { hasIssuer, note: `the certificate fetched from ${from} was refused: ${refusal}` };
      add(issuer);
      hasIssuer = true;
      addedFrom ||= from;
      child = issuer;
    }
    return { hasIssuer, note: addedFrom === '' ? '' : `even with the intermediate certificate fetched from ${addedFrom}` };
  }

  return {
    secureContext,
    complete(url, dispatcher, proxy) {
      const target = new URL(url);
      let done = byOrigin.get(target.origin);
      if (done === undefined) {
        // A handshake that fails here fails the connection too, whose own error says why; and
        // anything unforeseen in the walk leaves the URL's own TLS error, as before this module.
        done = readServerCertificate(target, opts.timeoutMs, proxy)
          .then((leaf) => walk(leaf, dispatcher))
          .catch((): IssuerCompletion => ({ hasIssuer: false, note: '' }));
        remember(byOrigin, target.origin, done);
      }
      return done;
    },
  };
}
