/**
 * Before a crawl starts: can the proxies its seeds go through be reached at all? A proxy that is
 * down would fail every URL, each after its retries, and leave the frontier full of failures to
 * --retry-failed; one line before anything is opened says it better.
 */
import { connect } from 'node:net';
import { CrawlError } from '../errors.js';
import { proxyFor, redactProxy, type ProxyConfig } from '../config/proxy.js';
import { loopbackLookup } from './loopback-lookup.js';

const CHECK_TIMEOUT_MS = 10_000;

function reach(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    // The lookup the crawl's own connections use: a proxy at `proxy.localhost` is loopback (QA).
    const socket = connect({ host, port, lookup: loopbackLookup as never });
    const done = (problem: string | null) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no connection within ${Math.round(timeoutMs / 1000)} s`));
    socket.once('connect', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      done(err.code === 'ECONNREFUSED' ? 'connection refused'
        : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? 'host not found'
        : err.message);
    });
  });
}

/** Throws CRAWL_PROXY_UNREACHABLE naming the first proxy a seed needs that accepts no TCP connection. */
export async function checkProxies(config: ProxyConfig | null | undefined, seeds: readonly string[], timeoutMs = CHECK_TIMEOUT_MS): Promise<void> {
  const proxies = new Set(seeds.map((seed) => proxyFor(config, seed)).filter((p): p is string => p !== null));
  for (const proxy of proxies) {
    const url = new URL(proxy);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const problem = await reach(url.hostname.replace(/^\[|\]$/g, ''), port, timeoutMs);
    if (problem !== null) {
      const source = config?.source ?? '--proxy';
      const fix = source === '--proxy' || source === 'fetch.proxy' ? `check ${source}` : `check ${source}, or pass --no-proxy to connect directly`;
      throw new CrawlError('CRAWL_PROXY_UNREACHABLE', `proxy ${redactProxy(proxy)} (from ${source}) cannot be reached: ${problem}; ${fix}`);
    }
  }
}

/** The notice before a crawl through proxies: which, from where, and what goes direct. */
export function describeProxy(config: ProxyConfig): string {
  const { http, https } = config;
  const used = http === https ? `${redactProxy(http as string)} for http:// and https:// URLs`
    : [http && `${redactProxy(http)} for http:// URLs`, https && `${redactProxy(https)} for https:// URLs`].filter(Boolean).join(', ');
  const direct = [config.isLoopbackDirect ? 'loopback' : null, config.noProxy.length ? `no_proxy (${config.noProxy.join(',')})` : null].filter(Boolean);
  return `crawlite: proxy: ${used} (from ${config.source})${direct.length ? `; direct: ${direct.join(' and ')}` : ''}`;
}
