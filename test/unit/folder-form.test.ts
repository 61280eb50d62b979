import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endsAsFolder } from '../../src/folder-form.js';

test('a path typed as a folder: a trailing slash, a last part of . or ..', () => {
  for (const path of ['out/', 'out//', 'out/.', 'out/..', '.', '..', '/', 'a/b/']) assert.equal(endsAsFolder(path), true, path);
  for (const path of ['out', 'out.csv', '...', 'a..', '.hidden', 'dir/.hidden', 'x/..y', '-']) assert.equal(endsAsFolder(path), false, path);
});
