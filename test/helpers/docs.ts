import { readdirSync, readFileSync } from 'node:fs';

/** The repository root, from dist/test/helpers/ where this file runs. */
export const REPO_ROOT = new URL('../../../', import.meta.url);

/**
 * The documentation, README.md first, then docs/*.md in name order: the README is the front door
 * and the long reference lives in docs/ (round 20). Tests that check what the docs say read them
 * all, so a section can move between files without the test losing sight of it.
 */
export function docFiles(): Array<{ path: string; text: string }> {
  const docs = readdirSync(new URL('docs/', REPO_ROOT))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs].map((path) => ({ path, text: readFileSync(new URL(path, REPO_ROOT), 'utf8') }));
}

/** Every documentation file's text, joined in the order of docFiles(). */
export function docsText(): string {
  return docFiles()
    .map((file) => file.text)
    .join('\n\n');
}
