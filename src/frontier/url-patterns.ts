/**
 * The user's --include/--exclude regular expressions, made safe to run on every URL of a crawl.
 *
 * V8's regular expressions backtrack: a pattern with a repeated group that itself repeats,
 * `(a+)+b` or `(\w+\/?)+\.php$`, takes time exponential in the URL's length, and it runs on the
 * main thread, so one URL froze the crawl for hours and Ctrl+C with it (signals are handled on
 * the event loop the match holds; QA). V8 has a linear-time engine for the patterns it can
 * express (no back-references, no lookarounds), and a flag that switches a match to it after a
 * bounded amount of backtracking: set here, before any pattern is compiled, so those patterns
 * cost linear time whatever the URL. A pattern the linear engine cannot express and that repeats
 * a repeating group is refused up front: nothing could bound it.
 */
import v8 from 'node:v8';

let isFallbackOn = false;

/** Switches V8's regular expressions to the linear engine once they backtrack too much. */
export function enableLinearFallback(): void {
  if (isFallbackOn) return;
  isFallbackOn = true;
  // The second flag makes the `l` flag (always linear) available, used below to ask whether the
  // linear engine can run a pattern at all.
  v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  v8.setFlagsFromString('--enable-experimental-regexp-engine');
}

/**
 * A quantifier (`+`, `*`, `{n,}`, `{n,m}`) right after a group that holds one: the shape whose
 * backtracking grows exponentially. Crude by design: it errs toward "nested" (it reads through
 * character classes and escapes), which only matters for patterns the linear engine cannot run.
 */
const NESTED_QUANTIFIER = /\((?:[^()]|\\[()])*(?:[+*]|\{\d+,\d*\})(?:[^()]|\\[()])*\)(?:[+*]|\{\d+,\d*\})/;

export interface PatternProblem {
  /** `syntax`: not a regular expression at all; `exponential`: refused for its cost. */
  kind: 'syntax' | 'exponential';
  message: string;
  cause?: unknown;
}

/** Why `source` cannot be used as a URL pattern; null when it can. */
export function patternProblem(source: string): PatternProblem | null {
  enableLinearFallback();
  try {
    new RegExp(source);
  } catch (err) {
    return { kind: 'syntax', message: err instanceof Error ? err.message : String(err), cause: err };
  }
  if (isLinear(source) || !NESTED_QUANTIFIER.test(source)) return null;
  return {
    kind: 'exponential',
    message: 'a repeated group that itself repeats, with a back-reference or lookaround, can take exponential time on a long URL; rewrite it without one of the two',
  };
}

function isLinear(source: string): boolean {
  try {
    new RegExp(source, 'l');
    return true;
  } catch {
    return false; // a back-reference or lookaround: only the backtracking engine runs it
  }
}
