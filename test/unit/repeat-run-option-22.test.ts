import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCrawlConfig } from '../../src/config/load-job.js';
import { createRepeatRuns, repeatKeyOf } from '../../src/frontier/repeat-runs.js';
import { tempDir } from '../helpers/config.js';

test('--max-repeat-run: off (0) by default, traps.maxRepeatRun from a job file, the flag over the file, 0 allowed, anything else refused in one line', async (t) => {
  const seed = { urls: ['https://example.org/'] };
  assert.equal((await loadCrawlConfig(seed)).config.traps?.maxRepeatRun, 0);
  const path = join(tempDir(t, 'crawlite-repeat-'), 'job.yaml');
  writeFileSync(path, 'seeds: [https://example.org/]\ntraps: { maxRepeatRun: 40 }\n');
  assert.equal((await loadCrawlConfig({ config: path })).config.traps?.maxRepeatRun, 40);
  assert.equal((await loadCrawlConfig({ config: path, maxRepeatRun: '7' })).config.traps?.maxRepeatRun, 7);
  assert.equal((await loadCrawlConfig({ ...seed, maxRepeatRun: '100' })).config.traps?.maxRepeatRun, 100);
  await assert.rejects(async () => loadCrawlConfig({ ...seed, maxRepeatRun: '-1' }), { code: 'CRAWL_USAGE', message: /invalid --max-repeat-run '-1'/ });
  await assert.rejects(async () => loadCrawlConfig({ ...seed, maxRepeatRun: 'lots' }), { code: 'CRAWL_USAGE', message: /invalid --max-repeat-run 'lots'/ });
});

test('--max-repeat-run 0: no page is keyed, so none is ever a repeat', () => {
  const runs = createRepeatRuns(0);
  const body = (n: number) => new TextEncoder().encode(`<p>No results on page ${n}</p><a href="?page=${n + 1}">Next</a>`);
  for (let n = 1; n < 300; n++) {
    assert.equal(runs.shouldKey(`http://x.test/list?page=${n}`, body(n).byteLength), false);
    assert.equal(runs.note(repeatKeyOf(`http://x.test/list?page=${n}`, body(n))!), 0);
  }
});
