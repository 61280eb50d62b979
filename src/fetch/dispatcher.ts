/**
 * The one undici dispatcher every fetch shares. A single keep-alive pool per origin
 * (origin-pools.ts) lets a crawl of many pages on few hosts reuse its TCP/TLS connections instead
 * of paying a handshake per page.
 * With a proxy (config/proxy.ts) it is a router over one such Agent per proxy and a direct one.
 */
import type { SecureContext } from 'node:tls';
import type { Agent, Dispatcher } from 'undici';
import type { FetchConfig } from '../config/schema.js';
import { createProxyRouter } from './proxy-dispatcher.js';
import { loopbackLookup } from './loopback-lookup.js';
import { OriginPools } from './origin-pools.js';

/** Upper bound for the connect phase alone; a host that cannot accept in 10 s is not worth more. */
const MAX_CONNECT_TIMEOUT_MS = 10_000;

/**
 * The response head's size limit, as Chromium's (256 KiB). undici's default is Node's 16 KiB, and
 * real sites pass it (long Set-Cookie and Content-Security-Policy headers): pages a browser opens
 * failed as network errors. It stays bounded: a head past this is CRAWL_FETCH_TOO_LARGE.
 */
export const MAX_HEADER_BYTES = 256 * 1024;

/** The per-origin pool settings, shared by the direct Agent and the proxies' (their `connect` differs). */
export function poolOptions(
  config: FetchConfig, secureContext?: SecureContext,
): Agent.Options & { connect: { timeout: number; rejectUnauthorized?: boolean; lookup: typeof loopbackLookup; secureContext?: SecureContext } } {
  const timeoutMs = Math.max(1, Math.ceil(config.timeoutMs));
  return {
    keepAliveTimeout: Math.max(1, config.keepAliveMs),
    // A server's Keep-Alive hint may shorten the idle time but never lengthen it past our setting:
    // idle sockets to hosts we have finished with are file descriptors we want back.
    keepAliveMaxTimeout: Math.max(1, config.keepAliveMs),
    // host-limits.ts puts at most perHost requests on one origin, so with a pool of that size a
    // request waits inside undici for a socket only when redirect hops from other hosts land on
    // the same origin (and that wait still counts against the fetcher's deadline).
    connections: Math.max(1, config.perHost),
    // No pipelining: a slow response would hold up the ones queued behind it on the same socket.
    pipelining: 1,
    // --insecure: certificates that do not verify are accepted (curl -k). Off by default, when a
    // failed verification is CRAWL_FETCH_TLS (map-error.ts), whose message points at the flag.
    connect: {
      timeout: Math.min(timeoutMs, MAX_CONNECT_TIMEOUT_MS),
      ...(config.insecure === true ? { rejectUnauthorized: false } : {}),
      // Node's roots, plus the intermediates a site forgot to send, once fetched (missing-issuers.ts).
      ...(secureContext === undefined ? {} : { secureContext }),
      // *.localhost is loopback without DNS (loopback-lookup.ts).
      lookup: loopbackLookup,
    },
    // The fetcher's own deadline covers the whole response; these only make sure undici never
    // waits longer than that on its own.
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    maxHeaderSize: MAX_HEADER_BYTES,
  };
}

/**
 * Creates the shared dispatcher for the fetch stage. The caller owns it and must `close()` it.
 *
 * Redirects are not followed here: undici 7's Agent only follows them through the redirect
 * interceptor, which we do not install, because the fetcher follows each hop itself so that it
 * can check scope, loops and the hop limit (see fetcher.ts).
 */
export function createAgent(config: FetchConfig, secureContext?: SecureContext): Dispatcher {
  const options = poolOptions(config, secureContext);
  // One pool per origin, as an Agent keeps them, but without undici 7's Agent losing every later
  // connection once a server has closed one (origin-pools.ts).
  return config.proxy ? createProxyRouter(config.proxy, options) : new OriginPools(options);
}
