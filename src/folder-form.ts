/**
 * A path typed as a folder: `out/`, `out/.`, `..`. Node's path.resolve drops the trailing slash
 * and dots, so `--out notes.txt/` replaced notes.txt with the export and `--db runs/` created a
 * database file named runs, where the shell's `> notes.txt/` fails (ENOTDIR) and `> runs/` too
 * (EISDIR). Such a path that is no folder is refused, naming what is there.
 */
import { statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './errors.js';

export function endsAsFolder(path: string): boolean {
  return /(?:^|\/)\.{0,2}$/.test(path);
}

function statOrNone(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined; // missing, or under a file (ENOTDIR): no folder either way
  }
}

/**
 * Throws UsageError CRAWL_USAGE when `path`, the value of `option`, ends as a folder but is none.
 * An existing folder is left to the caller, whose message for it suggests a file in it. `file`
 * is the name suggested inside a missing folder; `isFolderMade`: the command creates it (crawl's --db).
 */
export function refuseFolderForm(option: string, path: string, file: string, isFolderMade: boolean): void {
  if (!endsAsFolder(path) || statOrNone(path)?.isDirectory()) return;
  const name = path.replace(/\/+\.{0,2}$/, '') || path;
  const start = `${option} ${path} ends in ${path.slice(name.length) || path}, so it names a folder`;
  if (statOrNone(name) !== undefined) {
    throw new UsageError('CRAWL_USAGE', `${start}, but ${name} is a file; pass ${option} ${name} for that file, or another file path`);
  }
  const fix = isFolderMade ? `pass ${option} a file path, e.g. ${join(name, file)}` : `create it and pass ${option} a file in it, e.g. ${join(name, file)}`;
  throw new UsageError('CRAWL_USAGE', `${start}, and there is no folder ${name}; ${fix}`);
}
