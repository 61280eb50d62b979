/**
 * QA 19b: a signal while the CLI itself still loads (yargs, the command table) and parses, before
 * any command's handler: main.ts installs the crawl's early handler before loading the rest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crawlite, assertOneLineError, type Run } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';

const MARK = 'qa19b: loading the cli';

/**
 * A module hook that holds the load of dist/src/cli/cli.js (the module main.ts imports after its
 * handler, which brings in yargs and the commands) for up to 10 s, saying so on stderr first: a
 * signal sent on that line lands while the CLI loads, every time, however fast the host.
 */
function holdCliLoad(dir: string): NodeJS.ProcessEnv {
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { writeSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.endsWith('/src/cli/cli.js')) {
    writeSync(2, ${JSON.stringify(`${MARK}\n`)});
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  }
  return next(url, context);
}
`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  return { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(register).href}` };
}

function signalWhileLoading(args: string[], env: NodeJS.ProcessEnv, signal: NodeJS.Signals): Promise<Run> {
  return crawlite(args, {
    env,
    timeoutMs: 30_000,
    onSpawn: (child) => {
      let seen = '';
      child.stderr!.on('data', (d) => {
        if (seen.includes(MARK)) return;
        seen += d;
        if (seen.includes(MARK)) child.kill(signal);
      });
    },
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} while the CLI loads, before the crawl command runs: the crawl's line, exit 130 (it was killed by the signal, no line)`, async (t) => {
    const dir = tempDir(t, 'crawlite-qa19b-');
    const db = join(dir, 'c.db');
    const run = await signalWhileLoading(['crawl', 'http://127.0.0.1:9/', '--db', db, '--workers', '0'], holdCliLoad(dir), signal);
    assert.ok(run.stderr.includes(MARK), `the hook held the load: ${run.stderr}`);
    const rest = { ...run, stderr: run.stderr.replace(`${MARK}\n`, '') };
    assert.equal(run.signal, null, `ended by exit, not by the signal; stderr: ${run.stderr}`);
    assertOneLineError(rest, 130, new RegExp(`^crawlite: ${signal} received before the crawl began; nothing was written$`));
    assert.equal(existsSync(db), false, 'no database made');
  });
}

test('a signal while the CLI loads for stats ends it by the signal, as stats does later (no handler of its own): no line', async (t) => {
  const dir = tempDir(t, 'crawlite-qa19b-');
  const run = await signalWhileLoading(['stats', '--db', join(dir, 'none.db')], holdCliLoad(dir), 'SIGTERM');
  assert.ok(run.stderr.includes(MARK), `the hook held the load: ${run.stderr}`);
  assert.equal(run.signal, 'SIGTERM', `stderr: ${run.stderr}`);
  assert.equal(run.stderr.replace(`${MARK}\n`, ''), '');
});

test('bench --db under a file: the one line refusing the path, before the site is served (it said "serving 1000 generated pages" first)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa19b-');
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'notes\n');
  for (const db of [join(notes, 'x.db'), join(notes, 'a', 'x.db')]) {
    const run = await crawlite(['bench', '--db', db], { timeoutMs: 30_000 });
    assertOneLineError(run, 1, /^crawlite: cannot open database \S+: .*a file, not a folder; pass --db a writable file path .*\[CRAWL_STORE_OPEN\]$/);
    assert.doesNotMatch(run.stderr, /serving/);
  }
});
