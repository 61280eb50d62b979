/**
 * yargs reads `--no-<name>` as `<name>: false` for every option, not only booleans, and handed
 * that false on: `--no-user-agent` crashed with `value?.trim is not a function`, `--no-include`
 * became the pattern 'false' (stored, and carried to every continued run), `--no-max-depth` said
 * "invalid --max-depth 'false'". A command names the valued options whose --no- form means "none"
 * (crawl's --no-proxy, --no-max-depth, ...; config/load.ts gives each its meaning); any other
 * --no-<option> that takes a value is refused with one line, in one place for every command.
 */
import { UsageError } from '../errors.js';

type Options = { key: Record<string, unknown>; boolean: string[] };

/**
 * yargs middleware (run before validation, so `--no-scope` is not "Invalid values ... Given: false").
 * `negatable`: command name -> its valued options that have a --no- form.
 */
export function refuseNegatedValues(negatable: Readonly<Record<string, readonly string[]>>) {
  return (argv: Record<string, unknown> & { _: unknown[] }, y: unknown): void => {
    // getOptions() is public in yargs but missing from @types/yargs: the command's declared options.
    const options = (y as { getOptions(): Options }).getOptions();
    const booleans = new Set(options.boolean);
    const allowed = new Set(negatable[String(argv._[0])] ?? []);
    // Only long names: an alias (-H) holds the same value as its option (--header).
    for (const name of Object.keys(options.key)) {
      if (name.length === 1 || booleans.has(name)) continue;
      const value = argv[name];
      const values = Array.isArray(value) ? value : [value];
      if (!values.includes(false)) continue;
      if (!allowed.has(name)) throw new UsageError('CRAWL_USAGE', `there is no --no-${name}: --${name} takes a value (see --help)`);
      // A repeatable option (--include a --no-include) is an array either way; say what clashes.
      if (values.length > 1) throw new UsageError('CRAWL_USAGE', `--${name} and --no-${name} both given; give one`);
    }
  };
}
