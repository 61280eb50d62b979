/**
 * Sends each request through the proxy config/proxy.ts picks for its origin, or directly.
 *
 * http:// URLs go to an http:// proxy as absolute-form requests (`GET http://host/path`), as curl
 * sends them: common proxies (Squid's default rules) refuse CONNECT to any port but 443. https://
 * URLs are tunnelled with CONNECT, so TLS stays end to end and --insecure still means the site's
 * certificate. Each pool keeps the direct Agent's settings (connections per origin, timeouts,
 * header size).
 */
import type { Dispatcher, ProxyAgent } from 'undici';
import { DispatcherClass, PoolClass, proxyAgentClass } from './undici-parts.js';
import { proxyAuthorization, proxyFor, type ProxyConfig } from '../config/proxy.js';
import type { poolOptions } from './dispatcher.js';
import { OriginPools } from './origin-pools.js';
import { createFramedClient } from './framing-bytes.js';

type PoolOptions = ReturnType<typeof poolOptions>;

class ProxyRouter extends DispatcherClass {
  readonly #config: ProxyConfig;
  readonly #direct: OriginPools;
  readonly #proxies = new Map<string, ProxyAgent>();
  readonly #options: PoolOptions;

  constructor(config: ProxyConfig, options: PoolOptions) {
    super();
    this.#config = config;
    this.#options = options;
    this.#direct = new OriginPools(options);
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const proxy = opts.origin === undefined ? null : proxyFor(this.#config, String(opts.origin));
    return (proxy === null ? this.#direct : this.#agentFor(proxy)).dispatch(opts, handler);
  }

  #agentFor(proxy: string): ProxyAgent {
    let agent = this.#proxies.get(proxy);
    if (agent === undefined) {
      const { connect, ...pool } = this.#options;
      // Each connection's responses bounded outside their bodies, as on the direct path (framing-bytes.ts).
      const framedClient = createFramedClient();
      const token = proxyAuthorization(proxy);
      const ProxyAgentClass = proxyAgentClass();
      agent = new ProxyAgentClass({
        ...pool,
        uri: proxy,
        // Ours, not undici's from the URL: it wants both a user name and a password.
        ...(token === null ? {} : { token }),
        proxyTunnel: false,
        // The site's TLS (inside the tunnel) and the proxy's own, for an https:// proxy. The
        // proxy's is verified whatever --insecure says, against the crawl's roots: a corporate
        // proxy's certificate is as often from the --ca-file root as the intranet's.
        requestTls: connect,
        proxyTls: { timeout: connect.timeout, lookup: connect.lookup, ...(connect.secureContext === undefined ? {} : { secureContext: connect.secureContext }) },
        // Also makes the pool an absolute-form request goes through: with the same settings, not
        // undici's defaults (a 16 KiB header limit).
        factory: (origin: string | URL, opts: object) => new PoolClass(origin, { ...pool, ...opts, factory: framedClient }),
      } as ProxyAgent.Options);
      this.#proxies.set(proxy, agent);
    }
    return agent;
  }

  override async close(): Promise<void> {
    await Promise.all([this.#direct.close(), ...[...this.#proxies.values()].map((agent) => agent.close())]);
  }

  override async destroy(): Promise<void> {
    await Promise.all([this.#direct.destroy(), ...[...this.#proxies.values()].map((agent) => agent.destroy())]);
  }
}

export function createProxyRouter(config: ProxyConfig, options: PoolOptions): Dispatcher {
  return new ProxyRouter(config, options);
}
