/**
 * The twelfth QA round on the command line: a new user following the README, then an expert
 * trying to break it. Each test names what was typed, what it got before, and what it gets now.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSite, page } from '../helpers/site.js';
import { assertOneLineError, crawlite } from '../helpers/cli.js';
import { rows } from '../helpers/db.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-qa12-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a seed with a space inside (two URLs in one argument or line, a comment after a URL) is refused, not fetched as one %20 URL', async (t) => {
  const site = await startSite({ '/': page('home'), '/docs': page('docs') });
  t.after(() => site.close());
  const dir = tempDir(t);
  const db = join(dir, 'crawl.db');

  // `crawl "$URLS"`: both URLs in one argument. It crawled http://host/%20http://host/docs.
  const typed = await crawlite(['crawl', `${site.url('/')} ${site.url('/docs')}`, '--db', db]);
  assertOneLineError(typed, 2, /^crawlite: invalid seed URL '.+\/ http:.+\/docs': it holds a space, so it is not one URL; give each URL as an argument of its own, and a space inside a URL as %20 \[CRAWL_SEED_INVALID\]$/);

  // A comment after the URL: the URL parser took '# the docs' as the fragment and fetched /docs%20.
  const list = join(dir, 'urls.txt');
  writeFileSync(list, `# to check\n${site.url('/')}\n${site.url('/docs')} # the docs\n`);
  const fromFile = await crawlite(['crawl', '-i', list, '--db', db]);
  assertOneLineError(fromFile, 2, /^crawlite: .*urls\.txt:3: invalid seed URL '.+\/docs # the docs': it holds a space, so it is not one URL; give one URL per line, a # comment on a line of its own, and a space inside a URL as %20 \[CRAWL_SEED_INVALID\]$/);

  // A YAML flow list written with spaces instead of commas is one string.
  const job = join(dir, 'job.yaml');
  writeFileSync(job, `seeds: [${site.url('/')} ${site.url('/docs')}]\ndb: ${db}\n`);
  const fromJob = await crawlite(['crawl', '--config', job]);
  assertOneLineError(fromJob, 2, /^crawlite: .*job\.yaml: seeds\[0\]: expected one URL per item with no space inside, not two URLs or a URL and a comment \(write a space in a URL as %20\), got '.+' \[CRAWL_CONFIG_INVALID\]$/);

  assert.equal(site.total(), 0, 'nothing fetched');
  assert.equal(existsSync(db), false, 'no database created');

  // A space written as %20 is a URL like any other.
  const encoded = await crawlite(['crawl', site.url('/a%20b'), '--db', db, '--quiet', '--workers', '0']);
  assert.equal(encoded.code, 1, encoded.stderr); // the site answers 404 there: nothing fetched below 400
  assert.deepEqual(rows(db, 'SELECT url, status FROM pages'), [{ url: site.url('/a%20b'), status: 404 }]);
});
