import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { limitHeapGrowth } from '../../src/heap-growth.js';

test('the heap growth limit is set when the user has not chosen one', () => {
  const set: string[] = [];
  assert.equal(limitHeapGrowth([], (flag) => set.push(flag)), '--heap-growing-percent=50');
  assert.deepEqual(set, ['--heap-growing-percent=50']);
});

test("the user's own heap growth setting on node's command line wins, in either spelling", () => {
  const set: string[] = [];
  const record = (flag: string): void => void set.push(flag);
  assert.equal(limitHeapGrowth(['--heap-growing-percent=0'], record), null);
  assert.equal(limitHeapGrowth(['--max-old-space-size=512', '--heap_growing_percent=20'], record), null);
  assert.deepEqual(set, []);
  // Other heap flags are not the user's choice of growth factor.
  assert.equal(limitHeapGrowth(['--max-old-space-size=512', '--heap-growing-percentage-x'], record), '--heap-growing-percent=50');
  assert.deepEqual(set, ['--heap-growing-percent=50']);
});

test("this Node's V8 knows the flag (an unknown one is ignored with only a printed error)", () => {
  const module = fileURLToPath(new URL('../../src/heap-growth.js', import.meta.url));
  const script = `import(${JSON.stringify(module)}).then((m) => console.log('set ' + m.limitHeapGrowth([])))`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const output = child.stdout + child.stderr;
  assert.match(output, /set --heap-growing-percent=50/);
  assert.doesNotMatch(output, /unrecognized flag/i);
});
