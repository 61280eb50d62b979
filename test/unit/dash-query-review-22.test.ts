import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refuseDashQuery } from '../../src/cli/dash-query.js';

test('refuseDashQuery: -n with its value attached (-n5, -n=5, as head -n5) is --limit, not a query starting with -', () => {
  for (const form of ['-n5', '-n=5', '-n10']) assert.doesNotThrow(() => refuseDashQuery(['search', form, 'foo']), form);
  // A word that only starts like it is still a query: -nice is -n -i -c -e to yargs.
  assert.throws(() => refuseDashQuery(['search', '-nice', 'foo']), /a query starting with - goes after --: crawlite search -- "-nice foo"/);
  assert.throws(() => refuseDashQuery(['search', '-n5', 'foo', '-bar']), /crawlite search -n5 -- "foo -bar"/);
});
