import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirs } from '../../src/make-dirs.js';

test('makeDirs creates every missing level, and accepts a folder that exists', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'crawlite-dirs-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const deep = join(root, 'a', 'b', 'c');
  makeDirs(deep);
  assert.ok(statSync(deep).isDirectory());
  makeDirs(deep);
  makeDirs(root);
});

test('makeDirs fails with the first mkdir error when a file is in the way', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'crawlite-dirs-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'file'), 'x');
  assert.throws(() => makeDirs(join(root, 'file', 'sub', 'deeper')), { code: 'ENOTDIR' });
});

// The /proc path on which Node's recursive mkdir loops forever is tested through the CLI in a child
// process that is killed on a timeout (cli-errors.test.ts): in this process a regression would hang.
