/** Narrowing a fetch outcome in tests, with a message that says what came back instead. */
import assert from 'node:assert/strict';
import type { FetchFailure, FetchResult } from '../../src/types.js';

export function assertResult(r: FetchResult | FetchFailure): asserts r is FetchResult {
  if (!('status' in r)) assert.fail(`expected a response, got ${r.code}: ${r.message}`);
}

export function assertFailure(r: FetchResult | FetchFailure): asserts r is FetchFailure {
  if ('status' in r) assert.fail(`expected a failure, got HTTP ${r.status}`);
}

export const text = (body: Uint8Array): string => new TextDecoder().decode(body);
