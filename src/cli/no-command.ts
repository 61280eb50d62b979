/**
 * An option typed with no command before it. yargs said "name a command" for `crawlite --hepl`
 * and for `crawlite --max-pages 5 https://example.org/` alike, never naming the option the user
 * typed (QA 22): a misspelt --help is named as one, and options before a URL get the crawl
 * command they were meant for.
 */
import { suggestOption } from './suggest-option.js';
import { shellWord } from '../shell-word.js';

/** The line for `argv` (no command recognized in it), or null when its first word is no option. */
export function noCommandMessage(argv: readonly string[], listed: string): string | null {
  const option = argv.find((word) => word !== '--debug');
  if (option === undefined || !option.startsWith('-')) return null;
  const name = option.replace(/^-+/, '').split('=')[0]!;
  const meant = suggestOption(name, ['help', 'version', 'debug']);
  if (meant !== null) return `unknown option ${option}: did you mean --${meant}?`;
  if (argv.some((word) => /^https?:\/\//i.test(word))) {
    return `${option} belongs to a command, which comes first: crawlite crawl ${argv.map(shellWord).join(' ')}`;
  }
  return `${option} belongs to a command, which comes first: crawlite <command> ${shellWord(option)} ... (the commands are ${listed})`;
}

/** `crawlite help crawl` as `crawlite crawl --help`, as git and npm read it; anything else as typed. */
export function helpCommandArgs(argv: readonly string[], names: readonly string[]): readonly string[] {
  return argv[0] === 'help' && argv.length === 2 && names.includes(argv[1]!) ? [argv[1]!, '--help'] : argv;
}
