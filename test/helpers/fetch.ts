/** The fetch stage in tests: a test-sized config, and outcome checks that say what came back instead. */
import assert from 'node:assert/strict';
import type { FetchConfig } from '../../src/config/schema.js';
import type { FetchFailure, FetchResult } from '../../src/types.js';

export function testFetchConfig(overrides: Partial<FetchConfig> = {}): FetchConfig {
  return {
    concurrency: 4,
    perHost: 2,
    userAgent: 'crawlite-test/1',
    timeoutMs: 5_000,
    maxBodyBytes: 1024 * 1024,
    maxRedirects: 5,
    keepAliveMs: 10, // short, so idle sockets do not keep the test process alive
    ...overrides,
  };
}

export function assertResult(r: FetchResult | FetchFailure): asserts r is FetchResult {
  if (!('status' in r)) assert.fail(`expected a response, got ${r.code}: ${r.message}`);
}

export function assertFailure(r: FetchResult | FetchFailure): asserts r is FetchFailure {
  if ('status' in r) assert.fail(`expected a failure, got HTTP ${r.status}`);
}

export const text = (body: Uint8Array): string => new TextDecoder().decode(body);
