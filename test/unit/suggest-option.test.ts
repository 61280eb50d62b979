import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suggestOption } from '../../src/cli/suggest-option.js';

const CRAWL = ['max-pages', 'max-depth', 'max-time', 'concurrency', 'quiet', 'json', 'db', 'delay'];

test('suggestOption names the nearest option: a swap, a missing or a wrong letter', () => {
  assert.equal(suggestOption('max-pagse', CRAWL), 'max-pages');
  assert.equal(suggestOption('concurency', CRAWL), 'concurrency');
  assert.equal(suggestOption('quite', CRAWL), 'quiet');
  assert.equal(suggestOption('jsno', CRAWL), 'json');
  assert.equal(suggestOption('MAX-DEPTH', CRAWL), 'max-depth');
});

test('suggestOption names nothing for a word that is not near an option', () => {
  assert.equal(suggestOption('bogus', CRAWL), null);
  assert.equal(suggestOption('xy', CRAWL), null);
  assert.equal(suggestOption('max', CRAWL), null);
});
