/**
 * One keep-alive Pool per origin, as undici's Agent keeps them, without its lost connections.
 *
 * undici 7's Agent counts each origin's open connections from its pool's connect and disconnect
 * events and closes the pool when the count reaches 0 (nodejs/undici#5022, fixed only in undici
 * 8, which needs Node 22). When a server closes the connection (Apache's `Keep-Alive: max=100`
 * ends every connection after 100 requests, nginx's after 1,000) while the next request is
 * already on its way into the pool, the count reaches 0 and the pool is closed under it: that
 * request gets a connection of its own, and the closed pool's disconnect, when it comes, is
 * counted against the next pool, which is closed in turn. From then on every request to the
 * origin paid a new connection (a TCP and TLS handshake), for the rest of the crawl: 54
 * connections for 62 requests to a server that closes every fifth, where 13 do. It takes a
 * crawl that sends an origin one request after another, as a crawl of many hosts does.
 *
 * Here a pool is forgotten (and closed) only when it is still the origin's and is idle: no
 * connection open, no request queued or running (undici 8's rule). Every connection ends with a
 * disconnect or a connection error, so an origin done with is forgotten once its last
 * connection closes, as before.
 */
import type { Dispatcher, Pool } from 'undici';
import { DispatcherClass, errors, PoolClass } from './undici-parts.js';
import { createFramedClient } from './framing-bytes.js';

export class OriginPools extends DispatcherClass {
  readonly #options: Pool.Options;
  readonly #pools = new Map<string, Pool>();
  /** Each connection's client bounds what its responses spend outside their bodies (framing-bytes.ts). */
  readonly #factory = createFramedClient();
  #isClosed = false;

  constructor(options: Pool.Options) {
    super();
    this.#options = options;
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.#isClosed) {
      // As an Agent does once closed: the request fails, through the handler.
      const err = new errors.ClientClosedError();
      const legacy = handler as { onError?: (err: Error) => void };
      if (typeof legacy.onError === 'function') legacy.onError(err);
      else if (typeof handler.onResponseError === 'function') handler.onResponseError(null as never, err);
      else throw err;
      return false;
    }
    const origin = String(opts.origin);
    let pool = this.#pools.get(origin);
    if (pool === undefined) {
      const created = new PoolClass(origin, { ...this.#options, factory: this.#factory });
      const forgetIfIdle = (): void => {
        const { connected, size } = created.stats;
        if (this.#pools.get(origin) !== created || connected > 0 || size > 0) return;
        this.#pools.delete(origin);
        void created.close().catch(() => {});
      };
      created.on('disconnect', forgetIfIdle).on('connectionError', forgetIfIdle);
      this.#pools.set(origin, created);
      pool = created;
    }
    return pool.dispatch(opts, handler);
  }

  /** Origins with a pool (for tests). */
  get size(): number {
    return this.#pools.size;
  }

  override async close(): Promise<void> {
    this.#isClosed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }

  override async destroy(): Promise<void> {
    this.#isClosed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }
}
