/**
 * The crawlite command line, loaded by main.ts once its Ctrl+C handler is in place: parse the
 * command line, run the command, map any error to one line and an exit code. Nothing outside cli/ exits the process. Command handlers import the pipeline lazily
 * so that `crawlite --help` loads only yargs.
 *
 * Exit codes: 0 done, 1 failed, 2 bad usage, 130 interrupted.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';
import { VERSION } from '../config/schema.js';
import { reportError } from './report-error.js';
import { keepRunningWhenOutputCloses } from './closed-output.js';
import { refuseRepeatedOptions } from './refuse-repeats.js';
import { refuseNegatedValues } from './refuse-negations.js';
import { refuseSwitchValues } from './refuse-switch-values.js';
import { refuseEmptyPaths } from './refuse-empty-paths.js';
import { expandHomePaths } from './expand-home-paths.js';
import { CRAWL_NEGATABLE } from './commands/crawl.js';
import { refuseDashQuery } from './dash-query.js';
import { joinDashValues, withDashValueHint } from './dash-values.js';
import { unknownCommandMessage } from './unknown-command.js';
import { helpCommandArgs, noCommandMessage } from './no-command.js';
import { labelOptionUnits } from './help-units.js';
import { refuseWgetBundles } from './other-tool-options.js';

/** `crawl, stats, ... or report`, from the command table, so a new command cannot be left out (search once was). */
function listCommandNames(): string {
  const names = commandNames();
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

function commandNames(): string[] {
  return commands.map((c) => String(c.command).split(' ')[0]!);
}

/**
 * --help and --version answer whatever else was typed (`crawl --help --db ''`): yargs printed them
 * and exited before these checks ran. Now that it hands their text back instead of exiting
 * (below), the checks step aside for them.
 */
function unlessHelpOrVersion<A extends unknown[]>(check: (argv: never, ...rest: A) => void): (argv: Record<string, unknown>, ...rest: A) => void {
  return (argv, ...rest) => {
    if (argv.help !== true && argv.version !== true) check(argv as never, ...rest);
  };
}

/**
 * yargs lays out the running command's whole help text as each command starts, whether or not it
 * is shown (command.js caches it for a later showHelp, which crawlite never calls): wrapped, that
 * was 90-110 ms of CPU of every crawl, export or stats (a quarter of a small crawl's start-up,
 * --cpu-prof). Laid out unwrapped it costs little, so the width is set only when help may be
 * printed; a short-flag bundle holding an h (`-qh`) counts, to err on the side of a wrapped help.
 */
function asksForHelp(argv: readonly string[]): boolean {
  return argv.some((word) => word === '--help' || word.startsWith('--help=') || /^-[a-zA-Z]*h/.test(word));
}

/**
 * Unwrapped, the cached help still cost 40-60 ms of a crawl's start (--cpu-prof: cliui measuring
 * every line's width with string-width). The cache serves only yargs' own showHelp after a
 * command's handler failed, which crawlite's fail handler (below) never reaches: it throws, and
 * --help is laid out anew (usage.help builds when nothing is cached). So the command's help is not
 * cached at all. yargs has no switch for it; its usage object is one for the parser's whole life
 * (reset returns itself), and a yargs without these internals keeps caching, as before.
 */
function skipHelpCache(cli: object): void {
  type Usage = { cacheHelpMessage?: () => void };
  const usage = (cli as { getInternalMethods?: () => { getUsageInstance?: () => Usage } }).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

async function main(typed: string[]): Promise<void> {
  // `--out -x.csv` as `--out=-x.csv`, which yargs reads; everything below sees the joined words.
  const argv = [...joinDashValues(helpCommandArgs(typed, commandNames()), commands)];
  // For every command, before anything is written: `report`'s closing line, an error line, or a
  // table after a bench may meet a stderr or stdout whose reader has gone.
  keepRunningWhenOutputCloses();
  const isDebug = argv.includes('--debug');
  const cli = yargs(argv)
    .scriptName('crawlite')
    .usage('$0 <command> [options]\n\nA concurrent web crawler whose whole result is one SQLite file.')
    .command(commands)
    // Before validation, so a repeated --format is refused as repeated, not as an invalid choice,
    // and --no-scope as an option that takes a value, not as the choice `false`.
    .middleware(unlessHelpOrVersion(refuseNegatedValues({ crawl: CRAWL_NEGATABLE })) as never, true)
    .middleware(unlessHelpOrVersion(refuseRepeatedOptions) as never, true)
    .middleware(unlessHelpOrVersion(refuseSwitchValues(argv)) as never, true)
    .middleware(unlessHelpOrVersion(refuseEmptyPaths) as never, true)
    .middleware(expandHomePaths as never, true)
    .demandCommand(1, `name a command: ${listCommandNames()}`)
    .option('debug', { type: 'boolean', describe: 'Show stack traces on errors', global: true })
    .strict()
    .recommendCommands()
    .version(VERSION)
    .alias('h', 'help')
    .alias('v', 'version')
    // A first-time user's way in: the help listed commands but no command line to start from.
    .example('$0 bench', 'Try it: crawl a generated 1,000-page site on 127.0.0.1 (no internet needed)')
    .example('$0 crawl https://example.org/ --max-pages 50', 'Crawl up to 50 pages of a site into data/crawl.db')
    .example('$0 stats', 'What data/crawl.db holds; then export, search or report it')
    .epilog('Exit codes: 0 done, 1 failed, 2 bad usage, 130 interrupted.\nDocs: README.md, and docs/ for the reference; crawlite <command> --help for each command\'s options')
    .wrap(asksForHelp(argv) ? Math.min(100, process.stdout.columns || 100) : null)
    .fail((message, err, usage) => {
      // yargs calls this for its own validation errors (message), for its parser's errors (a YError,
      // e.g. a flag missing its value) and for errors thrown by handlers (err).
      if (err && err.name !== 'YError') throw err;
      // The third argument is yargs' usage object, whose descriptions are the options of the command
      // being run: what a mistyped option is matched against (report-error.ts).
      const described = (usage as unknown as { getDescriptions?: () => Record<string, unknown> }).getDescriptions?.() ?? {};
      const said = err?.message ?? message;
      // The command typed, so the hint names its own --help.
      const command = argv.find((word) => commandNames().includes(word));
      // An option before the command: yargs asks for a command (`--hepl crawl` reads crawl as its
      // value) or, strict, names every word unknown (`--max-pages 5 https://...`).
      const isOptionFirst = said.startsWith('name a command') || (command === undefined && /^Unknown arguments?: /.test(said));
      const line = unknownCommandMessage(said, argv, commandNames(), listCommandNames())
        ?? (isOptionFirst ? noCommandMessage(argv, listCommandNames()) : null)
        ?? withDashValueHint(said, argv);
      // The words typed alone (no option before them), so a stray database path can be told from a flag.
      const words = argv.filter((word, i) => !word.startsWith('-') && (i === 0 || !argv[i - 1]!.startsWith('-') || argv[i - 1]!.includes('=')));
      throw Object.assign(new Error(line), { code: 'CRAWL_USAGE', isYargs: true, knownOptions: Object.keys(described), command, words });
    });
  skipHelpCache(cli);
  try {
    // Before yargs, which reads `search -html` as short flags, -h among them (help, exit 0).
    refuseDashQuery(argv);
    // Before yargs too, which reads wget's -nv as -n -v: the version, exit 0.
    refuseWgetBundles(argv);
    // With a callback, yargs hands over what it would print itself (--help, --version) instead of
    // printing it with console.log, which drops write errors, and exiting 0: `crawlite --help >
    // /dev/full` succeeded. Written as every command writes stdout, a failure is the same line.
    let shown = '';
    await cli.parseAsync(argv, (_err: unknown, _argv: unknown, output: string) => (shown = output));
    if (shown !== '') {
      const { writeStdout } = await import('../export/stream-backpressure.js');
      // --help's type column: [number], [bytes] or [duration] for options read as strings (help-units.ts).
      await writeStdout(`${labelOptionUnits(shown)}\n`);
    }
  } catch (err) {
    process.exitCode = reportError(err, isDebug);
  }
}

await main(hideBin(process.argv));
