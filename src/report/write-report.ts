/**
 * Writes the report file through out-file.ts: a regular file under a temporary name beside it,
 * renamed into place when complete, so an existing report is never left half-written; a FIFO or
 * device in place. `-` writes to stdout.
 */
import { readReport } from './read-report.js';
import { renderReport } from './render-report.js';
import { writeStdout, writeWhole } from '../export/stream-backpressure.js';
import { checkOutPath } from '../check-out-path.js';
import { planOut, writeOut } from '../out-file.js';
import { UsageError } from '../errors.js';

/** `isFile`: written to a regular file, one to open in a browser (not stdout, a device or a FIFO). */
export async function writeReport(dbPath: string, out: string): Promise<{ bytes: number; isFile: boolean }> {
  // As export refuses `--out pages.csv.gz`: `--out report.html.gz` got plain HTML under a name that
  // zcat and a browser's gzip handling then refused (QA).
  if (/\.gz$/i.test(out)) {
    throw new UsageError('CRAWL_USAGE', `--out ${out}: the report is not compressed; pipe it through gzip instead: crawlite report --out - | gzip > ${out} (or --out ${out.replace(/\.gz$/i, '')})`);
  }
  checkOutPath(out, dbPath);
  // Before the database is read: a directory or a missing folder is refused at once.
  const plan = out === '-' ? null : planOut(out, 'report.html');
  const html = renderReport(readReport(dbPath));
  if (plan === null) await writeStdout(html); // `report --out - | head` ends quietly
  else await writeOut(plan, (stream) => writeWhole(stream, html));
  return { bytes: Buffer.byteLength(html), isFile: plan?.kind === 'replace' };
}
