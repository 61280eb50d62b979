/**
 * `crawlite search -generic` reaches yargs as the short flags -g -e -n -e -r -i -c: strict mode
 * then answers "Unknown arguments: g, e, n, r, i, c", and a word whose letters include h or v
 * (`-html`, `-video`) even prints the help or the version and exits 0. An exclusion typed before
 * `--` is never an option search has, so it is told apart here, from the words as typed, before
 * yargs reads them, and answered with the command line that works.
 */
import { UsageError } from '../errors.js';
import { searchOptions } from './commands/search.js';

// main.ts's global flags; search's string options are the ones whose next word is their value.
const GLOBAL_FLAGS = new Set(['debug', 'help', 'version']);
const SHORT_FLAGS = new Set(['-h', '-v']);
const VALUE_FLAGS = new Set(Object.entries(searchOptions).filter(([, o]) => o.type === 'string').map(([name]) => name));
// Search's one-letter names of string options (-n for --limit), each followed by its value.
const SHORT_VALUE_FLAGS = new Set(Object.values(searchOptions).flatMap((o) => ('alias' in o ? [`-${o.alias}`] : [])));
const BOOLEAN_FLAGS = new Set(Object.entries(searchOptions).filter(([, o]) => o.type === 'boolean').map(([name]) => name));

/**
 * Throws UsageError CRAWL_USAGE when `args` (the command line, without node and the script) run
 * `search` with a word starting with - before `--`. Other commands, and long options search does
 * not know (`--jsn`: a typo, for yargs to name), are left to yargs.
 */
export function refuseDashQuery(args: readonly string[]): void {
  const at = args.findIndex((a) => !a.startsWith('-'));
  if (at === -1 || args[at] !== 'search') return;
  const options: string[] = [];
  const words: string[] = [];
  let hasDashWord = false;
  for (let i = at + 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      words.push(...args.slice(i + 1));
      break;
    }
    const long = /^--([^=]+)(=.*)?$/.exec(arg);
    if (long) {
      const name = long[1]!;
      const isKnown = GLOBAL_FLAGS.has(name) || VALUE_FLAGS.has(name) || BOOLEAN_FLAGS.has(name) || BOOLEAN_FLAGS.has(name.replace(/^no-/, ''));
      if (!isKnown) return;
      options.push(arg);
      if (VALUE_FLAGS.has(name) && long[2] === undefined && i + 1 < args.length) options.push(args[++i]!);
      continue;
    }
    if (SHORT_VALUE_FLAGS.has(arg)) {
      options.push(arg);
      if (i + 1 < args.length) options.push(args[++i]!);
      continue;
    }
    // Its value attached, as yargs reads it and as head takes -n5: `-n5`, `-n=5`.
    if (SHORT_VALUE_FLAGS.has(arg.slice(0, 2)) && /^(?:\d+|=.*)$/.test(arg.slice(2))) {
      options.push(arg);
      continue;
    }
    if (SHORT_FLAGS.has(arg)) {
      options.push(arg);
      continue;
    }
    // A negative number (`-5`) and a lone `-` are positionals to yargs already.
    if (/^-[^-\d]/.test(arg)) hasDashWord = true;
    words.push(arg);
  }
  if (!hasDashWord) return;
  const what = words[0]!.startsWith('-') ? 'a query starting with -' : 'a query with a -word';
  const fixed = ['crawlite search', ...options.map((o) => quoteForShell(o)), '--', quoteForShell(words.join(' '), true)].join(' ');
  throw new UsageError('CRAWL_USAGE', `${what} goes after --: ${fixed}`);
}

/** `text` as a POSIX shell reads it back: double quotes where they suffice, else single quotes. */
function quoteForShell(text: string, isAlwaysQuoted = false): string {
  if (!isAlwaysQuoted && /^[\w./:=@%+,-]+$/.test(text)) return text;
  if (!/["$`\\!]/.test(text)) return `"${text}"`;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
