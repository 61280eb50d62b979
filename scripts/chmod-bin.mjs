#!/usr/bin/env node
// Makes package.json's bin entries executable after tsc writes them (tsc creates files 0644).
// npm sets the bit when it links a dependency's bins, but not for the project's own bin, which
// `npx crawlite` in a fresh clone runs directly: without the bit it fails with "Permission denied".
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
for (const bin of bins) {
  const path = new URL(`../${bin}`, import.meta.url);
  try {
    chmodSync(path, 0o755);
  } catch (err) {
    console.error(`chmod-bin: ${bin}: ${err.message}`);
    process.exit(1);
  }
}
