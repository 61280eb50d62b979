import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { docFiles, REPO_ROOT } from '../helpers/docs.js';

/**
 * Every relative link in README.md and docs/*.md resolves (round 20 split the README into docs/):
 * a file link names a file of the repository, and a #anchor names a heading of its target, as
 * GitHub makes the anchors.
 */

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a markdown file's headings (outside code fences), a repeated one numbered -1, -2. */
export function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    const m = fence ? null : /^#{1,6} (.+)$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n === 0 ? base : `${base}-${n}`);
  }
  return found;
}

/** The targets of a markdown file's inline links and images, outside code fences and code spans. */
export function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      fence = !fence;
      continue;
    }
    if (fence) continue;
    const prose = line.replace(/`[^`]*`/g, '``');
    for (const m of prose.matchAll(/\]\(([^()\s]+)\)/g)) targets.push(m[1]!);
  }
  return targets;
}

test('slug makes the anchors GitHub makes', () => {
  assert.equal(slug('Scope, and seeds that redirect'), 'scope-and-seeds-that-redirect');
  assert.equal(slug('`crawlite crawl [url..] [--config <job file>]`'), 'crawlite-crawl-url---config-job-file');
  assert.equal(slug('robots.txt (RFC 9309)'), 'robotstxt-rfc-9309');
  assert.equal(slug("A page's links"), 'a-pages-links');
  assert.equal(slug('The read side at 1,000,000 pages'), 'the-read-side-at-1000000-pages');
  assert.deepEqual([...anchors('# A\n\n```sh\n# not a heading\n```\n\n## A\n')], ['a', 'a-1']);
  assert.deepEqual(linkTargets('[a](b.md#c) `[x](not-a-link)` ![i](i.png)\n```\n[y](no)\n```\n'), ['b.md#c', 'i.png']);
});

test('every relative link and #anchor in README.md and docs/*.md resolves', () => {
  const files = docFiles();
  assert.ok(files.some((f) => f.path === 'docs/crawl.md'), 'the reference is in docs/');
  const problems: string[] = [];
  let checked = 0;
  for (const { path, text } of files) {
    for (const target of linkTargets(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:: not ours to check
      checked++;
      const [file, anchor] = target.split('#', 2) as [string, string | undefined];
      const url = file === '' ? new URL(path, REPO_ROOT) : new URL(file, new URL(path, REPO_ROOT));
      if (!existsSync(url)) {
        problems.push(`${path}: ${target}: no such file`);
        continue;
      }
      if (anchor === undefined) continue;
      if (statSync(url).isDirectory() || !url.pathname.endsWith('.md')) {
        problems.push(`${path}: ${target}: an anchor into a file that is not markdown`);
        continue;
      }
      if (!anchors(readFileSync(url, 'utf8')).has(anchor)) problems.push(`${path}: ${target}: no heading has the anchor #${anchor}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked >= 30, `links checked: ${checked}`);
});
