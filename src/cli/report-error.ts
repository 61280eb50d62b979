/**
 * One line on stderr for any error, and the exit code that goes with it. The stack is shown only
 * under --debug: a user who mistyped a flag needs the fix, not our internals.
 */
import { escapeControls, isCrawlError, StoreError } from '../errors.js';
import { STORE_FULL_MESSAGE, isStoreFull } from '../store/store-full.js';
import { asStoreCorrupt } from '../store/store-corrupt.js';
import { suggestOption } from './suggest-option.js';
import { otherToolOption } from './other-tool-options.js';
import { shellWord } from '../shell-word.js';
import { statSync } from 'node:fs';

const USAGE_CODES = new Set(['CRAWL_USAGE', 'CRAWL_CONFIG_INVALID', 'CRAWL_SEED_INVALID']);

export function reportError(err: unknown, isDebug: boolean): number {
  // A disk that fills outside a batch commit reaches here as SQLite's own error.
  if (isStoreFull(err)) err = new StoreError('CRAWL_STORE_WRITE', STORE_FULL_MESSAGE, { cause: err });
  // Corruption met where no caller knew the database's path.
  err = asStoreCorrupt(err, null);
  const code = isCrawlError(err) ? err.code : (err as { code?: unknown })?.code === 'CRAWL_USAGE' ? 'CRAWL_USAGE' : null;
  const message = err instanceof Error ? err.message : String(err);
  // yargs spreads some messages over lines ("Invalid values:\n  Argument: ..."): join those. Our
  // own messages are written as one line, so a newline in one came with what it quotes (a path
  // typed as `--db $'a\nb.db'`, a file name in a wrapped ENOENT): escaped, or the line was cut
  // there. Anything else's second line is detail for --debug.
  const isYargs = (err as { isYargs?: boolean })?.isYargs === true;
  const firstLine = isYargs ? tidyYargsMessage(message) : code !== null ? escapeControls(message) : message.split('\n')[0]!;
  process.stderr.write(`crawlite: ${firstLine}${code ? ` [${code}]` : ''}\n`);
  if (code === 'CRAWL_USAGE' && isYargs) {
    // The suggestion goes on the hint line: the error line stays what scripts and tests match.
    const known = (err as { knownOptions?: string[] }).knownOptions ?? [];
    const hint = suggestFor(message, firstLine, known, (err as { words?: string[] }).words ?? []);
    // Another crawler's option (--depth, wget's --wait, Scrapy's -o): its crawlite name, or what to do instead.
    const meant = hint?.startsWith('--') ? hint : null;
    const said = hint !== null && meant === null ? hint : null;
    const command = (err as { command?: string }).command;
    const help = command === undefined ? 'crawlite --help (or crawlite <command> --help)' : `crawlite ${command} --help`;
    process.stderr.write(`crawlite: ${meant ? `did you mean ${meant}? ` : ''}${said ? `${said}; ` : ''}run ${help} for usage\n`);
  }
  if (isDebug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  if (code === 'CRAWL_INTERRUPTED') return 130; // as an interrupted crawl
  return code && USAGE_CODES.has(code) ? 2 : 1;
}

/**
 * For "Unknown argument: max-pagse" (the first, when several), the option it most likely meant
 * (`--max-pages`); for a value that is not one of an option's choices, the choice it most likely
 * meant, in any letter case (`--format CSV`: `--format csv`).
 */
function suggestFor(message: string, line: string, known: string[], words: readonly string[]): string | null {
  const choice = readInvalidChoice(message);
  if (choice !== null) {
    const meant = choice.choices.find((c) => c.toLowerCase() === choice.given.toLowerCase()) ?? suggestOption(choice.given, choice.choices);
    return meant === null ? null : `--${choice.option} ${meant}`;
  }
  const typed = /^Unknown arguments?: ([^,]+)/.exec(line)?.[1];
  if (typed === undefined) return null;
  // `crawlite stats data/x.db`: the database typed as an argument, as sqlite3 takes it.
  if (words.includes(typed) && known.includes('db') && isDbLike(typed)) return `--db ${shellWord(typed)}`;
  // `crawlite export pages.jsonl`: the file to write typed as an argument, as `> pages.jsonl` names it.
  if (words.includes(typed) && known.includes('out') && /\.(?:jsonl|ndjson|json|csv|warc|html?)(?:\.gz)?$/i.test(typed)) return `--out ${shellWord(typed)}`;
  // Another tool's option first: `-D` (wget's --domains) is no typo of --db, `--max-size` none of --max-time.
  const other = otherToolOption(typed, known);
  if (other !== null) return other;
  const option = suggestOption(typed, known);
  return option === null ? null : `--${option}`;
}

/** A word typed alone that names a database: a file that exists, or a name ending .db or .sqlite. */
function isDbLike(word: string): boolean {
  if (/\.(?:db|sqlite3?)$/i.test(word)) return true;
  try {
    return statSync(word).isFile();
  } catch {
    // Not there (or not reachable): no file to suggest.
    return false;
  }
}

interface InvalidChoice {
  option: string;
  given: string;
  choices: string[];
}

/**
 * yargs' "Invalid values:\n  Argument: format, Given: "CSV", Choices: "jsonl", "csv"" (the first
 * argument, when several are wrong), read back into its parts; null for any other message.
 */
function readInvalidChoice(message: string): InvalidChoice | null {
  const m = /^Invalid values?:\s*Argument: ([\w-]+), Given: (.*), Choices: (.*)$/m.exec(message);
  if (m === null) return null;
  const quoted = (text: string): string[] => [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((q) => JSON.parse(`"${q[1]}"`) as string);
  const given = quoted(m[2]!)[0] ?? m[2]!;
  return { option: m[1]!, given, choices: quoted(m[3]!) };
}

/**
 * yargs' messages, made one line: an invalid choice is said as crawlite says a bad value, others
 * spread over lines are joined, and "Unknown
 * arguments: max-pagse, maxPagse" loses the camelCase twin that yargs adds for every --kebab-flag.
 */
function tidyYargsMessage(message: string): string {
  // In the words of crawlite's own value checks ("invalid --max-pages 'abc': expected ..."); it
  // was yargs' "Invalid values: Argument: format, Given: "CSV", Choices: "jsonl", "csv", ..." (QA).
  const choice = readInvalidChoice(message);
  if (choice !== null) return `invalid --${choice.option} '${escapeControls(choice.given)}': expected one of ${choice.choices.join(', ')}`;
  const line = message.replace(/:?\s*\n\s*/g, ': ');
  const unknown = /^Unknown arguments?: (.*)$/.exec(line);
  if (!unknown) return line;
  const names = unknown[1]!.split(', ');
  const kebab = new Set(names.filter((n) => n.includes('-')).map((n) => n.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())));
  const kept = names.filter((n) => !kebab.has(n));
  return `Unknown argument${kept.length === 1 ? '' : 's'}: ${kept.join(', ')}`;
}
