/**
 * `crawlite export --out -x.csv` got yargs' "Not enough arguments following: out" while
 * `--out=-x.csv` worked: yargs' parser never takes a word starting with - as an option's value, and
 * cannot be told to. So before yargs reads the command line, an option that takes a value and is
 * followed by a -word is joined with it (`--out=-x.csv`), for every command and each of its value
 * options (--db, --out, --config, --seeds-file, patterns...). A word that is one of the command's
 * own short switches (-q, -k, -h, or a group of them, -qk) is left alone: `--db -q` is far more
 * likely a forgotten value than a file named -q, and yargs' error stays, with a hint saying how to
 * give such a value.
 */
import yargs from 'yargs';
import type { CommandModule } from 'yargs';

interface CommandOptions {
  /** Long names and one-letter aliases of the options that take a value, each to its long name. */
  valued: Map<string, string>;
  /** One-letter switches (-q, -h, -v), which a -word made only of them is read as. */
  shortSwitches: Set<string>;
}

/** The command's declared options, read from its builder run on a yargs of its own. */
function optionsOf(command: CommandModule): CommandOptions {
  const y = yargs([]);
  if (typeof command.builder === 'function') command.builder(y as never);
  // getOptions() is public in yargs but missing from @types/yargs. `narg` holds every option
  // declared with requiresArg, which is each option here that takes a value.
  const o = (y as unknown as { getOptions(): { narg: Record<string, number>; boolean: string[]; alias: Record<string, string[]> } }).getOptions();
  const valued = new Map<string, string>();
  for (const name of Object.keys(o.narg)) {
    valued.set(name, name);
    for (const alias of o.alias[name] ?? []) valued.set(alias, name);
  }
  const shortSwitches = new Set(['h', 'v', ...o.boolean.filter((name) => name.length === 1)]);
  return { valued, shortSwitches };
}

/** The words that start the command (`export`), where the options after them belong to it. */
function commandAt(args: readonly string[], commands: readonly CommandModule[]): { at: number; command: CommandModule } | null {
  const at = args.findIndex((a) => !a.startsWith('-'));
  if (at === -1) return null;
  const command = commands.find((c) => String(c.command).split(' ')[0] === args[at]);
  return command ? { at, command } : null;
}

/** `word` is a value yargs would not take: a -word, not a negative number, not `-` or `--`. */
function isDashValue(word: string | undefined, shortSwitches: Set<string>): word is string {
  if (word === undefined || !/^-[^-\d]/.test(word)) return false;
  return ![...word.slice(1)].every((letter) => shortSwitches.has(letter));
}

/** `args` with each `--value-option -word` written `--value-option=-word`; the same array when none. */
export function joinDashValues(args: readonly string[], commands: readonly CommandModule[]): readonly string[] {
  const found = commandAt(args, commands);
  if (found === null) return args;
  let options: CommandOptions | null = null;
  const joined = args.slice(0, found.at + 1);
  for (let i = found.at + 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      joined.push(...args.slice(i));
      break;
    }
    const name = /^--([^=]+)$/.exec(arg)?.[1] ?? /^-([^-=])$/.exec(arg)?.[1];
    const next = args[i + 1];
    if (name !== undefined && next?.startsWith('-')) {
      options ??= optionsOf(found.command);
      const long = options.valued.get(name);
      if (long !== undefined && isDashValue(next, options.shortSwitches)) {
        joined.push(`--${long}=${next}`);
        i++;
        continue;
      }
    }
    joined.push(arg);
  }
  return joined.length === args.length && joined.every((a, i) => a === args[i]) ? args : joined;
}

/**
 * yargs' "Not enough arguments following: out", with how to give a value starting with - when
 * one followed (`--db -q`, left to yargs above); otherwise `message` as it was.
 */
export function withDashValueHint(message: string, args: readonly string[]): string {
  const name = /^Not enough arguments following: (\S+)$/.exec(message)?.[1];
  if (name === undefined) return message;
  const flag = name.length === 1 ? `-${name}` : `--${name}`;
  const at = args.indexOf(flag);
  const next = at === -1 ? undefined : args[at + 1];
  if (next === undefined || !/^-[^-]/.test(next)) return message;
  return `${message} (${next} is read as an option; if it is the value, give ${flag}=${next})`;
}
