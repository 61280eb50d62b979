import { test } from 'node:test';
import assert from 'node:assert/strict';
import { otherToolOption, refuseWgetBundles } from '../../src/cli/other-tool-options.js';

test('refuseWgetBundles: a word that names a property of every object (search constructor, --exclude toString) is no wget bundle', () => {
  for (const word of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__']) {
    assert.doesNotThrow(() => refuseWgetBundles(['search', word]), word);
  }
  assert.throws(() => refuseWgetBundles(['crawl', 'http://a/', '-nv']), /unknown option -nv: wget's --no-verbose/);
});

test('otherToolOption: such a word typed as an option is no other tool\'s', () => {
  for (const word of ['constructor', 'toString', '__proto__']) {
    assert.equal(otherToolOption(word, ['out', 'fields', 'format', 'max-depth', 'limit']), null, word);
  }
});
