/**
 * yargs turns an option given twice into an array (`--db a --db b` → ['a', 'b']), which then met
 * handlers expecting a string: `out.trim is not a function`, or `no database at a,b`. Taking the
 * last one (curl's rule) would silently run against a file the user may not have meant, so an
 * option that takes one value and is given more than once is refused, in one place for every
 * command. Options declared `array: true` (--header, --include, --exclude, the seeds) keep
 * accumulating; a repeated boolean (-q -q) is no array to yargs and passes. A value given with
 * its --no- form (--proxy x --no-proxy) is refuse-negations.ts's, which runs first: "--proxy given
 * twice" read as a mistake the user had not made (QA).
 */
import { UsageError } from '../errors.js';

/** yargs middleware (run before validation): throws UsageError CRAWL_USAGE naming the first repeated single-value option. */
export function refuseRepeatedOptions(argv: Record<string, unknown>, y: unknown): void {
  // getOptions() is public in yargs but missing from @types/yargs: the command's declared options.
  const options = (y as { getOptions(): { key: Record<string, unknown>; array: string[] } }).getOptions();
  const repeatable = new Set(options.array);
  // Only the declared names: yargs also adds a camelCase twin of every --kebab-name, same array.
  for (const name of Object.keys(options.key)) {
    const value = argv[name];
    if (!Array.isArray(value) || repeatable.has(name)) continue;
    const flag = name.length === 1 ? `-${name}` : `--${name}`;
    const times = value.length === 2 ? 'twice' : `${value.length} times`;
    throw new UsageError('CRAWL_USAGE', `${flag} given ${times}; give it once`);
  }
}
