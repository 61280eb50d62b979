/**
 * What a crawl shows on stderr while it runs (stdout stays free for data):
 *   tty    a status block redrawn in place (log-update), erased when the crawl ends or is killed
 *   plain  one line every few seconds: stderr is not a terminal (a pipe, a log file), or --no-progress
 *   json   one JSON event per page and per failed URL, then a summary event (--log-format json);
 *          with --quiet only the failed URLs' events, as a log of errors
 *   quiet  nothing but warnings and errors (--quiet, text)
 * Every mode but quiet ends with the summary; --quiet drops it in both formats.
 */
import type { createLogUpdate } from 'log-update';
import type { CrawlEvent, CrawlOptions, CrawlProgress, CrawlSummary } from '../crawl.js';
import { createRateMeter, formatStatusBlock, formatStatusLine, rowsOnScreen } from './status-lines.js';
import { formatJsonEvent, formatJsonSummary } from './log-json.js';
import { continueCommand, formatSummary } from './summary.js';
import { secondsFlag } from '../config/numeric-flag.js';
import { shouldColor } from './should-color.js';
import type { ContinueHint } from '../config/continue-hint.js';

export type ViewMode = 'tty' | 'plain' | 'json' | 'quiet';

export interface ViewFlags {
  progress?: boolean;
  quiet?: boolean;
  logFormat?: string;
  /** Seconds between plain progress lines. */
  progressInterval?: unknown;
}

/** A terminal gets the live block; a pipe, a file or TERM=dumb gets lines. */
export function chooseViewMode(flags: ViewFlags, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): ViewMode {
  // JSON first: -q --log-format json keeps JSON, minus what -q drops (createProgressView).
  if (flags.logFormat === 'json') return 'json';
  if (flags.quiet) return 'quiet';
  return flags.progress !== false && stream.isTTY && env.TERM !== 'dumb' ? 'tty' : 'plain';
}

export interface ProgressView {
  /** Hooks for runCrawl. */
  crawlOptions: Pick<CrawlOptions, 'onProgress' | 'onEvent' | 'progressIntervalMs'>;
  /** A line that must not be drawn over by the status block (e.g. "SIGINT received"). */
  say(line: string): void;
  /** Erases the status block and prints the summary for this mode. */
  finish(summary: CrawlSummary | null): void;
}

interface ViewOptions {
  mode: ViewMode;
  stream: NodeJS.WriteStream;
  maxPages: number | null;
  isColor: boolean;
  plainIntervalMs: number;
  /** --quiet: in json mode, no `page` events and no summary; warnings and errors stay. */
  isQuiet?: boolean;
  /** What the summary's continuing command must be given again, and whether it is the job again (config/continue-hint.ts). */
  continueHint?: ContinueHint;
  /** log-update's factory, for the tty mode (which needs it): imported only then, see createViewFromFlags. */
  createLogUpdate?: typeof createLogUpdate;
}

const TTY_REFRESH_MS = 250;

export function createProgressView(o: ViewOptions): ProgressView {
  const rate = createRateMeter();
  const write = (text: string) => o.stream.write(text);
  if (o.mode === 'tty') return createTtyView(o, rate);
  const crawlOptions: ProgressView['crawlOptions'] = {};
  if (o.mode === 'plain') {
    crawlOptions.progressIntervalMs = o.plainIntervalMs;
    crawlOptions.onProgress = (p) => write(`${formatStatusLine(p, { maxPages: o.maxPages, recentRate: rate(p) })}\n`);
  }
  if (o.mode === 'json') {
    crawlOptions.onEvent = (e: CrawlEvent) => {
      if (!o.isQuiet || e.type !== 'page') write(formatJsonEvent(e));
    };
  }
  return {
    crawlOptions,
    say: (line) => {
      if (o.mode !== 'json' && o.mode !== 'quiet') write(`${line}\n`);
    },
    finish: (summary) => {
      if (!summary || o.mode === 'quiet' || o.isQuiet) return;
      const hint = o.continueHint;
      write(o.mode === 'json'
        ? formatJsonSummary(summary, new Date(), continueCommand(summary, hint?.args, hint?.rerunJob, hint?.limits))
        : formatSummary(summary, hint?.args, hint?.rerunJob, hint?.limits));
    },
  };
}

function createTtyView(o: ViewOptions, rate: (p: CrawlProgress) => number | null): ProgressView {
  if (!o.createLogUpdate) throw new TypeError('the tty view needs createLogUpdate');
  const render = o.createLogUpdate(o.stream);
  const columns = () => o.stream.columns || 80;
  let last: CrawlProgress | null = null;
  let isDone = false;
  let lastRate: number | null = null;
  /** The block on screen, as drawn ('' when none is): what a narrower terminal may have reflowed. */
  let drawn = '';
  // log-update erases as many rows as it drew lines; after the terminal narrowed, the block's lines
  // may take more rows (rowsOnScreen), which are erased here and log-update told to forget its own.
  const clear = () => {
    const rows = rowsOnScreen(drawn, columns());
    if (rows > drawn.split('\n').length) {
      o.stream.write(`${'\u001B[2K\u001B[1A'.repeat(rows)}\u001B[2K\u001B[G`);
      render.done();
    } else {
      render.clear();
    }
    drawn = '';
  };
  const draw = () => {
    if (!last || isDone) return;
    const block = formatStatusBlock(last, { maxPages: o.maxPages, recentRate: lastRate, isColor: o.isColor, columns: columns() });
    if (rowsOnScreen(drawn, columns()) > drawn.split('\n').length) clear();
    render(block);
    drawn = block;
  };
  // Redrawn as soon as the terminal changes size, not at the next progress tick.
  o.stream.on('resize', draw);
  // A second Ctrl+C calls process.exit(): erase the block on the way out so the shell prompt
  // does not land in the middle of it (log-update itself restores the cursor).
  const erase = () => {
    if (isDone) return;
    isDone = true;
    stopHandlingSuspend();
    o.stream.off('resize', draw);
    clear();
    render.done();
  };
  process.once('exit', erase);
  // Ctrl+Z hands the terminal to the shell while the crawl is stopped: it gets its cursor back
  // (log-update hides it; the prompt was blind until fg), and the block is left as a record, no
  // longer redrawn. After fg the block starts afresh under what the shell printed: redrawn in
  // place, it was erased by counting lines up from the new cursor, which took the shell's
  // `fg` lines instead (QA). Only here: with no terminal view, Ctrl+Z stops the process as usual.
  const suspend = () => {
    render.done();
    drawn = '';
    process.kill(process.pid, 'SIGSTOP');
  };
  const resume = () => draw();
  const stopHandlingSuspend = () => {
    process.off('SIGTSTP', suspend);
    process.off('SIGCONT', resume);
  };
  process.on('SIGTSTP', suspend);
  process.on('SIGCONT', resume);
  return {
    crawlOptions: {
      progressIntervalMs: TTY_REFRESH_MS,
      onProgress: (p) => {
        last = p;
        lastRate = rate(p);
        draw();
      },
    },
    say: (line) => {
      clear();
      o.stream.write(`${line}\n`);
      draw();
    },
    finish: (summary) => {
      erase();
      process.off('exit', erase);
      if (summary) o.stream.write(formatSummary(summary, o.continueHint?.args, o.continueHint?.rerunJob, o.continueHint?.limits));
    },
  };
}

/**
 * The view the crawl command's flags ask for, on stderr. log-update and the ANSI modules it
 * brings (40-100 ms of a crawl's start) are imported for a terminal's live block only: a crawl
 * with --quiet, JSON logs or its stderr in a file or a pipe draws none.
 */
export async function createViewFromFlags(flags: ViewFlags, maxPages: number | null, continueHint?: ContinueHint): Promise<ProgressView> {
  const stream = process.stderr;
  const mode = chooseViewMode(flags, stream, process.env);
  return createProgressView({
    mode,
    ...(mode === 'tty' ? { createLogUpdate: (await import('log-update')).createLogUpdate } : {}),
    stream,
    maxPages,
    isColor: shouldColor(stream, process.env),
    plainIntervalMs: intervalMs(flags.progressInterval),
    isQuiet: flags.quiet === true,
    continueHint,
  });
}

function intervalMs(value: unknown): number {
  const n = secondsFlag('--progress-interval', value, (s) => s >= 0.1 && s <= 3600, 'from 0.1 to 3600 seconds');
  return n === null ? 5_000 : Math.round(n * 1000);
}
