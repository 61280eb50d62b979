/**
 * yargs says "Did you mean stats?" for `crawlite stat` and "Unknown argument: frobnicate" for a
 * command it cannot match, neither naming what was wrong: a user who mistyped the command reads
 * that their input had a stray argument. Both become one line naming the command typed.
 */

/** The line for a mistyped command, or null when yargs' message is about something else. */
export function unknownCommandMessage(message: string, argv: readonly string[], names: readonly string[], listed: string): string | null {
  // --debug is the only option before a command, and it takes no value.
  const typed = argv.find((a) => !a.startsWith('-'));
  if (typed === undefined || names.includes(typed)) return null;
  const meant = /^Did you mean (\S+)\?$/.exec(message);
  if (meant) return `unknown command "${typed}": did you mean ${meant[1]}?`;
  if (message === `Unknown argument: ${typed}`) return `unknown command "${typed}": the commands are ${listed}`;
  return null;
}
