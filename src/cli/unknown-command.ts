/**
 * yargs says "Did you mean stats?" for `crawlite stat` and "Unknown argument: frobnicate" for a
 * command it cannot match, neither naming what was wrong: a user who mistyped the command reads
 * that their input had a stray argument. Both become one line naming the command typed.
 */

import { suggestOption } from './suggest-option.js';

/** The line for a mistyped command, or null when yargs' message is about something else. */
export function unknownCommandMessage(message: string, argv: readonly string[], names: readonly string[], listed: string): string | null {
  // --debug is the only option before a command, and it takes no value.
  const first = argv.find((a) => !a.startsWith('-'));
  // `crawlite help nope`: the word after help is the command asked about (no-command.ts).
  const typed = first === 'help' && argv.length === 2 ? argv[1] : first;
  if (typed === undefined || names.includes(typed)) return null;
  // yargs suggests only for a command typed first; `crawlite help stat` gets the same suggestion.
  const meant = /^Did you mean (\S+)\?$/.exec(message)?.[1] ?? suggestOption(typed, names);
  if (meant) return `unknown command "${typed}": did you mean ${meant}?`;
  // `crawlite frobnicate --x`: yargs lists the word among the unknown options ("x, frobnicate").
  const unknown = /^Unknown arguments?: (.*)$/.exec(message)?.[1]?.split(', ') ?? [];
  if (unknown.includes(typed)) return `unknown command "${typed}": the commands are ${listed}`;
  return null;
}
