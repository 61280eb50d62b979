import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crawlite } from '../helpers/cli.js';
import { readFileSync } from 'node:fs';
import { docFiles, REPO_ROOT } from '../helpers/docs.js';

/**
 * The command line and its docs agree (round 21): every option a command's --help lists is in
 * README.md or docs/*.md, every command the docs run is one crawlite has, and every crawlite option
 * the user docs name is one some command's --help lists (or the --no- form of one). The built
 * binary answers, as a user's shell would run it.
 */

/** The options a help text lists, from its option column (`  -i, --seeds-file  ...`). */
function helpOptions(help: string): string[] {
  return [...help.matchAll(/^ {2}(?:-[a-zA-Z], )? *(--[a-z][a-z-]*)/gm)].map((m) => m[1]!);
}

/** The commands the top-level help lists (`  crawlite crawl [urls..]  ...`). */
function helpCommands(help: string): string[] {
  const block = help.slice(help.indexOf('Commands:'), help.indexOf('\n\n', help.indexOf('Commands:')));
  return [...block.matchAll(/^ {2}crawlite ([a-z]+)/gm)].map((m) => m[1]!);
}

/** The other tools' options crawlite answers with its own (src/cli/other-tool-options.ts), as `--name`. */
function mappedOptions(): string[] {
  const source = readFileSync(new URL('src/cli/other-tool-options.ts', REPO_ROOT), 'utf8');
  return [...source.matchAll(/'?([a-zA-Z][a-zA-Z-]+)'?: \{ option:/g)].map((m) => `--${m[1]}`);
}

/**
 * Options of other programs the user docs name besides those crawlite maps to its own (above):
 * wget's `--no-warc-compression`, Chromium's (the report's screenshot), node's and the kill-soak
 * script's. performance.md is left out: it names the bench scripts' and V8's flags by the dozen.
 */
/** Misspelt options the docs show being answered (docs/errors.md: `crawlite --hepl`, did you mean --help?). */
const TYPOS_SHOWN = new Set(['--hepl']);

const OTHER_PROGRAMS = new Set([
  '--no-warc-compression',
  '--headless', '--screenshot', '--window-size', '--no-sandbox',
  '--heap-growing-percent', '--seed', '--rounds',
  // bench/fuzz-21.mjs's and bench/fuzz-22.mjs's own, in docs/hostile-web.md
  '--seconds', '--iterations', '--only', '--slow-ms',
  // wget's long names, quoted where errors.md explains its two-letter forms (-nv, -np, ...)
  '--no-verbose', '--no-clobber', '--no-directories', '--no-host-directories',
]);

test("every option in each command's --help is documented, and the docs name no option and no command crawlite lacks", async () => {
  const top = await crawlite(['--help']);
  assert.equal(top.code, 0, top.stderr);
  const commands = helpCommands(top.stdout);
  assert.deepEqual([...commands].sort(), ['bench', 'crawl', 'export', 'report', 'search', 'stats']);

  const options = new Set(helpOptions(top.stdout));
  const byCommand = new Map<string, string[]>();
  for (const command of commands) {
    const run = await crawlite([command, '--help']);
    assert.equal(run.code, 0, `${command} --help: ${run.stderr}`);
    byCommand.set(command, helpOptions(run.stdout));
    for (const option of byCommand.get(command)!) options.add(option);
  }
  assert.ok(byCommand.get('crawl')!.length >= 35, `crawl's options: ${byCommand.get('crawl')!.join(' ')}`);

  const docs = docFiles();
  const all = docs.map((f) => f.text).join('\n');
  const undocumented: string[] = [];
  for (const [command, listed] of byCommand) {
    // A switch on by default is documented by its --no- form (`--no-progress`).
    const named = (option: string) => new RegExp(`(?:${option}|--no-${option.slice(2)})(?![a-z-])`).test(all);
    for (const option of listed) if (!named(option)) undocumented.push(`${command} ${option}`);
  }
  assert.deepEqual(undocumented, [], 'options --help lists that no doc mentions');

  const mapped = mappedOptions();
  assert.ok(mapped.includes('--no-parent') && mapped.length >= 40, `mapped options: ${mapped.length}`);
  for (const option of mapped) OTHER_PROGRAMS.add(option);
  const unknownOptions = new Set<string>();
  const unknownCommands = new Set<string>();
  let checkedOptions = 0;
  let checkedCommands = 0;
  for (const { path, text } of docs) {
    if (path === 'docs/performance.md') continue;
    for (const m of text.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*[a-z0-9]/g)) {
      const option = m[0];
      if (option === '--no') continue; // "the `--no-` form of an option"
      checkedOptions++;
      const base = option.startsWith('--no-') ? `--${option.slice(5)}` : option;
      if (!options.has(option) && !options.has(base) && !OTHER_PROGRAMS.has(option) && !TYPOS_SHOWN.has(option)) unknownOptions.add(`${path}: ${option}`);
    }
    // `crawlite <command>` where it is a command line: in a code span or a code block's line.
    // "crawlite is ..." in prose is a sentence, and `crawlite bot` a robots.txt User-agent.
    let fence = false;
    for (const line of text.split('\n')) {
      if (line.startsWith('```')) fence = !fence;
      const runs = fence
        ? [...line.matchAll(/^(?:npx )?crawlite ([a-z][a-z-]*)/g)]
        : [...line.matchAll(/`(?:npx )?crawlite ([a-z][a-z-]*)/g)];
      for (const m of runs) {
        if (m[1] === 'bot') continue;
        checkedCommands++;
        // `crawlite help export` is `crawlite export --help` (round 22).
        if (!commands.includes(m[1]!) && m[1] !== 'help') unknownCommands.add(`${path}: crawlite ${m[1]}`);
      }
    }
  }
  assert.deepEqual([...unknownOptions], [], 'options the docs name that no --help lists');
  assert.deepEqual([...unknownCommands], [], 'commands the docs run that crawlite does not have');
  assert.ok(checkedOptions >= 300 && checkedCommands >= 50, `${checkedOptions} options, ${checkedCommands} commands checked`);
});
