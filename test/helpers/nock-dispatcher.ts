/**
 * A test-side undici Dispatcher that performs each request with node:http / node:https, where
 * nock can see it. nock 14 intercepts node:http and global fetch only, never undici's own sockets
 * (nock/nock#2183), so without this bridge a test of the real fetcher (undici.request) would
 * reach the network instead of nock. Pass it as `dispatcher` to createFetcher(). It is the
 * fetcher's own node:http transport (src/fetch/node-http-dispatcher.ts), one connection per request.
 */
import { NodeHttpDispatcher } from '../../src/fetch/node-http-dispatcher.js';

export class NockDispatcher extends NodeHttpDispatcher {
  constructor() {
    super({ agent: false });
  }
}
