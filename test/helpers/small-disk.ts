/**
 * A tmpfs of a given size, for tests of a full disk: mounted here as root, unmounted and removed
 * after the test. Null, with the test skipped, where mounting is not allowed (not root).
 */
import type { TestContext } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function smallDisk(t: TestContext, size: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'crawlite-small-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status === 0;
  t.after(() => {
    if (mounted) spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  if (!mounted) {
    t.diagnostic('SKIPPED: cannot mount a tmpfs here (needs root)');
    t.skip('cannot mount a tmpfs');
    return null;
  }
  return dir;
}
