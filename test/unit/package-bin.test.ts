import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';

// The README's first command is `npm install && npx crawlite bench`: npx runs the project's own
// bin, which must be executable (scripts/chmod-bin.mjs) and start with a shebang.
test('every bin of package.json is built, executable and starts with a node shebang', { skip: process.platform === 'win32' && 'no executable bit on Windows' }, () => {
  const root = new URL('../../../', import.meta.url);
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { bin: Record<string, string> };
  const bins = Object.entries(pkg.bin);
  assert.ok(bins.length > 0);
  for (const [name, path] of bins) {
    const file = new URL(path, root);
    assert.ok((statSync(file).mode & 0o111) !== 0, `${name}: ${path} is not executable`);
    assert.match(readFileSync(file, 'utf8').split('\n', 1)[0] ?? '', /^#!\/usr\/bin\/env node/, `${name}: no shebang`);
  }
});
