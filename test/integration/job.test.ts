/**
 * Job files through the real binary: the examples in config/ validate (and the bench one crawls),
 * a job file drives a crawl end to end with flags overriding it, its extraction fields come out of
 * `crawlite export` as columns, and a bad job stops before anything is fetched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { readJobFile } from '../../src/config/job-file.js';
import { startSite, page } from '../helpers/site.js';
import { tempDbPath } from '../helpers/config.js';
import { crawlite } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CONFIG_DIR = join(ROOT, 'config');

test('every example job in config/ is valid', () => {
  const files = readdirSync(CONFIG_DIR).filter((f) => /\.(ya?ml|json)$/.test(f));
  assert.ok(files.length >= 3, files.join(', '));
  for (const file of files) {
    const { job } = readJobFile(join(CONFIG_DIR, file));
    assert.ok(job.fields && Object.keys(job.fields).length > 0, `${file} shows extraction fields`);
  }
});

test('crawlite bench --config config/bench.yaml crawls the bench site with its fields', async (t) => {
  const db = tempDbPath(t);
  const run = await crawlite(['bench', '--config', 'config/bench.yaml', '--pages', '60', '--page-bytes', '5000', '--workers', '1', '--db', db], { cwd: ROOT });
  assert.equal(run.code, 0, run.stderr);
  const reader = new Database(db, { readonly: true });
  t.after(() => reader.close());
  assert.deepEqual(reader.prepare('SELECT job, job_file, status, pages FROM runs').all(), [
    { job: 'bench', job_file: 'config/bench.yaml', status: 'done', pages: 60 },
  ]);
  const rows = reader.prepare('SELECT title, fields FROM pages').all() as Array<{ title: string; fields: string }>;
  assert.equal(rows.length, 60);
  for (const row of rows) {
    const fields = JSON.parse(row.fields) as { headline: string; published: string; related: string[] };
    assert.ok(row.title.endsWith(`: ${fields.headline}`), `${row.title} / ${fields.headline}`);
    assert.match(fields.published, /^\d{4}-\d\d-\d\d$/);
    assert.ok(Array.isArray(fields.related));
  }
});

function shop(): Record<string, string> {
  const routes: Record<string, string> = {};
  const items = Array.from({ length: 8 }, (_, i) => `/item/${i}`);
  routes['/'] = page('Shop', [...items, '/about']);
  routes['/about'] = page('About us');
  items.forEach((path, i) => {
    routes[path] = page(`Item ${i}`, ['/'], `<p class="price" data-currency="EUR">${i}.99</p><ul><li class="tag">t${i}</li><li class="tag">all</li></ul>`);
  });
  return routes;
}

test('a job file drives a crawl end to end; flags override it; fields are exported as columns', async (t) => {
  const site = await startSite(shop());
  t.after(() => site.close());
  const db = tempDbPath(t);
  const job = join(dirname(db), 'shop.yaml');
  writeFileSync(
    job,
    [
      '# the shop, gently',
      'name: shop',
      `seeds: [${site.url('/')}]`,
      `db: ${db}`,
      'maxPages: 3',
      'scope: { mode: host, exclude: [/about] }',
      'fetch: { concurrency: 2, perHost: 1, userAgent: shop-bot/1.0 }',
      'parse: { workers: 1 }',
      'fields:',
      '  price: .price',
      '  currency: { selector: .price, attr: data-currency }',
      '  tags: { selector: .tag, many: true }',
    ].join('\n'),
  );
  // --max-pages overrides the file's 3; --scope, --db, --concurrency are not given, so the file's hold.
  const run = await crawlite(['crawl', '--config', job, '--max-pages', '20', '--no-progress']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(site.hits.get('/about'), undefined, 'excluded by the file');

  const reader = new Database(db, { readonly: true });
  t.after(() => reader.close());
  const runRow = reader.prepare('SELECT job, job_file, status, pages, options FROM runs').get() as { job: string; job_file: string; status: string; pages: number; options: string };
  assert.deepEqual({ ...runRow, options: undefined }, { job: 'shop', job_file: job, status: 'done', pages: 9, options: undefined });
  const options = JSON.parse(runRow.options) as { maxPages: number; dbPath: string; scope: { exclude: string[] }; fetch: { concurrency: number; perHost: number; userAgent: string } };
  assert.equal(options.maxPages, 20);
  assert.equal(options.dbPath, db);
  assert.deepEqual(options.scope.exclude, ['/about']);
  assert.deepEqual([options.fetch.concurrency, options.fetch.perHost, options.fetch.userAgent], [2, 1, 'shop-bot/1.0']);

  const csv = await crawlite(['export', '--db', db, '--format', 'csv']);
  assert.equal(csv.code, 0, csv.stderr);
  const [header, ...lines] = csv.stdout.trim().split('\r\n');
  assert.ok(header!.endsWith(',content_hash,field.price,field.currency,field.tags'), header);
  const item3 = lines.find((l) => l.startsWith(`${site.url('/item/3')},`));
  assert.ok(item3?.endsWith(',3.99,EUR,"[""t3"",""all""]"'), item3);
  const home = lines.find((l) => l.startsWith(`${site.url('/')},`));
  assert.ok(home?.endsWith(',,,[]'), home);

  const jsonl = await crawlite(['export', '--db', db, '--fields', 'url,field.price,field.tags']);
  const rows = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(rows.find((r) => r.url === site.url('/item/5')), { url: site.url('/item/5'), 'field.price': '5.99', 'field.tags': ['t5', 'all'] });

  // A field no job defined is a typo, not a column of nulls.
  const typo = await crawlite(['export', '--db', db, '--fields', 'url,field.prize']);
  assert.equal(typo.code, 2);
  assert.equal(typo.stdout, '');
  assert.equal(typo.stderr, "crawlite: unknown field 'field.prize': no job of this database defined it (it has field.price, field.currency, field.tags) [CRAWL_USAGE]\n");
});

test('a bad job file is one line, exit 2, and nothing is fetched', async (t) => {
  const site = await startSite(shop());
  t.after(() => site.close());
  const db = tempDbPath(t);
  const job = join(dirname(db), 'bad.yaml');
  writeFileSync(job, `seeds: [${site.url('/')}]\ndb: ${db}\nscope:\n  mode: everything\n`);
  const run = await crawlite(['crawl', '--config', job]);
  assert.equal(run.code, 2);
  assert.equal(run.stderr, `crawlite: ${job}:4: scope.mode: expected one of host, domain, prefix, any, got 'everything' [CRAWL_CONFIG_INVALID]\n`);
  assert.equal(site.total(), 0);

  const missing = await crawlite(['crawl', '--config', join(dirname(db), 'nope.yaml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^crawlite: .*nope\.yaml: cannot read the job file: no such file \[CRAWL_CONFIG_INVALID\]\n$/);
});

test("a job file's relative db is taken from the current directory; run from elsewhere, its full path is named", async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const dir = dirname(tempDbPath(t));
  mkdirSync(join(dir, 'jobs'));
  mkdirSync(join(dir, 'elsewhere'));
  writeFileSync(join(dir, 'jobs', 'x.yaml'), `seeds: [${site.url('/')}]\ndb: data/x.db\n`);
  const args = (config: string) => ['crawl', '--config', config, '--no-progress'];

  // From the folder that holds the job (as config/books.yaml is run from the project root): as written.
  const inside = await crawlite(args('jobs/x.yaml'), { cwd: dir });
  assert.equal(inside.code, 0, inside.stderr);
  assert.ok(existsSync(join(dir, 'data', 'x.db')));
  assert.match(inside.stderr, /\ndatabase: data\/x\.db\n/);
  assert.doesNotMatch(inside.stderr, /relative to the current directory/);

  // From a folder outside it: the same rule, said once before the crawl and named in full after it.
  const outside = await crawlite(args('../jobs/x.yaml'), { cwd: join(dir, 'elsewhere') });
  assert.equal(outside.code, 0, outside.stderr);
  const full = join(dir, 'elsewhere', 'data', 'x.db');
  assert.ok(existsSync(full));
  assert.ok(!existsSync(join(dir, 'jobs', 'data')), 'not beside the job file');
  assert.ok(outside.stderr.startsWith(`crawlite: database ${full}: the job file's db (data/x.db) is relative to the current directory, not to the job file's folder\n`), outside.stderr);
  assert.ok(outside.stderr.includes(`\ndatabase: ${full}\n`), outside.stderr);
  assert.ok(outside.stderr.includes(`crawlite stats --db ${full} `), 'the next commands work from any directory');
});
