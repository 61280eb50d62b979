/**
 * The type column of --help for options that take a number. They are declared as strings so that
 * their own parsers see what was typed (10MB, 1h30m, and 010 or 1e3 refused rather than read by
 * yargs as 10 and 1000), which made --help call them `[string]` (QA 21). yargs has no per-option
 * label, so its laid-out text is relabelled here: `[number]`, or the unit the value is in.
 */
export const OPTION_UNITS: Readonly<Record<string, 'number' | 'bytes' | 'duration'>> = {
  // crawl
  'max-pages': 'number',
  'max-depth': 'number',
  'max-time': 'duration',
  'max-db-size': 'bytes',
  'max-query-variants': 'number',
  'max-repeat-run': 'number',
  concurrency: 'number',
  'per-host': 'number',
  delay: 'duration',
  timeout: 'duration',
  retries: 'number',
  'max-redirects': 'number',
  'max-bytes': 'bytes',
  workers: 'number',
  'progress-interval': 'duration',
  // bench
  pages: 'number',
  'page-bytes': 'bytes',
  frontier: 'number',
  // export, search
  run: 'number',
  limit: 'number',
};

const STRING = '[string]';

/**
 * An option's line as yargs lays it out: its switch at the left margin (`  -i, --seeds-file`,
 * `      --db`). A wrapped description line is indented to the description column, further in,
 * so a description starting a line with `--no-delay` is not taken for an option.
 */
const OPTION_LINE = /^(?: {2}-\w, | {6}| {2})--([a-z][a-z0-9-]*)(?=\s|$)/;

/** `help` (yargs' --help text) with the `[string]` of each option in OPTION_UNITS replaced by its unit. */
export function labelOptionUnits(help: string): string {
  const out: string[] = [];
  let unit: string | undefined;
  for (const line of help.split('\n')) {
    const option = OPTION_LINE.exec(line);
    if (option) unit = OPTION_UNITS[option[1]!];
    const at = unit === undefined ? -1 : line.indexOf(STRING);
    if (at < 0) {
      out.push(line);
      continue;
    }
    out.push(...relabel(line, at, `[${unit}]`));
    unit = undefined;
  }
  return out.join('\n');
}

/**
 * The type and default column is aligned right, so the line keeps its end: a longer label takes
 * the spaces before it, and where there are too few (a description that filled its column), the
 * column moves to a line of its own, as yargs puts it when it does not fit.
 */
function relabel(line: string, at: number, label: string): string[] {
  const head = line.slice(0, at).trimEnd();
  const tail = label + line.slice(at + STRING.length);
  const width = line.length;
  if (head.trim() === '') return [tail.padStart(Math.max(width, tail.length + 2))];
  if (head.length + 1 + tail.length <= width) return [head + ' '.repeat(width - head.length - tail.length) + tail];
  return [head, tail.padStart(Math.max(width, tail.length + 2))];
}
