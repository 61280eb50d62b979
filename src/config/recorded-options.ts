/**
 * A crawl's options as they may be shown or stored: the run's row (`runs.options`, which `export`
 * and `report` read) and `crawl --dry-run`'s output. Header values (Authorization, Cookie) and a
 * proxy's password are secrets: their names are kept, their values never.
 */
import type { CrawlConfig } from './schema.js';
import { maskHeaders } from './request-headers.js';
import { redactProxyConfig } from './proxy.js';

export function recordedOptions(config: CrawlConfig) {
  return {
    ...config,
    fetch: { ...config.fetch, headers: maskHeaders(config.fetch.headers), proxy: redactProxyConfig(config.fetch.proxy) },
    parse: { ...config.parse, workerUrl: undefined },
  };
}
