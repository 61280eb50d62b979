/**
 * `crawlite export --format warc` with no --out poured gzip bytes over the terminal (QA). As gzip
 * does ("compressed data not written to a terminal"), binary output meant for stdout is refused
 * when stdout is a terminal; a pipe or a redirect gets it as before, and `--out` writes it anywhere.
 */
import { UsageError } from '../errors.js';

/** Throws CRAWL_USAGE when `format` is binary and goes to a terminal's stdout (`out` absent or '-'). */
export function refuseBinaryToTerminal(format: string, out: string | undefined, stdout: { isTTY?: boolean }): void {
  if (format !== 'warc' || (out !== undefined && out !== '-') || stdout.isTTY !== true) return;
  throw new UsageError('CRAWL_USAGE',
    '--format warc writes gzip-compressed records, not text for a terminal; pass --out crawl.warc.gz or redirect stdout (> crawl.warc.gz)');
}
