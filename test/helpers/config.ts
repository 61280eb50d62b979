/** A crawl configuration for tests: the real defaults, a fresh temp database, test-sized timeouts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { defaultConfig, type CrawlConfig } from '../../src/config/schema.js';

type Overrides = Partial<Omit<CrawlConfig, 'fetch' | 'parse' | 'store' | 'scope'>> & {
  fetch?: Partial<CrawlConfig['fetch']>;
  parse?: Partial<CrawlConfig['parse']>;
  store?: Partial<CrawlConfig['store']>;
  scope?: Partial<CrawlConfig['scope']>;
};

/** A fresh folder under the system's temp dir, removed with everything in it when the test ends. */
export function tempDir(t: TestContext, prefix = 'crawlite-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function tempDbPath(t: TestContext): string {
  return join(tempDir(t), 'crawl.db');
}

export function testConfig(t: TestContext, seeds: string[], o: Overrides = {}): CrawlConfig {
  const base = defaultConfig();
  return {
    ...base,
    ...o,
    seeds,
    dbPath: o.dbPath ?? tempDbPath(t),
    fetch: { ...base.fetch, timeoutMs: 5_000, keepAliveMs: 100, ...o.fetch },
    parse: { ...base.parse, workers: 2, taskTimeoutMs: 5_000, ...o.parse },
    store: { ...base.store, ...o.store },
    scope: { ...base.scope, ...o.scope },
  };
}
