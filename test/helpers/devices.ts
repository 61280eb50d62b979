/**
 * A device node made in a test's own folder, as root only: writes to it reach the kernel's
 * device as they would /dev/null or /dev/full, and the test never points at those themselves.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** Minor numbers of the memory devices (major 1), as /dev/null, /dev/zero, /dev/full, /dev/urandom. */
const MINOR = { null: '3', zero: '5', full: '7', urandom: '9' } as const;

export function makeDevice(path: string, kind: keyof typeof MINOR): string {
  assert.equal(spawnSync('mknod', [path, 'c', '1', MINOR[kind]]).status, 0, 'mknod');
  return path;
}
