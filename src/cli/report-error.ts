/**
 * One line on stderr for any error, and the exit code that goes with it. The stack is shown only
 * under --debug: a user who mistyped a flag needs the fix, not our internals.
 */
import { isCrawlError } from '../errors.js';

const USAGE_CODES = new Set(['CRAWL_USAGE', 'CRAWL_CONFIG_INVALID', 'CRAWL_SEED_INVALID']);

export function reportError(err: unknown, isDebug: boolean): number {
  const code = isCrawlError(err) ? err.code : (err as { code?: unknown })?.code === 'CRAWL_USAGE' ? 'CRAWL_USAGE' : null;
  const message = err instanceof Error ? err.message : String(err);
  const firstLine = message.split('\n')[0];
  process.stderr.write(`crawlite: ${firstLine}${code ? ` [${code}]` : ''}\n`);
  if (code === 'CRAWL_USAGE' && (err as { isYargs?: boolean }).isYargs) {
    process.stderr.write('crawlite: run crawlite --help (or crawlite <command> --help) for usage\n');
  }
  if (isDebug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return code && USAGE_CODES.has(code) ? 2 : 1;
}
