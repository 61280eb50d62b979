/**
 * QA round 18, second pass on the command line: what a user typed, what it got before (in each
 * test's name), and what it gets now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSite, page } from '../helpers/site.js';
import { assertOneLineError, crawlite, MAIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { openTerminal, quote, skipWithoutTmux } from '../helpers/tmux.js';

test('export with a filter no page matches (--content-type text/htm, --status, --since) exits 0 with empty output and one line on stderr naming the values stored (it said nothing)', async (t) => {
  const site = await startSite({
    '/': page('home', ['/a', '/doc.pdf']),
    '/a': page('a'),
    '/doc.pdf': { headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.4 x' },
  });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa18b-');
  const db = join(dir, 'crawl.db');
  const crawl = await crawlite(['crawl', site.url('/'), '--db', db, '--quiet', '--workers', '0', '--store-non-html']);
  assert.equal(crawl.code, 0, crawl.stderr);

  const typo = await crawlite(['export', '--db', db, '--content-type', 'text/htm']);
  assert.equal(typo.code, 0, typo.stderr);
  assert.equal(typo.stdout, '', 'stdout stays clean for the pipe');
  assert.equal(typo.stderr, 'crawlite: no page matched --content-type text/htm (this database has text/html, application/pdf)\n');

  // CSV keeps its header line on stdout, as for any export; the note goes to stderr alone.
  const status = await crawlite(['export', '--db', db, '--format', 'csv', '--fields', 'url,status', '--status', '5xx', '--status', '404']);
  assert.equal(status.code, 0, status.stderr);
  assert.equal(status.stdout, 'url,status\r\n');
  assert.equal(status.stderr, 'crawlite: no page matched --status 5xx,404 (this database has status 200)\n');

  const window = await crawlite(['export', '--db', db, '--format', 'links', '--since', '2001-01-01', '--until', '2001-02-01']);
  assert.equal(window.code, 0, window.stderr);
  assert.match(window.stderr, /^crawlite: no page matched --since 2001-01-01 --until 2001-02-01 \(this database has pages fetched from \d{4}-\d\d-\d\dT[\d:.]+Z to \d{4}-\d\d-\d\dT[\d:.]+Z\)\n$/);

  // A filter that matches says nothing more, whatever the format writes of it.
  const matched = await crawlite(['export', '--db', db, '--content-type', 'application/pdf', '--fields', 'url']);
  assert.equal(matched.code, 0, matched.stderr);
  assert.equal(matched.stderr, '');
  assert.equal(JSON.parse(matched.stdout).url, site.url('/doc.pdf'));

  // A database with no pages: the same exit 0 and empty output, and the line says why.
  const writer = new Database(db);
  writer.pragma('foreign_keys = OFF');
  writer.exec('DELETE FROM pages');
  writer.close();
  const empty = await crawlite(['export', '--db', db]);
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, '');
  // With the next step (QA 21): its URLs were stored, so none failed nor is queued.
  assert.equal(empty.stderr, `crawlite: no page exported: ${db} holds no pages; crawl into it first: crawlite crawl <url> --db ${db}\n`);
  const emptyFiltered = await crawlite(['export', '--db', db, '--status', '200', '--out', join(dir, 'p.jsonl')]);
  assert.equal(emptyFiltered.code, 0, emptyFiltered.stderr);
  assert.equal(emptyFiltered.stderr, `crawlite: no page matched --status 200 (${db} holds no pages)\n`);
  assert.equal(existsSync(join(dir, 'p.jsonl')), true, 'the empty --out file is still written');
});

test('a job file\'s fetch.caFile that is missing or holds no certificate names the job file and the key, CRAWL_CONFIG_INVALID as its other keys (it named neither, CRAWL_USAGE)', async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa18b-');
  const job = join(dir, 'job.yaml');
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'not a certificate\n');
  for (const [file, why] of [[join(dir, 'missing.pem'), /cannot read .*\/missing\.pem: no such file/], [notes, /cannot use .*\/notes\.txt: it holds no certificate; pass a file of PEM certificates \(-----BEGIN CERTIFICATE-----\)/]] as const) {
    writeFileSync(job, `seeds: [${site.url('/')}]\ndb: ${join(dir, 'c.db')}\nfetch:\n  caFile: ${file}\n`);
    const run = await crawlite(['crawl', '--config', job, '--workers', '0']);
    assertOneLineError(run, 2, new RegExp(`^crawlite: ${job.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: fetch\\.caFile: ${why.source} \\[CRAWL_CONFIG_INVALID\\]$`));
  }
  // --ca-file typed keeps its own form.
  assertOneLineError(await crawlite(['crawl', '--config', job, '--ca-file', notes, '--workers', '0']), 2, /^crawlite: cannot use --ca-file .*\/notes\.txt: it holds no certificate; .* \[CRAWL_USAGE\]$/);
  assert.equal(site.total(), 0, 'nothing fetched');
  assert.equal(existsSync(join(dir, 'c.db')), false, 'no database made');
});

test('Ctrl+C while a crawl reads its seeds (before its own handler is in place) says so in one line, exit 130, nothing written (it ended with no line)', async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa18b-');
  const db = join(dir, 'c.db');
  // A FIFO as the seeds file: its open returning here means the crawl has begun reading it, in the
  // window before the crawl's handler; the signal comes while the read holds the event loop.
  const fifo = join(dir, 'seeds.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  let sent: Promise<void> = Promise.resolve();
  const run = await crawlite(['crawl', '-i', fifo, '--db', db, '--workers', '0'], {
    timeoutMs: 30_000,
    onSpawn: (child) => {
      sent = (async () => {
        const writer = await open(fifo, 'w');
        child.kill('SIGINT');
        await writer.write(`${site.url('/')}\n`);
        await writer.close();
      })();
    },
  });
  await sent;
  assertOneLineError(run, 130, /^crawlite: SIGINT received before the crawl began; nothing was written$/);
  assert.equal(existsSync(db), false, 'no database made');
  assert.equal(site.total(), 0, 'nothing fetched');
});

test('Ctrl+C while -i - reads URLs typed in a terminal: the same line, exit 130 (it ended with no line)', async (t) => {
  if (skipWithoutTmux(t)) return;
  const dir = tempDir(t, 'crawlite-qa18b-');
  const db = join(dir, 'c.db');
  const crawl = `${quote(process.execPath)} ${quote(MAIN)} crawl -i - --db ${quote(db)} --workers 0`;
  // The shell traps Ctrl+C (a trap, not an ignore, which its child would inherit) so as to live on and print the exit status.
  const terminal = openTerminal(t, `sh -c ${quote(`trap : INT; ${crawl}; echo "exit $?"; sleep 30`)}`);
  await terminal.waitFor(/reading seed URLs from the terminal, one per line; end with Ctrl\+D/);
  terminal.sendKeys('http://127.0.0.1:9/', 'Enter');
  terminal.sendKeys('C-c');
  const screen = await terminal.waitFor(/exit \d+/);
  assert.match(screen, /^crawlite: SIGINT received before the crawl began; nothing was written$/m);
  assert.match(screen, /^exit 130$/m);
  assert.equal(existsSync(db), false, 'no database made');
});
