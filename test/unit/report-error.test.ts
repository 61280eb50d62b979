import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportError } from '../../src/cli/report-error.js';
import { UsageError } from '../../src/errors.js';

/** Runs reportError with stderr captured. */
function report(err: unknown, isDebug = false): { code: number; text: string } {
  const original = process.stderr.write;
  let text = '';
  process.stderr.write = ((chunk: string) => {
    text += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: reportError(err, isDebug), text };
  } finally {
    process.stderr.write = original;
  }
}

test('SQLite full outside a batch commit gets the same line as inside one', () => {
  const r = report(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
  assert.equal(r.code, 1);
  assert.match(r.text, /^crawlite: database full \(disk full or --max-db-size reached\); .* \[CRAWL_STORE_WRITE\]\n$/);
});

test('SQLite corruption that reaches the CLI unwrapped is CRAWL_STORE_CORRUPT with the .recover hint', () => {
  for (const code of ['SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_NOTADB']) {
    const r = report(Object.assign(new Error('database disk image is malformed'), { code }));
    assert.equal(r.code, 1);
    assert.match(r.text, /^crawlite: database is damaged \(database disk image is malformed\); .*sqlite3 <db> \.recover .*sqlite3 <db> \.dump \| sed .* \| sqlite3 recovered\.db\), .*\[CRAWL_STORE_CORRUPT\]\n$/);
  }
});

test('the damaged-file commands name a path with a space or a quote as one shell word', async () => {
  const { corruptError } = await import('../../src/store/store-corrupt.js');
  const err = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
  const message = corruptError("data/it's my crawl.db", err).message;
  assert.ok(message.includes(`sqlite3 'data/it'\\''s my crawl.db' .recover | sqlite3 recovered.db`), message);
  assert.ok(message.includes(`sqlite3 'data/it'\\''s my crawl.db' .dump | sed`), message);
  // The path as the reader typed it stays in the sentence's head.
  assert.ok(message.startsWith("database data/it's my crawl.db is damaged"), message);
  assert.ok(corruptError('data/crawl.db', err).message.includes('sqlite3 data/crawl.db .recover'));
});

test('yargs messages become one line, without camelCase twins', () => {
  const yargsError = (message: string) => Object.assign(new Error(message), { code: 'CRAWL_USAGE', isYargs: true });
  const unknown = report(yargsError('Unknown arguments: max-pagse, maxPagse, quite'));
  assert.equal(unknown.code, 2);
  assert.equal(unknown.text.split('\n')[0], 'crawlite: Unknown arguments: max-pagse, quite [CRAWL_USAGE]');
  const invalid = report(yargsError('Invalid values:\n  Argument: scope, Given: "x", Choices: "host", "any"'));
  assert.equal(invalid.text, "crawlite: invalid --scope 'x': expected one of host, any [CRAWL_USAGE]\ncrawlite: run crawlite --help (or crawlite <command> --help) for usage\n");
});

test('usage errors exit 2, with the stack only under --debug', () => {
  const err = new UsageError('CRAWL_SEED_INVALID', 'invalid seed URL');
  assert.equal(report(err).text, 'crawlite: invalid seed URL [CRAWL_SEED_INVALID]\n');
  assert.equal(report(err).code, 2);
  assert.match(report(err, true).text, /\n\s+at /);
});
