/**
 * `--log-format json`'s summary carries the command that continues the crawl, as the text
 * summary's first next: row does: a script reading it had only queuedAtEnd, and had to rebuild the
 * command (and its --max-pages remainder) itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { startSite, page } from '../helpers/site.js';
import { MAIN, countPages, crawlite } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';

const summaryOf = (stderr: string) => JSON.parse(stderr.trim().split('\n').at(-1)!) as Record<string, unknown>;

test('the JSON summary has continueCommand when URLs are left queued, the text summary\'s own command, and none when the crawl ended', async (t) => {
  const routes: Record<string, string> = {};
  for (let n = 0; n < 12; n++) routes[`/p${n}`] = page(`page ${n} ${'x'.repeat(n)}`, [`/p${n + 1}`, `/q${n}`]);
  for (let n = 0; n < 12; n++) routes[`/q${n}`] = page(`leaf ${n} ${'y'.repeat(n)}`);
  const site = await startSite(routes);
  t.after(() => site.close());
  const db = join(tempDir(t, 'crawlite-json22-'), 'c db.db');
  const args = ['crawl', site.url('/p0'), '--db', db, '--max-pages', '3', '--workers', '0', '--concurrency', '1'];
  const json = await crawlite([...args, '--log-format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const summary = summaryOf(json.stderr);
  assert.equal(summary.type, 'summary');
  assert.ok((summary.queuedAtEnd as number) > 0, json.stderr);
  // Ended at its limit: the command goes on with none, as the text row says; the path is quoted for a shell.
  assert.equal(summary.continueCommand, `crawlite crawl --db '${db}'`);

  // The same command, run by a shell, continues to the end; then nothing is left and the key is gone.
  const child = spawn('sh', ['-c', `crawlite() { "${process.execPath}" "${MAIN}" "$@"; }\n${summary.continueCommand as string} --log-format json`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, stderr);
  const last = summaryOf(stderr);
  assert.equal(last.status, 'done');
  assert.equal('continueCommand' in last, false, stderr);
  assert.equal(countPages(db), 25);
});
