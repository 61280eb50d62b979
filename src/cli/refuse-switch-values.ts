/**
 * yargs reads `--switch=<anything but true>` as false: `--json=1` printed text, `--recrawl=yes`
 * did not recrawl, `--quiet=on` was loud, all without a word (QA). A switch written with a value
 * must say true or false; any other value is refused with one line, for every command.
 */
import { UsageError } from '../errors.js';

/**
 * yargs middleware (run before validation). `raw` is the command line as typed: the parsed argv
 * no longer holds the text after `=`. Words after `--` are operands, never options.
 */
export function refuseSwitchValues(raw: readonly string[]) {
  return (_argv: unknown, y: unknown): void => {
    // getOptions() is public in yargs but missing from @types/yargs: the command's declared options.
    const switches = new Set((y as { getOptions(): { boolean: string[] } }).getOptions().boolean);
    for (const arg of raw) {
      if (arg === '--') return;
      const match = /^--([^=]+)=(.*)$/s.exec(arg);
      if (!match) continue;
      const [, name, value] = match as unknown as [string, string, string];
      const base = name.startsWith('no-') && switches.has(name.slice(3)) ? name.slice(3) : name;
      // --help and --version act before any command runs; "--no-help" would be no advice.
      if (!switches.has(base) || base === 'help' || base === 'version' || /^(?:true|false)$/i.test(value)) continue;
      throw new UsageError('CRAWL_USAGE', `--${name} is a switch and takes no value, got '${value}': give --${base} or --no-${base}`);
    }
  };
}
