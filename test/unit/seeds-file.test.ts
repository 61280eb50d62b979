/** readSeedsFile's bound: a list past MAX_SEEDS URLs is refused, not read into memory whole. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SEEDS, readSeedsFile } from '../../src/config/seeds-file.js';

test('up to MAX_SEEDS URLs are read; one more is refused with the advice to split the list', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-seeds-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'urls.txt');
  const urls = Array.from({ length: MAX_SEEDS }, (_, i) => `http://example.org/p${i}`);
  writeFileSync(file, urls.join('\n'));
  assert.equal(readSeedsFile(file).length, MAX_SEEDS);
  writeFileSync(file, [...urls, 'http://example.org/one-more'].join('\n'));
  assert.throws(() => readSeedsFile(file), { code: 'CRAWL_USAGE', message: /holds more than 100,000 URLs; split it over several runs on the same --db$/ });
});
