#!/usr/bin/env node
// node --test on Node 20 expands no globs and skips .ts files, so the tests are compiled by tsc
// (npm test builds first) and the compiled files are listed here explicitly.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.length > 2 ? process.argv.slice(2) : ['dist/test/unit', 'dist/test/integration'];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.js')) files.push(path);
  }
};
for (const root of roots) {
  if (statSync(root, { throwIfNoEntry: false })?.isDirectory()) walk(root);
  else if (root.endsWith('.js')) files.push(root);
}
if (files.length === 0) {
  console.error('run-tests: no compiled test files found; run npm run build first');
  process.exit(1);
}
// Say what is about to happen: node --test prints nothing until its first file ends, then only
// "TAP version 13" and test names, so a first run looked stalled and gave no idea of its length (QA 22).
const isWholeSuite = process.argv.length <= 2;
const count = (part) => files.filter((f) => f.includes(`${part}/`)).length;
console.log(
  `run-tests: ${files.length} test file${files.length === 1 ? '' : 's'} (${count('unit')} unit, ${count('integration')} integration) under node --test;`
    + (isWholeSuite ? ' the whole suite takes about 25 min on 2 cores;' : '')
    + " each file's results print once it ends, and the last lines count the passes and failures",
);
const result = spawnSync(process.execPath, ['--test', '--test-timeout=180000', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
