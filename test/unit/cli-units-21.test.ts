import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelOptionUnits } from '../../src/cli/help-units.js';
import { rowsOnScreen } from '../../src/cli/status-lines.js';
import { formatDuration } from '../../src/format-numbers.js';
import { formatDuration as summaryDuration } from '../../src/cli/summary.js';

test('labelOptionUnits: the type column of a numeric option names its unit, and stays aligned right', () => {
  const help = [
    'Limits:',
    '      --max-pages    Most URLs to fetch                                  [string] [default: no limit]',
    '      --max-time     Take no new URL after this long (90, 90s, 10m, 1h30m); requests in flight',
    '                     finish                                              [string] [default: no limit]',
    '      --delay        Time between request starts, in seconds or with a unit (500ms)[string] [default: 0]',
    '      --db           SQLite file to write                                [string] [default: data/crawl.db]',
    '      --max-bytes    Cap on a decoded body (e.g. 10MB); longer bodies are cut',
    '                                                                           [string] [default: 10MB]',
  ].join('\n');
  const lines = labelOptionUnits(help).split('\n');
  assert.equal(lines[1], '      --max-pages    Most URLs to fetch                                  [number] [default: no limit]');
  assert.equal(lines[3], '                     finish                                            [duration] [default: no limit]');
  // No room before the longer label: the column moves to a line of its own, ending where it did.
  assert.equal(lines[4], '      --delay        Time between request starts, in seconds or with a unit (500ms)');
  assert.equal(lines[5], '[duration] [default: 0]'.padStart(help.split('\n')[4]!.length));
  // Not a numeric option: left alone.
  assert.equal(lines[6], help.split('\n')[5]);
  assert.equal(lines[8], '                                                                            [bytes] [default: 10MB]');
});

test('labelOptionUnits: a description line starting with --no-x is no option line', () => {
  const help = [
    '      --proxy        HTTP(S) proxy for every request, e.g. http://user:pass@proxy:3128;',
    '                     --no-proxy connects directly                                   [string]',
    '      --timeout      Time allowed                                         [string] [default: 30]',
  ].join('\n');
  const lines = labelOptionUnits(help).split('\n');
  assert.ok(lines[1]!.endsWith('[string]'));
  assert.ok(lines[2]!.endsWith('[duration] [default: 30]'));
});

test('rowsOnScreen: a block drawn for a wide terminal takes more rows once it is narrower; colours do not count', () => {
  const block = ['a'.repeat(70), '\u001B[31m' + 'b'.repeat(30) + '\u001B[0m', 'c'.repeat(55)].join('\n');
  assert.equal(rowsOnScreen(block, 120), 3);
  assert.equal(rowsOnScreen(block, 50), 2 + 1 + 2);
  assert.equal(rowsOnScreen(block, 30), 3 + 1 + 2);
  assert.equal(rowsOnScreen('', 50), 0);
});

test('one duration format for the summary, stats and report: 1m43s', () => {
  assert.equal(formatDuration(103_000), '1m43s');
  assert.equal(summaryDuration, formatDuration);
  assert.equal(formatDuration(14_000), '14.0s');
  assert.equal(formatDuration(7_500_000), '2h05m');
});
