/**
 * yargs gives every option a --no- form. crawl's --no-max-depth, --no-include, --no-exclude,
 * --no-user-agent, --no-delay and --no-proxy say "none" (resume-no-urls.test.ts, and
 * test/unit/resume-options.test.ts); any other --no-<option that takes a value> is refused with one
 * line, for every command: they crashed (`value?.trim is not a function`), or were stored as the
 * pattern 'false' and carried to every continued run (QA).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertOneLineError, crawlite } from '../helpers/cli.js';

const SEED = 'http://127.0.0.1:9/';

test('--no-<option> of an option that takes a value, and no "none": exit 2, one line, nothing created', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-negated-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cases: Array<[string[], string]> = [
    [['crawl', SEED, '--no-timeout'], 'timeout'],
    [['crawl', SEED, '--no-scope'], 'scope'],
    [['crawl', SEED, '--no-header'], 'header'],
    [['crawl', SEED, '--no-config'], 'config'],
    [['crawl', SEED, '--timeout', '5', '--no-timeout'], 'timeout'],
    [['stats', '--no-db'], 'db'],
    [['export', '--no-format'], 'format'],
  ];
  for (const [args, name] of cases) {
    assertOneLineError(await crawlite(args, { cwd: dir }), 2, new RegExp(`^crawlite: there is no --no-${name}: --${name} takes a value \\(see --help\\) \\[CRAWL_USAGE\\]$`));
  }
  assert.deepEqual(readdirSync(dir), []);
});

test('a value and its --no- form together: one line naming both, for a repeatable option too', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-negated-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [args, name] of [
    [['--include', '/a', '--no-include'], 'include'],
    [['--no-exclude', '--exclude', '/a'], 'exclude'],
    [['--max-depth', '2', '--no-max-depth'], 'max-depth'],
    [['--no-user-agent', '--user-agent', 'x/1'], 'user-agent'],
  ] as Array<[string[], string]>) {
    assertOneLineError(await crawlite(['crawl', SEED, '-q', ...args], { cwd: dir }), 2, new RegExp(`^crawlite: --${name} and --no-${name} both given; give one \\[CRAWL_USAGE\\]$`));
  }
  assert.deepEqual(readdirSync(dir), []);
});
