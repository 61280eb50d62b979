/**
 * The parts of undici a crawl uses, required file by file. undici's index also loads fetch,
 * WebSocket, EventSource, its cache stores and mock agents, none of which a crawl uses: 114 ms of
 * CPU against 39 for these parts alone (6 runs each, required in a fresh process), on the crawl's
 * own thread before its first request. undici has no `exports` map, so its files are public
 * paths; should a release move one, the whole index is loaded instead, as before.
 *
 * request() and the rest of undici's API are methods its index puts on Dispatcher's prototype;
 * done here the same way (if something else loads the index, it assigns the same functions
 * again). The functions that parse a URL first (request(url, opts)) and ProxyAgent come from the
 * index, loaded when first used: the fetcher calls request(url) only for a URL request-target.ts
 * cannot cut, the missing-issuers fetch for its certificates, and a proxy is a choice of the user.
 * Required, not imported: an ES import of CommonJS also scans the whole file for its exports.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

type Parts = Pick<typeof Undici, 'Dispatcher' | 'Pool' | 'Client' | 'errors'>;

const require = createRequire(import.meta.url);

function loadParts(): Parts {
  try {
    const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as typeof Undici.Dispatcher;
    Object.assign(Dispatcher.prototype, require('undici/lib/api/index.js'));
    return {
      Dispatcher,
      Pool: require('undici/lib/dispatcher/pool.js') as typeof Undici.Pool,
      Client: require('undici/lib/dispatcher/client.js') as typeof Undici.Client,
      errors: require('undici/lib/core/errors.js') as typeof Undici.errors,
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    return wholeUndici();
  }
}

function wholeUndici(): typeof Undici {
  return require('undici') as typeof Undici;
}

const parts = loadParts();

/** undici's Dispatcher class (the value; its types come from `import type { Dispatcher } from 'undici'`). */
export const DispatcherClass = parts.Dispatcher;
export const PoolClass = parts.Pool;
export const ClientClass = parts.Client;
export const errors = parts.errors;

/** undici's request(url, options): parses the URL, then calls options.dispatcher's request(). */
export function request<TOpaque = null>(
  url: Parameters<typeof Undici.request>[0],
  options?: Parameters<typeof Undici.request<TOpaque>>[1],
): Promise<Undici.Dispatcher.ResponseData<TOpaque>> {
  return wholeUndici().request<TOpaque>(url, options);
}

/** undici's ProxyAgent class, loaded with the index on first use. */
export function proxyAgentClass(): typeof Undici.ProxyAgent {
  return wholeUndici().ProxyAgent;
}
