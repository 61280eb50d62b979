/**
 * The crawl's notices, split by what --quiet keeps. `warn` is something the user must know to
 * trust the result (robots.txt not obeyed, TLS not verified, credentials removed from a seed, a
 * job's db resolved elsewhere than they may think): printed in every mode, --quiet too. `info` says
 * what the crawl is doing (the proxy used, the run continued, a seed's redirect widening the scope,
 * a Crawl-delay pacing an origin, URLs requeued): dropped by --quiet. The same rule in both log
 * formats: with --log-format json each is a `notice` event, so -q with json logs was silent of its
 * notices in text but not in JSON, or the other way round (QA 13).
 */
import { escapeControls } from '../errors.js';
import { formatJsonNotice } from './log-json.js';
import type { ViewFlags } from './progress-view.js';

export interface CrawlNotices {
  warn(line: string): void;
  info(line: string): void;
}

/**
 * `say` is the view's, so a live status block is not drawn over; it prints nothing under --quiet.
 * A text notice is one line, as an error is (report-error.ts): a path it names (a job file's db
 * written "a\nb.db") has its control characters escaped. JSON escapes them itself.
 */
export function createCrawlNotices(flags: ViewFlags, say: (line: string) => void, stream: NodeJS.WritableStream = process.stderr): CrawlNotices {
  const isJson = flags.logFormat === 'json';
  return {
    warn: (line) => {
      if (isJson) stream.write(formatJsonNotice(line));
      else if (flags.quiet) stream.write(`${escapeControls(line)}\n`);
      else say(escapeControls(line));
    },
    info: (line) => {
      if (flags.quiet) return;
      if (isJson) stream.write(formatJsonNotice(line));
      else say(escapeControls(line));
    },
  };
}
