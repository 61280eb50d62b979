/**
 * Durability, round 19: the temporary databases a killed setup or rescue copy leaves (removed by
 * the next crawl once their process is gone, a whole copy that may be the only one kept), and a
 * file of the oldest layouts in git history opened by this crawlite while `stats` reads it in a
 * loop: nothing stored is lost, and the one layout it cannot write on is refused untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, linkSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { assertOneLineError, crawlite } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { page, startSite, type Route, type TestSite } from '../helpers/site.js';

const PAGES = 30;

function smallSite(): Promise<TestSite> {
  const routes: Record<string, Route> = { '/': page('home', Array.from({ length: PAGES - 1 }, (_, i) => `/p/${i + 1}`)) };
  for (let j = 1; j < PAGES; j++) routes[`/p/${j}`] = page(`p${j}`, [`/p/${(j % (PAGES - 1)) + 1}`]);
  return startSite(routes);
}

const shortHash = (text: string, chars: number) => createHash('sha256').update(text).digest('hex').slice(0, chars);

test('temporary databases of a setup or a rescue copy killed midway: the next crawl removes those whose process is gone, never a whole copy that has no other name', async (t) => {
  const site = await smallSite();
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-dur19-');
  const dbPath = join(dir, 'crawl.db');
  const host = shortHash(hostname(), 6);
  const dead = spawnSync('true').pid!;
  const live = spawn('sleep', ['60']);
  t.after(() => live.kill('SIGKILL'));
  // A whole database, as a rescue copy finished but not yet linked would be.
  const whole = join(dir, 'whole.sqlite');
  const db = new Database(whole);
  db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
  db.close();
  const partial = Buffer.concat([Buffer.alloc(4096), Buffer.from('half a copy')]);
  const removed = [
    `.crawl.db.new.aaaaaaaaaaaa.${dead}-${host}-12345678.tmp`, // a setup killed midway
    `.crawl.db.rescue.bbbbbbbbbbbb.${dead}-${host}-12345678.tmp`, // a copy killed midway (page 1 not yet written)
    `crawl.db.${dead}.tmp`, // the same, by a crawlite of round 18
  ];
  for (const name of removed) writeFileSync(join(dir, name), partial);
  // A copy already linked into place, whose temporary name the kill left: a second link.
  const placed = `.crawl.db.rescue.cccccccccccc.${dead}-${host}-12345678.tmp`;
  copyFileSync(whole, join(dir, placed));
  linkSync(join(dir, placed), join(dir, 'crawl.db.rescued'));
  removed.push(placed);
  const kept = [
    `.crawl.db.rescue.dddddddddddd.${dead}-${host}-12345678.tmp`, // whole, and no other name: may be all there is
    `crawl.db.${dead + 1_000_000}.tmp`.replace(String(dead + 1_000_000), String(live.pid)), // a live process's
    `.crawl.db.new.eeeeeeeeeeee.${dead}-${host === 'ffffff' ? 'eeeeee' : 'ffffff'}-12345678.tmp`, // another host's
    'crawl.db.notes.tmp', // not named as a temporary database is
  ];
  copyFileSync(whole, join(dir, kept[0]!));
  for (const name of kept.slice(1)) writeFileSync(join(dir, name), partial);

  const run = await crawlite(['crawl', site.url('/'), '--db', dbPath, '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const left = readdirSync(dir).filter((name) => name.endsWith('.tmp')).sort();
  assert.deepEqual(left, [...kept].sort());
  assert.equal(readFileSync(join(dir, 'crawl.db.rescued')).length > 0, true, 'the placed copy keeps its name');
});

/** The tables as the oldest crawlite that wrote links by urls id made them (git 7522d77, 2026-11-23), before application_id and every column added since. */
const OLDEST_SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at INTEGER NOT NULL, ended_at INTEGER, status TEXT NOT NULL DEFAULT 'running',
  options TEXT NOT NULL, pages INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0);
CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, host TEXT NOT NULL, depth INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued','fetching','done','failed','skipped','redirected')), parent_id INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0, error_code TEXT, error_message TEXT, redirect_to TEXT, discovered_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, run_id INTEGER);
CREATE INDEX urls_ready ON urls (state, depth, id);
CREATE INDEX urls_error ON urls (error_code) WHERE error_code IS NOT NULL;
CREATE TABLE contents (hash TEXT PRIMARY KEY, codec TEXT NOT NULL, html_bytes INTEGER NOT NULL, text_bytes INTEGER NOT NULL,
  data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE pages (id INTEGER PRIMARY KEY, url_id INTEGER NOT NULL UNIQUE REFERENCES urls(id), url TEXT NOT NULL,
  final_url TEXT NOT NULL, status INTEGER NOT NULL, content_type TEXT NOT NULL, headers TEXT NOT NULL, redirects TEXT,
  fetched_at INTEGER NOT NULL, elapsed_ms INTEGER NOT NULL, depth INTEGER NOT NULL, title TEXT, description TEXT,
  canonical TEXT, language TEXT, encoding TEXT, raw_bytes INTEGER NOT NULL, wire_bytes INTEGER NOT NULL,
  stored_bytes INTEGER NOT NULL, is_truncated INTEGER NOT NULL DEFAULT 0, links_found INTEGER NOT NULL DEFAULT 0,
  content_hash TEXT REFERENCES contents(hash), error_code TEXT, error_message TEXT, run_id INTEGER);
CREATE INDEX pages_fetched ON pages (fetched_at);
CREATE TABLE links (page_id INTEGER NOT NULL REFERENCES pages(id), to_url_id INTEGER NOT NULL REFERENCES urls(id),
  anchor TEXT NOT NULL, in_scope INTEGER NOT NULL, is_nofollow INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (page_id, to_url_id)) WITHOUT ROWID;
CREATE VIEW link_edges AS
  SELECT l.page_id, p.final_url AS from_url, u.url AS to_url, l.anchor, l.in_scope, l.is_nofollow
  FROM links l JOIN pages p ON p.id = l.page_id JOIN urls u ON u.id = l.to_url_id;
INSERT INTO meta VALUES ('schema_version', '1');
`;

function stored(path: string) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return {
      pages: db.prepare('SELECT id, url, title, content_hash FROM pages ORDER BY id').all() as Array<{ id: number; url: string; title: string; content_hash: string }>,
      links: db.prepare('SELECT from_url, to_url, anchor FROM link_edges ORDER BY from_url, to_url').all(),
      contents: db.prepare('SELECT hash, data FROM contents ORDER BY hash').all(),
      runs: db.prepare('SELECT id, status, pages FROM runs ORDER BY id').all(),
      integrity: db.pragma('integrity_check', { simple: true }),
    };
  } finally {
    db.close();
  }
}

test('a file of the oldest layout, continued by this crawlite while stats reads it in a loop: every stored row kept, the crawl finished, every stats whole', async (t) => {
  const site = await smallSite();
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-dur19-old-');
  // Rows a crawl wrote, copied into the oldest layout: a crawl of half the site.
  const source = join(dir, 'source.db');
  const first = await crawlite(['crawl', site.url('/'), '--db', source, '--max-pages', String(PAGES / 2), '--quiet']);
  assert.equal(first.code, 0, first.stderr);
  const oldPath = join(dir, 'old.db');
  const old = new Database(oldPath);
  old.pragma('page_size = 2048');
  old.pragma('journal_mode = WAL');
  old.exec(OLDEST_SCHEMA);
  old.prepare('ATTACH ? AS src').run(source);
  old.exec(`
    INSERT INTO runs SELECT id, started_at, ended_at, status, options, pages, failures FROM src.runs;
    INSERT INTO urls SELECT id, url, host, depth, state, parent_id, attempts, error_code, error_message, redirect_to, discovered_at, updated_at, run_id FROM src.urls;
    INSERT INTO contents SELECT hash, codec, html_bytes, text_bytes, data FROM src.contents;
    INSERT INTO pages SELECT id, url_id, url, final_url, status, content_type, headers, redirects, fetched_at, elapsed_ms, depth, title,
      description, canonical, language, encoding, raw_bytes, wire_bytes, stored_bytes, is_truncated, links_found, content_hash, error_code, error_message, run_id FROM src.pages;
    INSERT INTO links SELECT page_id, to_url_id, anchor, in_scope, is_nofollow FROM src.links;
  `);
  old.exec('DETACH src');
  old.close();
  const before = stored(oldPath);
  assert.equal(before.pages.length, PAGES / 2);

  // stats, again and again, for as long as the crawl runs on the file (its setup, ALTERs and stamping included).
  let crawling = true;
  const statsRuns: Array<{ code: number | null; stderr: string; pages: number }> = [];
  const reading = (async () => {
    while (crawling || statsRuns.length === 0) {
      const run = await crawlite(['stats', '--db', oldPath, '--json']);
      statsRuns.push({ code: run.code, stderr: run.stderr, pages: run.code === 0 ? (JSON.parse(run.stdout) as { pages: number }).pages : -1 });
    }
  })();
  const resumed = await crawlite(['crawl', site.url('/'), '--db', oldPath, '--quiet']);
  crawling = false;
  await reading;
  assert.equal(resumed.code, 0, resumed.stderr);
  for (const run of statsRuns) {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.ok(run.pages >= PAGES / 2, `stats read every stored page (${run.pages})`);
  }

  const after = stored(oldPath);
  assert.equal(after.integrity, 'ok');
  // Every row the old file held, as it was; the crawl's pages added once each.
  assert.deepEqual(after.pages.slice(0, before.pages.length), before.pages);
  assert.deepEqual(after.contents.filter((c) => before.contents.some((b) => (b as { hash: string }).hash === (c as { hash: string }).hash)), before.contents);
  for (const link of before.links) assert.ok(after.links.some((l) => JSON.stringify(l) === JSON.stringify(link)), JSON.stringify(link));
  assert.equal(after.pages.length, PAGES);
  assert.equal(new Set(after.pages.map((p) => p.url)).size, PAGES);
  assert.deepEqual(after.runs.slice(0, before.runs.length), before.runs);
  // The old pages' text still reads back.
  const exported = await crawlite(['export', '--db', oldPath, '--with', 'text']);
  assert.equal(exported.code, 0, exported.stderr);
  const texts = exported.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { url: string; text: string });
  assert.equal(texts.length, PAGES);
  assert.ok(texts.every((p) => p.text.length > 0), 'every page has its text');
});

test('a file from the first development builds (links kept target URLs as text): refused untouched with one line; stats still reads it', async (t) => {
  const dir = tempDir(t, 'crawlite-dur19-text-links-');
  const path = join(dir, 'old.db');
  const db = new Database(path);
  // git bf1cfb6's links table, with the tables a crawl looks at.
  db.exec(`${OLDEST_SCHEMA.replace(/CREATE TABLE links[^;]+;\nCREATE VIEW[^;]+;/, '')}
    CREATE TABLE links (page_id INTEGER NOT NULL REFERENCES pages(id), to_url TEXT NOT NULL, anchor TEXT NOT NULL,
      in_scope INTEGER NOT NULL, is_nofollow INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX links_from ON links (page_id);
    INSERT INTO runs (started_at, options, status) VALUES (1, '{"seeds":["http://127.0.0.1:9/"]}', 'done');`);
  db.close();
  const bytes = readFileSync(path);
  for (const args of [['crawl', 'http://127.0.0.1:9/', '--db', path, '--quiet'], ['crawl', '--db', path, '--quiet']]) {
    assertOneLineError(await crawlite(args), 1, /^crawlite: \S+ was made by an early development build of crawlite \(its links table keeps target URLs as text\), which this one cannot write on; it was left untouched \(stats, export and search still read it\); pass --db a new file to crawl \[CRAWL_STORE_OPEN\]$/);
  }
  assert.ok(readFileSync(path).equals(bytes), 'not a byte changed');
  assert.deepEqual(readdirSync(dir), ['old.db'], 'nothing made beside it');
  const stats = await crawlite(['stats', '--db', path]);
  assert.equal(stats.code, 0, stats.stderr);
});
