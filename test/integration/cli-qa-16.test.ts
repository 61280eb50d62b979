/**
 * The sixteenth QA round on the command line: a path with a newline in an error line, a value
 * starting with - after --out or --db, a field named twice in --fields, a search of thousands of
 * repeated words, and --ca-file for a private root. Each test names what was typed, what it got
 * before, and what it gets now.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSite, page, type Route, type TestSite } from '../helpers/site.js';
import { assertOneLineError, crawlite } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { rows } from '../helpers/db.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';
import { startProxy } from '../helpers/proxy.js';

async function crawlOnePage(t: TestContext, db: string): Promise<void> {
  const site = await startSite({ '/': page('common words', [], '<p>common words</p>') });
  t.after(() => site.close());
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
}

test('a path with a newline is shown with \\n in the one error line (the line was cut at the newline: "no database at a")', async (t) => {
  const dir = tempDir(t, 'crawlite-qa16-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  const missing = join(dir, 'a\nb.db');
  const shown = join(dir, 'a\\nb.db').replace(/[.\\/]/g, '\\$&');
  for (const command of ['stats', 'export', 'search', 'report']) {
    const args = command === 'search' ? [command, '--db', missing, 'words'] : [command, '--db', missing];
    assertOneLineError(await crawlite(args), 1, new RegExp(`^crawlite: no database at ${shown} \\(run a crawl first, or pass --db\\) \\[CRAWL_STORE_MISSING\\]$`));
  }
  // A folder whose name holds a newline, given as --db: named twice on the line, both escaped.
  const folder = join(dir, 'x\ny');
  mkdirSync(folder);
  assertOneLineError(await crawlite(['stats', '--db', folder]), 1, /^crawlite: cannot open database .*\/x\\ny: it is a directory; pass --db a crawlite database file \(e\.g\. .*\/x\\ny\/crawl\.db\) \[CRAWL_STORE_OPEN\]$/);
  // --out in a folder that does not exist, a job file and a seeds file that do not: the same.
  assertOneLineError(await crawlite(['export', '--db', db, '--out', join(dir, 'no\nfolder', 'pages.jsonl')]), 2,
    /^crawlite: cannot write .*\/no\\nfolder\/pages\.jsonl: no directory .*\/no\\nfolder \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['report', '--db', db, '--out', join(dir, 'r\tq', 'r.html')]), 2, /^crawlite: cannot write .*\/r\\tq\/r\.html: no directory .*\/r\\tq \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['crawl', '--config', join(dir, 'job\n.yaml')]), 2, /^crawlite: .*\/job\\n\.yaml: cannot read the job file: no such file \[CRAWL_CONFIG_INVALID\]$/);
  assertOneLineError(await crawlite(['crawl', '--seeds-file', join(dir, 's\r\nt.txt'), '--db', db]), 2, /^crawlite: cannot read --seeds-file .*\/s\\r\\nt\.txt: no such file \[CRAWL_USAGE\]$/);
  // The same line for a path without one, as before.
  assertOneLineError(await crawlite(['stats', '--db', join(dir, 'plain.db')]), 1, /^crawlite: no database at .*\/plain\.db \(run a crawl first, or pass --db\) \[CRAWL_STORE_MISSING\]$/);
});

test('a path with a newline in the report\'s "wrote" line is escaped too (it took two lines)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa16-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  const out = join(dir, 'r\nq.html');
  const run = await crawlite(['report', '--db', db, '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^crawlite: wrote .*\/r\\nq\.html \(\d+ KB\); open it in a browser\n$/);
  assert.ok(existsSync(out), 'the file is written under its real name');
});

test('a crawl notice naming a path with a newline stays one line (a job file\'s db "a\\nb.db" split the notice in two)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa16-');
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  mkdirSync(join(dir, 'jobs'));
  mkdirSync(join(dir, 'run'));
  writeFileSync(join(dir, 'jobs', 'job.yaml'), `seeds: [${site.url('/')}]\ndb: "a\\nb.db"\n`);
  const run = await crawlite(['crawl', '--config', join(dir, 'jobs', 'job.yaml'), '--quiet', '--workers', '0'], { cwd: join(dir, 'run') });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^crawlite: database .*\/run\/a\\nb\.db: the job file's db \(a\\nb\.db\) is relative to the current directory, not to the job file's folder\n$/);
  assert.ok(existsSync(join(dir, 'run', 'a\nb.db')), 'the database has its real name');
});

test('--out -x.csv and --db -x.db take the dash-led word as their value ("Not enough arguments following: out"; --out=-x.csv worked)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa16-');
  await crawlOnePage(t, join(dir, '-x.db'));
  const run = await crawlite(['export', '--db', '-x.db', '--out', '-x.csv'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.match(readFileSync(join(dir, '-x.csv'), 'utf8'), /^url,/, 'a CSV, its format from the name');
  // Every command's path options, and a crawl's -i and --config.
  for (const args of [['stats', '--db', '-x.db'], ['search', '--db', '-x.db', 'words'], ['report', '--db', '-x.db', '--out', '-r.html']]) {
    const ok = await crawlite(args, { cwd: dir });
    assert.equal(ok.code, 0, `${args.join(' ')}: ${ok.stderr}`);
  }
  assert.ok(existsSync(join(dir, '-r.html')));
  assertOneLineError(await crawlite(['crawl', '-i', '-seeds.txt', '--db', 'c.db'], { cwd: dir }), 2, /^crawlite: cannot read --seeds-file -seeds\.txt: no such file \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['crawl', '--config', '-job.yaml'], { cwd: dir }), 2, /^crawlite: -job\.yaml: cannot read the job file: no such file \[CRAWL_CONFIG_INVALID\]$/);
  // A pattern may start with - too: --exclude -draft excludes, it is no unknown option -d -r -a -f -t.
  assertOneLineError(await crawlite(['crawl', 'http://127.0.0.1:9/x-draft', '--exclude', '-draft', '--db', 'c.db', '--quiet'], { cwd: dir }), 1,
    /^crawlite: no page could be fetched: every seed is excluded \(http:\/\/127\.0\.0\.1:9\/x-draft: it matches --exclude '-draft'/);
  // After --, a word is an operand as before: search -- --db -x.db looks for those words.
  const search = await crawlite(['search', '--db', '-x.db', '--', 'common', '-x'], { cwd: dir });
  assert.equal(search.code, 0, search.stderr);
});

test('--db -q, one of crawl\'s own switches, is not taken as a file named -q: yargs\' line, with how to give such a value', async (t) => {
  const dir = tempDir(t, 'crawlite-qa16-');
  for (const args of [['crawl', 'http://127.0.0.1:9/', '--db', '-q'], ['crawl', 'http://127.0.0.1:9/', '--db', '-qk'], ['crawl', 'http://127.0.0.1:9/', '-i', '-k']]) {
    assertOneLineError(await crawlite(args, { cwd: dir }), 2,
      new RegExp(`^crawlite: Not enough arguments following: (db|i) \\(${args.at(-1)} is read as an option; if it is the value, give (--db|-i)=${args.at(-1)}\\) \\[CRAWL_USAGE\\]$`));
  }
  // Nothing after the option: the line as it was.
  assertOneLineError(await crawlite(['export', '--out'], { cwd: dir }), 2, /^crawlite: Not enough arguments following: out \[CRAWL_USAGE\]$/);
  assert.ok(!existsSync(join(dir, '-q')), 'no file named -q');
});

test('export --fields url,url is refused, naming the field (it wrote one url column without a word)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa16-');
  const db = join(dir, 'crawl.db');
  await crawlOnePage(t, db);
  assertOneLineError(await crawlite(['export', '--db', db, '--fields', 'url,url']), 2, /^crawlite: --fields names 'url' twice; name each field once \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['export', '--db', db, '--format', 'csv', '--fields', 'url, status,title,status,status']), 2,
    /^crawlite: --fields names 'status' 3 times; name each field once \[CRAWL_USAGE\]$/);
  assertOneLineError(await crawlite(['export', '--db', db, '--with', 'text,text']), 2, /^crawlite: --with names 'text' twice; name each field once \[CRAWL_USAGE\]$/);
  // An unknown name is still named as unknown first, and --with may add what --fields has.
  assertOneLineError(await crawlite(['export', '--db', db, '--fields', 'urll,urll']), 2, /^crawlite: unknown field 'urll' \(known: /);
  const run = await crawlite(['export', '--db', db, '--fields', 'url,text', '--with', 'text']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(Object.keys(JSON.parse(run.stdout.split('\n')[0]!)), ['url', 'text']);
});

test('search with 2,000 repeated w* answers as w* does (it read the match list 2,000 times over: 25 s on 3,000 pages); too many different words is one line', async (t) => {
  const dir = tempDir(t, 'crawlite-qa16-');
  const db = join(dir, 'crawl.db');
  const routes: Record<string, Route> = { '/': page('Home', ['/w1', '/w2', '/o']) };
  routes['/w1'] = page('Winter walk', [], '<p>winter walk wide</p>');
  routes['/w2'] = page('Water', [], '<p>water only</p>');
  routes['/o'] = page('Other', [], '<p>nothing here</p>');
  const site = await startSite(routes);
  t.after(() => site.close());
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0'])).code, 0);
  const once = await crawlite(['search', '--db', db, '--json', 'w*']);
  assert.equal(once.code, 0, once.stderr);
  const urls = once.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { url: string }).url);
  assert.ok(urls.includes(site.url('/w1')) && urls.includes(site.url('/w2')) && !urls.includes(site.url('/o')), once.stdout);
  for (const query of [Array(2000).fill('w*').join(' '), Array(1000).fill('w* OR w*').join(' OR '), `${Array(500).fill('w* -nothing').join(' ')}`]) {
    const many = await crawlite(['search', '--db', db, '--json', '--', query]);
    assert.equal(many.code, 0, many.stderr);
    assert.equal(many.stdout, once.stdout, 'the same hits, scores and snippets');
  }
  const words = Array.from({ length: 65 }, (_, i) => `word${i}`).join(' ');
  assertOneLineError(await crawlite(['search', '--db', db, words]), 2, /^crawlite: the query holds more than 64 different words; search for fewer \[CRAWL_USAGE\]$/);
});

/** An HTTPS site on 127.0.0.1 whose chain (leaf and intermediate) ends at the test PKI's root. */
async function startPrivateSite(t: TestContext, pki: TestPki, routes: Record<string, Route>): Promise<TestSite> {
  const site = await startSite(routes, { tls: { key: pki.leaf.key, cert: pki.leaf.cert + pki.intermediatePem } });
  t.after(() => site.close());
  return site;
}

const ROBOTS = (sitemap: string) => ({ headers: { 'content-type': 'text/plain' }, body: `User-agent: *\nAllow: /\nSitemap: ${sitemap}\n` });

test('--ca-file <root.pem>: a site whose root is only in the file is crawled, robots.txt and sitemap included; without it, the certificate error', async (t) => {
  const pki = createTestPki(t, { aiaUrl: null, name: 'Corp' });
  const routes: Record<string, Route> = { '/': page('home', ['/a']), '/a': page('a'), '/only-in-sitemap': page('listed') };
  const site = await startPrivateSite(t, pki, routes);
  routes['/robots.txt'] = ROBOTS(site.url('/sitemap.xml'));
  routes['/sitemap.xml'] = { headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${site.url('/only-in-sitemap')}</loc></url></urlset>` };
  const dir = tempDir(t, 'crawlite-qa16-');
  const db = join(dir, 'crawl.db');
  // A bundle: another certificate before the root, and text around them, as ca-bundle files have.
  const other = createTestPki(t, { aiaUrl: null, name: 'Other' });
  const bundle = join(dir, 'bundle.pem');
  writeFileSync(bundle, `# corporate roots\n${other.rootPem}\nCorp Root\n${pki.rootPem}`);
  const run = await crawlite(['crawl', site.url('/'), '--db', db, '--ca-file', bundle, '--sitemaps', '--no-progress', '--retries', '0']);
  assert.equal(run.code, 0, run.stderr);
  const pages = rows<{ url: string; status: number }>(db, 'SELECT url, status FROM pages ORDER BY url');
  assert.deepEqual(pages, ['/', '/a', '/only-in-sitemap'].map((path) => ({ url: site.url(path), status: 200 })));
  assert.equal(site.hits.get('/robots.txt'), 1);
  assert.equal(site.hits.get('/sitemap.xml'), 1);
  // Continued without URLs, the run's --ca-file carries over; --no-ca-file drops it.
  routes['/a'] = page('a', ['/b']);
  routes['/b'] = page('b');
  const continued = await crawlite(['crawl', '--db', db, '--recrawl', '--no-progress', '--retries', '0']);
  assert.equal(continued.code, 0, continued.stderr);
  assert.equal(rows(db, 'SELECT url FROM pages WHERE url = ?', site.url('/b')).length, 1);

  const without = tempDir(t, 'crawlite-qa16-');
  const refused = await crawlite(['crawl', site.url('/'), '--db', join(without, 'c.db'), '--quiet', '--retries', '0']);
  assertOneLineError(refused, 1, /^crawlite: no page could be fetched: every seed failed \(https:\/\/127\.0\.0\.1:\d+\/: TLS failed: unable to get local issuer certificate \[UNABLE_TO_GET_ISSUER_CERT_LOCALLY\]; to trust its root CA, give it with --ca-file; to accept it, use --insecure\) \[CRAWL_NOTHING_FETCHED\]$/);
  const failed = rows<{ code: string; error: string }>(join(without, 'c.db'), 'SELECT error_code AS code, error_message AS error FROM urls WHERE url = ?', site.url('/'));
  assert.equal(failed[0]?.code, 'CRAWL_FETCH_TLS');
  assert.match(failed[0]!.error, /certificate/i);
  const dropped = await crawlite(['crawl', '--db', db, '--recrawl', '--no-ca-file', '--no-progress', '--retries', '0']);
  assert.notEqual(dropped.code, 0, 'the root is no longer trusted');
});

test('--ca-file with a site that leaves out its intermediate: fetched from the AIA URL and chained to the file\'s root', async (t) => {
  const caRoutes: Record<string, Route> = {};
  const ca = await startSite(caRoutes);
  t.after(() => ca.close());
  const pki = createTestPki(t, { aiaUrl: ca.url('/int.der') });
  caRoutes['/int.der'] = { headers: { 'content-type': 'application/pkix-cert' }, body: pki.intermediateDer };
  const site = await startSite({ '/': page('home', ['/a']), '/a': page('a') }, { tls: pki.leaf });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa16-');
  const root = join(dir, 'root.pem');
  writeFileSync(root, pki.rootPem);
  const run = await crawlite(['crawl', site.url('/'), '--db', join(dir, 'c.db'), '--ca-file', root, '--no-progress', '--retries', '0']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(rows(join(dir, 'c.db'), 'SELECT url FROM pages').length, 2);
  assert.equal(ca.hits.get('/int.der'), 1, 'one fetch for the whole site');
});

test('--ca-file that cannot be used: one line naming the file and why, exit 2, nothing fetched', async (t) => {
  const dir = tempDir(t, 'crawlite-qa16-');
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const pki = createTestPki(t, { aiaUrl: null });
  const der = join(dir, 'root.der');
  writeFileSync(der, pki.intermediateDer);
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'not a certificate\n');
  const key = join(dir, 'key.pem');
  writeFileSync(key, pki.leaf.key);
  const broken = join(dir, 'broken.pem');
  writeFileSync(broken, `${pki.rootPem}-----BEGIN CERTIFICATE-----\nMIIBnotbase64atall\n-----END CERTIFICATE-----\n`);
  const cases: Array<[string, RegExp]> = [
    [join(dir, 'missing.pem'), /^crawlite: cannot read --ca-file .*\/missing\.pem: no such file \[CRAWL_USAGE\]$/],
    [dir, /^crawlite: cannot read --ca-file .*: it is a directory \[CRAWL_USAGE\]$/],
    [text, /^crawlite: cannot use --ca-file .*\/notes\.txt: it holds no certificate; pass a file of PEM certificates \(-----BEGIN CERTIFICATE-----\) \[CRAWL_USAGE\]$/],
    [key, /^crawlite: cannot use --ca-file .*\/key\.pem: it holds no certificate; /],
    [der, /^crawlite: cannot use --ca-file .*\/root\.der: it is DER \(binary\), not PEM; convert it with: openssl x509 -inform der -in <file> -out <file>\.pem; pass a file of PEM/],
    [broken, /^crawlite: cannot use --ca-file .*\/broken\.pem: certificate 2 in it cannot be read; /],
  ];
  for (const [file, line] of cases) {
    assertOneLineError(await crawlite(['crawl', site.url('/'), '--db', join(dir, 'c.db'), '--ca-file', file]), 2, line);
  }
  assertOneLineError(await crawlite(['crawl', site.url('/'), '--db', join(dir, 'c.db'), '--ca-file', '']), 2, /^crawlite: --ca-file '' is empty; give a file path \(--no-ca-file for none\) \[CRAWL_USAGE\]$/);
  // A job file's fetch.caFile: the key named.
  const job = join(dir, 'job.yaml');
  writeFileSync(job, `seeds: [${site.url('/')}]\ndb: ${join(dir, 'c.db')}\nfetch:\n  caFile: ${text}\n`);
  assertOneLineError(await crawlite(['crawl', '--config', job]), 2, /^crawlite: .*\/job\.yaml: fetch\.caFile: cannot use .*\/notes\.txt: it holds no certificate; .* \[CRAWL_CONFIG_INVALID\]$/);
  assert.equal(site.total(), 0, 'nothing fetched');
  assert.ok(!existsSync(join(dir, 'c.db')), 'no database made');
});

test('crawl --help lists --ca-file and its example', async () => {
  const help = await crawlite(['crawl', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /--ca-file\s+PEM file of root certificates to trust besides the usual ones,/);
  assert.match(help.stdout, /--no-ca-file and the --no- form/);
  assert.match(help.stdout, /crawlite crawl https:\/\/intranet\.example\/ --ca-file\s/);
});

test('--ca-file is trusted for an https:// proxy\'s own certificate too (a corporate proxy\'s is from the same root)', async (t) => {
  const pki = createTestPki(t, { aiaUrl: null, name: 'Proxy' });
  const site = await startSite({ '/': page('home', ['/a']), '/a': page('a') });
  t.after(() => site.close());
  const proxy = await startProxy({ tls: { key: pki.leaf.key, cert: pki.leaf.cert + pki.intermediatePem } });
  t.after(() => proxy.close());
  const dir = tempDir(t, 'crawlite-qa16-');
  const root = join(dir, 'root.pem');
  writeFileSync(root, pki.rootPem);
  // By name: undici gives an address as the TLS server name, which Node warns about on stderr.
  const proxyUrl = proxy.url.replace('127.0.0.1', 'localhost');
  // No proxy variable from the test's own environment.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_proxy$/i.test(name)));
  const run = await crawlite(['crawl', site.url('/'), '--db', join(dir, 'c.db'), '--proxy', proxyUrl, '--ca-file', root, '--no-progress', '--retries', '0'], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(rows(join(dir, 'c.db'), 'SELECT url FROM pages ORDER BY url'), [{ url: site.url('/') }, { url: site.url('/a') }]);
  // Over an https:// proxy undici tunnels http:// URLs too.
  assert.ok(proxy.log.length > 0 && proxy.log.every((e) => e.target === site.origin.replace('http://', '')), `through the proxy: ${JSON.stringify(proxy.log)}`);
  const without = await crawlite(['crawl', site.url('/'), '--db', join(dir, 'd.db'), '--proxy', proxyUrl, '--quiet', '--retries', '0'], { env });
  assertOneLineError(without, 1, /^crawlite: no page could be fetched: .*(certificate|issuer)/);
});
