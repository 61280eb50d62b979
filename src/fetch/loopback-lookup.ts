/**
 * Names under `.localhost` are loopback without asking DNS (RFC 6761 6.3), as browsers and curl
 * resolve them: `app.localhost`, `a.localhost` and `b.localhost` are the usual way to serve
 * several hosts from one machine. Left to getaddrinfo, they fail as CRAWL_FETCH_DNS on most
 * Linux systems (no such rule without systemd-resolved), or wait on a DNS server first.
 * Every other name, `localhost` itself included, goes to dns.lookup as before.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';

type Callback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** IPv4 first: a local test or dev server listens on 127.0.0.1 more often than on ::1. */
const LOOPBACK: LookupAddress[] = [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }];

export function isLocalhostSubdomain(hostname: string): boolean {
  return hostname.toLowerCase().replace(/\.$/, '').endsWith('.localhost');
}

/** A `lookup` for net/tls connect options (undici's `connect.lookup`). */
export function loopbackLookup(hostname: string, options: LookupOptions, callback: Callback): void {
  if (!isLocalhostSubdomain(hostname)) {
    dnsLookup(hostname, options, callback as never);
    return;
  }
  const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family ?? 0;
  const addresses = family === 0 ? LOOPBACK : LOOPBACK.filter((a) => a.family === family);
  if (options.all) process.nextTick(callback, null, addresses);
  else process.nextTick(callback, null, addresses[0]!.address, addresses[0]!.family);
}
