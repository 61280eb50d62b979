import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asOutputWriteError, asTempRefusedError } from '../../src/output-write-error.js';
import { StoreError } from '../../src/errors.js';

function errno(code: string, message: string, syscall: string): Error {
  return Object.assign(new Error(message), { code, syscall, errno: -1 });
}

test("an open failure names the user's --out, not our temporary file, with a code and a hint", () => {
  const err = asOutputWriteError(errno('EACCES', "EACCES: permission denied, open '/srv/.pages.csv.1a2b3c.tmp'", 'open'), '/srv/pages.csv');
  assert.equal((err as Error).message, 'cannot write /srv/pages.csv: permission denied (EACCES); pass --out a writable file path');
  assert.equal((err as { code: string }).code, 'CRAWL_OUTPUT_WRITE');
  assert.doesNotMatch((err as Error).message, /\.tmp/);
});

test('a full disk behind stdout says stdout', () => {
  const err = asOutputWriteError(errno('ENOSPC', 'ENOSPC: no space left on device, write', 'write'), null);
  assert.equal((err as Error).message, 'cannot write to stdout: no space left on device (ENOSPC); free some space and run it again');
  assert.equal((err as { code: string }).code, 'CRAWL_OUTPUT_WRITE');
});

test('errors that are not a system call failing pass through unchanged', () => {
  const ours = new StoreError('CRAWL_STORE_CORRUPT', 'damaged');
  const sqlite = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
  for (const err of [ours, sqlite, new TypeError('x'), 'a string']) assert.equal(asOutputWriteError(err, 'out.csv'), err);
});

test('a temporary file its folder will not create names the folder; a refused new --out keeps the plain message', () => {
  const temp = '/proc/.version.1a2b3c.tmp';
  const enoent = Object.assign(errno('ENOENT', `ENOENT: no such file or directory, open '${temp}'`, 'open'), { path: temp });
  assert.match(asTempRefusedError(enoent, temp, '/proc/version', true)!.message, /^cannot write \/proc\/version: the folder \/proc does not allow creating files \(ENOENT\), /);
  const eacces = Object.assign(errno('EACCES', `EACCES: permission denied, open '${temp}'`, 'open'), { path: temp });
  assert.match(asTempRefusedError(eacces, temp, '/proc/version', true)!.message, /the folder \/proc does not allow creating files \(EACCES\)/);
  assert.equal(asTempRefusedError(eacces, temp, '/proc/new.csv', false), null, 'a new file: permission denied is about it');
  // Not the temporary file's open (the rename, a write): not this.
  assert.equal(asTempRefusedError(Object.assign(errno('ENOENT', 'ENOENT', 'rename'), { path: temp }), temp, '/proc/version', true), null);
  assert.equal(asTempRefusedError(Object.assign(errno('ENOSPC', 'ENOSPC', 'open'), { path: temp }), temp, '/x', true), null);
});
