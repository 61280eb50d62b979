/**
 * Failures of a request sent through a proxy that are the proxy's, not the site's. Through a
 * proxy crawlite connects to nothing else, so a refused connection or a host name that does not
 * resolve is the proxy's; and undici reports a tunnel the proxy would not open as an abort
 * ("Proxy response (403) !== 200"), which would otherwise read as the crawl stopping the request.
 */
import { FetchError } from '../errors.js';
import { redactProxy } from '../config/proxy.js';

/** Statuses a proxy answers a CONNECT with when the site, not the proxy's rules, is the trouble. */
const RETRYABLE_TUNNEL = new Set([502, 503, 504]);

const TUNNEL_STATUS = /Proxy response \((\d{3})\) !== 200/;

function messagesOf(err: unknown): string[] {
  const out: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current != null; depth++) {
    if (current instanceof Error) out.push(current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

/** `mapped` (map-error.ts's reading of `err`) said as the proxy's failure where it is one. */
export function asProxyFailure(mapped: FetchError, err: unknown, proxy: string, url: string): FetchError {
  const name = redactProxy(proxy);
  const messages = messagesOf(err);
  const tunnel = messages.map((m) => TUNNEL_STATUS.exec(m)).find((m) => m !== null);
  if (tunnel) {
    const status = Number(tunnel[1]);
    const target = new URL(url).host;
    return new FetchError('CRAWL_FETCH_PROXY', `proxy ${name} answered ${status}${statusHint(status)} to CONNECT ${target}`, {
      cause: err, retryable: RETRYABLE_TUNNEL.has(status),
    });
  }
  if (messages.some((m) => m.includes('Proxy Authentication Required'))) return authRequired(name, err);
  if (mapped.code === 'CRAWL_FETCH_REFUSED' || mapped.code === 'CRAWL_FETCH_DNS') {
    const what = mapped.code === 'CRAWL_FETCH_REFUSED' ? 'refused the connection' : 'could not be found (DNS)';
    return new FetchError('CRAWL_FETCH_PROXY', `proxy ${name} ${what}: ${mapped.message}`, { cause: err, retryable: true });
  }
  return mapped;
}

/** A 407 from the proxy: not retried, the same credentials get the same answer. */
export function authRequired(name: string, cause?: unknown): FetchError {
  return new FetchError('CRAWL_FETCH_PROXY', `proxy ${name} asks for credentials (407 Proxy Authentication Required): give them in the proxy URL, http://user:password@host:port`, {
    cause, retryable: false,
  });
}

function statusHint(status: number): string {
  if (status === 407) return ' (Proxy Authentication Required: give credentials in the proxy URL)';
  if (status === 403) return ' (Forbidden: its rules refuse this host or port)';
  return '';
}
