/**
 * Writes the report file: under a temporary name beside it, renamed into place when complete, so
 * an existing report is never left half-written. `-` writes to stdout.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readReport } from './read-report.js';
import { renderReport } from './render-report.js';
import { StoreError } from '../errors.js';
import { writeWhole } from '../export/stream-backpressure.js';
import { checkOutPath, outTarget } from '../check-out-path.js';

export async function writeReport(dbPath: string, out: string): Promise<{ bytes: number }> {
  checkOutPath(out, dbPath);
  // Refused before the database is read: otherwise only the final rename fails, with EISDIR.
  if (out !== '-' && statSync(out, { throwIfNoEntry: false })?.isDirectory()) {
    throw new StoreError('CRAWL_STORE_WRITE', `cannot write the report to ${out}: it is a directory; pass --out a file path (e.g. ${join(out, 'report.html')})`);
  }
  const html = renderReport(readReport(dbPath));
  if (out === '-') {
    await writeWhole(process.stdout, html); // `report --out - | head` ends quietly
    return { bytes: Buffer.byteLength(html) };
  }
  // Beside the symlink's target when --out is a link: renaming onto the link would replace it.
  const target = outTarget(out);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, html, { flag: 'wx' });
    renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new StoreError('CRAWL_STORE_WRITE', `cannot write the report to ${out}: ${(err as Error).message}; pass --out a writable file path`, { cause: err });
  }
  return { bytes: Buffer.byteLength(html) };
}
